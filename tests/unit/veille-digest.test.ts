import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  arrivalTime,
  BACKLOG_DAYS,
  buildDigest,
  type DigestInput,
  type DigestStudy,
  inPeriod,
  matchStudy,
  OTHERS_LABEL,
  safeLink,
} from "../../src/veille/digest.js";
import type { Item } from "../../src/veille/normalise.js";
import { weekPeriod } from "../../src/veille/week.js";
import { item, NOW, W48 } from "./digest-fixtures.js";

const DAY = 86_400_000;

const TOPICS = [
  { id: "rep-general", label: "Responsabilité élargie du producteur (REP, général)" },
  { id: "rep-textiles", label: "Textiles d'habillement, linge de maison et chaussures (TLC)" },
  { id: "rep-jouets", label: "Jouets" },
  { id: "tzcld", label: "Territoires zéro chômeur de longue durée" },
];

const SOURCES = [
  { id: "refashion", title: "Refashion" },
  { id: "tzcld", title: "TZCLD" },
  { id: "officiel", title: "Service-Public.fr" },
];

function input(fields: Partial<DigestInput> = {}): DigestInput {
  return {
    items: [],
    period: W48,
    topics: TOPICS,
    sources: SOURCES,
    state: {},
    studies: [],
    now: NOW,
    ...fields,
  };
}

const idsOf = (list: { id: string }[]) => list.map((entry) => entry.id);

describe("which items belong to the period", () => {
  it("an item first seen in the week belongs to it, even if published a few days earlier", () => {
    const late = item({
      id: "late",
      published: "2026-11-20T10:00:00.000Z", // Friday of the week before
      firstSeen: "2026-11-23T08:00:00.000Z",
    });
    expect(inPeriod(late, W48)).toBe(true);
    expect(inPeriod(late, weekPeriod({ year: 2026, week: 47 }))).toBe(false);
  });

  it("a new source's backlog goes to the weeks it was published in, not to this week", () => {
    const old = item({
      id: "old",
      published: "2026-06-01T10:00:00.000Z",
      firstSeen: "2026-11-24T08:00:00.000Z",
    });
    expect(inPeriod(old, W48)).toBe(false);
    expect(inPeriod(old, weekPeriod({ year: 2026, week: 23 }))).toBe(true);
  });

  it(`the backlog starts ${BACKLOG_DAYS} days before the first sighting`, () => {
    const seen = Date.parse("2026-11-24T08:00:00.000Z");
    const at = (days: number) =>
      arrivalTime({
        published: new Date(seen - days * DAY).toISOString(),
        firstSeen: new Date(seen).toISOString(),
      });
    expect(at(BACKLOG_DAYS - 1)).toBe(seen);
    expect(at(BACKLOG_DAYS)).toBe(seen);
    expect(at(BACKLOG_DAYS + 1)).toBe(seen - (BACKLOG_DAYS + 1) * DAY);
  });

  it("an undated item (published = firstSeen) and a future-dated one are placed when seen", () => {
    const seen = "2026-11-25T09:00:00.000Z";
    expect(inPeriod(item({ id: "u", published: seen, firstSeen: seen, dated: false }), W48)).toBe(
      true,
    );
    expect(
      inPeriod(item({ id: "f", published: "2027-02-01T00:00:00.000Z", firstSeen: seen }), W48),
    ).toBe(true);
  });

  it("a line without firstSeen at all (a hand-edited store) does not stop the digest", () => {
    const bare = { ...item({ id: "bare" }), firstSeen: undefined } as unknown as Item;
    const model = buildDigest(input({ items: [bare] }));
    expect(model.counts.items).toBe(1);
  });

  it("a line without a readable firstSeen is placed by published", () => {
    expect(inPeriod(item({ id: "x", firstSeen: "" }), W48)).toBe(true);
    expect(
      inPeriod(item({ id: "x", published: "2026-01-01T00:00:00.000Z", firstSeen: "?" }), W48),
    ).toBe(false);
  });

  it("the week's edges are Monday 00:00 Paris, whatever the season", () => {
    // Winter: Sunday 23:30 Paris = 22:30 UTC is in; Monday 00:30 Paris = 23:30 UTC is the next week.
    const at = (iso: string) => item({ id: iso, published: iso, firstSeen: iso });
    const model = buildDigest(
      input({
        items: [
          at("2026-11-22T22:59:59.999Z"),
          at("2026-11-22T23:00:00.000Z"),
          at("2026-11-29T22:30:00.000Z"),
          at("2026-11-29T23:30:00.000Z"),
        ],
      }),
    );
    expect(model.sections.flatMap((section) => idsOf(section.items))).toEqual([
      "2026-11-29T22:30:00.000Z",
      "2026-11-22T23:00:00.000Z",
    ]);
    // Its French date is Paris's: Sunday evening, not Monday.
    expect(model.sections[0]?.items[0]?.date).toBe("dimanche 29 novembre 2026");

    // Summer, the week clocks go back: Sunday 25 October 23:30 Paris = 22:30 UTC.
    const w43 = weekPeriod({ year: 2026, week: 43 });
    expect(inPeriod(at("2026-10-25T22:30:00.000Z"), w43)).toBe(true);
    expect(inPeriod(at("2026-10-25T23:00:00.000Z"), w43)).toBe(false);
    expect(inPeriod(at("2026-10-18T21:59:00.000Z"), w43)).toBe(false);
    expect(inPeriod(at("2026-10-18T22:00:00.000Z"), w43)).toBe(true);
    // The week clocks go forward: Sunday 29 March 23:30 Paris = 21:30 UTC.
    const w13 = weekPeriod({ year: 2026, week: 13 });
    expect(inPeriod(at("2026-03-29T21:30:00.000Z"), w13)).toBe(true);
    expect(inPeriod(at("2026-03-29T22:00:00.000Z"), w13)).toBe(false);
  });

  it("the week spanning two years holds the items of both", () => {
    const w53 = weekPeriod({ year: 2026, week: 53 });
    const at = (iso: string) => item({ id: iso, published: iso, firstSeen: iso });
    const model = buildDigest(
      input({
        period: w53,
        items: [
          at("2026-12-28T09:00:00.000Z"),
          at("2027-01-03T22:00:00.000Z"),
          at("2027-01-03T23:00:00.000Z"),
        ],
        now: new Date("2027-01-02T00:00:00Z"),
      }),
    );
    expect(model.counts.items).toBe(2);
    expect(model.title).toBe("Veille de LA PILE — semaine 53 de 2026");
    expect(model.sections[0]?.items.map((entry) => entry.date)).toEqual([
      "dimanche 3 janvier 2027",
      "lundi 28 décembre 2026",
    ]);
  });
});

