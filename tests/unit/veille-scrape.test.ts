import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type Item, normaliseItems } from "../../src/veille/normalise.js";
import { FeedError, type RawFeed } from "../../src/veille/parse.js";
import { MAX_SCRAPED_ITEMS, type PageSelectors, scrapePage } from "../../src/veille/scrape.js";

const PAGES = new URL("../fixtures/pages/", import.meta.url);
const page = (name: string): string => readFileSync(new URL(name, PAGES), "utf8");

const NOW = new Date("2026-11-28T10:00:00.000Z");

function normalise(feed: RawFeed, url: string): Item[] {
  return normaliseItems({ feed, source: { id: "src" }, url, now: NOW, tagger: () => [] });
}

/** The FeedError a scrape throws, for its reason. */
function failure(html: string, select: PageSelectors, pageUrl?: string): FeedError {
  try {
    scrapePage(html, pageUrl, select);
  } catch (error) {
    if (error instanceof FeedError) return error;
    throw error;
  }
  throw new Error("scrapePage did not throw");
}

const DSFR: PageSelectors = {
  item: ".fr-card",
  title: ".fr-card__title",
  link: ".fr-card__title a",
  date: ".fr-card__detail",
  summary: ".fr-card__desc",
};
const DSFR_URL = "https://travail-emploi.gouv.fr/actualites";

describe("scrapePage: a page in the State's design system (DSFR)", () => {
  const feed = scrapePage(page("dsfr.html"), DSFR_URL, DSFR);

  it("reads one item per card, in page order, with the page's title and address", () => {
    expect(feed.format).toBe("html");
    expect(feed.title).toBe("Actualités - Ministère du Travail, du Plein emploi et de l'Insertion");
    expect(feed.link).toBe(DSFR_URL);
    expect(feed.items.map((item) => item.title)).toEqual([
      "Territoires zéro chômeur de longue durée\u00A0: une nouvelle vague de territoires habilités",
      "Insertion par l'activité économique : appel à projets 2027",
      "Fonds réemploi textile : les résultats",
    ]);
  });

  it("makes links absolute but leaves their canonical form to normalise", () => {
    expect(feed.items.map((item) => item.link)).toEqual([
      "https://travail-emploi.gouv.fr/actualites/territoires-zero-chomeur-nouvelle-vague?xtor=RSS-1#contenu",
      "https://travail-emploi.gouv.fr/actualites/insertion-par-l-activite-economique-appel-a-projets",
      "https://travail-emploi.gouv.fr/actualites/fonds-reemploi-textile",
    ]);
  });

  it("gives date candidates, a <time datetime> first", () => {
    expect(feed.items.map((item) => item.dates)).toEqual([
      ["Publié le 12 novembre 2026", "12 novembre 2026"],
      ["2026-11-05T09:30:00+01:00", "5 novembre 2026"],
      ["Publié le 1er mars 2025", "1er mars 2025"],
    ]);
  });

  it("takes the summary's text without its markup", () => {
    expect(feed.items[0]?.summary).toBe(
      "Le ministre a annoncé l'habilitation de 12 nouveaux territoires dans le cadre de l'expérimentation.",
    );
  });

  it("goes through normaliseItems to canonical links and ISO dates", () => {
    const items = normalise(feed, DSFR_URL);
    expect(items.map(({ id, link, published, dated }) => ({ id, link, published, dated }))).toEqual(
      [
        {
          id: "https://travail-emploi.gouv.fr/actualites/territoires-zero-chomeur-nouvelle-vague",
          link: "https://travail-emploi.gouv.fr/actualites/territoires-zero-chomeur-nouvelle-vague",
          published: "2026-11-11T23:00:00.000Z",
          dated: true,
        },
        {
          id: "https://travail-emploi.gouv.fr/actualites/insertion-par-l-activite-economique-appel-a-projets",
          link: "https://travail-emploi.gouv.fr/actualites/insertion-par-l-activite-economique-appel-a-projets",
          published: "2026-11-05T08:30:00.000Z",
          dated: true,
        },
        {
          id: "https://travail-emploi.gouv.fr/actualites/fonds-reemploi-textile",
          link: "https://travail-emploi.gouv.fr/actualites/fonds-reemploi-textile",
          published: "2025-02-28T23:00:00.000Z",
          dated: true,
        },
      ],
    );
    expect(items[1]?.summary).toBe(
      "Les structures de l'IAE peuvent déposer leur dossier jusqu'au 15 janvier.",
    );
  });

  it("resolves links against the canonical address when the page comes from a file", () => {
    const saved = scrapePage(page("dsfr.html"), undefined, DSFR);
    expect(saved.link).toBe(DSFR_URL);
    expect(saved.items[2]?.link).toBe(
      "https://travail-emploi.gouv.fr/actualites/fonds-reemploi-textile",
    );
    const fromWorkspace = scrapePage(page("dsfr.html"), "file:exemples/dsfr.html", DSFR);
    expect(fromWorkspace.items[2]?.link).toBe(saved.items[2]?.link);
  });

  it("finds the link inside a match that has no href", () => {
    const feed2 = scrapePage(page("dsfr.html"), DSFR_URL, { ...DSFR, link: ".fr-card__title" });
    expect(feed2.items.map((item) => item.link)).toEqual(feed.items.map((item) => item.link));
  });
});

