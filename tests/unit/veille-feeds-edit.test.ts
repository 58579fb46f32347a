import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { feedsSchema, sourceUrlSchema } from "../../src/veille/feeds.js";
import {
  appendSources,
  FeedsEditError,
  MAX_SOURCE_ID,
  type NewSource,
  sourceIdFor,
} from "../../src/veille/feeds-edit.js";
import { parseYamlText } from "../../src/workspace/yaml-file.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const FIXTURES = path.resolve(HERE, "../fixtures/feeds-yaml");

function fixture(name: string): string {
  return readFileSync(path.join(FIXTURES, name), "utf8");
}

/** The shipped file with CRLF line endings (the repository stores every text file with LF). */
function crlf(text: string): string {
  return text.replace(/\n/g, "\r\n");
}

const SHIPPED = fixture("shipped.yaml");

const NEW: NewSource = {
  id: "nouvelle",
  title: "Nouvelle source",
  url: "https://exemple.org/flux.xml",
  tags: ["ess", "presse"],
};
const SECOND: NewSource = { id: "deuxieme", title: "Deuxième", url: "https://exemple.org/2" };

/**
 * `result` is `original` with one block inserted at `at`: the bytes before
 * and after it are the original's. Returns the inserted block.
 */
function insertedAt(original: string, result: string, at: number): string {
  expect(result.slice(0, at)).toBe(original.slice(0, at));
  const tail = original.slice(at);
  expect(result.endsWith(tail)).toBe(true);
  return result.slice(at, result.length - tail.length);
}

/** `result` is `original` with text inserted at some point (and nothing else changed). */
function isPureInsertion(original: string, result: string): boolean {
  let prefix = 0;
  while (prefix < original.length && original[prefix] === result[prefix]) prefix++;
  return result.length > original.length && result.endsWith(original.slice(prefix));
}

function sourcesOf(text: string): unknown[] {
  const parsed = parseYamlText(text, "feeds.yaml", feedsSchema);
  if (!parsed.ok) throw parsed.error;
  return parsed.value.sources;
}

describe("appendSources: the shipped feeds.yaml", () => {
  it("appends after the last source, in the file's style, and keeps every other byte", () => {
    const result = appendSources(SHIPPED, [NEW]);
    expect(insertedAt(SHIPPED, result, SHIPPED.length)).toBe(
      [
        "",
        "  - id: nouvelle",
        '    title: "Nouvelle source"',
        "    url: https://exemple.org/flux.xml",
        "    tags: [ess, presse]",
        "",
      ].join("\n"),
    );
    const before = sourcesOf(SHIPPED);
    expect(sourcesOf(result)).toEqual([...before, NEW]);
  });

  it("separates several new sources with blank lines, like the existing ones", () => {
    const result = appendSources(SHIPPED, [NEW, { ...SECOND, kind: "feed" }]);
    expect(insertedAt(SHIPPED, result, SHIPPED.length)).toBe(
      [
        "",
        "  - id: nouvelle",
        '    title: "Nouvelle source"',
        "    url: https://exemple.org/flux.xml",
        "    tags: [ess, presse]",
        "",
        "  - id: deuxieme",
        '    title: "Deuxième"',
        "    url: https://exemple.org/2",
        "    kind: feed",
        "",
      ].join("\n"),
    );
  });

  it("writes CRLF lines into a CRLF file", () => {
    const original = crlf(SHIPPED);
    const result = appendSources(original, [NEW, SECOND]);
    const inserted = insertedAt(original, result, original.length);
    expect(inserted.replace(/\r\n/g, "")).not.toContain("\n");
    expect(inserted.replace(/\r\n/g, "")).not.toContain("\r");
    expect(inserted.startsWith("\r\n  - id: nouvelle\r\n")).toBe(true);
    expect(sourcesOf(result)).toEqual([...sourcesOf(original), NEW, SECOND]);
  });

  it("keeps a file without a final line break without one", () => {
    const original = fixture("no-final-newline.yaml");
    expect(original.endsWith("\n")).toBe(false);
    const result = appendSources(original, [SECOND]);
    expect(insertedAt(original, result, original.length)).toBe(
      '\n\n  - id: deuxieme\n    title: "Deuxième"\n    url: https://exemple.org/2',
    );
  });

  it("adding nothing changes nothing", () => {
    expect(appendSources(SHIPPED, [])).toBe(SHIPPED);
  });
});

