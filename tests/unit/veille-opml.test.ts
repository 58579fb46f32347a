import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { feedsSchema } from "../../src/veille/feeds.js";
import {
  OpmlError,
  type OpmlSource,
  opmlDocument,
  opmlExportable,
  parseOpml,
} from "../../src/veille/opml.js";
import { parseYamlText } from "../../src/workspace/yaml-file.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));

function fixture(name: string): string {
  return readFileSync(path.resolve(HERE, "../fixtures/opml", name), "utf8");
}

/** The OpmlError message a text is refused with (fails the test if it is accepted). */
function refusal(text: string): string {
  try {
    const result = parseOpml(text);
    throw new Error(`accepted: ${JSON.stringify(result)}`);
  } catch (error) {
    if (!(error instanceof OpmlError)) throw error;
    return error.message;
  }
}

const opml = (body: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0"><head/><body>${body}</body></opml>\n`;

describe("parseOpml: exports of feed readers", () => {
  it("Feedly: one level of folders, entities decoded", () => {
    const { title, feeds, duplicates } = parseOpml(fixture("feedly.opml"));
    expect(title).toBe("Camille subscriptions in feedly Cloud");
    expect(duplicates).toBe(0);
    expect(feeds.map((feed) => [feed.title, feed.categories])).toEqual([
      ["Actu-Environnement : Déchets", ["Économie circulaire"]],
      ["Ministère de la Transition écologique", ["Économie circulaire"]],
      ["Avise", ["ESS & emploi"]],
      ["Territoires zéro chômeur de longue durée", ["ESS & emploi"]],
      ["Service-Public.fr - Actualités", ["Officiel"]],
      ["vie-publique.fr", ["Officiel"]],
    ]);
    expect(feeds[0]).toEqual({
      title: "Actu-Environnement : Déchets",
      xmlUrl: "https://www.actu-environnement.com/flux/rss/dechets/",
      htmlUrl: "https://www.actu-environnement.com",
      categories: ["Économie circulaire"],
    });
  });

  it("Inoreader: numeric references, &amp; in an address, a feed outside any folder", () => {
    const { feeds } = parseOpml(fixture("inoreader.opml"));
    expect(feeds).toEqual([
      {
        title: "Citeo - Actualités",
        xmlUrl: "https://www.citeo.com/le-mag/rss.xml",
        htmlUrl: "https://www.citeo.com/le-mag",
        categories: ["REP"],
      },
      {
        title: "Refashion | L'actualité de la filière",
        xmlUrl: "https://refashion.fr/fr/rss.xml",
        htmlUrl: "https://refashion.fr/fr",
        categories: ["REP"],
      },
      {
        title: "Paris 18e – Actualités",
        xmlUrl: "https://www.paris.fr/rss/arrondissement-18.xml?tri=date&limite=50",
        htmlUrl: "https://mairie18.paris.fr",
        categories: ["Quartier"],
      },
      {
        title: "Localtis",
        xmlUrl: "https://www.banquedesterritoires.fr/localtis/rss.xml",
        htmlUrl: "https://www.banquedesterritoires.fr/localtis",
        categories: [],
      },
    ]);
  });

  it("NetNewsWire: tabs, a comment before the root, &apos; and &lt;", () => {
    const { title, feeds } = parseOpml(fixture("netnewswire.opml"));
    expect(title).toBe("Subscriptions-OnMyMac.opml");
    expect(feeds.map((feed) => [feed.title, feed.xmlUrl, feed.categories])).toEqual([
      ["TZCLD", "https://www.tzcld.fr/feed/", ["Emploi"]],
      ["DRIEETS Île-de-France", "https://idf.drieets.gouv.fr/spip.php?page=backend", ["Emploi"]],
      ["Le Labo de l'ESS", "https://www.lelabo-ess.org/feed", []],
      [
        "Atom <3 : « Carnets de la réparation »",
        "https://carnets-reparation.example.org/atom.xml",
        [],
      ],
    ]);
  });

  it("Thunderbird: account and folders nested, its own attributes ignored, empty folders skipped", () => {
    const { title, feeds } = parseOpml(fixture("thunderbird.opml"));
    expect(title).toBe("Thunderbird OPML Export - Blogs & Flux d'actualités");
    expect(feeds.map((feed) => [feed.title, feed.categories])).toEqual([
      ["economie.gouv.fr", ["Veille LA PILE", "Officiel"]],
      ["Service-Public.fr, Entreprendre", ["Veille LA PILE", "Officiel"]],
      ["Actu-Environnement", ["Veille LA PILE", "Presse"]],
    ]);
  });

  it("newsboat -e: hexadecimal references, empty htmlUrl and title", () => {
    const { title, feeds } = parseOpml(fixture("newsboat.opml"));
    expect(title).toBe("newsboat - Exported Feeds");
    expect(feeds).toEqual([
      {
        title: "Avise, économie sociale et solidaire",
        xmlUrl: "https://www.avise.org/rss.xml",
        htmlUrl: "https://www.avise.org/",
        categories: [],
      },
      {
        title: "Territoires zéro chômeur de longue durée",
        xmlUrl: "https://www.tzcld.fr/feed/",
        htmlUrl: "https://www.tzcld.fr",
        categories: [],
      },
      {
        // No title: the address stands for it.
        title:
          "https://www.service-public.gouv.fr/abonnements/rss/actu-actualites-particuliers.rss?xtor=RSS-1&format=rss",
        xmlUrl:
          "https://www.service-public.gouv.fr/abonnements/rss/actu-actualites-particuliers.rss?xtor=RSS-1&format=rss",
        categories: [],
      },
    ]);
  });

  it("folders three levels deep give the whole path; type rss, atom or none", () => {
    const { title, feeds } = parseOpml(fixture("nested-three-levels.opml"));
    expect(title).toBe("Veille économique (classement par sujet)");
    expect(feeds.map((feed) => [feed.title, feed.categories])).toEqual([
      ["Refashion", ["Économie", "REP", "Textiles"]],
      ["ecosystem", ["Économie", "REP", "DEEE"]],
      ["Citeo", ["Économie", "REP"]],
      ["Avise", ["Économie", "ESS"]],
      ["Sans dossier", []],
    ]);
  });

  it("duplicates: one entry per address, the first title, the categories of all", () => {
    const { feeds, duplicates } = parseOpml(fixture("duplicates.opml"));
    expect(duplicates).toBe(3);
    expect(feeds).toEqual([
      {
        title: "vie-publique.fr",
        xmlUrl: "https://www.vie-publique.fr/rss.xml",
        htmlUrl: "https://www.vie-publique.fr/",
        categories: ["Officiel", "À lire"],
      },
      {
        title: "TZCLD",
        xmlUrl: "https://www.tzcld.fr/feed/",
        htmlUrl: "https://www.tzcld.fr",
        categories: ["Officiel", "Emploi"],
      },
    ]);
  });

  it("variants: case of names, CDATA, HTML entities, bare &, category attribute, no DTD expansion", () => {
    const { title, feeds } = parseOpml(fixture("variants.opml"));
    expect(title).toBe("Abonnements « divers » & variantes");
    expect(feeds).toEqual([
      {
        title: "Sans attribut text",
        xmlUrl: "https://exemple.org/minuscules.xml",
        categories: [],
      },
      {
        title: "xmlURL en capitales",
        xmlUrl: "https://exemple.org/capitales.atom",
        htmlUrl: "https://exemple.org/",
        categories: [],
      },
      {
        title: "https://exemple.org/sans-titre.rss",
        xmlUrl: "https://exemple.org/sans-titre.rss",
        categories: [],
      },
      {
        // The DOCTYPE's entities are never defined: &secret; stays as written.
        title: "Entités HTML : été & « marchés » &secret; &lol;",
        xmlUrl: "https://exemple.org/rss?a=1&b=2",
        categories: [],
      },
      {
        title: 'Guillemets simples : "cités"',
        xmlUrl: "https://exemple.org/simples.xml",
        categories: ["Économie", "REP", "presse"],
      },
      {
        title: "Espaces et retour à la ligne",
        xmlUrl: "https://exemple.org/espaces.xml",
        categories: [],
      },
      {
        title: "Dans le dossier",
        xmlUrl: "https://exemple.org/dossier.xml",
        categories: ["Dossier par son titre"],
      },
      {
        title: "Dossier sans nom",
        xmlUrl: "https://exemple.org/sans-nom.xml",
        categories: [],
      },
    ]);
  });

  it("an outline inside a feed's outline is read too", () => {
    const { feeds } = parseOpml(
      opml(
        '<outline text="Dossier"><outline text="A" xmlUrl="https://a.org/"><outline text="B" xmlUrl="https://b.org/"/></outline></outline>',
      ),
    );
    expect(feeds.map((feed) => [feed.title, feed.categories])).toEqual([
      ["A", ["Dossier"]],
      ["B", ["Dossier"]],
    ]);
  });

  it("a file without any feed gives an empty list", () => {
    expect(parseOpml(opml(""))).toEqual({ feeds: [], duplicates: 0 });
    expect(parseOpml('<opml version="2.0"><body/></opml>')).toEqual({ feeds: [], duplicates: 0 });
    expect(parseOpml(`\ufeff${opml('<outline text="Dossier vide"/>')}`).feeds).toEqual([]);
  });
});

describe("parseOpml: refusals, in French", () => {
  it("a truncated export is refused, never half imported", () => {
    expect(refusal(fixture("broken-truncated.opml"))).toBe(
      "XML mal formé ligne 12 : valeur de l'attribut « htmlUrl » jamais fermée (fichier tronqué ?).",
    );
    expect(refusal(opml("").replace("</body></opml>\n", ""))).toBe(
      "le fichier s'arrête avant la fin : l'élément <body> ouvert ligne 2 n'est jamais fermé (fichier tronqué ?).",
    );
    expect(refusal('<opml><body><outline text="a"')).toMatch(
      /jamais terminée \(fichier tronqué \?\)/,
    );
  });

  it("not XML, not OPML", () => {
    expect(refusal("")).toBe("le fichier est vide : ce n'est pas un fichier OPML.");
    expect(refusal("  \n")).toBe("le fichier est vide : ce n'est pas un fichier OPML.");
    expect(refusal('{"feeds": []}')).toMatch(/^ce n'est pas un fichier OPML \(ni même du XML\)/);
    expect(refusal("https://www.avise.org/rss.xml\n")).toMatch(/ni même du XML/);
    expect(refusal("<!-- rien -->")).toBe(
      "le fichier ne contient aucun élément XML : ce n'est pas un fichier OPML.",
    );
    expect(
      refusal(
        "<!DOCTYPE html>\n<html><head><meta charset=utf-8><title>Avise</title></head></html>",
      ),
    ).toBe("c'est une page web (HTML), pas un fichier OPML.");
    expect(refusal('<?xml version="1.0"?><rss version="2.0"><channel/></rss>')).toMatch(
      /^c'est un flux RSS ou Atom, pas une liste d'abonnements OPML/,
    );
    expect(refusal('<feed xmlns="http://www.w3.org/2005/Atom"/>')).toMatch(/flux RSS ou Atom/);
    expect(refusal("<abonnements/>")).toBe(
      "l'élément principal du fichier est <abonnements> et non <opml> : ce n'est pas un fichier OPML.",
    );
  });

  it("no <body>", () => {
    expect(refusal('<opml version="2.0"><head><title>Vide</title></head></opml>')).toBe(
      "le fichier OPML n'a pas d'élément <body> : il ne contient aucun abonnement.",
    );
  });

  it("malformed XML, with the line", () => {
    const cases: [string, RegExp][] = [
      [
        '<opml>\n<body>\n<outline text="a">\n</body>\n</opml>',
        /^XML mal formé ligne 4 : balise <\/body> alors que l'élément <outline> ouvert ligne 3 n'est pas fermé\.$/,
      ],
      [
        "<opml><body/></opml>\n<opml/>",
        /ligne 2 : un second élément suit la fin de l'élément <opml>/,
      ],
      ["<opml><body/></opml>\ntexte", /ligne 2 : du texte suit la fin de l'élément <opml>/],
      [
        '<opml><body><outline text="a<b" xmlUrl="x"/></body></opml>',
        /caractère « < » dans la valeur/,
      ],
      ["<opml><body><outline text=a/></body></opml>", /sans guillemets/],
      ["<opml><body><outline text/></body></opml>", /attribut « text » sans valeur/],
      ["<opml><body></outline></body></opml>", /balise <\/outline> alors que l'élément <body>/],
      ["<opml><body/></opml></opml>", /qui ne ferme aucun élément/],
      ["<opml><body>< outline/></body></opml>", /caractère « < » qui n'ouvre aucune balise/],
      ["<opml><body><!-- sans fin </body></opml>", /commentaire « <!-- » jamais fermé/],
      ["<opml><body><![CDATA[ sans fin </body></opml>", /CDATA/],
      ["<?xml version='1.0'", /instruction « <\? » jamais fermée/],
      ["<opml><!DOCTYPE opml><body/></opml>", /déclaration « <! » à l'intérieur/],
      [`<opml><body>${"<outline>".repeat(150)}`, /plus de 100 éléments imbriqués/],
    ];
    for (const [text, message] of cases) expect(refusal(text), text).toMatch(message);
  });

  it("a crafted document stays fast (no backtracking on long runs)", () => {
    const start = performance.now();
    refusal(`<opml><body><outline text="${"&".repeat(200_000)}`);
    refusal(`<!DOCTYPE [${"[".repeat(100_000)}`);
    parseOpml(opml(`<outline text="a" xmlUrl="https://a.org/"/>`.repeat(20_000)));
    expect(performance.now() - start).toBeLessThan(5_000);
  });
});

const SOURCES: OpmlSource[] = [
  {
    id: "service-public",
    title: "Service-Public.fr, actualités",
    url: "https://www.service-public.gouv.fr/abonnements/rss/actu-actualites-particuliers.rss",
    tags: ["officiel"],
  },
  {
    id: "actu-env",
    title: 'Actu-Environnement : "déchets" & <REP>',
    url: "https://www.actu-environnement.com/flux/rss/dechets/?a=1&b=2",
    tags: ["environnement", "presse"],
    kind: "feed",
  },
  { id: "avise", title: "Avise", url: "https://www.avise.org/rss.xml" },
  {
    id: "drieets",
    title: "DRIEETS Île-de-France",
    url: "https://idf.drieets.gouv.fr/spip.php?page=backend",
    tags: ["officiel", "emploi", "ile-de-france"],
  },
  {
    id: "legifrance",
    title: "Légifrance",
    url: "https://www.legifrance.gouv.fr/jorf/jo/",
    tags: ["officiel"],
    kind: "html",
  },
  {
    id: "le-monde",
    title: "Le Monde",
    url: "https://www.lemonde.fr/rss/une.xml",
    tags: ["presse"],
    enabled: false,
  },
  { id: "demo", title: "Démonstration", url: "file:exemples/flux.xml", tags: ["demo"] },
];

const DATE = new Date("2026-01-06T10:30:00Z");

describe("opmlDocument", () => {
  it("writes OPML 2.0, one folder per first tag, untagged feeds last", () => {
    expect(opmlDocument(SOURCES, { title: "Veille de LA PILE", date: DATE })).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        "  <head>",
        "    <title>Veille de LA PILE</title>",
        "    <dateCreated>Tue, 06 Jan 2026 10:30:00 GMT</dateCreated>",
        "    <docs>https://opml.org/spec2.opml</docs>",
        "  </head>",
        "  <body>",
        '    <outline text="officiel" title="officiel">',
        '      <outline type="rss" text="Service-Public.fr, actualités" title="Service-Public.fr, actualités" xmlUrl="https://www.service-public.gouv.fr/abonnements/rss/actu-actualites-particuliers.rss" category="officiel"/>',
        '      <outline type="rss" text="DRIEETS Île-de-France" title="DRIEETS Île-de-France" xmlUrl="https://idf.drieets.gouv.fr/spip.php?page=backend" category="officiel,emploi,ile-de-france"/>',
        "    </outline>",
        '    <outline text="environnement" title="environnement">',
        '      <outline type="rss" text="Actu-Environnement : &quot;déchets&quot; &amp; &lt;REP&gt;" title="Actu-Environnement : &quot;déchets&quot; &amp; &lt;REP&gt;" xmlUrl="https://www.actu-environnement.com/flux/rss/dechets/?a=1&amp;b=2" category="environnement,presse"/>',
        "    </outline>",
        '    <outline type="rss" text="Avise" title="Avise" xmlUrl="https://www.avise.org/rss.xml"/>',
        "  </body>",
        "</opml>",
        "",
      ].join("\n"),
    );
  });

  it("leaves out pages without a feed, disabled sources and file: addresses", () => {
    expect(SOURCES.filter(opmlExportable).map((source) => source.id)).toEqual([
      "service-public",
      "actu-env",
      "avise",
      "drieets",
    ]);
    expect(opmlDocument([], { title: "Vide", date: DATE })).toContain("  <body/>\n</opml>\n");
  });

  it("escapes what XML cannot hold as is", () => {
    const text = opmlDocument(
      [{ id: "x", title: "Ligne\nsuivante\tet \u0007 cloche", url: "https://x.org/?q=<a>" }],
      { title: "A & B <C>", date: DATE },
    );
    expect(text).toContain("<title>A &amp; B &lt;C&gt;</title>");
    expect(text).toContain('text="Ligne&#10;suivante&#9;et \ufffd cloche"');
    expect(text).toContain('xmlUrl="https://x.org/?q=&lt;a&gt;"');
    expect(text).not.toContain("\r");
  });

  it("is deterministic and refuses an invalid date", () => {
    const options = { title: "Veille", date: DATE };
    expect(opmlDocument(SOURCES, options)).toBe(opmlDocument([...SOURCES], { ...options }));
    expect(() => opmlDocument(SOURCES, { title: "Veille", date: new Date("x") })).toThrow(
      /invalid date/,
    );
  });

  it("the shipped feeds.yaml: its feeds, none of its pages", () => {
    const text = readFileSync(path.resolve(HERE, "../fixtures/feeds-yaml/shipped.yaml"), "utf8");
    const parsed = parseYamlText(text, "feeds.yaml", feedsSchema);
    if (!parsed.ok) throw parsed.error;
    const sources = parsed.value.sources;
    const document = opmlDocument(sources, { title: "Veille de LA PILE", date: DATE });
    const { feeds } = parseOpml(document);
    const exported = sources.filter(opmlExportable);
    expect(exported.length).toBeGreaterThan(10);
    expect(exported.every((source) => source.kind !== "html")).toBe(true);
    expect(feeds.map((feed) => feed.xmlUrl).sort()).toEqual(
      exported.map((source) => source.url).sort(),
    );
  });
});

describe("opmlDocument → parseOpml", () => {
  it("gives back each feed: title, address, tags as categories", () => {
    const { title, feeds, duplicates } = parseOpml(
      opmlDocument(SOURCES, { title: "Veille de LA PILE", date: DATE }),
    );
    expect(title).toBe("Veille de LA PILE");
    expect(duplicates).toBe(0);
    // Grouped by first tag: officiel (Service-Public, DRIEETS), environnement, then untagged.
    const expected = SOURCES.filter(opmlExportable).map((source) => ({
      title: source.title,
      xmlUrl: source.url,
      categories: source.tags ?? [],
    }));
    expect(feeds).toEqual([expected[0], expected[3], expected[1], expected[2]]);
  });

  it("property: any titles and tags survive the round trip", () => {
    const title = fc
      .string({ unit: "binary", minLength: 1, maxLength: 40 })
      .map((text) =>
        text
          .replace(/[\p{Cc}\p{Cs}\ufffe\uffff]/gu, "")
          .replace(/\s+/g, " ")
          .trim(),
      )
      .map((text) => text.normalize("NFC"))
      .filter((text) => text !== "");
    const source = fc.record({
      id: fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,10}$/),
      title,
      url: fc.webUrl({ withQueryParameters: true, withFragments: true }),
      tags: fc.uniqueArray(fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,8}$/), { maxLength: 3 }),
    });
    fc.assert(
      fc.property(fc.uniqueArray(source, { maxLength: 8, selector: (s) => s.url }), (sources) => {
        const document = opmlDocument(sources, { title: "Veille", date: DATE });
        const back = parseOpml(document).feeds;
        // Folders regroup the feeds by first tag; compare address by address.
        const byUrl = new Map(back.map((feed) => [feed.xmlUrl, feed]));
        expect(back).toHaveLength(sources.length);
        for (const s of sources) {
          expect(byUrl.get(s.url)).toEqual({ title: s.title, xmlUrl: s.url, categories: s.tags });
        }
      }),
    );
  });
});