describe("scrapePage: a WordPress blog page", () => {
  const URL_ = "https://ressourceries.example.org/actualites/";
  const WORDPRESS: PageSelectors = {
    item: "article",
    title: "h2.entry-title",
    link: "h2.entry-title a",
    date: "time.entry-date",
    summary: ".entry-summary",
  };
  const feed = scrapePage(page("wordpress.html"), URL_, WORDPRESS);

  it("reads the posts, not the widgets", () => {
    expect(feed.items).toEqual([
      {
        title: "Une nouvelle ressourcerie dans le 20e",
        link: "https://ressourceries.example.org/2026/11/une-nouvelle-ressourcerie-dans-le-20e/",
        dates: ["2026-11-23T10:00:00+01:00", "23 novembre 2026"],
        summary:
          "Ouverture samedi rue des Pyrénées\u00A0: dépôts, vente et ateliers de réparation. Venez nombreux…",
      },
      {
        title: "Bilan 2026 du réemploi",
        link: "https://ressourceries.example.org/2026/11/bilan-2026-du-reemploi/",
        dates: ["2026-11-02T18:45:00+01:00", "2 novembre 2026"],
        summary: "Les chiffres de l'année en un coup d'œil.",
      },
    ]);
    expect(feed.title).toBe("Actualités – Réseau des ressourceries parisiennes");
  });

  it("takes the link around the match when the match has none (up to the entry)", () => {
    const around = scrapePage(page("wordpress.html"), URL_, { ...WORDPRESS, link: "time" });
    expect(around.items.map((item) => item.link)).toEqual(feed.items.map((item) => item.link));
  });

  it("dates the posts in UTC after normalisation", () => {
    expect(normalise(feed, URL_).map((item) => item.published)).toEqual([
      "2026-11-23T09:00:00.000Z",
      "2026-11-02T17:45:00.000Z",
    ]);
  });
});

