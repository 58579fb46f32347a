import { randomBytes } from "node:crypto";
import { unlinkSync } from "node:fs";
import { mkdir, open, readFile, rmdir, unlink } from "node:fs/promises";
import path from "node:path";
import { processAlive } from "../workspace/processes.js";

/**
 * One pull at a time: `veille/.lock` holds "<pid> <token>" of the pull that
 * writes. A lock left by a process that no longer exists is taken over at
 * once. The file is created with O_EXCL, removed only by its owner, and a
 * stale lock is removed only if it still holds what was judged stale, which
 * keeps two pulls from both believing they hold the lock.
 */

export const LOCK_FILE = "veille/.lock";

export type LockResult =
  | { ok: true; release: () => Promise<void>; releaseSync: () => void }
  | { ok: false; pid: number };

export async function acquireLock(root: string): Promise<LockResult> {
  const file = path.join(root, LOCK_FILE);
  // The first folder mkdir created, if any: a pull that ends up writing nothing
  // leaves the workspace as it found it.
  const created = await mkdir(path.dirname(file), { recursive: true });
  const tidy = async () => {
    if (created) await rmdir(created).catch(() => undefined); // only if still empty
  };
  const content = `${process.pid} ${randomBytes(8).toString("hex")}\n`;
  const ours = async () => (await readFile(file, "utf8").catch(() => "")) === content;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const handle = await open(file, "wx");
      try {
        await handle.writeFile(content);
      } catch (error) {
        // A lock we could not fill (disk full) is not left behind, empty.
        await handle.close().catch(() => undefined);
        await unlink(file).catch(() => undefined);
        await tidy();
        throw error;
      }
      await handle.close();
      return {
        ok: true,
        release: async () => {
          if (await ours()) await unlink(file).catch(() => undefined);
          await tidy();
        },
        // For a signal handler, where nothing can be awaited.
        releaseSync: () => {
          try {
            unlinkSync(file);
          } catch {
            // already gone
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
        await tidy();
        throw error;
      }
    }
    const seen = await readFile(file, "utf8").catch(() => "");
    const pid = Number.parseInt(seen, 10);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid))
      return { ok: false, pid };
    if (seen === "" && attempt === 0) {
      // Possibly being written by a pull that has just created it: look again.
      await new Promise((resolve) => setTimeout(resolve, 50));
      continue;
    }
    // Stale: remove it, unless it changed meanwhile (another pull took it over first).
    if ((await readFile(file, "utf8").catch(() => "")) === seen)
      await unlink(file).catch(() => undefined);
  }
  return { ok: false, pid: 0 };
}
