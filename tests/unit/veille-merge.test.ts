import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildIndex, mergeIntoIndex, monthItems, type StoreIndex } from "../../src/veille/merge.js";
import type { Item } from "../../src/veille/normalise.js";
import { sameItemKey } from "../../src/veille/store.js";

function item(fields: Partial<Item> & { id: string }): Item {
  return {
    title: fields.id,
    published: "2026-11-01T10:00:00.000Z",
    dated: true,
    firstSeen: "2026-11-28T10:00:00.000Z",
    summary: "",
    sources: ["a"],
    tags: [],
    ...fields,
  };
}

/** The month of `published`, in UTC: enough for these tests. */
const monthOf = (i: Item) => i.published.slice(0, 7);

function emptyIndex(): StoreIndex {
  return buildIndex(new Map());
}

describe("buildIndex", () => {
  it("indexes every stored item by link, or by id without link, with its month", () => {
    const withLink = item({ id: "a:1", link: "https://exemple.org/1" });
    const withoutLink = item({ id: "a:2" });
    const other = item({
      id: "b:3",
      link: "https://exemple.org/3",
      published: "2026-10-05T00:00:00.000Z",
    });
    const index = buildIndex(
      new Map([
        ["2026-11", [withLink, withoutLink]],
        ["2026-10", [other]],
      ]),
    );
    expect([...index.byKey.keys()].sort()).toEqual([
      "a:2",
      "https://exemple.org/1",
      "https://exemple.org/3",
    ]);
    expect(index.byKey.get("https://exemple.org/1")).toEqual({ month: "2026-11", item: withLink });
    expect(index.byKey.get("a:2")).toEqual({ month: "2026-11", item: withoutLink });
    expect(index.byKey.get("https://exemple.org/3")?.month).toBe("2026-10");
  });

  it("an empty store gives an empty index", () => {
    expect(emptyIndex().byKey.size).toBe(0);
  });
});