describe("scrapePage: relative links", () => {
  const PAGE_URL = "https://www.paris-emploi.example.fr/aap/";
  const feed = scrapePage(page("relative-links.html"), PAGE_URL, {
    item: "li.appel",
    title: "a",
    link: "a",
  });
  const linkOf = (title: string): string | undefined =>
    feed.items.find((item) => item.title === title)?.link;

  it("records the document's base", () => {
    expect(feed.base).toBe("https://www.paris-emploi.example.fr/aap/liste/");
    expect(feed.link).toBe(PAGE_URL);
  });

  it.each([
    ["Racine du site", "https://www.paris-emploi.example.fr/aap/economie-circulaire"],
    ["Relatif au dossier", "https://www.paris-emploi.example.fr/aap/liste/insertion-2027"],
    ["Dossier parent", "https://www.paris-emploi.example.fr/aap/archives/2025"],
    ["Seulement la requête", "https://www.paris-emploi.example.fr/aap/liste/?p=2"],
    ["Sans protocole", "https://cdn.paris-emploi.example.fr/aap.pdf"],
    ["Autre site", "https://www.autre-site.example.org/aap"],
    ["Espaces autour", "https://www.paris-emploi.example.fr/aap/liste/fiche%20pratique.html"],
    ["Lien javascript", undefined],
    ["Lien courriel", undefined],
    ["Lien vers la page même", undefined],
  ])("%s → %s (against the <base href>)", (title, expected) => {
    expect(feed.items.some((item) => item.title === title)).toBe(true);
    expect(linkOf(title)).toBe(expected);
  });

  it.each([
    [
      "no <base>: the page's address",
      "",
      "https://exemple.org/dossier/page",
      "https://exemple.org/dossier/x",
    ],
    [
      "a relative <base>",
      '<base href="/autre/">',
      "https://exemple.org/dossier/page",
      "https://exemple.org/autre/x",
    ],
    [
      "a javascript: <base> is ignored",
      '<base href="javascript:alert(1)">',
      "https://exemple.org/d/p",
      "https://exemple.org/d/x",
    ],
    [
      "an http page under an https base",
      '<base href="https://secure.exemple.org/">',
      "http://exemple.org/",
      "https://secure.exemple.org/x",
    ],
    ["no address at all: left as written", "", undefined, "x"],
    ["a file: source: left as written", "", "file:exemples/page.html", "x"],
  ])("%s", (_, head, pageUrl, expected) => {
    const html = `<html><head>${head}</head><body><p class="i"><a href="x">X</a></p></body></html>`;
    const feed2 = scrapePage(html, pageUrl, { item: ".i", title: "a", link: "a" });
    expect(feed2.items[0]?.link).toBe(expected);
  });

  it("a link left relative is resolved by normalise when it knows the address, else dropped", () => {
    const html = '<div class="i"><a href="/x?utm_source=y">X</a></div>';
    const feed2 = scrapePage(html, undefined, { item: ".i", title: "a", link: "a" });
    expect(normalise(feed2, "https://exemple.org/page")[0]?.link).toBe("https://exemple.org/x");
    expect(normalise(feed2, "file:exemples/page.html")[0]?.link).toBeUndefined();
  });
});

describe("scrapePage: French dates", () => {
  const PAGE_URL = "https://ess.example.fr/agenda";
  const feed = scrapePage(page("french-dates.html"), PAGE_URL, {
    item: ".evenement",
    title: "h4",
    link: "h4 a",
    date: ".quand",
  });
  const items = normalise(feed, PAGE_URL);

  it.each([
    ["Forum de l'ESS", "2026-11-11T23:00:00.000Z"],
    ["Assemblée générale", "2025-02-28T23:00:00.000Z"],
    ["Atelier réparation", "2026-11-22T23:00:00.000Z"],
    ["Permanence juridique", "2026-11-22T23:00:00.000Z"],
    ["Conseil d'administration", "2026-02-03T13:30:00.000Z"],
    ["Salon du réemploi", "2026-11-30T23:00:00.000Z"],
    ["Marché de Noël solidaire", "2026-11-30T23:00:00.000Z"],
    ["Webinaire", "2026-12-07T23:00:00.000Z"],
  ])("%s: %s", (title, expected) => {
    const item = items.find((candidate) => candidate.title === title);
    expect(item?.published).toBe(expected);
    expect(item?.dated).toBe(true);
  });

  it.each([
    ["Rencontre des adhérents", ["bientôt"]],
    ["Visite de chantier", []],
  ])("%s: no readable date, dated when first seen", (title, dates) => {
    expect(feed.items.find((item) => item.title === title)?.dates).toEqual(dates);
    const item = items.find((candidate) => candidate.title === title);
    expect(item?.dated).toBe(false);
    expect(item?.published).toBe(NOW.toISOString());
  });

  it("finds the date written inside a longer text", () => {
    expect(feed.items.find((item) => item.title === "Salon du réemploi")?.dates).toEqual([
      "Événement · 1er décembre 2026 · Paris 11e",
      "1er décembre 2026",
    ]);
  });

  it.each([
    [
      "the match's own datetime",
      '<time class="d" datetime="2026-11-12">hier</time>',
      ".d",
      ["2026-11-12", "hier"],
    ],
    [
      "a <meta content>",
      '<meta class="d" itemprop="datePublished" content="2026-11-12">',
      ".d",
      ["2026-11-12"],
    ],
    [
      "a numeric date in a sentence",
      '<p class="d">Mis en ligne : 12/11/2026.</p>',
      ".d",
      ["Mis en ligne : 12/11/2026.", "12/11/2026"],
    ],
    [
      "an ISO date in a sentence",
      '<p class="d">(2026-11-12T10:00:00Z) maj</p>',
      ".d",
      ["(2026-11-12T10:00:00Z) maj", "2026-11-12T10:00:00Z"],
    ],
    ["nothing when the selector misses", "<p>12/11/2026</p>", ".d", []],
  ])("date from %s", (_, markup, date, expected) => {
    const html = `<div class="i"><a href="/x">X</a>${markup}</div>`;
    const feed2 = scrapePage(html, PAGE_URL, { item: ".i", title: "a", link: "a", date });
    expect(feed2.items[0]?.dates).toEqual(expected);
  });
});

