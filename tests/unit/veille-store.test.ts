import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Item } from "../../src/veille/normalise.js";
import {
  ITEMS_DIR,
  itemLine,
  monthFile,
  monthText,
  readAllMonths,
  readMonth,
  readState,
  type SourcesState,
  STATE_FILE,
  StoreError,
  stateText,
  storeMonths,
} from "../../src/veille/store.js";
import { storeItem } from "../helpers/store.js";

const item = storeItem;

describe("itemLine", () => {
  it("writes the keys in a fixed order, whatever the object's order", () => {
    const scrambled = {
      tags: ["rep"],
      sources: ["a", "b"],
      summary: "S",
      firstSeen: "2026-11-28T10:00:00.000Z",
      dated: false,
      published: "2026-11-28T10:00:00.000Z",
      link: "https://exemple.org/1",
      title: "T",
      id: "a:1",
    } as Item;
    const line = itemLine(scrambled);
    expect(Object.keys(JSON.parse(line))).toEqual([
      "id",
      "title",
      "link",
      "published",
      "dated",
      "firstSeen",
      "summary",
      "sources",
      "tags",
    ]);
    expect(line).toBe(
      '{"id":"a:1","title":"T","link":"https://exemple.org/1","published":"2026-11-28T10:00:00.000Z","dated":false,"firstSeen":"2026-11-28T10:00:00.000Z","summary":"S","sources":["a","b"],"tags":["rep"]}',
    );
  });

  it("leaves out undefined keys (no link) and keys that are not an item's", () => {
    const withExtras = { ...item({ id: "a:1" }), link: undefined, extra: "x" } as Item;
    const line = itemLine(withExtras);
    expect(line).not.toContain("link");
    expect(line).not.toContain("extra");
    expect(line).not.toContain("undefined");
    expect(Object.keys(JSON.parse(line))).toEqual([
      "id",
      "title",
      "published",
      "dated",
      "firstSeen",
      "summary",
      "sources",
      "tags",
    ]);
  });

  it("is one line, even when the text holds line breaks and separators", () => {
    const line = itemLine(
      item({ id: "a:1", title: "un\ndeux\r\ntrois\u2028quatre", summary: "\u2029" }),
    );
    expect(line).not.toMatch(/[\n\r]/);
    expect(JSON.parse(line).title).toBe("un\ndeux\r\ntrois\u2028quatre");
  });
});

describe("monthText", () => {
  it("one line per item, LF, final newline", () => {
    const items = [item({ id: "a:1" }), item({ id: "a:2", link: "https://exemple.org/2" })];
    const text = monthText(items);
    expect(text).toBe(`${itemLine(items[0] as Item)}\n${itemLine(items[1] as Item)}\n`);
    expect(text).not.toContain("\r");
    expect(text.endsWith("\n")).toBe(true);
    expect(text.split("\n")).toHaveLength(3);
  });

  it("an empty month is an empty text", () => {
    expect(monthText([])).toBe("");
  });

  it("monthFile places it in veille/items", () => {
    expect(monthFile("2026-11")).toBe("veille/items/2026-11.jsonl");
  });
});

describe("stateText", () => {
  it("sorts the sources, orders the keys, ends with a newline", () => {
    const state: SourcesState = {
      zeta: {
        consecutiveFailures: 2,
        lastErrorReason: "HTTP 500",
        lastError: "2026-11-28T10:00:00.000Z",
      },
      alpha: {
        lastNewItem: "2026-11-27T10:00:00.000Z",
        consecutiveFailures: 0,
        lastSuccess: "2026-11-27T10:00:00.000Z",
        lastModified: "Fri, 20 Nov 2026 09:00:00 GMT",
        etag: '"v1"',
        url: "https://exemple.org/rss",
      },
    };
    const text = stateText(state);
    expect(text).toBe(
      `${[
        "{",
        '  "version": 1,',
        '  "sources": {',
        '    "alpha": {',
        '      "url": "https://exemple.org/rss",',
        '      "etag": "\\"v1\\"",',
        '      "lastModified": "Fri, 20 Nov 2026 09:00:00 GMT",',
        '      "lastSuccess": "2026-11-27T10:00:00.000Z",',
        '      "consecutiveFailures": 0,',
        '      "lastNewItem": "2026-11-27T10:00:00.000Z"',
        "    },",
        '    "zeta": {',
        '      "lastError": "2026-11-28T10:00:00.000Z",',
        '      "lastErrorReason": "HTTP 500",',
        '      "consecutiveFailures": 2',
        "    }",
        "  }",
        "}",
      ].join("\n")}\n`,
    );
  });

  it("leaves out undefined keys", () => {
    const text = stateText({ a: { consecutiveFailures: 0, etag: undefined } });
    expect(text).not.toContain("etag");
    expect(JSON.parse(text)).toEqual({ version: 1, sources: { a: { consecutiveFailures: 0 } } });
  });

  it("an empty state is still a valid file", () => {
    expect(stateText({})).toBe('{\n  "version": 1,\n  "sources": {}\n}\n');
  });

  it("the same state in any key order gives the same text (property)", () => {
    const entry = fc.record(
      {
        url: fc.webUrl(),
        etag: fc.string(),
        lastSuccess: fc.constant("2026-11-28T10:00:00.000Z"),
        lastErrorReason: fc.string(),
        consecutiveFailures: fc.nat(10),
      },
      { requiredKeys: ["consecutiveFailures"] },
    );
    fc.assert(
      fc.property(fc.dictionary(fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,8}$/), entry), (state) => {
        const reversed = Object.fromEntries(
          Object.entries(state)
            .reverse()
            .map(([id, value]) => [id, Object.fromEntries(Object.entries(value).reverse())]),
        ) as unknown as SourcesState;
        expect(stateText(reversed)).toBe(stateText(state));
        expect(JSON.parse(stateText(state)).sources).toEqual(state);
      }),
    );
  });
});

