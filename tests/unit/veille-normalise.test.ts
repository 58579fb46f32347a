import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Item,
  itemId,
  type NormaliseInput,
  normaliseItems,
  SUMMARY_LENGTH,
} from "../../src/veille/normalise.js";
import { parseFeed, type RawFeed, type RawItem } from "../../src/veille/parse.js";
import { sameItemKey } from "../../src/veille/store.js";

const NOW = new Date("2026-11-28T10:00:00.000Z");
const FEED_URL = "https://exemple.org/flux/rss.xml";

function normalise(
  items: RawItem[],
  options: Partial<Omit<NormaliseInput, "feed">> & { feed?: Partial<RawFeed> } = {},
): Item[] {
  return normaliseItems({
    feed: { format: "rss", items, ...options.feed },
    source: options.source ?? { id: "src" },
    url: options.url ?? FEED_URL,
    now: options.now ?? NOW,
    tagger: options.tagger ?? (() => []),
  });
}

function one(raw: Partial<RawItem>, options: Parameters<typeof normalise>[1] = {}): Item {
  const items = normalise([{ dates: [], ...raw }], options);
  expect(items).toHaveLength(1);
  return items[0] as Item;
}

describe("itemId", () => {
  it.each([
    ["https://exemple.org/a?utm_source=x#h", "https://exemple.org/a?utm_source=x#h"],
    ["http://exemple.org/a", "http://exemple.org/a"],
    ["HTTPS://Exemple.org/A", "HTTPS://Exemple.org/A"],
    [
      "urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427",
      "urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427",
    ],
    ["tag:exemple.org,2025:billet-1", "tag:exemple.org,2025:billet-1"],
    ["  urn:x:1  ", "urn:x:1"],
  ])("a global guid %j is kept as is: %s", (guid, expected) => {
    expect(itemId("src", { guid, dates: [] }, "https://exemple.org/lien", undefined)).toBe(
      expected,
    );
  });

  it.each([
    ["12345", "src:12345"],
    ["abc-1", "src:abc-1"],
    ["ftp://exemple.org/a", "src:ftp://exemple.org/a"],
    ["exemple.org/a", "src:exemple.org/a"],
    [" 42 ", "src:42"],
  ])("another guid %j is prefixed by the source id: %s", (guid, expected) => {
    expect(itemId("src", { guid, dates: [] }, "https://exemple.org/lien", undefined)).toBe(
      expected,
    );
  });

  it("without guid, the link is the id", () => {
    expect(
      itemId("src", { dates: [] }, "https://exemple.org/lien", "2025-01-01T00:00:00.000Z"),
    ).toBe("https://exemple.org/lien");
    expect(itemId("src", { guid: "   ", dates: [] }, "https://exemple.org/lien", undefined)).toBe(
      "https://exemple.org/lien",
    );
  });

  it("without guid nor link: a hash of title and date, stable and prefixed", () => {
    const a = itemId("src", { title: "Titre", dates: [] }, undefined, "2025-01-01T00:00:00.000Z");
    expect(a).toMatch(/^src:h[0-9a-f]{16}$/);
    expect(
      itemId("src", { title: "Titre", dates: ["autre"] }, undefined, "2025-01-01T00:00:00.000Z"),
    ).toBe(a);
    expect(
      itemId("src", { title: "Titre", dates: [] }, undefined, "2025-01-02T00:00:00.000Z"),
    ).not.toBe(a);
    expect(
      itemId("src", { title: "Autre", dates: [] }, undefined, "2025-01-01T00:00:00.000Z"),
    ).not.toBe(a);
    expect(
      itemId("autre", { title: "Titre", dates: [] }, undefined, "2025-01-01T00:00:00.000Z"),
    ).toBe(`autre:${a.slice("src:".length)}`);
  });

  it("the hash of an undated item uses its first raw date, never the clock", () => {
    const id = itemId("src", { title: "T", dates: ["jamais lisible"] }, undefined, undefined);
    expect(id).toMatch(/^src:h[0-9a-f]{16}$/);
    expect(itemId("src", { title: "T", dates: ["jamais lisible"] }, undefined, undefined)).toBe(id);
    expect(itemId("src", { title: "T", dates: ["autre chose"] }, undefined, undefined)).not.toBe(
      id,
    );
  });

  it("is deterministic (property)", () => {
    fc.assert(
      fc.property(fc.string(), fc.option(fc.string(), { nil: undefined }), (title, date) => {
        const raw: RawItem = { title, dates: [] };
        expect(itemId("s", raw, undefined, date)).toBe(itemId("s", { ...raw }, undefined, date));
        expect(itemId("s", raw, undefined, date)).toMatch(/^s:h[0-9a-f]{16}$/);
      }),
    );
  });
});

