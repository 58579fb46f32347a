import { createHash } from "node:crypto";
import { lstat, readdir, readFile, readlink } from "node:fs/promises";
import path from "node:path";

/**
 * A fingerprint of a whole folder, to prove that a command changed nothing:
 * every entry (files, folders — empty ones included — and symbolic links) by
 * its path, each file by the sha256 of its path and content.
 */
export async function treeDigest(dir: string): Promise<Record<string, string>> {
  const digest: Record<string, string> = {};
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    const full = path.join(entry.parentPath, entry.name);
    const relative = path.relative(dir, full).split(path.sep).join("/");
    const info = await lstat(full);
    if (info.isSymbolicLink()) digest[relative] = `lien → ${await readlink(full)}`;
    else if (info.isDirectory()) digest[`${relative}/`] = "dossier";
    else
      digest[relative] = createHash("sha256")
        .update(relative)
        .update("\0")
        .update(await readFile(full))
        .digest("hex");
  }
  return digest;
}

/** Words that betray an untranslated or unexpected error in what a person reads. */
export const NOT_FRENCH = [
  "Error:",
  "TypeError",
  "ReferenceError",
  "SyntaxError",
  "undefined",
  "ENOENT",
  "EACCES",
  "EROFS",
  "ENOSPC",
  "EDQUOT",
  "[object",
  "NaN",
  "erreur inattendue",
  "bogue",
];

/** What stays wrong in a message: English error words, a stack trace line, an absolute path. */
export function messageFlaws(text: string, root?: string): string[] {
  const flaws = NOT_FRENCH.filter((word) => text.includes(word));
  if (/\n\s+at /.test(text) || /^\s*at /.test(text)) flaws.push("trace de pile");
  if (root && text.includes(root)) flaws.push("chemin absolu");
  return flaws;
}

/** A small seeded generator (the simulation's mulberry32): the same seed gives the same draws. */
export { prng as seededRandom } from "../../src/scoring/simulate.js";