describe("appendSources: where the new entries go", () => {
  it("after the last real source, before a commented-out source and the closing comment", () => {
    const original = fixture("trailing-commented-source.yaml");
    const at = original.indexOf("\n\n  # Désactivée") + 1;
    const result = appendSources(original, [SECOND]);
    expect(insertedAt(original, result, at)).toBe(
      '\n  - id: deuxieme\n    title: "Deuxième"\n    url: https://exemple.org/2\n',
    );
    // The parked source and its note stay together, after the live ones.
    expect(result).toContain(
      "    url: https://exemple.org/2\n\n  # Désactivée : le site renvoie une erreur 403 aux robots depuis mars.\n  # - id: le-monde-planete\n",
    );
  });

  it("after the comments indented under the last source (they belong to it)", () => {
    const original = [
      "sources:",
      "  - id: avise",
      "    title: Avise",
      "    url: https://www.avise.org/rss.xml # adresse vérifiée",
      "    # tags: [ess]",
      "",
      "    # enabled: false",
      "  # - id: brouillon",
      "",
    ].join("\n");
    const at = original.indexOf("  # - id: brouillon");
    const result = appendSources(original, [SECOND]);
    // One entry tells nothing of blank lines: the shipped file's (one blank line).
    expect(insertedAt(original, result, at)).toBe(
      "\n  - id: deuxieme\n    title: Deuxième\n    url: https://exemple.org/2\n",
    );
  });

  it("before the next key when sources is not the last one", () => {
    const original = fixture("sources-then-topics.yaml");
    const at = original.indexOf("\n\n# Les thèmes") + 1;
    const result = appendSources(original, [NEW]);
    // Titles: as many single as double quotes in the file, the latest wins.
    expect(insertedAt(original, result, at)).toBe(
      [
        "",
        "  - id: nouvelle",
        "    title: 'Nouvelle source'",
        "    url: https://exemple.org/flux.xml",
        "    tags: [ess, presse]",
        "",
      ].join("\n"),
    );
    expect(parseYaml(result).topics).toEqual(parseYaml(original).topics);
  });

  it("follows `- id` at column 0, plain titles, block tags and no blank lines", () => {
    const original = fixture("column-zero.yaml");
    const at = original.indexOf("settings:");
    const result = appendSources(original, [NEW, SECOND]);
    expect(insertedAt(original, result, at)).toBe(
      [
        "- id: nouvelle",
        "  title: Nouvelle source",
        "  url: https://exemple.org/flux.xml",
        "  tags:",
        "  - ess",
        "  - presse",
        "- id: deuxieme",
        "  title: Deuxième",
        "  url: https://exemple.org/2",
        "",
      ].join("\n"),
    );
  });

  it("`sources:` left empty: after its heading comment, before the next key", () => {
    const original = fixture("null-sources.yaml");
    const at = original.indexOf("\n\ntopics:") + 1;
    const result = appendSources(original, [SECOND]);
    expect(insertedAt(original, result, at)).toBe(
      '\n  - id: deuxieme\n    title: "Deuxième"\n    url: https://exemple.org/2\n',
    );
  });

  it("`sources:` then nothing: right under the key, without a blank line", () => {
    const original = "settings:\n  concurrency: 2\nsources:\n";
    expect(appendSources(original, [SECOND, NEW])).toBe(
      [
        "settings:",
        "  concurrency: 2",
        "sources:",
        "  - id: deuxieme",
        '    title: "Deuxième"',
        "    url: https://exemple.org/2",
        "",
        "  - id: nouvelle",
        '    title: "Nouvelle source"',
        "    url: https://exemple.org/flux.xml",
        "    tags: [ess, presse]",
        "",
      ].join("\n"),
    );
    expect(appendSources("sources: ~ # vide\n", [SECOND])).toBe(
      'sources: # vide\n  - id: deuxieme\n    title: "Deuxième"\n    url: https://exemple.org/2\n',
    );
    expect(appendSources("sources: null", [SECOND])).toBe(
      'sources:\n  - id: deuxieme\n    title: "Deuxième"\n    url: https://exemple.org/2',
    );
  });

  it("`sources: []` becomes a list of entries; its comment stays", () => {
    const original = fixture("empty-flow.yaml");
    const result = appendSources(original, [NEW, SECOND]);
    expect(result).toBe(
      original.replace(
        "sources: [] # à compléter\n",
        [
          "sources: # à compléter",
          "  - id: nouvelle",
          '    title: "Nouvelle source"',
          "    url: https://exemple.org/flux.xml",
          "    tags: [ess, presse]",
          "",
          "  - id: deuxieme",
          '    title: "Deuxième"',
          "    url: https://exemple.org/2",
          "",
        ].join("\n"),
      ),
    );
    expect(appendSources("sources: [ ]\ntopics: []\n", [SECOND])).toBe(
      'sources:\n  - id: deuxieme\n    title: "Deuxième"\n    url: https://exemple.org/2\ntopics: []\n',
    );
  });

  it("a list written on one line gets the new entries on that line", () => {
    const original = 'sources: [{id: a, title: "A", url: "https://a.org/"}, ] # court\n';
    const result = appendSources(original, [NEW]);
    expect(result).toBe(
      'sources: [{id: a, title: "A", url: "https://a.org/"}, {id: nouvelle, title: "Nouvelle source", url: https://exemple.org/flux.xml, tags: [ess, presse]}, ] # court\n',
    );
  });

  it("no `sources` key: a new one at the end, in the style of the topics", () => {
    const original = fixture("no-sources-key.yaml");
    const result = appendSources(original, [NEW, SECOND]);
    expect(insertedAt(original, result, original.length)).toBe(
      [
        "",
        "sources:",
        "- id: nouvelle",
        '  title: "Nouvelle source"',
        "  url: https://exemple.org/flux.xml",
        "  tags: [ess, presse]",
        "- id: deuxieme",
        '  title: "Deuxième"',
        "  url: https://exemple.org/2",
        "",
      ].join("\n"),
    );
  });

  it("a file of comments only, an empty file", () => {
    const original = fixture("comments-only.yaml");
    const result = appendSources(original, [SECOND]);
    expect(insertedAt(original, result, original.length)).toBe(
      '\nsources:\n  - id: deuxieme\n    title: "Deuxième"\n    url: https://exemple.org/2\n',
    );
    expect(appendSources("", [SECOND])).toBe(
      'sources:\n  - id: deuxieme\n    title: "Deuxième"\n    url: https://exemple.org/2\n',
    );
    expect(appendSources("# rien\n\n", [SECOND])).toBe(
      '# rien\n\nsources:\n  - id: deuxieme\n    title: "Deuxième"\n    url: https://exemple.org/2\n',
    );
    expect(appendSources("# rien", [SECOND])).toBe(
      '# rien\n\nsources:\n  - id: deuxieme\n    title: "Deuxième"\n    url: https://exemple.org/2',
    );
  });

  it("CRLF in every layout", () => {
    for (const name of [
      "empty-flow.yaml",
      "null-sources.yaml",
      "no-sources-key.yaml",
      "comments-only.yaml",
      "column-zero.yaml",
      "trailing-commented-source.yaml",
    ]) {
      const original = crlf(fixture(name));
      const result = appendSources(original, [NEW]);
      expect(result.replace(/\r\n/g, ""), name).not.toMatch(/[\r\n]/);
      expect(parseYaml(result).sources.at(-1), name).toEqual(NEW);
    }
  });
});

