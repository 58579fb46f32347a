import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

/**
 * Parsed YAML kept between runs, outside the workspace. The yaml library runs
 * cold in a short-lived process: a feeds.yaml of a few hundred lines takes
 * 60–90 ms to parse at every watch command, where reading back its parsed form
 * takes under a millisecond.
 *
 * - Keyed by a hash of the text (and of the format of this cache): an edited
 *   file is simply another entry; nothing can be stale.
 * - It holds the plain data as YAML gave it, before pile's checks: the caller
 *   still validates it, so a stricter pile never trusts an old entry; any
 *   problem goes back through the full parse, which locates it (file:line).
 * - Only data that JSON keeps exactly is stored (no .inf, .nan or -0).
 * - Where: $PILE_CACHE_DIR, else $XDG_CACHE_HOME/pile, else ~/.cache/pile;
 *   PILE_CACHE_DIR=off turns it off. Any failure to read or write it is
 *   ignored: the cache can only save time, never fail a command.
 */

const FORMAT = "yaml-1.2-core-data/1";
/** Entries kept at most (each is one version of a file); the oldest go first. */
const MAX_ENTRIES = 64;

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const chosen = env.PILE_CACHE_DIR;
  if (chosen !== undefined) return chosen === "" || chosen === "off" ? undefined : chosen;
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return path.join(base, "pile");
}

function entryFile(dir: string, text: string): string {
  const key = createHash("sha256").update(`${FORMAT}\n${text}`).digest("hex");
  return path.join(dir, "yaml", `${key}.json`);
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
    return JSON.parse(await readFile(entryFile(dir, text), "utf8")) as unknown;
  } catch {
    return undefined;
  }
}

/** Stores the data parsed from this text (atomically), then drops the oldest entries. */
export async function rememberParsedYaml(
  text: string,
  data: unknown,
  dir: string | undefined,
): Promise<void> {
  if (!dir || !jsonExact(data)) return;
  const file = entryFile(dir, text);
  const temp = `${file}.${process.pid}.tmp`;
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(temp, JSON.stringify(data));
    await rename(temp, file);
    await prune(path.dirname(file));
  } catch {
    await unlink(temp).catch(() => undefined);
  }
}

async function prune(folder: string): Promise<void> {
  const names = (await readdir(folder)).filter((name) => name.endsWith(".json"));
  if (names.length <= MAX_ENTRIES) return;
  const dated = await Promise.all(
    names.map(async (name) => ({
      name,
      time: (await stat(path.join(folder, name)).catch(() => undefined))?.mtimeMs ?? 0,
    })),
  );
  dated.sort((a, b) => a.time - b.time);
  for (const { name } of dated.slice(0, dated.length - MAX_ENTRIES))
    await unlink(path.join(folder, name)).catch(() => undefined);
}
