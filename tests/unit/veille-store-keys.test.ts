import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Item } from "../../src/veille/normalise.js";
import {
  completeStoreView,
  itemLine,
  lineKey,
  monthFile,
  monthText,
  readAllMonths,
  readMonth,
  readStoreKeys,
  readStoreView,
  StoreError,
  sameItemKey,
} from "../../src/veille/store.js";
import { storeItem } from "../helpers/store.js";

/**
 * The key scan of the store (lineKey, readStoreKeys) and the partial view a
 * pull reads (readStoreView, completeStoreView).
 */

const item = storeItem;

/** What a full parse of the line says its key is (the reference lineKey must agree with). */
function parsedKey(text: string): string {
  return sameItemKey(JSON.parse(text) as Item);
}

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

// Pieces that could fool a scan for `,"link":"` or for the end of a JSON
// string: quotes, backslashes, the structural text itself, escapes, lone
// surrogates (escaped by JSON.stringify), control characters, astral symbols.
const TRICKY_PIECES = [
  '"',
  "\\",
  ",",
  ":",
  "{",
  "}",
  "[",
  "]",
  "l",
  "i",
  "n",
  "k",
  "d",
  " ",
  "/",
  "u",
  "é",
  "€",
  "😀",
  "\ud800",
  "\udfff",
  "\n",
  "\u0000",
  "\u001f",
  "\u2028",
  ',"link":"',
  '"}',
  '\\"',
  "\\\\",
  '{"id":"',
  '","link":"',
  '"link":',
  "\\u0022",
];

const tricky = fc.string({
  unit: fc.oneof(
    { arbitrary: fc.constantFrom(...TRICKY_PIECES), weight: 5 },
    { arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }), weight: 1 },
  ),
  maxLength: 12,
});

const isoDate = fc
  .date({
    min: new Date("1970-01-01T00:00:00.000Z"),
    max: new Date("2100-12-31T23:59:59.999Z"),
    noInvalidDate: true,
  })
  .map((date) => date.toISOString());

const anyItem: fc.Arbitrary<Item> = fc
  .record({
    id: tricky,
    title: tricky,
    link: fc.option(fc.oneof(tricky, fc.webUrl({ withQueryParameters: true })), {
      nil: undefined,
      freq: 2,
    }),
    published: isoDate,
    dated: fc.boolean(),
    firstSeen: isoDate,
    summary: tricky,
    sources: fc.array(tricky, { maxLength: 3 }),
    tags: fc.array(tricky, { maxLength: 3 }),
  })
  .map(({ link, ...rest }) => (link === undefined ? rest : { ...rest, link }));

