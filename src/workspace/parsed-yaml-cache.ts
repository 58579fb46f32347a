import { createHash, randomBytes } from "node:crypto";
import { lstat, mkdir, readdir, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { packageInfo } from "../package-info.js";

/**
 * Parsed YAML kept between runs, outside the workspace. The yaml library runs
 * cold in a short-lived process: a feeds.yaml of a few hundred lines takes
 * 60–90 ms to parse at every watch command, where reading back its parsed form
 * takes under a millisecond.
 *
 * - Keyed by a hash of the text, of pile's and the yaml library's versions and
 *   of the format of this cache: an edited file, or another pile, is simply
 *   another entry.
 * - It holds the plain data as YAML gave it, before pile's checks: the caller
 *   still validates it, and any problem goes back through the full parse,
 *   which locates it (file:line).
 * - Only data that JSON keeps exactly is stored (no .inf, .nan or -0).
 * - Where: $PILE_CACHE_DIR, else $XDG_CACHE_HOME/pile, else ~/.cache/pile
 *   (absolute paths only, a relative one is ignored); PILE_CACHE_DIR=off turns
 *   it off. The folder is private (0700) and must stay so: one that another
 *   user owns, or that others may write to, is not used, since its entries
 *   decide which addresses a pull fetches.
 * - Any failure to read or write it is ignored: the cache can only save time,
 *   never fail a command.
 */

const FORMAT = "yaml-1.2-core-data/2";
/** Entries kept at most (each is one version of a file); the oldest written go first. */
const MAX_ENTRIES = 64;

export function cacheDir(env: Record<string, string | undefined>): string | undefined {
  const chosen = env.PILE_CACHE_DIR;
  if (chosen === "off" || chosen === "") return undefined;
  if (chosen && path.isAbsolute(chosen)) return chosen;
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, "pile");
  const home = [env.HOME, os.homedir()].find((dir) => dir && path.isAbsolute(dir));
  return home ? path.join(home, ".cache", "pile") : undefined;
}

let versions: string | undefined;

/** What else than the text decides what the parse gives. */
function parserVersions(): string {
  if (versions === undefined) {
    let yaml = "?";
    try {
      yaml = (createRequire(import.meta.url)("yaml/package.json") as { version: string }).version;
    } catch {
      // Unknown: entries are then keyed by pile's version alone.
    }
    versions = `pile ${packageInfo().version}, yaml ${yaml}`;
  }
  return versions;
}

function entryFile(folder: string, text: string): string {
  const key = createHash("sha256").update(`${FORMAT}\n${parserVersions()}\n${text}`).digest("hex");
  return path.join(folder, `${key}.json`);
}

/** The entries' folder, if it is this user's alone (created so when missing). */
async function privateFolder(dir: string, create: boolean): Promise<string | undefined> {
  const folder = path.join(dir, "yaml");
  if (create) await mkdir(folder, { recursive: true, mode: 0o700 });
  // lstat: a symbolic link in its place is not this user's folder.
  const info = await lstat(folder);
  const mine = typeof process.getuid !== "function" || info.uid === process.getuid();
  return info.isDirectory() && mine && (info.mode & 0o022) === 0 ? folder : undefined;
}

/** Whether JSON gives this value back exactly. */
export function jsonExact(value: unknown): boolean {
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) return value.every(jsonExact);
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype)
    return Object.values(value as object).every(jsonExact);
  return false;
}

/** The data stored for this text in the cache folder `dir` (none: off), or undefined. */
export async function readParsedYaml(text: string, dir: string | undefined): Promise<unknown> {
  if (!dir) return undefined;
  try {
    const folder = await privateFolder(dir, false);
    if (!folder) return undefined;
    return JSON.parse(await readFile(entryFile(folder, text), "utf8")) as unknown;
  } catch {
    return undefined;
  }
}

/** Stores the data parsed from this text (atomically, private), then drops the oldest entries. */
export async function rememberParsedYaml(
  text: string,
  data: unknown,
  dir: string | undefined,
): Promise<void> {
  if (!dir || !jsonExact(data)) return;
  let temp: string | undefined;
  try {
    const folder = await privateFolder(dir, true);
    if (!folder) return;
    const file = entryFile(folder, text);
    temp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
    // "wx": never through a file or link already there.
    await writeFile(temp, JSON.stringify(data), { flag: "wx", mode: 0o600 });
    await rename(temp, file);
    temp = undefined;
    await prune(folder);
  } catch {
    if (temp) await unlink(temp).catch(() => undefined);
  }
}

/** Keeps the newest entries; also removes temporary files a killed run left (over an hour old). */
async function prune(folder: string): Promise<void> {
  const names = await readdir(folder);
  const now = Date.now();
  for (const name of names.filter((n) => n.endsWith(".tmp"))) {
    const info = await stat(path.join(folder, name)).catch(() => undefined);
    if (info && now - info.mtimeMs > 3_600_000)
      await unlink(path.join(folder, name)).catch(() => undefined);
  }
  const entries = names.filter((name) => name.endsWith(".json"));
  if (entries.length <= MAX_ENTRIES) return;
  const dated = await Promise.all(
    entries.map(async (name) => ({
      name,
      time: (await stat(path.join(folder, name)).catch(() => undefined))?.mtimeMs ?? 0,
    })),
  );
  dated.sort((a, b) => a.time - b.time);
  for (const { name } of dated.slice(0, dated.length - MAX_ENTRIES))
    await unlink(path.join(folder, name)).catch(() => undefined);
}