describe("appendSources: values are written safely", () => {
  const tricky: NewSource[] = [
    { id: "deux-points", title: "Actu : déchets # REP", url: "https://exemple.org/a#section" },
    { id: "arobase", title: "@paris18 sur le web", url: "https://exemple.org/?a=1&b=2" },
    { id: "guillemets", title: "\"Cités\" et 'citées'", url: "https://exemple.org/b" },
    { id: "tiret", title: "- liste ? [crochets] {accolades}", url: "https://exemple.org/c" },
    { id: "nombre", title: "2026", url: "https://exemple.org/d", tags: ["yes", "123", "null"] },
    { id: "ligne", title: "Deux\nlignes\tet tab", url: "https://exemple.org/e" },
    { id: "long", title: "Très long titre ".repeat(20).trim(), url: "https://exemple.org/f" },
    { id: "vide", title: "   ", url: "https://exemple.org/g", tags: [] },
  ];

  for (const base of [
    SHIPPED,
    fixture("column-zero.yaml"),
    'sources: [{id: x, title: X, url: "https://x.org/"}]\n',
  ]) {
    it(`reads back what was given (${base.slice(0, 20).replace(/\n/g, " ")}…)`, () => {
      const result = appendSources(base, tricky);
      const sources = parseYaml(result).sources as unknown[];
      expect(sources.slice(-tricky.length)).toEqual(tricky);
    });
  }

  it("keeps each new value on one line", () => {
    const result = appendSources(SHIPPED, tricky);
    const inserted = result.slice(SHIPPED.length);
    expect(inserted).toContain('    title: "Deux\\nlignes\\tet tab"\n');
    expect(inserted).toContain("    url: https://exemple.org/a#section\n");
    expect(inserted).toContain('    tags: ["yes", "123", "null"]\n');
    expect(inserted).toContain("    tags: []\n");
    expect(inserted.split("\n").filter((line) => line.startsWith("    title:"))).toHaveLength(8);
  });
});