describe("scrapePage: entities, no-break spaces and markup in titles", () => {
  const feed = scrapePage(page("entities.html"), "https://legifrance.example.fr/textes", {
    item: ".texte",
    title: ".titre",
    link: ".titre",
  });

  it.each([
    ["/textes/1", "Décret n°\u00A02026-1234 du 20\u00A0novembre\u00A02026"],
    ["/textes/2", "Loi «\u00A0anti-gaspillage\u00A0» & économie circulaire"],
    ["/textes/3", "L’arrêté du 3 décembre"],
    ["/textes/4", "Prix\u202F: 1\u202F000\u00A0€ par ETP"],
    ["/textes/5", "Titre sur deux lignes"],
    ["/textes/6", "Avec un script"],
    ["/textes/7", "AT&T < 3 > 2"],
    ["/textes/8", "Icône seule"],
  ])("%s: %j, unchanged by normalise", (path, title) => {
    const link = `https://legifrance.example.fr${path}`;
    expect(feed.items.find((item) => item.link === link)?.title).toBe(title);
    const normalised = normalise(feed, "https://legifrance.example.fr/textes");
    expect(normalised.find((item) => item.link === link)?.title).toBe(title);
  });

  it("drops the entry with neither title nor link", () => {
    expect(feed.items).toHaveLength(8);
    expect(feed.title).toBe("Textes & décrets");
  });
});

