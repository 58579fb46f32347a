import { randomBytes } from "node:crypto";
import {
  chmod,
  link,
  mkdir,
  open,
  readdir,
  realpath,
  rename,
  rm,
  rmdir,
  stat,
  unlink,
} from "node:fs/promises";
import path from "node:path";
import { UserError } from "../errors.js";
import { pathExists } from "./files.js";
import { resolveInside } from "./locate.js";
import { processAlive } from "./processes.js";
import { systemReason } from "./system-errors.js";

/**
 * Writes are planned first (pure code builds a list of PlannedWrite), then
 * applied here: every file goes to a temporary file beside its target, then is
 * moved into place. A new file is linked into place, which fails if a file
 * appeared meanwhile, so nothing is ever overwritten by a "create". If any step
 * fails, what this call already did is undone.
 */

export interface PlannedWrite {
  /** Path relative to the workspace root, with forward slashes. */
  path: string;
  content: string;
  /** create: must not exist; replace: updates a file the command has just read. */
  mode: "create" | "replace";
}

function tempName(target: string): string {
  return path.join(
    path.dirname(target),
    `.${path.basename(target)}.pile-${process.pid}-${randomBytes(4).toString("hex")}.tmp`,
  );
}

async function writeDurably(file: string, content: string): Promise<void> {
  const handle = await open(file, "wx", 0o644);
  try {
    await handle.writeFile(content, "utf8");
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Creates missing parent folders and returns those it created, deepest last. */
async function ensureDir(dir: string, created: string[]): Promise<void> {
  if (await pathExists(dir)) return;
  await ensureDir(path.dirname(dir), created);
  await mkdir(dir);
  created.push(dir);
}

/**
 * The path check of resolveInside looks at the text only; a symbolic link in
 * the workspace could still lead elsewhere. The real folder must be inside too.
 */
async function assertRealInside(root: string, dir: string, shown: string): Promise<void> {
  const [realRoot, realDir] = await Promise.all([realpath(root), realpath(dir)]);
  if (realDir !== realRoot && !realDir.startsWith(realRoot + path.sep)) {
    throw new UserError(
      `Chemin refusé : ${shown} mènerait hors de l'espace de travail (lien symbolique).`,
      {
        hint: "Remplacez le lien symbolique par un vrai dossier.",
      },
    );
  }
}

export function writeFailure(error: unknown, shown: string): UserError {
  const code = (error as NodeJS.ErrnoException).code;
  const why =
    code === "EACCES" || code === "EPERM"
      ? "permission refusée (dossier en lecture seule ?)"
      : code === "EEXIST"
        ? "le fichier est apparu entre-temps"
        : systemReason(error);
  return new UserError(`Impossible d'écrire ${shown} : ${why}. Rien n'a été modifié.`, {
    hint: "Vérifiez les droits et la place disponible, puis relancez la commande.",
    exitCode: code === "EEXIST" ? 2 : 1,
    cause: error,
  });
}

export async function applyWrites(root: string, writes: readonly PlannedWrite[]): Promise<void> {
  const targets = writes.map((write) => ({ write, target: resolveInside(root, write.path) }));
  for (const { write, target } of targets) {
    if (write.mode === "create" && (await pathExists(target))) {
      throw new UserError(`${write.path} existe déjà : pile ne l'écrase jamais.`, {
        hint: "Renommez ou déplacez ce fichier si vous voulez vraiment le régénérer.",
      });
    }
  }

  const createdDirs: string[] = [];
  const temps: string[] = [];
  const placed: string[] = [];
  const replaced: { target: string; backup: string }[] = [];
  let current = "";
  try {
    const staged: { write: PlannedWrite; target: string; temp: string }[] = [];
    for (const { write, target } of targets) {
      current = write.path;
      await ensureDir(path.dirname(target), createdDirs);
      await assertRealInside(root, path.dirname(target), write.path);
      const temp = tempName(target);
      // Registered before writing, so that a failed write (disk full) is cleaned up too.
      temps.push(temp);
      await writeDurably(temp, write.content);
      staged.push({ write, target, temp });
    }
    // Creates first, replaces last: a failed create leaves existing files untouched.
    const ordered = [
      ...staged.filter((s) => s.write.mode === "create"),
      ...staged.filter((s) => s.write.mode === "replace"),
    ];
    for (const { write, target, temp } of ordered) {
      current = write.path;
      if (write.mode === "create") {
        await link(temp, target);
        placed.push(target);
        await unlink(temp);
      } else {
        const backup = tempName(target);
        // Keep the permissions a person gave the file (a read-only study.yaml stays read-only).
        const mode = await stat(target).then(
          (info) => info.mode & 0o777,
          () => undefined,
        );
        if (mode !== undefined) await chmod(temp, mode);
        // A backup to restore if a later step fails; only a file that is not there yet has none.
        try {
          await link(target, backup);
          replaced.push({ target, backup });
        } catch (linkError) {
          if ((linkError as NodeJS.ErrnoException).code !== "ENOENT") throw linkError;
        }
        await rename(temp, target);
      }
      temps.splice(temps.indexOf(temp), 1);
    }
  } catch (error) {
    for (const temp of temps) await rm(temp, { force: true });
    for (const target of placed) await rm(target, { force: true });
    for (const { target, backup } of replaced) {
      await rename(backup, target).catch(() => undefined);
      // rename() does nothing when both names are links to the same file (the replace
      // that failed had not happened yet): the backup would stay behind.
      await rm(backup, { force: true });
    }
    for (const dir of createdDirs.reverse()) await rmdir(dir).catch(() => undefined);
    if (error instanceof UserError) throw error;
    throw writeFailure(error, current);
  }
  for (const { backup } of replaced) await rm(backup, { force: true });
}

/**
 * Creates a whole new folder at once: its files are written into a hidden
 * staging folder beside it, which is then renamed into place. A crash leaves at
 * most a hidden `.…pile-….tmp` folder, never a half-made dossier.
 */
export async function createDirectory(
  root: string,
  dir: string,
  files: readonly { path: string; content: string }[],
): Promise<void> {
  const target = resolveInside(root, dir);
  if (await pathExists(target)) {
    throw new UserError(`${dir} existe déjà : pile ne l'écrase jamais.`, {
      hint: "Choisissez un autre titre, ou supprimez ce dossier vous-même s'il est vraiment à refaire.",
    });
  }
  const createdDirs: string[] = [];
  const staging = tempName(target);
  let current = dir;
  try {
    await ensureDir(path.dirname(target), createdDirs);
    await assertRealInside(root, path.dirname(target), dir);
    await mkdir(staging);
    for (const file of files) {
      current = `${dir}/${file.path}`;
      const inside = resolveInside(staging, file.path);
      await mkdir(path.dirname(inside), { recursive: true });
      await writeDurably(inside, file.content);
    }
    current = dir;
    if (await pathExists(target)) throw Object.assign(new Error("exists"), { code: "EEXIST" });
    // rename() replaces an empty folder that appeared meanwhile, but fails on a
    // non-empty one, so an existing dossier is never touched.
    await rename(staging, target);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    for (const created of createdDirs.reverse()) await rmdir(created).catch(() => undefined);
    if (error instanceof UserError) throw error;
    throw writeFailure(error, current);
  }
}

/** `.name.pile-<pid>-<hex>.tmp`: the temporary files applyWrites makes beside their targets. */
const TEMP_NAME = /^\..+\.pile-(\d+)-[0-9a-f]+\.tmp$/;

/**
 * Removes, in one folder, the temporary files a killed process left behind
 * (never those of a process still running), so that they are not committed.
 */
export async function removeStaleTemps(dir: string): Promise<number> {
  let removed = 0;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    const match = TEMP_NAME.exec(name);
    if (!match) continue;
    const pid = Number(match[1]);
    const alive = pid === process.pid || processAlive(pid);
    if (alive) continue;
    await rm(path.join(dir, name), { recursive: true, force: true });
    removed++;
  }
  return removed;
}
