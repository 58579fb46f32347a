import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Item } from "../../src/veille/normalise.js";
import { itemLine, monthFile, monthText } from "../../src/veille/store.js";
import { type FeedServer, type Route, rss, startFeedServer } from "../helpers/feed-server.js";
import { runPile, tempWorkspace } from "../helpers/harness.js";
import { treeDigest } from "../helpers/tree.js";

/**
 * `pile veille pull` against a store of several months: it reads in full only
 * the months it may change (where the items it brings are held, or would go)
 * and the current week's, the keys of the others; what it does not change
 * stays byte for byte.
 */

/** Saturday of ISO week 2026-W48: the months read in full for the digest are 2026-11 on. */
const NOW = new Date("2026-11-28T10:00:00Z");

let server: FeedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const TOPICS = `topics:
  - id: rep-textiles
    label: "REP textiles"
    keywords: [Refashion]
  - id: rep-general
    label: "REP (général)"
    keywords: [filière REP]
`;

/** A workspace whose feeds.yaml lists `a` and `b`, served by the local server. */
async function workspace(routes: Record<string, Route>): Promise<string> {
  server = await startFeedServer(routes);
  const ws = await tempWorkspace();
  const sources = ["a", "b"]
    .map((id) => `  - id: ${id}\n    title: "Source ${id}"\n    url: ${server?.url(`/${id}`)}`)
    .join("\n");
  await writeFile(
    path.join(ws, "feeds.yaml"),
    `settings: {timeoutSeconds: 2}\n${TOPICS}sources:\n${sources}\n`,
  );
  return ws;
}

function item(fields: Partial<Item> & { id: string; published: string }): Item {
  return {
    title: fields.id,
    dated: true,
    firstSeen: "2025-03-28T10:00:00.000Z",
    summary: "",
    sources: ["a"],
    tags: [],
    ...fields,
  };
}

async function putMonth(ws: string, month: string, text: string): Promise<void> {
  await mkdir(path.join(ws, "veille", "items"), { recursive: true });
  await writeFile(path.join(ws, monthFile(month)), text);
}

async function monthOnDisk(ws: string, month: string): Promise<string> {
  return readFile(path.join(ws, monthFile(month)), "utf8");
}

/** Every month file's text, by month. */
async function store(ws: string): Promise<Record<string, string>> {
  const dir = path.join(ws, "veille", "items");
  const months: Record<string, string> = {};
  for (const name of (await readdir(dir)).filter((n) => n.endsWith(".jsonl")).sort())
    months[name.slice(0, 7)] = await readFile(path.join(dir, name), "utf8");
  return months;
}

function pull(ws: string, ...flags: string[]) {
  return runPile(["veille", "pull", ...flags], { cwd: ws, now: NOW });
}

const current = item({
  id: "a:courant",
  link: "https://exemple.org/courant",
  published: "2026-11-24T10:00:00.000Z",
  firstSeen: "2026-11-24T11:00:00.000Z",
});

