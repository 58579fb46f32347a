import { readdir, readFile } from "node:fs/promises";
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
