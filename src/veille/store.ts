import { open, readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { Item } from "./normalise.js";

/**
 * The watch store, in text files that diff well in git:
 *   veille/items/YYYY-MM.jsonl   one item per line, oldest first (month of `published`, Europe/Paris)
 *   veille/sources.json          each source's state (validators, last success, last error…)
 * Reading never takes the lock: every file is replaced atomically, so a reader
 * sees either the old or the new version.
 */

export const STORE_DIR = "veille";
export const ITEMS_DIR = "veille/items";
export const STATE_FILE = "veille/sources.json";

export interface SourceState {
  /** The source's URL when the validators were stored (a changed URL drops them). */
  url?: string;
  /** The URL that gave the validators, at the end of the redirects. */
  validatorsUrl?: string;
  etag?: string;
  lastModified?: string;
  lastSuccess?: string;
  lastError?: string;
  lastErrorReason?: string;
  consecutiveFailures: number;
  /** When the source last brought an item the store did not hold. */
  lastNewItem?: string;
  /**
   * The feed autodiscovery found on the source's page (its URL is an HTML page
   * that advertises a feed): fetched directly next time, with its validators.
   */
  feedUrl?: string;
}

export type SourcesState = Record<string, SourceState>;

const ITEM_KEYS: readonly (keyof Item)[] = [
  "id",
  "title",
  "link",
  "published",
  "dated",
  "firstSeen",
  "summary",
  "sources",
  "tags",
];

/** Two items are the same when they share a canonical link (or, without link, an id). */
export function sameItemKey(item: Pick<Item, "id" | "link">): string {
  return item.link ?? item.id;
}

/** One JSON line, keys in a fixed order. */
export function itemLine(item: Item): string {
  const ordered: Record<string, unknown> = {};
  for (const key of ITEM_KEYS) if (item[key] !== undefined) ordered[key] = item[key];
  return JSON.stringify(ordered);
}

export function monthFile(month: string): string {
  return `${ITEMS_DIR}/${month}.jsonl`;
}

export function monthText(items: readonly Item[]): string {
  return items.length === 0 ? "" : `${items.map(itemLine).join("\n")}\n`;
}

export class StoreError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
  ) {
    super(`${file}:${line}`);
  }
}

function parseLine(text: string, file: string, line: number): Item {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new StoreError(file, line);
  }
  const item = value as Item;
  if (
    !item ||
    typeof item.id !== "string" ||
    typeof item.published !== "string" ||
    Number.isNaN(Date.parse(item.published)) ||
    !Array.isArray(item.sources)
  ) {
    throw new StoreError(file, line);
  }
  return {
    ...item,
    tags: Array.isArray(item.tags) ? item.tags : [],
    summary: item.summary ?? "",
    title: item.title ?? "",
  };
}