describe("sections by topic", () => {
  const items = [
    item({ id: "a", tags: ["tzcld"], published: "2026-11-23T10:00:00.000Z" }),
    // Tagged jouets then textiles: shown under textiles, the first in feeds.yaml order.
    item({ id: "b", tags: ["rep-jouets", "officiel", "rep-textiles"] }),
    item({ id: "c", tags: ["officiel"], sources: ["officiel"] }), // source tag only: « Autres »
    item({ id: "d", tags: [], published: "2026-11-28T10:00:00.000Z" }),
    item({ id: "e", tags: ["tzcld"], published: "2026-11-26T10:00:00.000Z" }),
    item({ id: "f", tags: ["unknown-topic"], published: "2026-11-25T10:00:00.000Z" }),
  ];
  const model = buildDigest(input({ items }));

  it("one section per topic with items, in feeds.yaml order, then « Autres »", () => {
    expect(model.sections.map((section) => section.label)).toEqual([
      "Textiles d'habillement, linge de maison et chaussures (TLC)",
      "Territoires zéro chômeur de longue durée",
      OTHERS_LABEL,
    ]);
    expect(model.sections.map((section) => section.id)).toEqual(["rep-textiles", "tzcld", null]);
  });

  it("an item with several topics appears once, under its first, its others shown", () => {
    const all = model.sections.flatMap((section) => idsOf(section.items));
    expect(all.sort()).toEqual(["a", "b", "c", "d", "e", "f"]);
    const b = model.sections[0]?.items[0];
    expect(b?.id).toBe("b");
    expect(b?.topics).toEqual([
      "Textiles d'habillement, linge de maison et chaussures (TLC)",
      "Jouets",
    ]);
    expect(b?.otherTopics).toEqual(["Jouets"]);
  });

  it("items newest first, ties broken by id", () => {
    expect(idsOf(model.sections[1]?.items ?? [])).toEqual(["e", "a"]);
    expect(idsOf(model.sections[2]?.items ?? [])).toEqual(["d", "f", "c"]);
    const tied = buildDigest(input({ items: [item({ id: "z" }), item({ id: "m" })] }));
    expect(idsOf(tied.sections[0]?.items ?? [])).toEqual(["m", "z"]);
  });

  it("counts items, the sources that brought them, and sections", () => {
    expect(model.counts).toMatchObject({ items: 6, sources: 2 });
    expect(model.sections.map((section) => section.count)).toEqual([1, 2, 3]);
    expect(model.empty).toBe(false);
  });

  it("shows each item's link, source titles, French date, topics and a short summary", () => {
    const long = `${"Le fonds réemploi finance les ressourceries ".repeat(10)}fin`;
    const [entry, undated] = buildDigest(
      input({
        items: [
          item({
            id: "x",
            link: "javascript:alert(1)",
            sources: ["refashion", "removed-source"],
            published: "2026-11-14T23:30:00.000Z", // Sunday 15 November, 00:30 in Paris
            firstSeen: "2026-11-25T10:00:00.000Z",
            summary: long,
            tags: ["rep-general"],
          }),
          item({
            id: "y",
            published: "2026-11-23T09:00:00.000Z",
            firstSeen: "2026-11-23T09:00:00.000Z",
            dated: false,
          }),
        ],
      }),
    ).sections.flatMap((section) => section.items);
    expect(entry).toMatchObject({
      link: null,
      sources: ["Refashion", "removed-source"],
      date: "dimanche 15 novembre 2026",
      dated: true,
      topics: ["Responsabilité élargie du producteur (REP, général)"],
      otherTopics: [],
    });
    // About 200 characters, cut after a whole word.
    const summary = entry?.summary ?? "";
    expect(summary.length).toBeLessThanOrEqual(200);
    expect(summary.length).toBeGreaterThan(150);
    expect(summary.endsWith("…")).toBe(true);
    expect(long.startsWith(summary.slice(0, -1))).toBe(true);
    expect(long.charAt(summary.length - 1)).toBe(" ");
    expect(undated).toMatchObject({ id: "y", dated: false, date: "lundi 23 novembre 2026" });
    expect(undated?.summary).toBe("");
  });

  it("only http and https links are kept", () => {
    expect(safeLink("https://example.org/a(b)")).toBe("https://example.org/a(b)");
    expect(safeLink("HTTP://EXAMPLE.ORG")).toBe("http://example.org/");
    for (const bad of ["javascript:alert(1)", "data:text/html,x", "file:///etc/passwd", "//x", ""])
      expect(safeLink(bad)).toBeNull();
    expect(safeLink(undefined)).toBeNull();
  });

  it("an id held twice (a hand-edited store) is shown once", () => {
    const twice = buildDigest(input({ items: [item({ id: "a" }), item({ id: "a", title: "B" })] }));
    expect(twice.counts.items).toBe(1);
  });
});