describe("sameItemKey", () => {
  it("is the link, else the id", () => {
    expect(sameItemKey({ id: "src:1", link: "https://exemple.org/a" })).toBe(
      "https://exemple.org/a",
    );
    expect(sameItemKey({ id: "src:1" })).toBe("src:1");
  });
});

describe("normaliseItems: ids", () => {
  it("applies the id rules through the whole pipeline", () => {
    const items = normalise([
      { guid: "https://exemple.org/guid", link: "https://exemple.org/a", title: "A", dates: [] },
      { guid: "urn:uuid:2", title: "B", dates: [] },
      { guid: "42", link: "https://exemple.org/c", title: "C", dates: [] },
      { link: "https://exemple.org/d?utm_source=rss#haut", title: "D", dates: [] },
      { title: "E", summary: "sans lien", dates: ["2025-03-03T10:00:00Z"] },
    ]);
    expect(items.map((i) => i.id)).toEqual([
      "https://exemple.org/guid",
      "urn:uuid:2",
      "src:42",
      "https://exemple.org/d",
      expect.stringMatching(/^src:h[0-9a-f]{16}$/),
    ]);
  });

  it("an item without guid nor link keeps its id from one pull to the next", () => {
    const raw: RawItem = { title: "Communiqué", summary: "texte", dates: [] };
    const first = one(raw, { now: new Date("2026-01-01T00:00:00Z") });
    const second = one(raw, { now: new Date("2026-06-01T00:00:00Z") });
    expect(second.id).toBe(first.id);
    const dated = one({ ...raw, dates: ["2025-03-03T10:00:00Z"] });
    expect(one({ ...raw, dates: ["2025-03-03T11:00:00+01:00"] }).id).toBe(dated.id); // same instant
  });
});

describe("normaliseItems: links", () => {
  it("resolves entry xml:base against document xml:base against the feed URL", () => {
    const item = one(
      { link: "billet?utm_source=rss&id=4#commentaires", base: "2025/", title: "T" },
      { feed: { base: "../blog/" }, url: "https://exemple.org/flux/atom.xml" },
    );
    expect(item.link).toBe("https://exemple.org/blog/2025/billet?id=4");
  });

  it("without xml:base, relative links resolve against the feed URL (after redirects)", () => {
    expect(one({ link: "/actus/1", title: "T" }).link).toBe("https://exemple.org/actus/1");
    expect(one({ link: "2", title: "T" }).link).toBe("https://exemple.org/flux/2");
  });

  it("an absolute document xml:base wins over the feed URL; an absolute entry base over both", () => {
    expect(one({ link: "a", title: "T" }, { feed: { base: "https://cdn.example/x/" } }).link).toBe(
      "https://cdn.example/x/a",
    );
    expect(
      one(
        { link: "a", base: "https://autre.example/y/", title: "T" },
        { feed: { base: "https://cdn.example/x/" } },
      ).link,
    ).toBe("https://autre.example/y/a");
  });

  it("a saved file's feed resolves against its channel <link>", () => {
    const item = one(
      { link: "actualites/1?xtor=RSS-3", title: "T" },
      { url: "file:sources/flux.xml", feed: { link: "https://exemple.org/site/" } },
    );
    expect(item.link).toBe("https://exemple.org/site/actualites/1");
  });

  it("a saved file's feed without any base keeps absolute links and drops relative ones", () => {
    expect(one({ link: "https://exemple.org/a#x", title: "T" }, { url: "file:f.xml" }).link).toBe(
      "https://exemple.org/a",
    );
    const item = one({ link: "relatif", title: "T" }, { url: "file:f.xml" });
    expect(item).not.toHaveProperty("link");
  });

  it("a link that is not http(s) is dropped, and a permalink guid stands in", () => {
    expect(one({ link: "javascript:alert(1)", title: "T" })).not.toHaveProperty("link");
    const item = one({
      link: "javascript:alert(1)",
      guid: "https://exemple.org/p?utm_medium=x",
      title: "T",
    });
    expect(item.link).toBe("https://exemple.org/p");
    expect(item.id).toBe("https://exemple.org/p?utm_medium=x");
  });

  it("a guid that is an http URL is the link when there is none", () => {
    const item = one({ guid: "https://exemple.org/perma#a", title: "T" });
    expect(item.link).toBe("https://exemple.org/perma");
  });

  it("removes tracking parameters and fragments, keeps the others", () => {
    expect(
      one({
        link: "https://exemple.org/a?utm_source=x&page=2&xtor=RSS-1&fbclid=abc#haut",
        title: "T",
      }).link,
    ).toBe("https://exemple.org/a?page=2");
  });
});