describe("mergeIntoIndex", () => {
  it("adds new items, counts them per source and marks their months", () => {
    const index = emptyIndex();
    const one = item({ id: "a:1", link: "https://exemple.org/1" });
    const two = item({ id: "a:2", published: "2026-10-31T23:00:00.000Z" });
    const result = mergeIntoIndex(index, [{ sourceId: "a", items: [one, two] }], monthOf);
    expect(result.added).toEqual([one, two]);
    expect(result.newBySource).toEqual(new Map([["a", 2]]));
    expect([...result.changedMonths].sort()).toEqual(["2026-10", "2026-11"]);
    expect(index.byKey.get("a:2")).toEqual({ month: "2026-10", item: two });
  });

  it("the same canonical link from two sources: one item listing both, new for both", () => {
    const index = emptyIndex();
    const fromA = item({
      id: "a:x1",
      link: "https://exemple.org/meme",
      sources: ["a"],
      tags: ["rep"],
    });
    const fromB = item({
      id: "b:autre",
      link: "https://exemple.org/meme",
      sources: ["b"],
      tags: ["rep", "textile"],
    });
    const result = mergeIntoIndex(
      index,
      [
        { sourceId: "a", items: [fromA] },
        { sourceId: "b", items: [fromB] },
      ],
      monthOf,
    );
    expect(result.newBySource).toEqual(
      new Map([
        ["a", 1],
        ["b", 1],
      ]),
    );
    expect(result.added).toHaveLength(1);
    expect(result.added[0]?.id).toBe("a:x1");
    expect([...result.changedMonths]).toEqual(["2026-11"]);
    expect(index.byKey.size).toBe(1);
    expect(monthItems(index, "2026-11")).toEqual([
      { ...fromA, sources: ["a", "b"], tags: ["rep", "textile"] },
    ]);
  });

  it("an item held before the pull: not new, its source appended once, its month marked changed", () => {
    const held = item({ id: "a:1", link: "https://exemple.org/1", sources: ["a"] });
    const index = buildIndex(new Map([["2026-09", [held]]]));
    const again = item({
      id: "b:1",
      link: "https://exemple.org/1",
      sources: ["b"],
      published: "2026-11-15T00:00:00.000Z",
    });
    const result = mergeIntoIndex(
      index,
      [
        { sourceId: "b", items: [again] },
        { sourceId: "c", items: [again] },
        { sourceId: "b", items: [again] },
      ],
      monthOf,
    );
    expect(result.added).toEqual([]);
    expect(result.newBySource).toEqual(
      new Map([
        ["b", 0],
        ["c", 0],
      ]),
    );
    // Stays in the month file it already lives in, whatever the new copy says.
    expect([...result.changedMonths]).toEqual(["2026-09"]);
    expect(index.byKey.get("https://exemple.org/1")).toEqual({
      month: "2026-09",
      item: { ...held, sources: ["a", "b", "c"] },
    });
  });

  it("an item held before and brought again by the same source changes nothing", () => {
    const held = item({ id: "a:1", sources: ["a"], tags: ["rep"] });
    const index = buildIndex(new Map([["2026-11", [held]]]));
    const result = mergeIntoIndex(
      index,
      [{ sourceId: "a", items: [{ ...held, title: "Titre modifié", tags: ["autre"] }] }],
      monthOf,
    );
    expect(result).toEqual({
      newBySource: new Map([["a", 0]]),
      added: [],
      changedMonths: new Set(),
    });
    expect(index.byKey.get("a:1")?.item).toBe(held);
  });

  it("duplicates inside one feed are counted once", () => {
    const index = emptyIndex();
    const first = item({ id: "a:1", link: "https://exemple.org/1" });
    const copy = item({ id: "a:autre", link: "https://exemple.org/1", title: "copie" });
    const result = mergeIntoIndex(index, [{ sourceId: "a", items: [first, copy, first] }], monthOf);
    expect(result.newBySource.get("a")).toBe(1);
    expect(result.added).toEqual([first]);
    expect(index.byKey.get("https://exemple.org/1")?.item).toEqual(first);
  });

  it("`added` lists each new item once, whatever the number of sources bringing it", () => {
    const index = emptyIndex();
    const shared = (source: string) =>
      item({ id: `${source}:s`, link: "https://exemple.org/partage", sources: [source] });
    const result = mergeIntoIndex(
      index,
      [
        { sourceId: "a", items: [shared("a"), item({ id: "a:seul" })] },
        { sourceId: "b", items: [shared("b")] },
        { sourceId: "c", items: [shared("c"), shared("c")] },
      ],
      monthOf,
    );
    expect(result.added.map(sameItemKey)).toEqual(["https://exemple.org/partage", "a:seul"]);
    expect(result.newBySource).toEqual(
      new Map([
        ["a", 2],
        ["b", 1],
        ["c", 1],
      ]),
    );
    expect(index.byKey.get("https://exemple.org/partage")?.item.sources).toEqual(["a", "b", "c"]);
  });

  it("an item without link is matched by id only", () => {
    const index = buildIndex(new Map([["2026-11", [item({ id: "a:1" })]]]));
    const result = mergeIntoIndex(
      index,
      [{ sourceId: "a", items: [item({ id: "a:1" }), item({ id: "a:2" })] }],
      monthOf,
    );
    expect(result.added.map((i) => i.id)).toEqual(["a:2"]);
    expect(result.newBySource.get("a")).toBe(1);
  });

  it("a source with no items is counted with 0", () => {
    const result = mergeIntoIndex(emptyIndex(), [{ sourceId: "vide", items: [] }], monthOf);
    expect(result).toEqual({
      newBySource: new Map([["vide", 0]]),
      added: [],
      changedMonths: new Set(),
    });
  });
});

describe("monthItems", () => {
  it("oldest first, then by id; only the month asked for", () => {
    const late = item({ id: "a:1", published: "2026-11-20T00:00:00.000Z" });
    const earlyB = item({ id: "b", published: "2026-11-02T00:00:00.000Z" });
    const earlyA = item({ id: "a", published: "2026-11-02T00:00:00.000Z" });
    const middle = item({ id: "0", published: "2026-11-10T00:00:00.000Z" });
    const other = item({ id: "z", published: "2026-10-01T00:00:00.000Z" });
    const index = emptyIndex();
    mergeIntoIndex(
      index,
      [{ sourceId: "a", items: [late, earlyB, other, middle, earlyA] }],
      monthOf,
    );
    expect(monthItems(index, "2026-11").map((i) => i.id)).toEqual(["a", "b", "0", "a:1"]);
    expect(monthItems(index, "2026-10").map((i) => i.id)).toEqual(["z"]);
    expect(monthItems(index, "2026-12")).toEqual([]);
  });

  it("follows the month the index gives, not the date", () => {
    const index = buildIndex(
      new Map([["2026-10", [item({ id: "x", published: "2026-11-01T00:00:00.000Z" })]]]),
    );
    expect(monthItems(index, "2026-10").map((i) => i.id)).toEqual(["x"]);
    expect(monthItems(index, "2026-11")).toEqual([]);
  });
});