describe("appendSources: refusals", () => {
  it("a layout pile cannot extend: a French sentence (FeedsEditError)", () => {
    for (const text of [
      "sources: texte\n",
      "sources:\n  avise: https://www.avise.org/rss.xml\n",
      "- id: avise\n",
      "{sources: []}\n",
      "sources: [\n",
      "sources: &liste []\n",
    ]) {
      expect(() => appendSources(text, [NEW]), text).toThrow(FeedsEditError);
    }
    expect(() => appendSources("sources: texte\n", [NEW])).toThrow(
      /« sources » doit être une liste/,
    );
    expect(() => appendSources("a: [\n", [NEW])).toThrow(/erreur de syntaxe YAML/);
    expect(() => appendSources("settings: {}\n...\n", [NEW])).toThrow(/fin de document YAML/);
    // Before `...`, a list can still grow.
    expect(
      appendSources("sources:\n  - {id: a, title: A, url: 'https://a.org/'}\n...\n", [SECOND]),
    ).toBe(
      "sources:\n  - {id: a, title: A, url: 'https://a.org/'}\n\n  - id: deuxieme\n    title: Deuxième\n    url: https://exemple.org/2\n...\n",
    );
  });

  it("an invalid or duplicate new source is the caller's bug (Error)", () => {
    expect(() => appendSources(SHIPPED, [{ ...NEW, id: "avise" }])).toThrow(/duplicate id avise/);
    expect(() => appendSources(SHIPPED, [NEW, NEW])).toThrow(/duplicate id/);
    expect(() => appendSources(SHIPPED, [{ ...NEW, id: "Pas Valide" }])).toThrow(/invalid source/);
    expect(() => appendSources(SHIPPED, [{ ...NEW, url: "ftp://x" }])).toThrow(/invalid source/);
    expect(() => appendSources(SHIPPED, [NEW])).not.toThrow();
  });
});

describe("appendSources: property", () => {
  const shippedIds = new Set((sourcesOf(SHIPPED) as { id: string }[]).map((source) => source.id));
  const tag = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,12}$/);
  const source: fc.Arbitrary<NewSource> = fc.record(
    {
      id: fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,20}$/).filter((id) => !shippedIds.has(id)),
      title: fc.string({ unit: "binary", minLength: 1, maxLength: 60 }),
      url: fc
        .webUrl({ withQueryParameters: true, withFragments: true })
        .filter((url) => sourceUrlSchema.safeParse(url).success),
      tags: fc.array(tag, { maxLength: 4 }),
      kind: fc.constant("feed" as const),
    },
    { requiredKeys: ["id", "title", "url"] },
  );
  const batch = fc.uniqueArray(source, { minLength: 1, maxLength: 4, selector: (s) => s.id });

  const layouts: [string, string][] = [
    ["shipped", SHIPPED],
    ["shipped CRLF", crlf(SHIPPED)],
    ["no final newline", fixture("no-final-newline.yaml")],
    ["trailing commented-out source", fixture("trailing-commented-source.yaml")],
    ["column 0", fixture("column-zero.yaml")],
    ["sources then topics", fixture("sources-then-topics.yaml")],
    ["sources: null", fixture("null-sources.yaml")],
    ["no sources key", fixture("no-sources-key.yaml")],
    ["comments only", fixture("comments-only.yaml")],
  ];

  it("appending random valid sources to the shipped file keeps its bytes and reads as old + new", () => {
    const before = sourcesOf(SHIPPED);
    fc.assert(
      fc.property(batch, (sources) => {
        const result = appendSources(SHIPPED, sources);
        expect(result.startsWith(SHIPPED)).toBe(true);
        expect(sourcesOf(result)).toEqual([...before, ...sources]);
      }),
      { numRuns: 60 },
    );
  });

  // Found by the property below (fast-check seed 221608731): the yaml library
  // folds a line break in a double-quoted title over two lines.
  it.each([
    ["\u0000\u0000\n\u0000\u0000\u0000\u0000"],
    ["ligne\nsuivante"],
    ["fin de ligne\r\n"],
    ["séparateur\u2028de ligne"],
    ["DEL\u007f et C1\u0085"],
    ["\ufeffBOM"],
  ])("a title holding %j stays on its line, in every layout", (title) => {
    for (const [name, original] of layouts) {
      const sources = [{ id: "s", title, url: "https://exemple.org/flux" }];
      const result = appendSources(original, sources);
      expect(isPureInsertion(original, result), name).toBe(true);
      const data = parseYaml(result) as { sources: { title: string }[] };
      expect(data.sources.at(-1)?.title, name).toBe(title);
    }
  });

  // Found by the same property (3,000 runs): YAML 1.1 writes `0o0` plain,
  // which YAML 1.2 reads as the number 0.
  it.each([
    ["0o0"],
    ["0o17"],
    ["0x1f"],
    ["0b101"],
    ["yes"],
    ["on"],
    ["y"],
    ["null"],
    ["1e3"],
    ["123"],
  ])("a tag %j is quoted where either YAML would read something else", (tag) => {
    const sources = [{ id: "s", title: "t", url: "https://exemple.org/flux", tags: [tag] }];
    const result = appendSources(SHIPPED, sources);
    const data = parseYaml(result) as { sources: { tags: unknown[] }[] };
    expect(data.sources.at(-1)?.tags).toEqual([tag]);
    expect(parseYaml(result, { version: "1.1" }).sources.at(-1).tags).toEqual([tag]);
  });

  it("in every layout, one block is inserted and nothing else changes", () => {
    fc.assert(
      fc.property(fc.constantFrom(...layouts), batch, ([name, original], sources) => {
        const result = appendSources(original, sources);
        expect(isPureInsertion(original, result), name).toBe(true);
        const data = parseYaml(result) as Record<string, unknown>;
        const old = (parseYaml(original) ?? {}) as Record<string, unknown>;
        expect(data).toEqual({
          ...old,
          sources: [...((old.sources as unknown[] | null) ?? []), ...sources],
        });
      }),
      { numRuns: 80 },
    );
  });
});