describe("an empty week", () => {
  it("is a model saying so, not an error", () => {
    const model = buildDigest(
      input({ items: [item({ id: "old", published: "2026-01-05T10:00:00.000Z" })] }),
    );
    expect(model.empty).toBe(true);
    expect(model.sections).toEqual([]);
    expect(model.counts).toEqual({ items: 0, sources: 0, sourcesInError: 0, sourcesSilent: 0 });
    expect(model.period).toEqual({
      name: "semaine 48 de 2026",
      label: "semaine 48 de 2026, du lundi 23 au dimanche 29 novembre 2026",
      isWeek: true,
      start: "2026-11-22T23:00:00.000Z",
      end: "2026-11-29T23:00:00.000Z",
    });
  });
});

describe("matchStudy", () => {
  const friperie = { topics: ["rep-textiles"], keywords: ["textile", "Friperie solidaire"] };
  const probe = (title: string, tags: string[] = [], summary = "") => ({ title, summary, tags });

  it.each([
    ["La filière textile en 2027", "the keyword"],
    ["Les TEXTILES usagés", "capitals and the plural in s"],
    ["Une friperie solidaire ouvre", "a phrase"],
    ["Une FRIPERIE-SOLIDAIRE ouvre", "a hyphen for a space"],
    ["Deux friperies solidaires", "both words in the plural"],
  ])("matches %j (%s)", (title) => {
    expect(matchStudy(probe(title), friperie)).toBe(true);
  });

  it.each([
    ["La textilerie de Belleville", "a longer word"],
    ["Soutextile", "inside a word"],
    ["Une friperie", "half of a phrase"],
    ["Les jouets", "another topic"],
  ])("does not match %j (%s)", (title) => {
    expect(matchStudy(probe(title), friperie)).toBe(false);
  });

  it("ignores accents both ways, and also searches the summary", () => {
    expect(matchStudy(probe("Vélos d'occasion"), { keywords: ["velo"] })).toBe(true);
    expect(matchStudy(probe("VELO cargo"), { keywords: ["vélo"] })).toBe(true);
    expect(matchStudy(probe("Le vélodrome"), { keywords: ["vélo"] })).toBe(false);
    expect(matchStudy(probe("Réseaux"), { keywords: ["réseau"] })).toBe(true);
    expect(
      matchStudy(probe("Titre", [], "nouvel éco-organisme"), { keywords: ["eco organisme"] }),
    ).toBe(true);
    expect(matchStudy(probe("An idea"), { keywords: ["DEA"] })).toBe(false);
    // The character before the word may lie outside the BMP: an emoji is not a letter, 𠀀 (U+20000) is.
    expect(matchStudy(probe("🙂textile"), { keywords: ["textile"] })).toBe(true);
    expect(matchStudy(probe("𠀀textile"), { keywords: ["textile"] })).toBe(false);
    // The word found again further on, after a first occurrence inside a longer word.
    expect(matchStudy(probe("Soutextile, puis textile"), { keywords: ["textile"] })).toBe(true);
  });

  it("matches by topic id", () => {
    expect(matchStudy(probe("Sans rapport", ["rep-textiles"]), friperie)).toBe(true);
    expect(matchStudy(probe("Sans rapport", ["officiel"]), friperie)).toBe(false);
  });

  it("an interest with nothing usable matches nothing", () => {
    expect(matchStudy(probe("Tout"), {})).toBe(false);
    expect(matchStudy(probe("Tout -"), { keywords: ["-", " "] })).toBe(false);
    expect(matchStudy(probe("a.b (c)"), { keywords: ["a.b", "(c"] })).toBe(true);
  });
});

