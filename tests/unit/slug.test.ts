import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_TITLE_SLUG, slugify, studySlug } from "../../src/study/slug.js";

const SLUG_SHAPE = /^[a-z0-9]+(-[a-z0-9]+)*$/;

describe("slugify: French titles", () => {
  it.each([
    ["Économie circulaire", "economie-circulaire"],
    ["Épicerie à prix réduits", "epicerie-a-prix-reduits"],
    ["Mère, père et fête", "mere-pere-et-fete"],
    ["Façade côté hôtel", "facade-cote-hotel"],
    ["Garçon à vélo", "garcon-a-velo"],
    ["Cœur de quartier", "coeur-de-quartier"],
    ["ŒUVRES D'ART", "oeuvres-d-art"],
    ["Æquo et curriculum", "aequo-et-curriculum"],
    ["ex æquo", "ex-aequo"],
    ["Straße", "strasse"],
    ["Pain & chocolat", "pain-et-chocolat"],
    ["R&D", "r-et-d"],
    ["L’atelier d’Ali", "l-atelier-d-ali"],
    ["L'atelier d'Ali", "l-atelier-d-ali"],
    ["« Recyclerie » solidaire", "recyclerie-solidaire"],
    ["Vélo\u00a0cargo\u202fpartagé", "velo-cargo-partage"],
    ["🚲 Réparation de vélos 🔧", "reparation-de-velos"],
    ["Collecte 2026 : 42 points", "collecte-2026-42-points"],
    ["RECYCLERIE TEXTILE", "recyclerie-textile"],
    ["  a -- b __ c ... d  ", "a-b-c-d"],
    ["tri/réemploi\\atelier", "tri-reemploi-atelier"],
    ["../../etc/passwd", "etc-passwd"],
    ["100 % local", "100-pour-cent-local"],
    ["Ateliers 18e–19e", "ateliers-18e-19e"],
  ])("%j → %j", (title, slug) => {
    expect(slugify(title)).toBe(slug);
  });

  it.each([[""], ["   "], ["🚲🔧"], ["« … » — !?"], ["’'«»\u00a0"]])(
    "%j has no letter or digit and gives an empty slug",
    (title) => {
      expect(slugify(title)).toBe("");
    },
  );
});

describe("slugify: length cap", () => {
  it("caps at MAX_TITLE_SLUG (50) by default", () => {
    expect(MAX_TITLE_SLUG).toBe(50);
  });

  it("cuts at a word boundary, never in the middle of a word", () => {
    // "recyclerie" ×5 = 54 characters with hyphens: the fifth word is dropped whole.
    const title = "Recyclerie recyclerie recyclerie recyclerie recyclerie";
    expect(slugify(title)).toBe("recyclerie-recyclerie-recyclerie-recyclerie");
  });

  it("keeps a slug of exactly the cap", () => {
    const title = `${"a".repeat(24)} ${"b".repeat(25)}`; // 24 + 1 + 25 = 50
    expect(slugify(title)).toBe(`${"a".repeat(24)}-${"b".repeat(25)}`);
    expect(slugify(`${title} c`)).toBe(`${"a".repeat(24)}-${"b".repeat(25)}`);
  });

  it("cuts a single over-long word hard", () => {
    expect(slugify("x".repeat(80))).toBe("x".repeat(50));
    expect(slugify(`${"y".repeat(80)} court`)).toBe("y".repeat(50));
  });

  it.each([
    ["Recyclerie textile du quartier", 10, "recyclerie"],
    ["Recyclerie textile du quartier", 17, "recyclerie"],
    ["Recyclerie textile du quartier", 18, "recyclerie-textile"],
    ["Paris 18e", 20, "paris-18e"],
    ["Anticonstitutionnellement", 5, "antic"],
  ])("slugify(%j, %i) = %j", (title, cap, slug) => {
    expect(slugify(title, cap)).toBe(slug);
  });
});

describe("slugify: properties", () => {
  const anyText = fc.oneof(
    fc.string({ unit: "binary", maxLength: 120 }),
    fc.string({ unit: "grapheme", maxLength: 120 }),
    fc
      .array(
        fc.constantFrom(
          "é",
          "È",
          "ç",
          "œ",
          "Æ",
          "ß",
          "&",
          "’",
          "'",
          "«",
          "»",
          "\u00a0",
          "\u202f",
          " ",
          "-",
          ".",
          "/",
          "\\",
          "..",
          "a",
          "Z",
          "9",
          "🚲",
          "\u0301",
        ),
        { maxLength: 80 },
      )
      .map((parts) => parts.join("")),
  );

  it("gives a [a-z0-9] words joined by single hyphens, or an empty string", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const slug = slugify(text);
        expect(slug === "" || SLUG_SHAPE.test(slug)).toBe(true);
      }),
    );
  });

  it("never exceeds the cap, whatever the cap", () => {
    fc.assert(
      fc.property(anyText, fc.integer({ min: 1, max: 80 }), (text, cap) => {
        expect(slugify(text).length).toBeLessThanOrEqual(MAX_TITLE_SLUG);
        expect(slugify(text, cap).length).toBeLessThanOrEqual(cap);
      }),
    );
  });

  it("is idempotent", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const once = slugify(text);
        expect(slugify(once)).toBe(once);
      }),
    );
  });

  it("can never name a path outside its folder", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const slug = slugify(text);
        expect(slug).not.toContain("..");
        expect(slug).not.toContain("/");
        expect(slug).not.toContain("\\");
      }),
    );
  });
});

describe("studySlug", () => {
  it.each([
    [
      { title: "Recyclerie textile", date: "2026-11-28", territory: "18e" },
      "2026-11-recyclerie-textile-18e",
    ],
    [
      { title: "Épicerie & cantine", date: "2027-01-05", territory: "13e" },
      "2027-01-epicerie-et-cantine-13e",
    ],
    [{ title: "Vélos", date: "2026-12-31", territory: "Paris 20e" }, "2026-12-velos-paris-20e"],
  ])("%j → %j", (input, id) => {
    expect(studySlug(input)).toBe(id);
  });

  it("caps the title at 50 characters and the territory at 20", () => {
    const id = studySlug({
      title: "mot ".repeat(40),
      date: "2026-11-28",
      territory: "territoire vraiment très long",
    });
    expect(id).toBe(`2026-11-${"mot-".repeat(12)}territoire-vraiment`);
  });
});
