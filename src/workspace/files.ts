import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { UserError } from "../errors.js";
import { resolveInside } from "./locate.js";
import { systemReason } from "./system-errors.js";

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

const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Offset of the first byte that does not belong to a valid UTF-8 sequence, or -1. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i] as number;
    if (lead < 0x80) {
      i++;
      continue;
    }
    const length =
      lead >= 0xc2 && lead <= 0xdf
        ? 2
        : lead >= 0xe0 && lead <= 0xef
          ? 3
          : lead >= 0xf0 && lead <= 0xf4
            ? 4
            : 0;
    if (length === 0 || i + length > bytes.length) return i;
    const second = bytes[i + 1] as number;
    // Overlong forms, UTF-16 surrogates and code points above U+10FFFF are not UTF-8.
    const low = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
    const high = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
    if (second < low || second > high) return i;
    for (let k = 2; k < length; k++) if (((bytes[i + k] as number) & 0xc0) !== 0x80) return i;
    i += length;
  }
  return -1;
}

/**
 * The text of a file that must be UTF-8. A file saved in Latin-1 or
 * Windows-1252 (an old editor, a spreadsheet export) is refused where its
 * first such byte is, rather than read with replacement characters.
 */
export function decodeUtf8(bytes: Uint8Array, shown: string): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    if (bytes.includes(0)) {
      throw new UserError(
        `${shown} n'est pas un fichier texte (il contient des octets binaires).`,
        {
          hint: "Restaurez-le depuis git (git checkout -- FICHIER) ou recréez-le.",
          location: { file: shown },
        },
      );
    }
    const at = Math.max(0, firstInvalidUtf8(bytes));
    const before = UTF8.decode(bytes.subarray(0, at));
    const line = before.split("\n").length;
    const column = before.length - before.lastIndexOf("\n");
    throw new UserError(
      `${shown}:${line}:${column} : caractère illisible : le fichier n'est pas enregistré en UTF-8 (sans doute en Latin-1 ou Windows-1252).`,
      {
        hint: "Enregistrez-le en UTF-8 (dans l'éditeur : « Enregistrer sous », encodage UTF-8), vérifiez les accents, puis relancez la commande.",
        location: { file: shown, line, column },
      },
    );
  }
}

/** A text file of the workspace (UTF-8 required); `undefined` when it does not exist. */
export async function readTextIfExists(
  root: string,
  relative: string,
): Promise<string | undefined> {
  try {
    return decodeUtf8(await readFile(resolveInside(root, relative)), relative);
  } catch (error) {
    if (error instanceof UserError) throw error;
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

/** The bytes of a file the user names on the command line (relative to the current folder). */
export async function readUserBytes(cwd: string, file: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path.resolve(cwd, file));
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

/**
 * A text file the user names on the command line. `utf8: "strict"` refuses
 * one that is not UTF-8 (YAML); others are read leniently.
 */
export async function readUserFile(
  cwd: string,
  file: string,
  what: string,
  options: { utf8?: "strict" } = {},
): Promise<string> {
  const bytes = await readUserBytes(cwd, file, what);
  return options.utf8 === "strict" ? decodeUtf8(bytes, file) : bytes.toString("utf8");
}

/**
 * An output file the user names (`--out`): refused when it exists, unless
 * `--force`, and checked before anything else so that `--dry-run` says so too.
 */
export async function assertFreeOutput(
  target: string,
  shown: string,
  force: boolean,
): Promise<void> {
  if (!force && (await pathExists(target))) {
    throw new UserError(`${shown} existe déjà : pile ne le remplace pas sans --force.`, {
      hint: "Ajoutez --force pour le remplacer, ou choisissez un autre fichier avec --out.",
    });
  }
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
