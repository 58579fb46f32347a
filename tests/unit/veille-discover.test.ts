import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type DiscoveredFeed, discoverFeeds } from "../../src/veille/discover.js";

const PAGES = new URL("../fixtures/pages/", import.meta.url);
const page = (name: string): string => readFileSync(new URL(name, PAGES), "utf8");

const RESSOURCERIES = "https://ressourceries.example.org";

describe("discoverFeeds: fixture pages", () => {
  it.each<[string, string | undefined, DiscoveredFeed[]]>([
    [
      "discover-rss.html",
      "https://www.lagazette.example.fr/",
      [
        {
          url: "https://www.lagazette.example.fr/rss",
          type: "rss",
          title: "La Gazette – Toute l'actualité",
        },
      ],
    ],
    [
      "discover-atom.html",
      "https://atelier-velo.example.org/blog/",
      [
        {
          url: "https://atelier-velo.example.org/atom.xml",
          type: "atom",
          title: "Blog de l'atelier vélo",
        },
      ],
    ],
    [
      "discover-json.html",
      "https://coop.example.org/carnet/",
      [{ url: "https://coop.example.org/feed.json", type: "json", title: "Carnet (JSON Feed)" }],
    ],
    ["discover-none.html", "https://mairie11.example.fr/", []],
    [
      "wordpress.html",
      `${RESSOURCERIES}/actualites/`,
      [
        {
          url: `${RESSOURCERIES}/feed/`,
          type: "rss",
          title: "Réseau des ressourceries parisiennes » Flux",
        },
        {
          url: `${RESSOURCERIES}/comments/feed/`,
          type: "rss",
          title: "Réseau des ressourceries parisiennes » Flux des commentaires",
        },
      ],
    ],
    [
      "discover-uppercase.html",
      "http://faubourg.example.fr/accueil.htm",
      [
        { url: "http://faubourg.example.fr/Nouvelles.rss", type: "rss", title: "Nouvelles" },
        { url: "http://faubourg.example.fr/atom.XML", type: "atom" },
        { url: "http://faubourg.example.fr/index.rdf", type: "rss", title: "Ancien flux RSS 1.0" },
        { url: "http://faubourg.example.fr/atom03.xml", type: "atom", title: "Atom 0.3" },
      ],
    ],
  ])("%s", (name, pageUrl, expected) => {
    expect(discoverFeeds(page(name), pageUrl)).toEqual(expected);
  });

  it("several feeds: main ones first, RSS/Atom before JSON, comments last, duplicates merged", () => {
    const feeds = discoverFeeds(
      page("discover-several.html"),
      `${RESSOURCERIES}/2026/11/une-nouvelle-ressourcerie-dans-le-20e/`,
    );
    expect(feeds.map((feed) => [feed.type, feed.url])).toEqual([
      ["rss", `${RESSOURCERIES}/feed/`],
      ["atom", `${RESSOURCERIES}/feed/atom/`],
      ["json", `${RESSOURCERIES}/feed/json/`],
      ["rss", `${RESSOURCERIES}/comments/feed/`],
      ["rss", `${RESSOURCERIES}/2026/11/une-nouvelle-ressourcerie-dans-le-20e/feed/`],
    ]);
    expect(feeds[0]?.title).toBe("Réseau des ressourceries » Flux");
  });

  describe("relative hrefs, against <base href> then the page", () => {
    const feeds = discoverFeeds(
      page("discover-relative.html"),
      "https://www.exemple.org/actualites/page.html",
    );
    const urlOf = (title: string): string | undefined =>
      feeds.find((feed) => feed.title === title)?.url;

    it.each([
      ["Racine", "https://www.exemple.org/rss.xml"],
      ["Relatif", "https://www.exemple.org/blog/flux.xml"],
      ["Parent", "https://www.exemple.org/atom.xml"],
      ["Requête", "https://www.exemple.org/blog/?feed=rss2"],
      ["Sans protocole", "https://flux.example.org/rss"],
      ["Schéma feed", "http://old.example.org/rss.xml"],
    ])("%s → %s", (title, expected) => {
      expect(urlOf(title)).toBe(expected);
    });

    it("drops javascript:, data:, mailto: and empty hrefs, keeps the document's order", () => {
      expect(feeds.map((feed) => feed.title)).toEqual([
        "Racine",
        "Relatif",
        "Parent",
        "Requête",
        "Sans protocole",
        "Schéma feed",
      ]);
    });
  });
});