describe("scrapePage: which element counts", () => {
  const scrape = (body: string, select: Partial<PageSelectors> = {}): RawFeed =>
    scrapePage(`<html><body>${body}</body></html>`, "https://exemple.org/", {
      item: ".i",
      title: "h3",
      link: "a",
      ...select,
    });

  it("an entry that is itself a link is its own link", () => {
    const feed = scrape(
      '<a class="i" href="/a"><h3>A</h3></a><a class="i" href="/b"><h3>B</h3></a>',
    );
    expect(feed.items.map((item) => [item.title, item.link])).toEqual([
      ["A", "https://exemple.org/a"],
      ["B", "https://exemple.org/b"],
    ]);
  });

  it("the first match inside the entry counts", () => {
    const feed = scrape(
      '<div class="i"><h3>Un</h3><h3>Deux</h3><a href="/1">1</a><a href="/2">2</a></div>',
    );
    expect(feed.items).toEqual([{ title: "Un", link: "https://exemple.org/1", dates: [] }]);
  });

  it("selectors relative to the entry work", () => {
    const feed = scrape(
      '<div class="i"><div><h3>Profond</h3></div><h3>Direct</h3><a href="/a">a</a></div>',
      { title: ":scope > h3" },
    );
    expect(feed.items[0]?.title).toBe("Direct");
  });

  it.each([
    ["a title without link", '<div class="i"><h3>Seul</h3></div>', { title: "Seul", dates: [] }],
    [
      "a link without title",
      '<div class="i"><a href="/l">l</a></div>',
      { link: "https://exemple.org/l", dates: [] },
    ],
  ])("keeps %s", (_, body, expected) => {
    expect(scrape(body).items).toEqual([expected]);
  });

  it("a link without title becomes an untitled item", () => {
    const feed = scrape('<div class="i"><a href="/l">l</a></div>');
    expect(normalise(feed, "https://exemple.org/")[0]?.title).toBe("(sans titre)");
  });

  it("leaves the summary out when its selector finds nothing", () => {
    const feed = scrape('<div class="i"><h3>T</h3><a href="/t">t</a></div>', { summary: ".desc" });
    expect(feed.items[0]).not.toHaveProperty("summary");
  });

  it(`reads at most ${MAX_SCRAPED_ITEMS} entries, the first ones`, () => {
    const body = Array.from(
      { length: 600 },
      (_, n) => `<div class="i"><h3>N${n}</h3><a href="/${n}">x</a></div>`,
    ).join("");
    const feed = scrape(body);
    expect(feed.items).toHaveLength(MAX_SCRAPED_ITEMS);
    expect(feed.items.at(-1)?.title).toBe(`N${MAX_SCRAPED_ITEMS - 1}`);
  });

  it("survives a page nested thousands of levels deep", () => {
    const depth = 5_000;
    const body = `<div class="i"><a href="/d">${"<span>".repeat(depth)}profond${"</span>".repeat(depth)}</a></div>`;
    expect(scrape(body, { title: "a" }).items[0]?.title).toBe("profond");
  });

  it("reads sloppy HTML as a browser would", () => {
    const feed = scrape(
      '<div class="i"><h3>Non fermé<a href="/n">lien</div><div class="i"><h3>Suivant</h3><a href="/s">s</a>',
    );
    expect(feed.items.map((item) => item.link)).toEqual([
      "https://exemple.org/n",
      "https://exemple.org/s",
    ]);
  });
});

describe("scrapePage: errors, in French", () => {
  it("the page no longer has the entries (a redesigned site)", () => {
    const error = failure(page("redesigned.html"), DSFR);
    expect(error).toBeInstanceOf(FeedError);
    expect(error.reason).toBe(
      "sélecteurs sans résultat : « .fr-card » ne trouve aucun élément dans la page",
    );
    expect(error.htmlPage).toBe(false);
  });

  it.each([
    [".teaser", "trouve 3 éléments"],
    ["h1", "trouve 1 élément"],
  ])("entries %s without title or link: %s", (item, found) => {
    expect(failure(page("redesigned.html"), { item, title: "h3", link: "h3 a" }).reason).toBe(
      `sélecteurs sans résultat : « ${item} » ${found}, mais aucun n'a de titre (« h3 ») ni de lien (« h3 a »)`,
    );
  });

  it("counts many entries the French way", () => {
    const html = "<p></p>".repeat(1500);
    expect(failure(html, { item: "p", title: "h3", link: "a" }).reason).toContain(
      "trouve 1\u202F500 éléments",
    );
  });

  it("an empty document has no entry", () => {
    expect(failure("", DSFR).reason).toMatch(/^sélecteurs sans résultat : « \.fr-card »/);
  });

  it.each([
    ["item", "div["],
    ["title", "h3,,h4"],
    ["link", "a:nope"],
    ["date", "p::before"],
    ["summary", "[class="],
  ] as const)("an invalid select.%s is named, even when no entry is found", (field, selector) => {
    for (const html of [page("dsfr.html"), page("redesigned.html")]) {
      expect(failure(html, { ...DSFR, [field]: selector }).reason).toBe(
        `sélecteur CSS invalide : « ${selector} » (select.${field})`,
      );
    }
  });

  it("a blank selector is invalid", () => {
    expect(failure(page("dsfr.html"), { ...DSFR, summary: "  " }).reason).toBe(
      "sélecteur CSS invalide : select.summary est vide",
    );
  });
});