describe("mergeIntoIndex: properties", () => {
  const SOURCES = ["a", "b", "c"] as const;
  const LINKS = ["https://exemple.org/1", "https://exemple.org/2", "https://exemple.org/3"];
  const arbItem = (sourceId: string) =>
    fc
      .record({
        n: fc.integer({ min: 0, max: 5 }),
        link: fc.option(fc.constantFrom(...LINKS), { nil: undefined }),
        day: fc.integer({ min: 1, max: 60 }),
        tags: fc.subarray(["rep", "textile", "insertion"]),
      })
      .map(({ n, link, day, tags }) =>
        item({
          id: `${sourceId}:${n}`,
          ...(link ? { link } : {}),
          published: new Date(Date.UTC(2026, 9, day)).toISOString(),
          sources: [sourceId],
          tags,
        }),
      );
  const arbBatches = fc.array(
    fc.constantFrom(...SOURCES).chain((sourceId) =>
      fc.record({
        sourceId: fc.constant(sourceId),
        items: fc.array(arbItem(sourceId), { maxLength: 6 }),
      }),
    ),
    { maxLength: 4 },
  );
  const arbStore = fc.array(arbItem("vieux"), { maxLength: 4 });

  function storeIndex(stored: Item[]): StoreIndex {
    const months = new Map<string, Item[]>();
    for (const stored_ of stored) {
      const month = monthOf(stored_);
      months.set(month, [...(months.get(month) ?? []), stored_]);
    }
    return buildIndex(months);
  }

  it("merging the same batches twice adds nothing the second time and changes no month", () => {
    fc.assert(
      fc.property(arbStore, arbBatches, (stored, batches) => {
        const index = storeIndex(stored);
        mergeIntoIndex(index, batches, monthOf);
        const snapshot = structuredClone([...index.byKey.entries()]);
        const second = mergeIntoIndex(index, batches, monthOf);
        expect(second.added).toEqual([]);
        expect(second.changedMonths.size).toBe(0);
        for (const count of second.newBySource.values()) expect(count).toBe(0);
        expect([...index.byKey.entries()]).toEqual(snapshot);
      }),
    );
  });

  it("the stored keys and the sources of each do not depend on the order of items in a batch", () => {
    fc.assert(
      fc.property(
        arbStore,
        arbBatches.chain((batches) =>
          fc.tuple(
            fc.constant(batches),
            fc.tuple(
              ...batches.map((b) => fc.shuffledSubarray(b.items, { minLength: b.items.length })),
            ),
          ),
        ),
        (stored, [batches, shuffled]) => {
          const reordered = batches.map((b, i) => ({
            sourceId: b.sourceId,
            items: shuffled[i] ?? [],
          }));
          const first = storeIndex(structuredClone(stored));
          const second = storeIndex(structuredClone(stored));
          const r1 = mergeIntoIndex(first, batches, monthOf);
          const r2 = mergeIntoIndex(second, reordered, monthOf);
          const summary = (index: StoreIndex) =>
            [...index.byKey.entries()]
              .map(([key, entry]) => [key, [...entry.item.sources].sort().join(",")])
              .sort();
          expect(summary(second)).toEqual(summary(first));
          expect(r2.newBySource).toEqual(r1.newBySource);
          expect(r2.added.map(sameItemKey).sort()).toEqual(r1.added.map(sameItemKey).sort());
        },
      ),
    );
  });

  it("every added item is new, and new counts never exceed a batch's distinct keys", () => {
    fc.assert(
      fc.property(arbStore, arbBatches, (stored, batches) => {
        const index = storeIndex(stored);
        const before = new Set(index.byKey.keys());
        const result = mergeIntoIndex(index, batches, monthOf);
        const addedKeys = result.added.map(sameItemKey);
        expect(new Set(addedKeys).size).toBe(addedKeys.length);
        for (const key of addedKeys) expect(before.has(key)).toBe(false);
        expect(index.byKey.size).toBe(before.size + addedKeys.length);
        for (const { sourceId } of batches) {
          const distinct = new Set(
            batches.filter((b) => b.sourceId === sourceId).flatMap((b) => b.items.map(sameItemKey)),
          );
          expect(result.newBySource.get(sourceId) ?? 0).toBeLessThanOrEqual(distinct.size);
        }
      }),
    );
  });
});
