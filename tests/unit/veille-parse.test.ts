import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { ingest } from "../../src/veille/ingest.js";
import { FeedError, parseFeed, repairXml, rootElement } from "../../src/veille/parse.js";
import { type FeedServer, startFeedServer } from "../helpers/feed-server.js";

/** The FeedError reason a document is refused with (fails the test if it is accepted). */
async function refusal(text: string): Promise<string> {
  try {
    const feed = await parseFeed(text);
    throw new Error(`accepted: ${JSON.stringify(feed)}`);
  } catch (error) {
    if (!(error instanceof FeedError)) throw error;
    return error.reason;
  }
}

const RDF_NS =
  'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"';

describe("parseFeed: RSS", () => {
  it("reads RSS 0.91", async () => {
    const feed = await parseFeed(
      `<?xml version="1.0"?><rss version="0.91"><channel><title>Vieux flux</title><link>http://exemple.org/</link>
        <item><title>Premier</title><link>http://exemple.org/1</link><description>Un &amp; deux</description></item>
      </channel></rss>`,
    );
    expect(feed).toEqual({
      format: "rss",
      title: "Vieux flux",
      link: "http://exemple.org/",
      items: [
        {
          link: "http://exemple.org/1",
          title: "Premier",
          summary: "Un & deux",
          dates: [],
        },
      ],
    });
  });

  it("reads RSS 0.92, including an item with only a description", async () => {
    const feed = await parseFeed(
      `<rss version="0.92"><channel><title>T</title>
        <item><title>A</title><link>http://exemple.org/a</link><description>x</description></item>
        <item><description>seulement une description</description></item>
      </channel></rss>`,
    );
    expect(feed.format).toBe("rss");
    expect(feed.items).toEqual([
      { link: "http://exemple.org/a", title: "A", summary: "x", dates: [] },
      { summary: "seulement une description", dates: [] },
    ]);
  });

  it("reads RSS 1.0 (RDF) and its dc:date", async () => {
    const feed = await parseFeed(
      `<?xml version="1.0"?><rdf:RDF ${RDF_NS}>
        <channel rdf:about="http://exemple.org/"><title>RDF</title><link>http://exemple.org/</link></channel>
        <item rdf:about="http://exemple.org/1"><title>Un</title><link>http://exemple.org/1</link>
          <description>D1</description><dc:date>2025-03-03T10:00:00+01:00</dc:date></item>
      </rdf:RDF>`,
    );
    expect(feed.format).toBe("rss");
    expect(feed.title).toBe("RDF");
    expect(feed.items).toHaveLength(1);
    expect(feed.items[0]).toMatchObject({
      link: "http://exemple.org/1",
      title: "Un",
      summary: "D1",
    });
    expect(feed.items[0]?.dates[0]).toBe("2025-03-03T10:00:00+01:00");
  });

  it("reads RSS 2.0 guids, isPermaLink or not, and pubDate", async () => {
    const feed = await parseFeed(
      `<rss version="2.0"><channel><title>T</title>
        <item><title>A</title><guid isPermaLink="true">http://exemple.org/p</guid><pubDate>Mon, 03 Mar 2025 10:00:00 GMT</pubDate></item>
        <item><title>B</title><guid isPermaLink="false">abc-1</guid><link>http://exemple.org/b</link></item>
      </channel></rss>`,
    );
    expect(feed.items).toEqual([
      { guid: "http://exemple.org/p", title: "A", dates: ["Mon, 03 Mar 2025 10:00:00 GMT"] },
      { guid: "abc-1", link: "http://exemple.org/b", title: "B", dates: [] },
    ]);
  });

  it("reads an <rss> without version as RSS 2.0", async () => {
    const feed = await parseFeed(
      `<rss><channel><title>T</title><item><title>A</title><link>http://exemple.org/a</link><pubDate>Mon, 03 Mar 2025 10:00:00 GMT</pubDate></item></channel></rss>`,
    );
    expect(feed).toEqual({
      format: "rss",
      title: "T",
      items: [
        {
          link: "http://exemple.org/a",
          title: "A",
          dates: ["Mon, 03 Mar 2025 10:00:00 GMT"],
        },
      ],
    });
  });

  it("reads a feed without items", async () => {
    expect(
      await parseFeed(`<rss version="2.0"><channel><title>Vide</title></channel></rss>`),
    ).toEqual({ format: "rss", title: "Vide", items: [] });
    expect(
      (await parseFeed(`<rdf:RDF ${RDF_NS}><channel><title>R</title></channel></rdf:RDF>`)).items,
    ).toEqual([]);
  });

  it("keeps CDATA sections as text (markup left for plainText)", async () => {
    const feed = await parseFeed(
      `<rss version="2.0"><channel><title>T</title><item><title><![CDATA[Titre & <b>gras</b>]]></title>
        <description><![CDATA[<p>Bonjour & au revoir</p>]]></description></item></channel></rss>`,
    );
    expect(feed.items[0]).toEqual({
      title: "Titre & <b>gras</b>",
      summary: "<p>Bonjour & au revoir</p>",
      dates: [],
    });
  });

  it("skips a byte order mark and leading whitespace", async () => {
    const feed = await parseFeed(
      `\uFEFF  \n<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>`,
    );
    expect(feed).toEqual({ format: "rss", title: "T", items: [] });
  });
});

