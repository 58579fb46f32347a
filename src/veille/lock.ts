import { mkdir, open, readFile, unlink } from "node:fs/promises";
import path from "node:path";

/**
 * One pull at a time: `veille/.lock` holds the pid of the pull that writes.
 * A lock left by a process that no longer exists is taken over at once.
 */

export const LOCK_FILE = "veille/.lock";

export type LockResult = { ok: true; release: () => Promise<void> } | { ok: false; pid: number };

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export async function acquireLock(root: string): Promise<LockResult> {
  const file = path.join(root, LOCK_FILE);
  await mkdir(path.dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(file, "wx");
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return { ok: true, release: () => unlink(file).catch(() => undefined) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const pid = Number.parseInt(await readFile(file, "utf8").catch(() => ""), 10);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid))
      return { ok: false, pid };
    // Stale (or unreadable, half-written by a killed pull): take it over.
    await unlink(file).catch(() => undefined);
  }
  return { ok: false, pid: 0 };
}