describe("lineKey", () => {
  it("the generator of the property really brings the tricky text, often", () => {
    const items = fc.sample(anyItem, { numRuns: 2000, seed: 42 });
    const share = (test: (i: Item) => boolean) => items.filter(test).length / items.length;
    const text = (i: Item) => `${i.id}${i.title}${i.summary}`;
    expect(share((i) => text(i).includes(',"link":"'))).toBeGreaterThan(0.3);
    expect(share((i) => text(i).includes('"}'))).toBeGreaterThan(0.3);
    expect(share((i) => i.id.includes('"'))).toBeGreaterThan(0.3);
    expect(share((i) => i.id.includes("\\"))).toBeGreaterThan(0.3);
    expect(share((i) => i.link !== undefined)).toBeGreaterThan(0.3);
    expect(share((i) => i.link === undefined)).toBeGreaterThan(0.3);
    expect(share((i) => (i.link ?? "").includes('"'))).toBeGreaterThan(0.1);
    // Lone surrogates (with the u flag, a pair is one code point and does not match).
    expect(share((i) => /[\ud800-\udfff]/u.test(text(i)))).toBeGreaterThan(0.1);
    expect(share((i) => i.sources.length > 0 && i.tags.length > 0)).toBeGreaterThan(0.3);
    for (const i of items) expect(Number.isNaN(Date.parse(i.published))).toBe(false);
  });

  it("the key read from a line pile writes is the item's key, whatever its text (property)", () => {
    fc.assert(
      fc.property(anyItem, (value) => {
        const text = itemLine(value);
        expect(lineKey(text, "f", 1)).toBe(sameItemKey(value));
        expect(lineKey(text, "f", 1)).toBe(parsedKey(text));
      }),
      { numRuns: 4000 },
    );
  });

  it("a valid line with its keys in any order is keyed as a full parse keys it (property)", () => {
    const keyOrder = fc.shuffledSubarray(
      ["id", "title", "link", "published", "dated", "firstSeen", "summary", "sources", "tags"],
      { minLength: 9, maxLength: 9 },
    );
    fc.assert(
      fc.property(anyItem, keyOrder, fc.boolean(), (value, order, spaced) => {
        const ordered: Record<string, unknown> = {};
        for (const key of order) {
          const field = value[key as keyof Item];
          if (field !== undefined) ordered[key] = field;
        }
        const compact = JSON.stringify(ordered);
        // Spaces after colons and commas, outside the strings: re-stringify each value.
        const text = spaced
          ? `{${Object.entries(ordered)
              .map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`)
              .join(", ")}}`
          : compact;
        expect(lineKey(text, "f", 1)).toBe(sameItemKey(value));
      }),
      { numRuns: 2000 },
    );
  });

  const base = {
    id: "a:1",
    title: 'Un "titre", avec ,"link":"piège" et "}',
    link: "https://exemple.org/1",
    published: "2026-11-01T10:00:00.000Z",
    dated: true,
    firstSeen: "2026-11-28T10:00:00.000Z",
    summary: "\\",
    sources: ["a"],
    tags: [],
  };
  const { link: _link, ...noLink } = base;

  it.each([
    ["pile's own shape", itemLine(base as Item), "https://exemple.org/1"],
    ["pile's own shape, no link", itemLine(noLink as Item), "a:1"],
    [
      "keys in another order",
      JSON.stringify({
        published: base.published,
        sources: base.sources,
        link: base.link,
        id: "a:1",
      }),
      "https://exemple.org/1",
    ],
    [
      "link before id",
      `{"link":"https://exemple.org/1","id":"a:1","published":"2026-11-01T10:00:00.000Z","sources":[]}`,
      "https://exemple.org/1",
    ],
    [
      "spaces after the colons",
      `{"id": "a:1", "link": "https://exemple.org/1", "published": "2026-11-01T10:00:00.000Z", "sources": []}`,
      "https://exemple.org/1",
    ],
    [
      "spaces, no link",
      `{ "id" : "a:1" , "published" : "2026-11-01T10:00:00.000Z" , "sources" : [ ] }`,
      "a:1",
    ],
    [
      "id first, link escaped with \\u",
      `{"id":"a:1","link":"https://exemple.org/\\u00e9t\\u00e9","published":"2026-11-01","sources":[]}`,
      "https://exemple.org/été",
    ],
    [
      "id first, a quote and a backslash in the link",
      `{"id":"a:1","link":"https://exemple.org/\\"x\\\\","published":"2026-11-01","sources":[]}`,
      'https://exemple.org/"x\\',
    ],
    [
      'id first, ,"link": only in a title',
      `{"id":"a:1","title":"x\\",\\"link\\":\\"faux","published":"2026-11-01","sources":[]}`,
      "a:1",
    ],
    [
      "id first, a null link",
      `{"id":"a:1","link":null,"published":"2026-11-01T10:00:00.000Z","sources":[]}`,
      "a:1",
    ],
    [
      "trailing spaces after the brace",
      `{"id":"a:1","link":"https://exemple.org/1","published":"2026-11-01","sources":[]}   `,
      "https://exemple.org/1",
    ],
    ["an empty id, no link", `{"id":"","published":"2026-11-01T10:00:00.000Z","sources":[]}`, ""],
    // Found by review: pile's layout up to the key, then a key JSON.parse reads instead.
    [
      "pile's layout, no link, a second id at the end",
      `{"id":"a","title":"t","published":"2026-11-01T10:00:00.000Z","sources":[],"id":"b"}`,
      "b",
    ],
    [
      "pile's layout, a link key spelled with an escape at the end",
      `{"id":"a","title":"t","link":"x","published":"2026-11-01T10:00:00.000Z","sources":[],"\u006cink":"y"}`,
      "y",
    ],
    [
      "pile's layout, no link, a link key spelled with an escape at the end",
      `{"id":"a","title":"t","published":"2026-11-01T10:00:00.000Z","sources":[],"\u006cink":"y"}`,
      "y",
    ],
  ])("a line of another shape is keyed right (%s)", (_what, text, key) => {
    expect(lineKey(text, "f", 1)).toBe(key);
    expect(lineKey(text, "f", 1)).toBe(parsedKey(text));
  });

  it.each([
    ["truncated JSON", itemLine(base as Item).slice(0, 40)],
    ["not JSON", "bonjour"],
    ["not JSON between braces", "{bonjour}"],
    ["an array", '["a:1"]'],
    ["null", "null"],
    ["missing id", `{"title":"x","published":"2026-11-01T10:00:00.000Z","sources":[]}`],
    ["id not a string", `{"id":1,"published":"2026-11-01T10:00:00.000Z","sources":[]}`],
    [
      "published not a date (not pile's shape)",
      `{"id": "x", "published": "pas une date", "sources": []}`,
    ],
    ["no sources (not pile's shape)", `{"published":"2026-11-01T10:00:00.000Z","id":"x"}`],
    ['{"id":"x" without closing brace', '{"id":"x"'],
    ["an id string never closed", '{"id":"abc}'],
    ["an id string whose last quote is escaped", '{"id":"a\\"}'],
  ])("an invalid line (%s) throws a StoreError with its file and line", (_what, text) => {
    const error = thrown(() => lineKey(text, "veille/items/2026-11.jsonl", 7));
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ file: "veille/items/2026-11.jsonl", line: 7 });
  });

  // The fast path decodes the key's escapes itself: a bad escape there (a hand
  // edit) is a damaged line like any other, not an unexpected SyntaxError.
  it.each([
    ["in the link", `{"id":"a","link":"https://x.org/\\q","published":"2026-11-01","sources":[]}`],
    ["in the id, no link", `{"id":"a\\q","published":"2026-11-01","sources":[]}`],
    ["a cut \\u escape in the link", `{"id":"a","link":"https://x.org/\\u12","sources":[]}`],
  ])("a bad escape in the key on pile's shape (%s) is a StoreError", (_what, text) => {
    expect(text.startsWith('{"id":"') && text.endsWith("}")).toBe(true);
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    const error = thrown(() => lineKey(text, "veille/items/2026-11.jsonl", 7));
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ file: "veille/items/2026-11.jsonl", line: 7 });
  });
});

