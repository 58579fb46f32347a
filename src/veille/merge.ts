import { type Item, oldestFirst } from "./normalise.js";
import { sameItemKey } from "./store.js";

/**
 * Merging freshly fetched items into the store, in memory. An item already
 * held (same canonical link, or same id without link) is stored once and
 * lists every source that brought it. Pure.
 */

export interface StoreIndex {
  /** Items by key, each with the month file it lives in. */
  byKey: Map<string, { month: string; item: Item }>;
}

export interface MergeResult {
  /** Items the store did not hold before this pull, by source (an item brought by two sources counts for both). */
  newBySource: Map<string, number>;
  /** Items added to the store. */
  added: Item[];
  /** Months whose file must be rewritten. */
  changedMonths: Set<string>;
}

export function buildIndex(months: ReadonlyMap<string, readonly Item[]>): StoreIndex {
  const byKey = new Map<string, { month: string; item: Item }>();
  for (const [month, items] of months)
    for (const item of items) byKey.set(sameItemKey(item), { month, item });
  return { byKey };
}

/**
 * Adds each source's items to the index (mutating it) and says what changed.
 * `monthOf` gives the month file of a new item.
 */
export function mergeIntoIndex(
  index: StoreIndex,
  batches: readonly { sourceId: string; items: readonly Item[] }[],
  monthOf: (item: Item) => string,
): MergeResult {
  const heldBefore = new Set(index.byKey.keys());
  const result: MergeResult = { newBySource: new Map(), added: [], changedMonths: new Set() };
  for (const { sourceId, items } of batches) {
    let fresh = 0;
    const seenInBatch = new Set<string>();
    for (const item of items) {
      const key = sameItemKey(item);
      // A feed listing the same entry twice brings it once.
      if (seenInBatch.has(key)) continue;
      seenInBatch.add(key);
      if (!heldBefore.has(key)) fresh++;
      const held = index.byKey.get(key);
      if (held) {
        if (!held.item.sources.includes(sourceId)) {
          held.item = {
            ...held.item,
            sources: [...held.item.sources, sourceId],
            tags: [...new Set([...held.item.tags, ...item.tags])],
          };
          index.byKey.set(key, held);
          result.changedMonths.add(held.month);
        }
        continue;
      }
      const month = monthOf(item);
      index.byKey.set(key, { month, item });
      result.added.push(item);
      result.changedMonths.add(month);
    }
    result.newBySource.set(sourceId, fresh);
  }
  return result;
}

/** The items of one month, in the stable order of its file: oldest first, then by id. */
export function monthItems(index: StoreIndex, month: string): Item[] {
  return [...index.byKey.values()]
    .filter((entry) => entry.month === month)
    .map((entry) => entry.item)
    .sort(oldestFirst);
}
