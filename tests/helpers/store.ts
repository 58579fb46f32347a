import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Item } from "../../src/veille/normalise.js";

/** Watch store fixtures written by hand, as `pile veille pull` would write them. */

export interface StoreItem {
  id: string;
  title: string;
  link?: string;
  published: string;
  firstSeen: string;
  summary?: string;
  sources?: string[];
  tags?: string[];
}

/** A store line as `pile veille pull` writes it. */
export function line(item: StoreItem): string {
  return JSON.stringify({
    id: item.id,
    title: item.title,
    ...(item.link ? { link: item.link } : {}),
    published: item.published,
    dated: true,
    firstSeen: item.firstSeen,
    summary: item.summary ?? "",
    sources: item.sources ?? ["service-public-particuliers"],
    tags: item.tags ?? [],
  });
}

/** veille/items/<month>.jsonl with these lines. */
export async function writeMonth(ws: string, month: string, lines: string[]): Promise<void> {
  await mkdir(path.join(ws, "veille", "items"), { recursive: true });
  await writeFile(path.join(ws, "veille", "items", `${month}.jsonl`), `${lines.join("\n")}\n`);
}

/** A whole stored item with plain defaults, for the store's unit tests. */
export function storeItem(fields: Partial<Item> & { id: string }): Item {
  return {
    title: "Titre",
    published: "2026-11-01T10:00:00.000Z",
    dated: true,
    firstSeen: "2026-11-28T10:00:00.000Z",
    summary: "Résumé",
    sources: ["a"],
    tags: ["rep"],
    ...fields,
  };
}