describe("normaliseItems: text", () => {
  it("title and summary become plain text", () => {
    const item = one({
      title: "<b>L&rsquo;&eacute;t&eacute;</b> &amp; le <em>REP</em>",
      summary: "<p>Premier</p><p>second &lt;b&gt;échappé&lt;/b&gt;</p><script>alert(1)</script>",
      link: "https://exemple.org/a",
    });
    expect(item.title).toBe("L’été & le REP");
    expect(item.summary).toBe("Premier second échappé");
  });

  it("the summary is shortened to 300 characters", () => {
    const long = Array.from({ length: 120 }, (_, i) => `mot${i}`).join(" ");
    const item = one({ title: "T", summary: `<p>${long}</p>` });
    expect(SUMMARY_LENGTH).toBe(300);
    expect(item.summary.length).toBeLessThanOrEqual(300);
    expect(item.summary.length).toBeGreaterThan(200);
    expect(item.summary.endsWith("…")).toBe(true);
    expect(long.startsWith(item.summary.slice(0, -1))).toBe(true);
    const short = one({ title: "T", summary: "court" });
    expect(short.summary).toBe("court");
  });

  it("an entry with no title, link or summary (even after stripping markup) is skipped", () => {
    const items = normalise([
      { dates: ["2025-01-01T00:00:00Z"] },
      { title: "   ", summary: "<p> </p>", dates: [] },
      { link: "javascript:void(0)", dates: [] },
      { guid: "42", dates: [] },
      { title: "Gardé", dates: [] },
    ]);
    expect(items.map((i) => i.title)).toEqual(["Gardé"]);
  });

  it('an entry with only a link is "(sans titre)"', () => {
    const item = one({ link: "https://exemple.org/a" });
    expect(item).toMatchObject({
      title: "(sans titre)",
      link: "https://exemple.org/a",
      summary: "",
    });
  });

  it('an entry with only a summary is "(sans titre)" too', () => {
    expect(one({ summary: "Un texte" })).toMatchObject({
      title: "(sans titre)",
      summary: "Un texte",
    });
  });
});

describe("normaliseItems: dates", () => {
  it("takes the first readable candidate", () => {
    const item = one({
      title: "T",
      dates: ["", "pas une date", "2025-03-03T10:00:00Z", "2025-04-01T00:00:00Z"],
    });
    expect(item).toMatchObject({ published: "2025-03-03T10:00:00.000Z", dated: true });
  });

  it("reads French and RFC 822 dates", () => {
    expect(one({ title: "T", dates: ["Mon, 03 Mar 2025 10:00:00 GMT"] }).published).toBe(
      "2025-03-03T10:00:00.000Z",
    );
    expect(one({ title: "T", dates: ["lun., 23 nov. 2026 10:00:00 +0100"] }).published).toBe(
      "2026-11-23T09:00:00.000Z",
    );
  });

  it("an undated entry is published now, with dated: false", () => {
    for (const dates of [[], ["n'importe quoi"], ["1970-01-01T00:00:00Z"]]) {
      expect(one({ title: "T", dates })).toMatchObject({
        published: NOW.toISOString(),
        dated: false,
        firstSeen: NOW.toISOString(),
      });
    }
  });

  it("firstSeen is now even for a dated entry", () => {
    expect(one({ title: "T", dates: ["2025-03-03T10:00:00Z"] }).firstSeen).toBe(NOW.toISOString());
  });

  it("follows the parser's candidate order: pubDate, then dc:date", async () => {
    const feed = await parseFeed(
      `<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>T</title>
        <item><title>Deux dates</title><link>https://exemple.org/a</link><pubDate>Mon, 03 Mar 2025 10:00:00 GMT</pubDate><dc:date>2025-01-01T00:00:00Z</dc:date></item>
        <item><title>pubDate illisible</title><link>https://exemple.org/b</link><pubDate>bientôt</pubDate><dc:date>2025-01-01T00:00:00Z</dc:date></item>
      </channel></rss>`,
    );
    const items = normaliseItems({
      feed,
      source: { id: "s" },
      url: FEED_URL,
      now: NOW,
      tagger: () => [],
    });
    expect(items.map((i) => i.published)).toEqual([
      "2025-03-03T10:00:00.000Z",
      "2025-01-01T00:00:00.000Z",
    ]);
  });

  it("Atom: published before updated, and an unreadable published falls back to updated", async () => {
    const feed = await parseFeed(
      `<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
        <entry><title>E1</title><id>x1</id><published>2025-03-01T00:00:00Z</published><updated>2025-03-05T00:00:00Z</updated></entry>
        <entry><title>E2</title><id>x2</id><published>bientôt</published><updated>2025-03-05T00:00:00Z</updated></entry>
        <entry><title>E3</title><id>x3</id><published>3 mars 2025</published></entry>
      </feed>`,
    );
    const items = normaliseItems({
      feed,
      source: { id: "s" },
      url: FEED_URL,
      now: NOW,
      tagger: () => [],
    });
    expect(items.map((i) => [i.id, i.published, i.dated])).toEqual([
      ["s:x1", "2025-03-01T00:00:00.000Z", true],
      ["s:x2", "2025-03-05T00:00:00.000Z", true],
      ["s:x3", "2025-03-02T23:00:00.000Z", true], // midnight in Paris
    ]);
  });
});