describe("discoverFeeds: reading the <link> elements", () => {
  const PAGE_URL = "https://exemple.org/page";
  /** The page at PAGE_URL, or at `at.pageUrl` (which may be undefined) when given. */
  const discover = (head: string, at: { pageUrl?: string } = {}): DiscoveredFeed[] =>
    discoverFeeds(
      `<html><head>${head}</head><body></body></html>`,
      "pageUrl" in at ? at.pageUrl : PAGE_URL,
    );
  const urls = (head: string, at: { pageUrl?: string } = {}): string[] =>
    discover(head, at).map((feed) => feed.url);

  it.each([
    [
      "rel among other tokens",
      1,
      '<link rel="feed alternate" type="application/rss+xml" href="/a">',
    ],
    [
      "rel in capitals, tabs around",
      1,
      '<link rel="\tALTERNATE\n" type="application/rss+xml" href="/a">',
    ],
    [
      "a rel that only contains the word",
      0,
      '<link rel="alternates" type="application/rss+xml" href="/a">',
    ],
    ["no rel", 0, '<link type="application/rss+xml" href="/a">'],
    ["a stylesheet", 0, '<link rel="alternate stylesheet" type="text/css" href="/a.css">'],
    [
      "type with parameters",
      1,
      '<link rel="alternate" type="application/atom+xml;charset=utf-8" href="/a">',
    ],
    [
      "type with spaces",
      1,
      '<link rel="alternate" type="application/rss+xml ; charset=UTF-8" href="/a">',
    ],
    ["a generic XML type", 0, '<link rel="alternate" type="text/xml" href="/a.xml">'],
    ["oEmbed", 0, '<link rel="alternate" type="application/json+oembed" href="/o">'],
    [
      "application/json (JSON Feed 1.0)",
      1,
      '<link rel="alternate" type="application/json" href="/feed.json">',
    ],
    [
      "WordPress REST API",
      0,
      '<link rel="alternate" type="application/json" href="/wp-json/wp/v2/pages/2">',
    ],
    [
      "WordPress REST API without permalinks",
      0,
      '<link rel="alternate" type="application/json" href="/?rest_route=/wp/v2/pages/2">',
    ],
  ])("%s: %i feed(s)", (_, count, head) => {
    expect(discover(head)).toHaveLength(count);
  });

  it("finds a <link> in the body too", () => {
    const html =
      '<html><body><p>x</p><link rel="alternate" type="application/rss+xml" href="/b"></body></html>';
    expect(discoverFeeds(html, PAGE_URL)).toEqual([{ url: "https://exemple.org/b", type: "rss" }]);
  });

  it("merges duplicates that differ only in spelling, keeping a title found later", () => {
    expect(
      discover(
        '<link rel="alternate" type="application/rss+xml" href="HTTPS://Exemple.org/rss">' +
          '<link rel="alternate" type="application/rss+xml" title=" Le  flux " href="/rss">',
      ),
    ).toEqual([{ url: "https://exemple.org/rss", type: "rss", title: "Le flux" }]);
  });

  it("puts a JSON Feed after an RSS feed given later", () => {
    expect(
      urls(
        '<link rel="alternate" type="application/feed+json" href="/j">' +
          '<link rel="alternate" type="application/rss+xml" href="/r">',
      ),
    ).toEqual(["https://exemple.org/r", "https://exemple.org/j"]);
  });

  it.each([
    ["a comments title goes last", 'title="Comments Feed" href="/c"', true],
    ["a WordPress comments URL goes last", 'href="/comments/feed/"', true],
    ["“comment” meaning how stays first", 'title="Comment agir » Flux" href="/c"', false],
  ])("%s", (_, attributes, last) => {
    const feeds = urls(
      `<link rel="alternate" type="application/rss+xml" ${attributes}>` +
        '<link rel="alternate" type="application/rss+xml" href="/main">',
    );
    expect(feeds[0] === "https://exemple.org/main").toBe(last);
  });

  it.each([
    [
      "no address: only absolute hrefs, a relative one cannot be fetched",
      undefined,
      ["https://a.example/rss"],
    ],
    ["a file: source counts as no address", "file:exemples/page.html", ["https://a.example/rss"]],
  ])("%s", (_, pageUrl, expected) => {
    const head =
      '<link rel="alternate" type="application/rss+xml" href="https://a.example/rss">' +
      '<link rel="alternate" type="application/rss+xml" href="/rel.xml">' +
      '<link rel="alternate" type="application/rss+xml" href="javascript:x()">';
    expect(urls(head, { pageUrl })).toEqual(expected);
  });

  it("without an address, resolves against the canonical link", () => {
    const head =
      '<link rel="canonical" href="https://site.example/blog/">' +
      '<link rel="alternate" type="application/rss+xml" href="flux.xml">';
    expect(urls(head, { pageUrl: undefined })).toEqual(["https://site.example/blog/flux.xml"]);
  });

  it("ignores a javascript: <base href>", () => {
    const head =
      '<base href="javascript:alert(1)//">' +
      '<link rel="alternate" type="application/rss+xml" href="rss.xml">';
    expect(urls(head)).toEqual(["https://exemple.org/rss.xml"]);
  });

  it("reads feed:https://… as the URL after the prefix", () => {
    expect(
      urls('<link rel="alternate" type="application/rss+xml" href="feed:https://exemple.org/f">'),
    ).toEqual(["https://exemple.org/f"]);
  });
});