describe("« Pour vos études »", () => {
  const items = [
    item({ id: "t1", title: "Textiles : la collecte progresse", tags: [] }),
    item({ id: "t2", title: "Appel à projets", tags: ["rep-textiles"] }),
    item({ id: "v1", title: "Atelier vélo", tags: [], published: "2026-11-26T10:00:00.000Z" }),
    item({ id: "n1", title: "Sans rapport", tags: ["tzcld"] }),
  ];
  const studies: DigestStudy[] = [
    { id: "z-velo", title: "Atelier vélo", veille: { keywords: ["vélo"] } },
    {
      id: "a-friperie",
      title: "Friperie",
      stage: "faisabilite",
      veille: { topics: ["rep-textiles"], keywords: ["textile"] },
    },
    { id: "m-cuisine", title: "Cuisine", veille: { keywords: ["conserverie"] } },
    { id: "b-rien", title: "Sans veille" },
    { id: "c-vide", title: "Veille vide", veille: { topics: [], keywords: [] } },
  ];
  const model = buildDigest(input({ items, studies }));

  it("lists, per study by id, the items matching its topics or keywords, newest first", () => {
    expect(model.studies.matched.map((study) => [study.id, idsOf(study.items)])).toEqual([
      ["a-friperie", ["t1", "t2"]],
      ["z-velo", ["v1"]],
    ]);
    expect(model.studies.matched[0]?.count).toBe(2);
  });

  it("says why each item matched", () => {
    const friperie = model.studies.matched[0];
    expect(friperie?.items.map((entry) => entry.because)).toEqual([
      ["textile"],
      ["Textiles d'habillement, linge de maison et chaussures (TLC)"],
    ]);
  });

  it("names the studies with nothing this week, and those that follow nothing", () => {
    expect(model.studies.quiet).toEqual(["Cuisine"]);
    expect(model.studies.undeclared).toEqual(["Sans veille", "Veille vide"]);
    expect(model.studies.total).toBe(5);
  });
});