describe("pile veille pull on a store of several months", () => {
  it("an item a new source brings, already held in an old month, gets the source in that month only; nothing else moves", async () => {
    const ws = await workspace({
      "/b": {
        body: rss([
          // Held by link (the tracking parameter goes), with another date.
          {
            title: "Refashion : un ancien appel",
            link: "https://exemple.org/ancien?utm_source=rss",
            guid: "g1",
            date: "2026-11-25T10:00:00Z",
          },
          // Held by id (a global guid, no link).
          { title: "Sans lien", guid: "urn:uuid:42", date: "2025-03-20T10:00:00Z" },
        ]),
      },
    });
    const byLink = item({
      id: "a:1",
      title: "Un ancien appel",
      link: "https://exemple.org/ancien",
      published: "2025-03-02T10:00:00.000Z",
      tags: ["rep-general"],
    });
    const byId = item({ id: "urn:uuid:42", published: "2025-03-20T10:00:00.000Z" });
    const other = item({ id: "a:autre", published: "2025-03-25T10:00:00.000Z" });
    await putMonth(
      ws,
      "2025-01",
      monthText([item({ id: "a:0", published: "2025-01-05T00:00:00Z" })]),
    );
    await putMonth(ws, "2025-03", monthText([byLink, byId, other]));
    await putMonth(
      ws,
      "2026-10",
      monthText([item({ id: "a:oct", published: "2026-10-10T10:00:00.000Z" })]),
    );
    await putMonth(ws, "2026-11", monthText([current]));
    const before = await store(ws);

    const result = await pull(ws, "--source", "b", "--json");
    expect(result.stderr).not.toContain("abîmés");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      sources: [{ id: "b", status: "ok", new: 0 }],
      new: 0,
      digest: "veille/digests/2026-W48.md",
    });

    const after = await store(ws);
    expect(Object.keys(after)).toEqual(["2025-01", "2025-03", "2026-10", "2026-11"]);
    expect(after["2025-03"]).toBe(
      monthText([
        { ...byLink, sources: ["a", "b"], tags: ["rep-general", "rep-textiles"] },
        { ...byId, sources: ["a", "b"] },
        other,
      ]),
    );
    // The months the pull did not change are byte-identical (2026-11 was read
    // in full for the digest, yet not rewritten).
    for (const month of ["2025-01", "2026-10", "2026-11"]) expect(after[month]).toBe(before[month]);
    // Each item is stored once.
    const all = Object.values(after).join("");
    expect(all.split('"link":"https://exemple.org/ancien"')).toHaveLength(2);
    expect(all.split('"id":"urn:uuid:42"')).toHaveLength(2);

    // The same pull again changes nothing more (the source is listed already).
    const again = await pull(ws, "--source", "b", "--json");
    expect(JSON.parse(again.stdout).new).toBe(0);
    expect(await store(ws)).toEqual(after);
  });

  it("a new item for an old month that exists is added to that file in order, the other lines unchanged", async () => {
    const ws = await workspace({
      "/b": {
        body: rss([
          {
            title: "Arrivée tardive",
            link: "https://exemple.org/tardive",
            guid: "r",
            date: "2025-03-12T10:00:00Z",
          },
        ]),
      },
    });
    const early = item({
      id: "a:tôt",
      title: 'Un "titre" ,"link":"x"}',
      published: "2025-03-05T10:00:00.000Z",
    });
    const late = item({
      id: "a:tard",
      link: "https://exemple.org/tard",
      published: "2025-03-20T10:00:00.000Z",
    });
    await putMonth(ws, "2025-03", monthText([early, late]));
    await putMonth(ws, "2026-11", monthText([current]));
    const november = await monthOnDisk(ws, "2026-11");

    const result = await pull(ws, "--source", "b", "--json");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      sources: [{ id: "b", status: "ok", new: 1 }],
      new: 1,
    });
    const lines = (await monthOnDisk(ws, "2025-03")).split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe(itemLine(early));
    expect(JSON.parse(lines[1] as string)).toEqual({
      id: "b:r",
      title: "Arrivée tardive",
      link: "https://exemple.org/tardive",
      published: "2025-03-12T10:00:00.000Z",
      dated: true,
      firstSeen: NOW.toISOString(),
      summary: "",
      sources: ["b"],
      tags: [],
    });
    expect(lines[2]).toBe(itemLine(late));
    expect(lines[3]).toBe("");
    expect(await monthOnDisk(ws, "2026-11")).toBe(november);
  });

  describe("a line keyed but not a valid item, in an old month", () => {
    // Starts with {"id":" and ends with }: the key scan reads its link and
    // looks no further; a full read rejects its date.
    const KEYED_NOT_VALID = `{"id":"a","title":"t","link":"https://x.org/1","published":"pas une date","sources":[]}`;
    const first = item({
      id: "a:1",
      link: "https://exemple.org/1",
      published: "2025-03-05T10:00:00.000Z",
    });

    async function damaged(feedItems: Parameters<typeof rss>[0]): Promise<string> {
      const ws = await workspace({ "/b": { body: rss(feedItems) } });
      await putMonth(ws, "2025-03", `${itemLine(first)}\n${KEYED_NOT_VALID}\n`);
      await putMonth(ws, "2026-11", monthText([current]));
      return ws;
    }

    it("does not make a pull fail while the pull leaves that month alone", async () => {
      const ws = await damaged([
        { title: "Nouveau", link: "https://exemple.org/nouveau", date: "2026-11-26T10:00:00Z" },
      ]);
      const march = await monthOnDisk(ws, "2025-03");
      const result = await pull(ws, "--source", "b", "--json");
      expect(result.stderr).not.toContain("abîmés");
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ new: 1 });
      expect(await monthOnDisk(ws, "2025-03")).toBe(march);
      expect((await monthOnDisk(ws, "2026-11")).trimEnd().split("\n")).toHaveLength(2);
    });

    it.each([
      [
        "a new item dated in that month",
        [{ title: "Pour mars", link: "https://exemple.org/mars", date: "2025-03-12T10:00:00Z" }],
      ],
      [
        "the item of the damaged line itself (same link), dated this week",
        [{ title: "Revoilà", link: "https://x.org/1", date: "2026-11-26T10:00:00Z" }],
      ],
      [
        "an item held on the valid line of that month, for a new source",
        [{ title: "Déjà là", link: "https://exemple.org/1", date: "2026-11-26T10:00:00Z" }],
      ],
    ])(
      "makes the pull fail (exit 2, file and line named, nothing written) when the pull must rewrite that month: %s",
      async (_what, feedItems) => {
        const ws = await damaged(feedItems);
        const before = await treeDigest(ws);
        const result = await pull(ws, "--source", "b");
        expect(result.code).toBe(2);
        expect(result.stderr).toContain(
          "Les fichiers de la veille sont abîmés : la ligne 2 de veille/items/2025-03.jsonl n'est pas une entrée valide.",
        );
        expect(result.stderr).toContain("git checkout -- veille/items/2025-03.jsonl");
        expect(await treeDigest(ws)).toEqual(before);
      },
    );
  });

  // The key scan must turn every damaged line it reads into the French
  // message, like the full read does, not into an unexpected error.
  it.each([
    ['a last line shorter than {"id":" ending with a brace', `{}\n`],
    [
      "a bad escape in the link",
      `{"id":"a","link":"https://x.org/\\q","published":"2025-03-06","sources":[]}\n`,
    ],
  ])(
    "a damaged line in a month only keyed is still reported in French, exit 2 (%s)",
    async (_what, bad) => {
      const ws = await workspace({
        "/b": {
          body: rss([
            { title: "Nouveau", link: "https://exemple.org/nouveau", date: "2026-11-26T10:00:00Z" },
          ]),
        },
      });
      await putMonth(
        ws,
        "2025-03",
        `${itemLine(item({ id: "a:1", published: "2025-03-05T10:00:00.000Z" }))}\n${bad}`,
      );
      const before = await treeDigest(ws);
      const result = await pull(ws, "--source", "b");
      expect(result.stderr).toContain(
        "Les fichiers de la veille sont abîmés : la ligne 2 de veille/items/2025-03.jsonl n'est pas une entrée valide.",
      );
      expect(result.code).toBe(2);
      expect(await treeDigest(ws)).toEqual(before);
    },
  );

  it("a month is never rewritten from its keys alone: a held item the key scan misses costs a second read, not the month's other items", async () => {
    // The only layout the key scan cannot see through: a link key spelled
    // with an escape, after the fields it reads. The scan keys this line by
    // its id; the full parse, by its link.
    const edited = `{"id":"urn:uuid:x1","title":"modifié à la main","published":"2025-01-10T10:00:00.000Z","dated":true,"firstSeen":"2025-01-10T11:00:00.000Z","summary":"","sources":["a"],"tags":[],"\\u006cink":"https://a.exemple.org/x"}`;
    const march = [
      item({ id: "a:m1", published: "2025-03-02T10:00:00.000Z" }),
      item({ id: "a:m2", published: "2025-03-10T10:00:00.000Z" }),
      item({ id: "a:m3", published: "2025-03-25T10:00:00.000Z" }),
    ];
    const ws = await workspace({
      "/b": {
        body: rss([
          { title: "Même guid, sans lien", guid: "urn:uuid:x1", date: "2025-03-15T10:00:00Z" },
        ]),
      },
    });
    await putMonth(ws, "2025-01", `${edited}\n`);
    await putMonth(ws, "2025-03", monthText(march));
    const result = await pull(ws, "--source", "b", "--json");
    expect(result.code, result.stderr).toBe(0);
    const ids = (await monthOnDisk(ws, "2025-03"))
      .trim()
      .split("\n")
      .map((line) => (JSON.parse(line) as Item).id);
    expect(ids).toEqual(["a:m1", "a:m2", "urn:uuid:x1", "a:m3"]);
    expect(await monthOnDisk(ws, "2025-01")).toBe(`${edited}\n`);
  });
});