describe("sourceIdFor", () => {
  const none = new Set<string>();

  it("folds French titles to ASCII words", () => {
    expect(sourceIdFor("Ministère de la Transition écologique", none)).toBe(
      "ministere-de-la-transition-ecologique",
    );
    expect(sourceIdFor("Le Labo de l'ESS", none)).toBe("le-labo-de-ess");
    expect(sourceIdFor("Cœur d’Île-de-France & œuvres", none)).toBe(
      "coeur-ile-de-france-et-oeuvres",
    );
    expect(sourceIdFor("  DRIEETS — Île-de-France !  ", none)).toBe("drieets-ile-de-france");
    expect(sourceIdFor("Aujourd'hui en France", none)).toBe("aujourd-hui-en-france");
  });

  it("keeps at most 40 characters, cut between words", () => {
    const id = sourceIdFor(
      "Service-Public.fr, actualités des particuliers et des professionnels",
      none,
    );
    expect(id).toBe("service-public-fr-actualites-des");
    expect(sourceIdFor("a".repeat(60), none)).toBe("a".repeat(MAX_SOURCE_ID));
  });

  it("an address gives its host, without www. and the top-level domain", () => {
    expect(sourceIdFor("https://www.vie-publique.fr/rss.xml", none)).toBe("vie-publique");
    expect(sourceIdFor("https://idf.drieets.gouv.fr/spip.php?page=backend", none)).toBe(
      "idf-drieets-gouv",
    );
    expect(sourceIdFor("http://localhost:8080/flux", none)).toBe("localhost");
  });

  it("falls back on the address, then on « source », when the title has no letter", () => {
    expect(sourceIdFor("★ ☆ ★", none, "https://www.tzcld.fr/feed/")).toBe("tzcld");
    expect(sourceIdFor("日本語", none)).toBe("source");
    expect(sourceIdFor("", new Set(["source"]))).toBe("source-2");
  });

  it("adds -2, -3… when taken, still within 40 characters", () => {
    const taken = new Set(["avise", "avise-2"]);
    expect(sourceIdFor("Avise", taken)).toBe("avise-3");
    const long = "Territoires zéro chômeur de longue durée, actualités";
    const first = sourceIdFor(long, none);
    const second = sourceIdFor(long, new Set([first]));
    expect(second.length).toBeLessThanOrEqual(MAX_SOURCE_ID);
    expect(second.endsWith("-2")).toBe(true);
    expect(second).not.toBe(first);
  });

  it("always gives a valid, free id", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "binary" }),
        fc.array(fc.string(), { maxLength: 5 }),
        (title, taken) => {
          const set = new Set(taken);
          const id = sourceIdFor(title, set);
          expect(id).toMatch(/^[a-z0-9][a-z0-9_-]*$/);
          expect(id.length).toBeLessThanOrEqual(MAX_SOURCE_ID);
          expect(set.has(id)).toBe(false);
        },
      ),
    );
  });
});