describe("the store on disk", () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), "pile-veille-store-"));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function put(relative: string, text: string): Promise<void> {
    await mkdir(path.dirname(path.join(root, relative)), { recursive: true });
    await writeFile(path.join(root, relative), text);
  }

  it("a store without folder has no months, and readAllMonths gives an empty map", async () => {
    expect(await storeMonths(root)).toEqual([]);
    expect(await readAllMonths(root)).toEqual(new Map());
  });

  it("round trip: what monthText writes, readAllMonths reads back", async () => {
    const november = [
      item({ id: "a:1", link: "https://exemple.org/1", sources: ["a", "b"], tags: [] }),
      item({ id: "a:2", dated: false, summary: "", title: '« Guillemets » et "quotes" \\ \u2028' }),
    ];
    const october = [item({ id: "b:1", published: "2026-10-31T22:00:00.000Z" })];
    await put(monthFile("2026-11"), monthText(november));
    await put(monthFile("2026-10"), monthText(october));
    const months = await readAllMonths(root);
    expect([...months.keys()]).toEqual(["2026-10", "2026-11"]);
    expect(months.get("2026-11")).toEqual(november);
    expect(months.get("2026-10")).toEqual(october);
    expect(await readAllMonths(root, ["2026-10"])).toEqual(new Map([["2026-10", october]]));
  });

  it("storeMonths lists YYYY-MM.jsonl files only, oldest first", async () => {
    const names = [
      "2026-11.jsonl",
      "2025-01.jsonl",
      "2026-02.jsonl",
      ".2026-11.jsonl.pile-123-abcd.tmp",
      "2026-11.jsonl.pile-123-abcd.tmp",
      "2026-11.jsonl~",
      "2026-1.jsonl",
      "2026-11.json",
      "2026-11.JSONL",
      "notes.txt",
      "x2026-11.jsonl",
      ".lock",
    ];
    for (const name of names) await put(`${ITEMS_DIR}/${name}`, "");
    await mkdir(path.join(root, ITEMS_DIR, "2027-01.jsonl.d"));
    expect(await storeMonths(root)).toEqual(["2025-01", "2026-02", "2026-11"]);
    expect([...(await readAllMonths(root)).keys()]).toEqual(["2025-01", "2026-02", "2026-11"]);
  });

  it("skips blank lines and accepts CRLF; fills a missing title, summary or tags", async () => {
    await put(
      monthFile("2026-11"),
      `\n${itemLine(item({ id: "a:1" }))}\r\n\n   \n{"id":"a:2","published":"2026-11-02T00:00:00.000Z","sources":["a"]}\n`,
    );
    const items = await readMonth(root, "2026-11");
    expect(items.map((i) => i.id)).toEqual(["a:1", "a:2"]);
    expect(items[1]).toMatchObject({ title: "", summary: "", tags: [] });
  });

  it.each([
    [
      "not JSON",
      `${itemLine(item({ id: "a:1" }))}\n${itemLine(item({ id: "a:2" }))}\n{"id": "a:3",\n`,
      3,
    ],
    ["a line cut in half", `${itemLine(item({ id: "a:1" })).slice(0, 30)}\n`, 1],
    ["no id", `\n\n{"published":"2026-11-01T00:00:00.000Z","sources":[]}\n`, 3],
    [
      "id not a string",
      `${itemLine(item({ id: "a:1" }))}\n{"id":1,"published":"x","sources":[]}\n`,
      2,
    ],
    ["no published", `{"id":"a:1","sources":[]}\n`, 1],
    ["sources not a list", `{"id":"a:1","published":"x","sources":"a"}\n`, 1],
    ["null", `null\n`, 1],
    ["a number", `42\n`, 1],
  ])("a corrupted line (%s) is a StoreError with file and line", async (_what, text, line) => {
    await put(monthFile("2026-11"), text);
    await put(monthFile("2026-10"), monthText([item({ id: "ok" })]));
    const error = await readAllMonths(root).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ file: "veille/items/2026-11.jsonl", line });
    expect((error as Error).message).toBe(`veille/items/2026-11.jsonl:${line}`);
  });

  it("readState: a missing file is an empty state", async () => {
    expect(await readState(root)).toEqual({});
    await mkdir(path.join(root, "veille"));
    expect(await readState(root)).toEqual({});
  });

  it("readState reads back what stateText writes", async () => {
    const state: SourcesState = {
      b: {
        consecutiveFailures: 1,
        lastErrorReason: "délai dépassé",
        lastError: "2026-11-28T10:00:00.000Z",
      },
      a: { url: "https://exemple.org/rss", etag: '"v1"', consecutiveFailures: 0 },
    };
    await put(STATE_FILE, stateText(state));
    expect(await readState(root)).toEqual(state);
  });

  it("readState: a file without sources is an empty state; broken JSON is a StoreError", async () => {
    await put(STATE_FILE, '{"version": 1}\n');
    expect(await readState(root)).toEqual({});
    await put(STATE_FILE, '{"version": 1, "sources": {');
    await expect(readState(root)).rejects.toMatchObject({ file: "veille/sources.json", line: 1 });
    await expect(readState(root)).rejects.toBeInstanceOf(StoreError);
  });
});