describe("normaliseItems: sources and tags", () => {
  it("lists the source, and tags = source tags then topics, without duplicates", () => {
    const seen: string[] = [];
    const item = one(
      { title: "Titre <b>REP</b>", summary: "<p>Résumé</p>" },
      {
        source: { id: "flux", tags: ["rep", "officiel"] },
        tagger: (text) => {
          seen.push(text);
          return ["rep", "textile", "textile"];
        },
      },
    );
    expect(item.sources).toEqual(["flux"]);
    expect(item.tags).toEqual(["rep", "officiel", "textile"]);
    expect(seen).toEqual(["Titre REP\nRésumé"]);
  });

  it("no tags at all is an empty list", () => {
    expect(one({ title: "T" }, { source: { id: "s", tags: undefined } }).tags).toEqual([]);
  });

  it("keeps the feed's order and every key of an item", () => {
    const items = normalise([
      { title: "Un", link: "https://exemple.org/1", dates: ["2025-01-02T00:00:00Z"] },
      { title: "Deux", link: "https://exemple.org/2", dates: ["2025-01-01T00:00:00Z"] },
    ]);
    expect(items).toEqual([
      {
        id: "https://exemple.org/1",
        title: "Un",
        link: "https://exemple.org/1",
        published: "2025-01-02T00:00:00.000Z",
        dated: true,
        firstSeen: NOW.toISOString(),
        summary: "",
        sources: ["src"],
        tags: [],
      },
      expect.objectContaining({ id: "https://exemple.org/2", title: "Deux" }),
    ]);
  });
});

describe("normaliseItems: properties", () => {
  const rawItem = fc.record(
    {
      guid: fc.oneof(fc.string(), fc.constantFrom("https://exemple.org/g", "urn:x", "42")),
      link: fc.oneof(
        fc.string(),
        fc.constantFrom(
          "https://exemple.org/a?utm_source=x#f",
          "/rel",
          "javascript:x",
          "mailto:a@b.c",
        ),
      ),
      title: fc.string(),
      summary: fc.string({ maxLength: 600 }),
      dates: fc.array(fc.oneof(fc.string(), fc.constant("2025-03-03T10:00:00Z")), { maxLength: 3 }),
      base: fc.oneof(fc.string(), fc.constant("sub/")),
    },
    { requiredKeys: ["dates"] },
  );

  it("every item has a non-empty id and title, an http(s) link or none, a short summary", () => {
    fc.assert(
      fc.property(fc.array(rawItem, { maxLength: 8 }), (raws) => {
        for (const item of normalise(raws)) {
          expect(item.id).not.toBe("");
          expect(item.title).not.toBe("");
          expect(item.summary.length).toBeLessThanOrEqual(SUMMARY_LENGTH);
          if (item.link !== undefined) {
            expect(item.link).toMatch(/^https?:\/\//);
            expect(item.link).not.toContain("#");
            expect(item.link).not.toMatch(/[?&]utm_/);
          }
          expect(Number.isNaN(Date.parse(item.published))).toBe(false);
          expect(item.sources).toEqual(["src"]);
        }
      }),
    );
  });

  it("is deterministic for a given now", () => {
    fc.assert(
      fc.property(fc.array(rawItem, { maxLength: 5 }), (raws) => {
        expect(normalise(raws)).toEqual(normalise(structuredClone(raws)));
      }),
    );
  });
});
