import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { z } from "zod";
import { UserError } from "../errors.js";
import { resolveInside } from "./locate.js";
import { systemReason } from "./system-errors.js";
import { type ParseResult, parseYamlText } from "./yaml-file.js";

/** Reading workspace files, with French errors that name the file. */

/** Whether something (file, folder) exists at this absolute path; other failures (permissions) are thrown. */
export async function pathExists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return false;
    throw error;
  }
}

export async function readTextIfExists(
  root: string,
  relative: string,
): Promise<string | undefined> {
  try {
    return await readFile(resolveInside(root, relative), "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    if (code === "EISDIR") {
      throw new UserError(`${relative} est un dossier, pas un fichier.`);
    }
    if (code === "EACCES" || code === "EPERM") {
      throw new UserError(`Impossible de lire ${relative} : permission refusée.`, {
        hint: "Vérifiez les droits sur ce fichier.",
      });
    }
    throw error;
  }
}

/** A file the user names on the command line (relative to the current folder). */
export async function readUserFile(cwd: string, file: string, what: string): Promise<string> {
  try {
    return await readFile(path.resolve(cwd, file), "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(
      code === "ENOENT"
        ? `${what} introuvable : ${file}.`
        : `Impossible de lire ${file} : ${systemReason(error)}.`,
      { hint: "Vérifiez le chemin." },
    );
  }
}

/** Parses a YAML file of the workspace; `undefined` when it does not exist. */
export async function readYamlFile<S extends z.ZodType>(
  root: string,
  relative: string,
  schema: S,
): Promise<ParseResult<z.infer<S>> | undefined> {
  const text = await readTextIfExists(root, relative);
  if (text === undefined) return undefined;
  return parseYamlText(text, relative, schema);
}

/** Text files under a folder, by path relative to it (hidden entries skipped). */
export async function readTextTree(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const parent = entry.parentPath;
    const full = path.join(parent, entry.name);
    const relative = path.relative(dir, full).split(path.sep).join("/");
    if (relative.split("/").some((part) => part.startsWith("."))) continue;
    if (!/\.(md|ya?ml|txt|csv)$/i.test(entry.name)) continue;
    files.set(relative, await readFile(full, "utf8"));
  }
  return files;
}