describe("the key scan on disk", () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), "pile-veille-keys-"));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function put(month: string, text: string): Promise<void> {
    await mkdir(path.dirname(path.join(root, monthFile(month))), { recursive: true });
    await writeFile(path.join(root, monthFile(month)), text);
  }

  const march = [
    item({ id: "a:1", link: "https://exemple.org/1", published: "2025-03-02T10:00:00.000Z" }),
    item({ id: 'a:"2"', title: ',"link":"faux"}', published: "2025-03-05T10:00:00.000Z" }),
  ];
  const october = [
    item({ id: "b:1", link: 'https://exemple.org/"o"', published: "2026-10-01T10:00:00.000Z" }),
  ];
  const november = [
    item({ id: "c:1", published: "2026-11-02T10:00:00.000Z" }),
    item({ id: "c:2", link: "https://exemple.org/c2", published: "2026-11-03T10:00:00.000Z" }),
  ];

  async function threeMonths(): Promise<void> {
    await put("2025-03", monthText(march));
    // Blank lines, spaces and a CRLF line, as a hand edit may leave them.
    await put("2026-10", `\n${itemLine(october[0] as Item)}\r\n\n   \n`);
    await put("2026-11", monthText(november));
  }

  it("readStoreKeys maps every key to its month, over blank lines and CRLF", async () => {
    await threeMonths();
    expect(await readStoreKeys(root)).toEqual(
      new Map([
        ["https://exemple.org/1", "2025-03"],
        ['a:"2"', "2025-03"],
        ['https://exemple.org/"o"', "2026-10"],
        ["c:1", "2026-11"],
        ["https://exemple.org/c2", "2026-11"],
      ]),
    );
  });

  it("readStoreKeys reads only the months asked for; an empty store has no keys", async () => {
    expect(await readStoreKeys(root)).toEqual(new Map());
    await threeMonths();
    expect(await readStoreKeys(root, ["2026-10"])).toEqual(
      new Map([['https://exemple.org/"o"', "2026-10"]]),
    );
    expect(await readStoreKeys(root, [])).toEqual(new Map());
  });

  it("readStoreKeys gives the keys readAllMonths gives (property)", async () => {
    const months = fc.uniqueArray(fc.constantFrom("2024-12", "2025-03", "2026-10", "2026-11"), {
      minLength: 1,
      maxLength: 3,
    });
    await fc.assert(
      fc.asyncProperty(
        months,
        fc.array(anyItem, { minLength: 1, maxLength: 20 }),
        async (names, items) => {
          await rm(path.join(root, "veille"), { recursive: true, force: true });
          for (const [index, name] of names.entries())
            await put(name, monthText(items.filter((_, i) => i % names.length === index)));
          const expected = new Map<string, string>();
          for (const [month, stored] of await readAllMonths(root))
            for (const value of stored) expected.set(sameItemKey(value), month);
          expect(await readStoreKeys(root)).toEqual(expected);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("readStoreKeys keys files of mixed line shapes as readAllMonths does (property)", async () => {
    // Each line: pile's shape, keys shuffled, spaced, or CRLF; blank lines between.
    const shape = fc.constantFrom("pile", "shuffled", "spaced", "crlf", "pile+blank");
    const shaped = (value: Item, how: string): string => {
      const line = itemLine(value);
      if (how === "crlf") return `${line}\r`;
      if (how === "pile+blank") return `${line}\n   `;
      const entries = Object.entries(JSON.parse(line) as Record<string, unknown>);
      if (how === "shuffled") return JSON.stringify(Object.fromEntries(entries.reverse()));
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(", ")}}`;
    };
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(anyItem, shape), { minLength: 1, maxLength: 30 }),
        fc.boolean(),
        async (lines, finalNewline) => {
          const text = lines.map(([value, how]) => shaped(value, how)).join("\n");
          await put("2026-11", finalNewline ? `${text}\n` : text);
          const expected = new Map<string, string>();
          for (const value of await readMonth(root, "2026-11"))
            expected.set(sameItemKey(value), "2026-11");
          expect(await readStoreKeys(root)).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it.each([
    ["a bad line 3 after a blank line 2", (good: string) => `${good}\n\n{"id":"x"\n`, 3],
    ["a bad line 1", () => `pas du JSON\n`, 1],
    ["a bad line 4 after blank lines and CRLF", (good: string) => `\r\n${good}\r\n\n{"id":1}\n`, 4],
    ["a bad last line without final newline", (good: string) => `${good}\n{"id":`, 2],
    // Shorter than `{"id":"` and ending with a brace, at the very end of the file.
    ["a last line `{}`", (good: string) => `${good}\n{}\n`, 2],
    ["a last line `{}` without final newline", (good: string) => `${good}\n\n{}`, 3],
    ['a last line `{"id"}`', (good: string) => `${good}\n{"id"}\n`, 2],
  ])("a StoreError counts the blank lines (%s)", async (_what, text, line) => {
    await put("2025-03", monthText(march));
    await put("2026-11", text(itemLine(november[0] as Item)));
    const error = await rejection(readStoreKeys(root));
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ file: "veille/items/2026-11.jsonl", line });
    // readMonth numbers the lines the same way.
    expect(await rejection(readMonth(root, "2026-11"))).toMatchObject({ line });
  });

  it("a bad escape in a key on disk is a StoreError with its line, as readMonth says", async () => {
    const bad = `{"id":"a","link":"https://x.org/\\q","published":"2026-11-01","sources":[]}`;
    await put("2025-03", `${monthText(march)}\n${bad}\n`);
    const error = await rejection(readStoreKeys(root));
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ file: "veille/items/2025-03.jsonl", line: 4 });
    expect(await rejection(readMonth(root, "2025-03"))).toMatchObject({ line: 4 });
  });

  // Only the months a pull may change are validated in full: the others are
  // only keyed, and the fast path does not look past the key.
  const KEYED_NOT_VALID = `{"id":"a","title":"t","link":"https://x.org/1","published":"pas une date","sources":[]}`;

  it("kill switch — the fast path is used: a line keyed but not a valid item is keyed by its link without a throw (only months a pull changes are validated in full), while readMonth rejects it", async () => {
    expect(lineKey(KEYED_NOT_VALID, "f", 1)).toBe("https://x.org/1");
    // Even a cut line with pile's layout, when it happens to end with a brace.
    expect(lineKey(`{"id":"a:1","title":"t","published":"x","sources":[{}`, "f", 1)).toBe("a:1");
    // Any other layout is checked in full.
    expect(() => lineKey(`{"id":"seul"}`, "f", 1)).toThrow(StoreError);
    expect(() => lineKey(`{"id":"a:1","sources":[{}`, "f", 1)).toThrow(StoreError);
    await put("2025-03", `${itemLine(march[0] as Item)}\n${KEYED_NOT_VALID}\n`);
    expect(await readStoreKeys(root)).toEqual(
      new Map([
        ["https://exemple.org/1", "2025-03"],
        ["https://x.org/1", "2025-03"],
      ]),
    );
    const error = await rejection(readMonth(root, "2025-03"));
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ file: "veille/items/2025-03.jsonl", line: 2 });
  });

  describe("readStoreView and completeStoreView", () => {
    it("reads the `whole` months in full and only the keys of the others", async () => {
      await threeMonths();
      // The key-only month holds a line a full parse would reject.
      await put("2025-03", `${monthText(march)}${KEYED_NOT_VALID}\n`);
      const offered: (readonly string[])[] = [];
      const view = await readStoreView(root, (onDisk) => {
        offered.push([...onDisk]);
        return ["2026-11", "2030-01"];
      });
      expect(offered).toEqual([["2025-03", "2026-10", "2026-11"]]);
      expect(view.onDisk).toEqual(["2025-03", "2026-10", "2026-11"]);
      // A month not on disk is not read, nor listed.
      expect([...view.months.keys()]).toEqual(["2026-11"]);
      expect(view.months.get("2026-11")).toEqual(november);
      expect(view.keys).toEqual(
        new Map([
          ["https://exemple.org/1", "2025-03"],
          ['a:"2"', "2025-03"],
          ["https://x.org/1", "2025-03"],
          ['https://exemple.org/"o"', "2026-10"],
          ["c:1", "2026-11"],
          ["https://exemple.org/c2", "2026-11"],
        ]),
      );
    });

    it("a month read in full is validated: the same line there is a StoreError", async () => {
      await put("2025-03", `${monthText(march)}${KEYED_NOT_VALID}\n`);
      await put("2026-11", monthText(november));
      const error = await rejection(readStoreView(root, () => ["2025-03"]));
      expect(error).toBeInstanceOf(StoreError);
      expect(error).toMatchObject({ file: "veille/items/2025-03.jsonl", line: 3 });
      // Keyed only, it passes.
      expect((await readStoreView(root, () => ["2026-11"])).keys.get("https://x.org/1")).toBe(
        "2025-03",
      );
    });

    it("an empty store gives an empty view", async () => {
      const view = await readStoreView(root, (onDisk) => onDisk);
      expect(view).toEqual({ onDisk: [], keys: new Map(), months: new Map() });
      await completeStoreView(view, root, ["2026-11"]);
      expect(view.months).toEqual(new Map());
    });

    it("completes the months needed that are on disk, ignores the others, and never reads one twice", async () => {
      await threeMonths();
      const view = await readStoreView(root, () => ["2026-11"]);
      await completeStoreView(view, root, ["2025-03", "2025-03", "2031-05", "2026-11"]);
      expect([...view.months.keys()].sort()).toEqual(["2025-03", "2026-11"]);
      expect(view.months.get("2025-03")).toEqual(march);
      expect(view.months.has("2031-05")).toBe(false);
      expect(view.onDisk).toEqual(["2025-03", "2026-10", "2026-11"]);

      // Read again, these files would throw: completing again must not read them.
      await put("2025-03", "abîmé\n");
      await put("2026-11", "abîmé\n");
      await completeStoreView(view, root, ["2025-03", "2026-11"]);
      expect(view.months.get("2025-03")).toEqual(march);
      expect(view.months.get("2026-11")).toEqual(november);
      // A month still missing is read, and validated.
      await put("2026-10", "abîmé\n");
      const error = await rejection(completeStoreView(view, root, ["2026-10"]));
      expect(error).toMatchObject({ file: "veille/items/2026-10.jsonl", line: 1 });
    });

    it("an empty `needed` reads nothing", async () => {
      await threeMonths();
      const view = await readStoreView(root, () => []);
      expect(view.months).toEqual(new Map());
      await completeStoreView(view, root, []);
      expect(view.months).toEqual(new Map());
      expect(view.keys.size).toBe(5);
    });
  });
});