describe("parseFeed: Atom", () => {
  const ATOM = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://exemple.org/blog/">
  <title>Blog</title>
  <link href="http://exemple.org/" rel="alternate"/>
  <entry xml:base="2025/">
    <title>Entrée</title><link rel="alternate" href="billet"/>
    <id>tag:exemple.org,2025:1</id>
    <published>2025-03-03T10:00:00Z</published><updated>2025-03-04T00:00:00Z</updated>
    <summary>Résumé</summary>
  </entry>
  <entry>
    <title>Sans base</title><link href="/autre"/><id>urn:uuid:2</id>
  </entry>
</feed>`;

  it("keeps entry-level and feed-level xml:base", async () => {
    const feed = await parseFeed(ATOM);
    expect(feed).toEqual({
      format: "atom",
      title: "Blog",
      link: "http://exemple.org/",
      base: "http://exemple.org/blog/",
      items: [
        {
          guid: "tag:exemple.org,2025:1",
          link: "billet",
          title: "Entrée",
          summary: "Résumé",
          dates: ["2025-03-03T10:00:00Z", "2025-03-04T00:00:00Z"],
          base: "2025/",
        },
        { guid: "urn:uuid:2", link: "/autre", title: "Sans base", dates: [] },
      ],
    });
  });

  it("does not lose the feed over dates rss-parser cannot read", async () => {
    const feed = await parseFeed(
      `<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
        <entry><title>E1</title><link href="http://exemple.org/1"/><id>x1</id><published>3 mars 2025</published><updated>2025-03-04T00:00:00Z</updated></entry>
        <entry><title>E2</title><link href="http://exemple.org/2"/><id>x2</id><updated>3 mars 2025</updated></entry>
        <entry><title>E3</title><link href="http://exemple.org/3"/><id>x3</id><published>n'importe quoi</published></entry>
      </feed>`,
    );
    expect(feed.items.map((item) => [item.title, item.dates])).toEqual([
      ["E1", ["3 mars 2025", "2025-03-04T00:00:00Z"]],
      ["E2", ["3 mars 2025"]],
      ["E3", ["n'importe quoi"]],
    ]);
  });

  it("takes the alternate link of an entry, not self or enclosure", async () => {
    const feed = await parseFeed(
      `<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><entry><title>E</title><id>x</id>
        <link rel="self" href="https://exemple.org/api/1"/><link rel="enclosure" href="https://exemple.org/1.mp3"/>
        <link rel="alternate" type="text/html" href="https://exemple.org/billet/1"/></entry></feed>`,
    );
    expect(feed.items[0]?.link).toBe("https://exemple.org/billet/1");
  });

  it("prefers the content over the summary of an entry", async () => {
    const feed = await parseFeed(
      `<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><entry><title>E</title><id>x</id>
        <content type="html">&lt;p&gt;contenu&lt;/p&gt;</content><summary>résumé</summary></entry></feed>`,
    );
    expect(feed.items[0]?.summary).toBe("<p>contenu</p>");
  });
});

describe("parseFeed: JSON Feed", () => {
  const json = (value: unknown) => JSON.stringify(value);

  it("reads JSON Feed 1.0: numeric ids, url, content_html, both dates", async () => {
    const feed = await parseFeed(
      json({
        version: "https://jsonfeed.org/version/1",
        title: "Flux JSON",
        home_page_url: "https://exemple.org/",
        items: [
          {
            id: 1,
            url: "https://exemple.org/1",
            title: "Un",
            content_html: "<p>html</p>",
            content_text: "texte",
            date_published: "2025-01-01T00:00:00Z",
            date_modified: "2025-01-02T00:00:00Z",
          },
          { id: 0, content_text: "zéro" },
        ],
      }),
    );
    expect(feed).toEqual({
      format: "json",
      title: "Flux JSON",
      link: "https://exemple.org/",
      items: [
        {
          guid: "1",
          link: "https://exemple.org/1",
          title: "Un",
          summary: "<p>html</p>",
          dates: ["2025-01-01T00:00:00Z", "2025-01-02T00:00:00Z"],
        },
        { guid: "0", summary: "zéro", dates: [] },
      ],
    });
  });

  it("reads JSON Feed 1.1: external_url, summary first, then content_html, then content_text", async () => {
    const feed = await parseFeed(
      `  \n${json({
        version: "https://jsonfeed.org/version/1.1",
        title: "J",
        items: [
          {
            id: "a",
            external_url: "https://ailleurs.example/x",
            summary: "résumé",
            content_html: "<b>h</b>",
            content_text: "t",
          },
          {
            id: "b",
            url: "https://exemple.org/b",
            external_url: "https://ailleurs.example/b",
            content_text: "texte seul",
          },
          {
            id: "c",
            content_html: "<i>h</i>",
            content_text: "t",
            date_modified: "2025-02-02T00:00:00Z",
          },
          { id: null, title: "sans id", date_published: "" },
        ],
      })}`,
    );
    expect(feed.items).toEqual([
      { guid: "a", link: "https://ailleurs.example/x", summary: "résumé", dates: [] },
      { guid: "b", link: "https://exemple.org/b", summary: "texte seul", dates: [] },
      { guid: "c", summary: "<i>h</i>", dates: ["2025-02-02T00:00:00Z"] },
      { title: "sans id", dates: [] },
    ]);
  });

  it.each([
    ['{"hello": 1}', "pas un flux RSS/Atom/JSON Feed"],
    ['{"version": "1.1", "items": []}', "pas un flux RSS/Atom/JSON Feed"],
    ['{"version": 1, "items": []}', "pas un flux RSS/Atom/JSON Feed"],
    ['{"version": "https://jsonfeed.org/version/1"', "JSON invalide"],
  ])("refuses the JSON document %s", async (text, reason) => {
    expect(await refusal(text)).toBe(reason);
  });

  // Regression (fixed in 83f3946): a null entry made parseJsonFeed read
  // `null.id`, a TypeError that ingest() rethrew, failing the whole pull.
  it("skips entries of items that are not objects", async () => {
    const feed = await parseFeed(
      json({
        version: "https://jsonfeed.org/version/1.1",
        items: [null, 42, "texte", { id: "ok", title: "Valide", url: "https://exemple.org/ok" }],
      }),
    );
    expect(feed.items).toEqual([
      { guid: "ok", link: "https://exemple.org/ok", title: "Valide", dates: [] },
    ]);
  });

  it("ingest does not throw on such a document", async () => {
    const text = json({ version: "https://jsonfeed.org/version/1.1", items: [null] });
    await expect(
      ingest({
        bytes: new TextEncoder().encode(text),
        contentType: "application/feed+json",
        url: "https://exemple.org/feed.json",
        source: { id: "s" },
        now: new Date("2026-01-01T00:00:00Z"),
        tagger: () => [],
      }),
    ).resolves.toEqual({ ok: true, items: [] });
  });
});

describe("parseFeed: documents that are not feeds", () => {
  it.each([
    [
      "<!DOCTYPE html><html><head><title>x</title></head><body></body></html>",
      "pas un flux RSS/Atom (page HTML)",
    ],
    ["  <!doctype HTML>\n<html lang=fr></html>", "pas un flux RSS/Atom (page HTML)"],
    ["<html><body>Bonjour</body></html>", "pas un flux RSS/Atom (page HTML)"],
    ["<HTML>\n<BODY></BODY></HTML>", "pas un flux RSS/Atom (page HTML)"],
    [
      "<!-- généré par le CMS -->\n<!DOCTYPE html>\n<html></html>",
      "pas un flux RSS/Atom (page HTML)",
    ],
    [
      '<?xml version="1.0"?><!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "x"><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>',
      "pas un flux RSS/Atom (page HTML)",
    ],
    [
      '<?xml version="1.0"?><sitemap><loc>https://exemple.org/</loc></sitemap>',
      "pas un flux RSS/Atom",
    ],
    [
      '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>x</loc></url></urlset>',
      "pas un flux RSS/Atom",
    ],
    ["Bonjour, ceci est du texte.", "pas un flux RSS/Atom"],
    ["", "pas un flux RSS/Atom"],
    ["<!-- rien -->", "pas un flux RSS/Atom"],
  ])("%j → %s", async (text, reason) => {
    expect(await refusal(text)).toBe(reason);
  });
});

describe("parseFeed: sloppy XML is repaired", () => {
  it("reads undefined HTML entities and bare ampersands", async () => {
    const feed = await parseFeed(
      `<rss version="2.0"><channel><title>Caf&eacute;&nbsp;du coin</title>
        <item><title>L&rsquo;&eacute;t&eacute; A & B</title><link>http://exemple.org/?a=1&b=2</link>
        <description>&laquo; Citation &raquo; &amp; &unknown; R&D</description></item>
      </channel></rss>`,
    );
    expect(feed.title).toBe("Café\u00a0du coin");
    expect(feed.items).toEqual([
      {
        link: "http://exemple.org/?a=1&b=2",
        title: "L’été A & B",
        summary: "« Citation » & &unknown; R&D",
        dates: [],
      },
    ]);
  });
});

describe("repairXml", () => {
  it.each([
    ["a & b", "a &amp; b"],
    ["R&D", "R&amp;D"],
    ["?a=1&b=2", "?a=1&amp;b=2"],
    ["&amp; &lt; &gt; &quot; &apos;", "&amp; &lt; &gt; &quot; &apos;"],
    ["&#233; &#xE9; &#XE9;", "&#233; &#xE9; &amp;#XE9;"],
    ["&eacute;", "&#233;"],
    ["&nbsp;", "&#160;"],
    ["&rsquo;", "&#8217;"],
    ["&euro;&hellip;&oelig;", "&#8364;&#8230;&#339;"],
    ["&unknown;", "&amp;unknown;"],
    ["&#xZZ;", "&amp;#xZZ;"],
    ["&;", "&amp;;"],
    ["fin &", "fin &amp;"],
    ["rien à réparer", "rien à réparer"],
  ])("%j → %j", (input, expected) => {
    expect(repairXml(input)).toBe(expected);
  });

  const SAFE_REFERENCE = /^&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9A-Fa-f]+);/;

  it("is idempotent, and leaves every & at the start of an XML reference", () => {
    const piece = fc.constantFrom(
      "&",
      "&amp;",
      "&eacute;",
      "&nbsp;",
      "&foo;",
      "&#233;",
      "&#x2019;",
      "&#x;",
      "&#;",
      ";",
      "#",
      "x",
      "é",
      " ",
      "<a>",
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        const repaired = repairXml(pieces.join(""));
        expect(repairXml(repaired)).toBe(repaired);
        for (let at = repaired.indexOf("&"); at !== -1; at = repaired.indexOf("&", at + 1))
          expect(repaired.slice(at)).toMatch(SAFE_REFERENCE);
      }),
    );
  });
});

describe("parseFeed: nothing a document asks for is expanded or fetched", () => {
  let server: FeedServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("a billion laughs DOCTYPE is not expanded", async () => {
    const levels = ['<!ENTITY lol0 "lol">'];
    for (let level = 1; level <= 9; level++)
      levels.push(`<!ENTITY lol${level} "${`&lol${level - 1};`.repeat(10)}">`);
    const text = `<?xml version="1.0"?><!DOCTYPE rss [${levels.join("")}]>
      <rss version="2.0"><channel><title>&lol9;</title><item><title>x &lol9;</title><description>&lol9;&lol9;</description></item></channel></rss>`;
    const outcome = await parseFeed(text).then(
      (feed) => JSON.stringify(feed),
      (error: unknown) => (error instanceof FeedError ? error.reason : String(error)),
    );
    expect(outcome.length).toBeLessThan(2000);
    expect(outcome).not.toContain("lollol");
  });

  it("an external entity does not read the file", async () => {
    const text = `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
      <rss version="2.0"><channel><title>T</title><item><title>&xxe;</title><description>avant &xxe; après</description></item></channel></rss>`;
    const feed = await parseFeed(text);
    const serialised = JSON.stringify(feed);
    expect(serialised).not.toMatch(/root:|\/bin\/|nologin/);
    expect(feed.items[0]?.title).toBe("&xxe;");
    expect(feed.items[0]?.summary).toBe("avant &xxe; après");
  });

  it("an external DTD or entity over http is never requested", async () => {
    server = await startFeedServer({
      "/evil.dtd": { body: '<!ENTITY leak "FUITE">', contentType: "application/xml-dtd" },
      "/entity": { body: "FUITE", contentType: "text/plain" },
    });
    const dtd = server.url("/evil.dtd");
    const entity = server.url("/entity");
    const texts = [
      `<?xml version="1.0"?><!DOCTYPE rss SYSTEM "${dtd}"><rss version="2.0"><channel><title>&leak;</title></channel></rss>`,
      `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY ext SYSTEM "${entity}">]><rss version="2.0"><channel><title>&ext;</title></channel></rss>`,
      `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY % p SYSTEM "${dtd}"> %p;]><rss version="2.0"><channel><title>&leak;</title></channel></rss>`,
    ];
    for (const text of texts) {
      const outcome = await parseFeed(text).then(
        (feed) => JSON.stringify(feed),
        (error: unknown) => (error instanceof FeedError ? error.reason : String(error)),
      );
      expect(outcome).not.toContain("FUITE");
    }
    // Let any stray request arrive before counting.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.requests).toEqual([]);
  });
});

describe("rootElement", () => {
  it.each([
    ["<rss/>", "rss"],
    ['<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0">', "rss"],
    ["<!-- <html> -->\n<feed xmlns='http://www.w3.org/2005/Atom'>", "feed"],
    ['<?xml version="1.0"?><?xml-stylesheet type="text/xsl" href="s.xsl"?><rss>', "rss"],
    [
      '<!DOCTYPE rss PUBLIC "-//Netscape//DTD RSS 0.91//EN" "http://x/rss-0.91.dtd"><rss version="0.91">',
      "rss",
    ],
    ['<!DOCTYPE rss [<!ENTITY a "b"><!ENTITY c "d">]><rss>', "rss"],
    [
      '<?xml version="1.0"?>\n<!-- un -->\n<!DOCTYPE x [\n<!ENTITY a "b>c">\n]>\n<!--deux--><rdf:RDF xmlns:rdf="x">',
      "rdf:RDF",
    ],
    ["<!doctype html><html>", "html"],
    ["<sitemap>", "sitemap"],
    ["\n\t<_x.y-z>", "_x.y-z"],
  ])("%j → %s", (xml, expected) => {
    expect(rootElement(xml)).toBe(expected);
  });

  it.each([
    "",
    "texte sans balise",
    "<!-- seulement un commentaire -->",
    '<?xml version="1.0"?>',
    "< rss>",
  ])("%j has no root element", (xml) => {
    expect(rootElement(xml)).toBeUndefined();
  });
});

/**
 * Kept last in the file: before 83f3946, a document refused as "XML invalide"
 * left the shared parser in a bad state, which changed what the tests after
 * it saw. Each test starts with a clean parse.
 */
describe("parseFeed: invalid XML", () => {
  const CLEAN = `<rss version="2.0"><channel><title>T</title><item><title>A</title></item></channel></rss>`;
  const TRUNCATED = `<rss version="2.0"><channel><title>T</title><item><title>A</ti`;
  const MISMATCHED = `<rss version="2.0"><channel><title>T</wrong><item><title>M</title></item></channel></rss>`;
  const BARE_AMPERSAND = `<rss version="2.0"><channel><title>T</title><item><title>A</title><description>R&D</description></item></channel></rss>`;

  it.each([
    TRUNCATED,
    `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><entry>`,
    MISMATCHED,
    `<rss version="2.0"><channel><title>T</title><item><title>A & B</ti`,
  ])("truncated or broken XML %j → XML invalide", async (text) => {
    await parseFeed(CLEAN);
    expect(await refusal(text)).toBe("XML invalide");
  });

  // Regression (fixed in 83f3946): parse.ts kept one module-level rss-parser,
  // hence one xml2js parser, left with its sax error flag set after a failed
  // document; the errors of the NEXT document were then silently ignored and
  // sax's lenient recovery returned as the feed.
  it("a broken document is refused every time, also right after another one", async () => {
    await parseFeed(CLEAN);
    expect(await refusal(MISMATCHED)).toBe("XML invalide");
    expect(await refusal(MISMATCHED)).toBe("XML invalide"); // was: accepted, items []
  });

  it("after a truncated document, the next one is still repaired", async () => {
    await parseFeed(CLEAN);
    expect(await refusal(TRUNCATED)).toBe("XML invalide");
    const feed = await parseFeed(BARE_AMPERSAND);
    // was: "R&D</description>" (sax's recovery, not the repaired document)
    expect(feed.items[0]?.summary).toBe("R&D");
  });
});
