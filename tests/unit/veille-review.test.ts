import { describe, expect, it } from "vitest";
import { parseFeed, rootElement } from "../../src/veille/parse.js";

/** Cases found by the review of the watch, each pinned by a test. */
describe("feed parsing, after review", () => {
  it("reads the root element of a crafted DOCTYPE at once (no catastrophic backtracking)", async () => {
    const crafted = `<?xml version="1.0"?><!DOCTYPE rss ${"[a]".repeat(5000)}`;
    expect(rootElement(crafted)).toBeUndefined();
    await expect(parseFeed(crafted)).rejects.toMatchObject({ reason: "pas un flux RSS/Atom" });
    expect(
      rootElement(
        '<?xml version="1.0"?><!-- x --><!DOCTYPE r [<!ENTITY a "b">]><rss version="2.0">',
      ),
    ).toBe("rss");
  });

  it("takes an Atom entry's page, not its enclosure, and reads a link written as text", async () => {
    const feed = await parseFeed(
      '<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>A</title><link rel="enclosure" href="http://e.org/f.pdf"/><link href="http://e.org/post"/><id>a</id></entry><entry><title>B</title><link>http://e.org/texte</link><id>b</id></entry></feed>',
    );
    expect(feed.items.map((item) => item.link)).toEqual([
      "http://e.org/post",
      "http://e.org/texte",
    ]);
  });

  it("reads an xhtml Atom title as text", async () => {
    const feed = await parseFeed(
      '<feed xmlns="http://www.w3.org/2005/Atom"><entry><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Appel <b>réemploi</b></div></title><id>a</id></entry></feed>',
    );
    expect(feed.items[0]?.title?.replace(/\s+/g, " ").trim()).toBe("Appel réemploi");
  });

  it("keeps xml:base of an RSS channel and item", async () => {
    const feed = await parseFeed(
      '<rss version="2.0"><channel xml:base="http://base.example/"><item xml:base="news/"><title>A</title><link>art.html</link></item></channel></rss>',
    );
    expect(feed.base).toBe("http://base.example/");
    expect(feed.items[0]?.base).toBe("news/");
  });

  it("repairs an unescaped <br> in a description and keeps the text", async () => {
    const feed = await parseFeed(
      '<rss version="2.0"><channel><item><title>A</title><description>Ligne<br>suivante</description></item></channel></rss>',
    );
    expect(feed.items[0]?.summary).toBe("Ligne suivante");
  });
});