describe("sources in error and silent sources", () => {
  const sources = [
    { id: "down", title: "En panne" },
    { id: "quiet", title: "Muette" },
    { id: "recent", title: "Active" },
    { id: "empty", title: "Vide" },
    { id: "off", title: "Désactivée", enabled: false },
    { id: "new", title: "Jamais interrogée" },
    { id: "unknown", title: "Sans raison" },
  ];
  const state = {
    down: {
      consecutiveFailures: 3,
      lastError: "2026-11-26T06:00:00.000Z",
      lastErrorReason: "HTTP 503",
      lastSuccess: "2026-11-20T06:00:00.000Z",
      lastNewItem: "2026-01-01T00:00:00.000Z",
    },
    quiet: {
      consecutiveFailures: 0,
      lastSuccess: "2026-11-26T06:00:00.000Z",
      lastNewItem: "2026-10-13T10:00:00.000Z",
    },
    recent: {
      consecutiveFailures: 0,
      lastSuccess: "2026-11-26T06:00:00.000Z",
      lastNewItem: "2026-11-01T10:00:00.000Z",
    },
    empty: { consecutiveFailures: 0, lastSuccess: "2026-11-26T06:00:00.000Z" },
    off: { consecutiveFailures: 5, lastErrorReason: "HTTP 404" },
    unknown: { consecutiveFailures: 1 },
    "not-in-feeds-yaml": { consecutiveFailures: 2, lastErrorReason: "HTTP 500" },
  };

  it("names the enabled sources in error, in feeds.yaml order, with their reason", () => {
    const model = buildDigest(input({ sources, state }));
    expect(model.sources.errors).toEqual([
      {
        id: "down",
        title: "En panne",
        reason: "HTTP 503",
        failures: 3,
        lastError: "jeudi 26 novembre 2026",
        lastSuccess: "vendredi 20 novembre 2026",
      },
      {
        id: "unknown",
        title: "Sans raison",
        reason: "raison inconnue",
        failures: 1,
        lastError: null,
        lastSuccess: null,
      },
    ]);
    expect(model.counts.sourcesInError).toBe(2);
  });

  it("names the sources silent for more than silentAfterDays, and those that never brought anything", () => {
    const model = buildDigest(input({ sources, state }));
    expect(model.sources.silent).toEqual([
      { id: "quiet", title: "Muette", days: 45, lastNewItem: "mardi 13 octobre 2026" },
      { id: "empty", title: "Vide", days: null, lastNewItem: null },
    ]);
    expect(model.sources.silentAfterDays).toBe(30);
    expect(model.counts.sourcesSilent).toBe(2);
    const stricter = buildDigest(input({ sources, state, silentAfterDays: 20 }));
    expect(idsOf(stricter.sources.silent)).toEqual(["quiet", "recent", "empty"]);
  });

  it("judges a past week at its end, so that regenerating it later changes nothing", () => {
    const w47 = weekPeriod({ year: 2026, week: 47 }); // ends 2026-11-22T23:00Z
    const once = buildDigest(input({ sources, state, period: w47 }));
    const later = buildDigest(
      input({ sources, state, period: w47, now: new Date("2027-03-01T00:00:00Z") }),
    );
    expect(later).toEqual(once);
    expect(once.sources.silent[0]).toMatchObject({ id: "quiet", days: 40 });
  });
});

describe("determinism", () => {
  const topicIds = TOPICS.map((topic) => topic.id);
  const arbitraryItem = fc.record({
    id: fc.string({ minLength: 1, maxLength: 6 }),
    title: fc.string({ maxLength: 30 }),
    day: fc.integer({ min: 15, max: 35 }),
    hour: fc.integer({ min: 0, max: 23 }),
    seenLater: fc.integer({ min: 0, max: 20 }),
    tags: fc.subarray([...topicIds, "officiel"]),
    sources: fc.subarray(["refashion", "tzcld", "officiel", "other"], { minLength: 1 }),
  });

  it("shuffling the store's items gives the same model", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(arbitraryItem, { selector: (entry) => entry.id, maxLength: 40 }),
        fc.nat(),
        (entries, seed) => {
          const items = entries.map((entry) => {
            const published = Date.UTC(2026, 10, entry.day, entry.hour);
            return item({
              id: entry.id,
              title: entry.title,
              published: new Date(published).toISOString(),
              firstSeen: new Date(published + entry.seenLater * DAY).toISOString(),
              tags: entry.tags,
              sources: entry.sources,
            });
          });
          const shuffled = [...items];
          let state = seed;
          for (let i = shuffled.length - 1; i > 0; i--) {
            state = (state * 1103515245 + 12345) % 2 ** 31;
            const j = state % (i + 1);
            [shuffled[i], shuffled[j]] = [shuffled[j] as Item, shuffled[i] as Item];
          }
          const studies = [{ id: "s", title: "S", veille: { keywords: ["a"] } }];
          expect(buildDigest(input({ items: shuffled, studies }))).toEqual(
            buildDigest(input({ items, studies })),
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});