/** Month files, oldest first (`YYYY-MM`). */
export async function storeMonths(root: string): Promise<string[]> {
  try {
    return (await readdir(path.join(root, ITEMS_DIR)))
      .filter((name) => /^\d{4}-\d{2}\.jsonl$/.test(name))
      .map((name) => name.slice(0, 7))
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

export async function readMonth(root: string, month: string): Promise<Item[]> {
  const file = monthFile(month);
  const text = await readFile(path.join(root, file), "utf8");
  return text
    .split("\n")
    .map((line, index) => ({ line, index }))
    .filter(({ line }) => line.trim() !== "")
    .map(({ line, index }) => parseLine(line, file, index + 1));
}

/** A JSON string's content without its escapes; undefined when they are invalid (`\q`). */
function unescaped(raw: string): string | undefined {
  if (!raw.includes("\\")) return raw;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return undefined;
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const CLOSING_BRACE = 0x7d;
const NEWLINE = 0x0a;
/** The layout itemLine writes, up to the key: id, title, then link or published. */
const ID_START = Buffer.from('{"id":"');
const TITLE = Buffer.from('","title":"');
const LINK = Buffer.from('","link":"');
const PUBLISHED = Buffer.from('","published":"');
/**
 * After those fields, a line edited by hand could hold another "link" or "id"
 * key, or a key spelled with escapes (`"\u006cink"`), that JSON.parse would
 * read instead: any of these sends the line to the full parse. (pile never
 * writes a string starting with an escape there: summaries are plain text.)
 */
const SUSPECT = [Buffer.from('"link"'), Buffer.from('"\\u'), Buffer.from('"id"')];
/** A second "id" only matters when the id is the key (a line without link). */
const SUSPECT_WITH_LINK = 2;

function startsWithAt(bytes: Buffer, at: number, end: number, expected: Buffer): boolean {
  return (
    at + expected.length <= end &&
    bytes.compare(expected, 0, expected.length, at, at + expected.length) === 0
  );
}

/** The index of the quote closing the JSON string that starts at `from`, before `end`, or -1. */
function closingQuote(bytes: Buffer, from: number, end: number): number {
  let quote = bytes.indexOf(QUOTE, from);
  while (quote >= 0 && quote < end) {
    let backslashes = 0;
    while (bytes[quote - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
    quote = bytes.indexOf(QUOTE, quote + 1);
  }
  return -1;
}

/**
 * Finds the key of the line bytes[start, end) when it has exactly the layout
 * itemLine writes (`{"id":…,"title":…,"link":…,"published":…` or the same
 * without link), without parsing the rest; undefined for any other layout.
 * `,"link":"` and the like cannot occur inside a JSON string (its quotes are
 * escaped), so matching them at these places reads the structure itself.
 */
class KeyScanner {
  /** The next occurrence of each SUSPECT at or after some point (searches never go back: linear). */
  private readonly next = SUSPECT.map(() => -2);

  constructor(private readonly bytes: Buffer) {}

  /** Whether one of the first `count` SUSPECT tokens occurs in bytes[from, end). */
  private suspect(from: number, end: number, count: number): boolean {
    for (let i = 0; i < count; i++) {
      let at = this.next[i] as number;
      if (at !== -1 && at < from) {
        at = this.bytes.indexOf(SUSPECT[i] as Buffer, from);
        this.next[i] = at;
      }
      if (at >= 0 && at < end) return true;
    }
    return false;
  }

  keyOf(start: number, end: number): string | undefined {
    const { bytes } = this;
    if (bytes[end - 1] !== CLOSING_BRACE || !startsWithAt(bytes, start, end, ID_START))
      return undefined;
    const idStart = start + ID_START.length;
    const idEnd = closingQuote(bytes, idStart, end);
    if (idEnd < 0 || !startsWithAt(bytes, idEnd, end, TITLE)) return undefined;
    const titleEnd = closingQuote(bytes, idEnd + TITLE.length, end);
    if (titleEnd < 0) return undefined;
    let key: [number, number];
    let rest: number;
    let suspects = SUSPECT.length;
    if (startsWithAt(bytes, titleEnd, end, LINK)) {
      const linkStart = titleEnd + LINK.length;
      const linkEnd = closingQuote(bytes, linkStart, end);
      if (linkEnd < 0 || !startsWithAt(bytes, linkEnd, end, PUBLISHED)) return undefined;
      key = [linkStart, linkEnd];
      rest = linkEnd + PUBLISHED.length;
      suspects = SUSPECT_WITH_LINK;
    } else if (startsWithAt(bytes, titleEnd, end, PUBLISHED)) {
      key = [idStart, idEnd];
      rest = titleEnd + PUBLISHED.length;
    } else {
      return undefined;
    }
    if (this.suspect(rest, end, suspects)) return undefined;
    return unescaped(bytes.toString("utf8", key[0], key[1]));
  }
}

/**
 * The key of a stored line (`sameItemKey`: its link, else its id), read from
 * its first fields when it has the layout pile writes; a line of another
 * layout (edited by hand) is parsed and checked in full.
 */
export function lineKey(text: string, file: string, line: number): string {
  const bytes = Buffer.from(text, "utf8");
  return new KeyScanner(bytes).keyOf(0, bytes.length) ?? sameItemKey(parseLine(text, file, line));
}

/**
 * Every stored item's key and the month file it is in, reading each line only
 * as far as its key (about ten times faster than parsing the items): what a
 * pull needs to know of the months it does not change.
 */
export async function readStoreKeys(
  root: string,
  months?: readonly string[],
): Promise<Map<string, string>> {
  const keys = new Map<string, string>();
  // Bytes, not text: decoding a whole month file to a string costs more than
  // finding the keys in it. One buffer serves every file (fresh memory for
  // each would cost as much as the reading).
  let buffer = Buffer.alloc(0);
  for (const month of months ?? (await storeMonths(root))) {
    const file = monthFile(month);
    const handle = await open(path.join(root, file));
    let size = 0;
    try {
      const expected = (await handle.stat()).size;
      if (buffer.length < expected + 1)
        buffer = Buffer.allocUnsafe(Math.max(expected + 1, buffer.length * 2));
      // Up to the end of the file, even if it grew since stat.
      for (;;) {
        if (size === buffer.length)
          buffer = Buffer.concat([buffer, Buffer.allocUnsafe(buffer.length)]);
        const { bytesRead } = await handle.read(buffer, size, buffer.length - size, size);
        if (bytesRead === 0) break;
        size += bytesRead;
      }
    } finally {
      await handle.close();
    }
    for (const [, key] of bytesKeys(buffer.subarray(0, size), file)) keys.set(key, month);
  }
  return keys;
}

/** `lineKey` of each non-blank line of a month file's bytes: [line number, key]. */
function* bytesKeys(bytes: Buffer, file: string): Generator<[number, string]> {
  const scanner = new KeyScanner(bytes);
  let start = 0;
  let line = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(NEWLINE, start);
    if (end < 0) end = bytes.length;
    line++;
    let key = scanner.keyOf(start, end);
    if (key === undefined) {
      const text = bytes.toString("utf8", start, end);
      if (text.trim() !== "") key = sameItemKey(parseLine(text, file, line));
    }
    if (key !== undefined) yield [line, key];
    start = end + 1;
  }
}

/**
 * The store as a pull sees it: the keys of every item, and in full only the
 * months it reads or may rewrite. Its cost grows with the store only through
 * the key scan; parsing grows with the new work.
 */
export interface StoreView {
  /** Month files present, oldest first. */
  onDisk: readonly string[];
  /** Every stored item's key, with its month. */
  keys: Map<string, string>;
  /** The months read in full. */
  months: Map<string, Item[]>;
}

/** Reads in full the months `whole` picks among those on disk, and the keys of the others. */
export async function readStoreView(
  root: string,
  whole: (onDisk: readonly string[]) => readonly string[],
): Promise<StoreView> {
  const onDisk = await storeMonths(root);
  const full = new Set(whole(onDisk).filter((month) => onDisk.includes(month)));
  const [keys, months] = await Promise.all([
    readStoreKeys(
      root,
      onDisk.filter((month) => !full.has(month)),
    ),
    readAllMonths(root, [...full]),
  ]);
  for (const [month, items] of months) for (const item of items) keys.set(sameItemKey(item), month);
  return { onDisk, keys, months };
}

/** Reads in full the months of `needed` that are on disk and not read yet. */
export async function completeStoreView(
  view: StoreView,
  root: string,
  needed: Iterable<string>,
): Promise<void> {
  const missing = [...new Set(needed)].filter(
    (month) => view.onDisk.includes(month) && !view.months.has(month),
  );
  for (const [month, items] of await readAllMonths(root, missing)) view.months.set(month, items);
}

export async function readAllMonths(
  root: string,
  months?: readonly string[],
): Promise<Map<string, Item[]>> {
  const result = new Map<string, Item[]>();
  for (const month of months ?? (await storeMonths(root)))
    result.set(month, await readMonth(root, month));
  return result;
}

export async function readState(root: string): Promise<SourcesState> {
  try {
    const value = JSON.parse(await readFile(path.join(root, STATE_FILE), "utf8")) as {
      sources?: unknown;
    };
    const sources = value?.sources ?? {};
    // A hand-edited state must not turn into nonsense (a count of "x1"): check its shape.
    if (typeof sources !== "object" || sources === null || Array.isArray(sources))
      throw new StoreError(STATE_FILE, 1);
    for (const entry of Object.values(sources as Record<string, unknown>)) {
      const failures = (entry as SourceState | null)?.consecutiveFailures;
      if (
        typeof entry !== "object" ||
        entry === null ||
        (failures !== undefined && !Number.isInteger(failures))
      ) {
        throw new StoreError(STATE_FILE, 1);
      }
    }
    return sources as SourcesState;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    if (error instanceof SyntaxError) throw new StoreError(STATE_FILE, 1);
    throw error;
  }
}

/** The state file's text: sources sorted by id, keys in a fixed order, LF, final newline. */
export function stateText(state: SourcesState): string {
  const keys: readonly (keyof SourceState)[] = [
    "url",
    "feedUrl",
    "validatorsUrl",
    "etag",
    "lastModified",
    "lastSuccess",
    "lastError",
    "lastErrorReason",
    "consecutiveFailures",
    "lastNewItem",
  ];
  const sources: Record<string, Record<string, unknown>> = {};
  for (const id of Object.keys(state).sort()) {
    const entry = state[id] as SourceState;
    const ordered: Record<string, unknown> = {};
    for (const key of keys) if (entry[key] !== undefined) ordered[key] = entry[key];
    sources[id] = ordered;
  }
  return `${JSON.stringify({ version: 1, sources }, null, 2)}\n`;
}
