import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileTopics, foldText, type TopicRule } from "../../src/veille/tag.js";

const REP: TopicRule = {
  id: "rep",
  keywords: [
    "responsabilité élargie du producteur",
    "filière REP",
    "éco-organisme",
    "Citeo",
    "Refashion",
  ],
};

describe("compileTopics: the REP ambiguity (DOMAIN.md §5)", () => {
  const tag = compileTopics([REP]);

  it.each([
    "La filière REP textile s'élargit",
    "LA FILIERE REP", // no accent, capitals
    "Refashion lance un appel à projets",
    "La Responsabilité Élargie du Producteur s'étend aux jouets",
    "Un nouvel éco-organisme agréé",
    "Un nouvel ECO-ORGANISME agréé",
    "Un nouvel eco organisme agréé", // a hyphen is a space
    "Un nouvel éco‑organisme agréé", // U+2011 non-breaking hyphen
    "Un nouvel éco\u00A0-\u00A0organisme", // spaces around the hyphen collapse
    "l’éco-organisme du textile",
    "Citeo Pro et les emballages",
    "(Citeo)",
    "responsabilité\nélargie   du producteur", // line breaks and runs of spaces
  ])("matches %j", (text) => {
    expect(tag(text)).toEqual(["rep"]);
  });

  it.each([
    "réseau d'éducation prioritaire (REP)",
    "Les collèges en REP+ du 19e arrondissement",
    "REP+",
    "Reprise des invendus",
    "La filière représente 3 % des emplois", // "filière rep…" inside a word
    "les éco-organismes", // whole words only: a plural is another word
    "écoorganisme", // a hyphen may be a space, not nothing
    "Citeopro",
    "Refashioned",
  ])("does not match %j", (text) => {
    expect(tag(text)).toEqual([]);
  });

  it("matches the plural when the keywords list both forms", () => {
    const both = compileTopics([{ id: "rep", keywords: ["éco-organisme", "éco-organismes"] }]);
    expect(both("les éco-organismes")).toEqual(["rep"]);
    expect(both("un éco-organisme")).toEqual(["rep"]);
  });
});

describe("compileTopics: whole words", () => {
  const tag = compileTopics([{ id: "deea", keywords: ["DEA", "éléments d'ameublement"] }]);

  it.each([
    ["la filière DEA", ["deea"]],
    ["DEA.", ["deea"]],
    ["(DEA)", ["deea"]],
    ["l'DEA", ["deea"]],
    ["éléments d’ameublement", ["deea"]], // ’ and ' are the same
    ["ÉLÉMENTS D'AMEUBLEMENT", ["deea"]],
    ["idea", []],
    ["une IDEA", []],
    ["DEAs", []],
    ["DEA2", []], // a digit is part of the word
    ["2DEA", []],
    ["", []],
  ])("%j → %j", (text, expected) => {
    expect(tag(text)).toEqual(expected);
  });

  it("numbers are whole too", () => {
    const law = compileTopics([{ id: "ess", keywords: ["article 58"] }]);
    expect(law("l'article 58 de la loi")).toEqual(["ess"]);
    expect(law("l'article 581")).toEqual([]);
  });

  it("keywords are text, not patterns", () => {
    const special = compileTopics([{ id: "x", keywords: ["a.b", "c++", "(ess)"] }]);
    expect(special("axb")).toEqual([]);
    expect(special("le a.b du texte")).toEqual(["x"]);
    expect(special("en c++ moderne")).toEqual(["x"]);
    expect(special("une (ESS) à Paris")).toEqual(["x"]);
    expect(special("une ess à Paris")).toEqual([]);
  });

  it("ligatures and invisible characters", () => {
    const tag2 = compileTopics([
      { id: "oeuvre", keywords: ["œuvre"] },
      { id: "reemploi", keywords: ["réemploi"] },
      { id: "filiere", keywords: ["filière"] },
    ]);
    expect(tag2("OEUVRE")).toEqual(["oeuvre"]);
    expect(tag2("Main-d'Œuvre")).toEqual(["oeuvre"]);
    expect(tag2("ré\u00ADem\u00ADploi")).toEqual(["reemploi"]); // soft hyphens
    expect(tag2("la ﬁlière")).toEqual(["filiere"]); // the "ﬁ" ligature character
    expect(compileTopics([{ id: "oeuvre", keywords: ["oeuvre"] }])("Œuvre")).toEqual(["oeuvre"]);
  });
});

describe("compileTopics: exclusions, order, edge cases", () => {
  const topics: TopicRule[] = [
    { id: "rep", keywords: ["éco-organisme", "filière REP"] },
    { id: "textile", keywords: ["textile", "Refashion"] },
    { id: "deea", keywords: ["DEA"], exclude: ["diplôme d'études approfondies", "master"] },
  ];
  const tag = compileTopics(topics);

  it("an exclude term vetoes its topic only", () => {
    expect(tag("Le DEA de chimie, diplôme d'études approfondies")).toEqual([]);
    expect(tag("DEA ou MASTER ?")).toEqual([]);
    expect(tag("La filière DEA recrute")).toEqual(["deea"]);
    expect(tag("un éco-organisme, le DEA et le master")).toEqual(["rep"]);
  });

  it("an exclude term alone tags nothing", () => {
    expect(tag("un master")).toEqual([]);
  });

  it("returns ids in the topics' order, not the text's", () => {
    expect(tag("Refashion, la filière DEA et l'éco-organisme")).toEqual(["rep", "textile", "deea"]);
  });

  it("each id once, however often its keywords occur", () => {
    expect(tag("textile textile Refashion")).toEqual(["textile"]);
  });

  it("no topics, or keywords that fold to nothing, match nothing", () => {
    expect(compileTopics([])("éco-organisme")).toEqual([]);
    expect(compileTopics([{ id: "vide", keywords: ["-", " "] }])("a - b")).toEqual([]);
  });

  it("an empty exclude list vetoes nothing", () => {
    expect(compileTopics([{ id: "t", keywords: ["textile"], exclude: [] }])("textile")).toEqual([
      "t",
    ]);
  });
});

describe("compileTopics: properties", () => {
  const word = fc.stringMatching(/^[a-yéèàçœ]{1,8}$/);
  const keyword = fc.array(word, { minLength: 1, maxLength: 3 }).map((words) => words.join(" "));
  const filler = fc.array(word, { maxLength: 5 }).map((words) => words.join(" "));

  it("a keyword matches itself among other words, in capitals, with hyphens for spaces", () => {
    fc.assert(
      fc.property(keyword, filler, filler, (kw, before, after) => {
        const tag = compileTopics([{ id: "t", keywords: [kw] }]);
        const variant = kw.toUpperCase().replace(/ /g, "-");
        expect(tag(`${before} ${variant}, ${after}`)).toEqual(["t"]);
      }),
    );
  });

  it("a keyword never matches inside a longer word", () => {
    fc.assert(
      fc.property(keyword, (kw) => {
        const tag = compileTopics([{ id: "t", keywords: [kw] }]);
        // "z" is outside the keywords' alphabet, so the only occurrence is the glued one.
        expect(tag(`z${kw}z`)).toEqual([]);
        expect(tag(`${kw}9`)).toEqual([]);
      }),
    );
  });
});

/**
 * The specification of whole-word matching, written the plain way: one
 * regular expression per topic. compileTopics indexes terms by first word for
 * speed; it must agree with this on any text.
 */
function referenceTagger(topics: readonly TopicRule[]): (text: string) => string[] {
  const escapeTerm = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const whole = (terms: readonly string[]) => {
    const folded = terms.map((term) => foldText(term).trim()).filter((term) => term !== "");
    return folded.length === 0
      ? undefined
      : new RegExp(
          `(?<![\\p{L}\\p{N}])(?:${folded.map(escapeTerm).join("|")})(?![\\p{L}\\p{N}])`,
          "u",
        );
  };
  const compiled = topics.map((topic) => ({
    id: topic.id,
    keywords: whole(topic.keywords),
    exclude: whole(topic.exclude ?? []),
  }));
  return (text) => {
    const folded = foldText(text);
    return compiled
      .filter((topic) => topic.keywords?.test(folded) && !topic.exclude?.test(folded))
      .map((topic) => topic.id);
  };
}

describe("compileTopics agrees with one whole-word expression per topic", () => {
  // A small alphabet, so that terms and texts collide often; punctuation,
  // apostrophes, hyphens and digits at the edges of terms included.
  const piece = fc.stringMatching(/^[abé1' .-]{1,6}$/);
  const topic = fc.record({
    keywords: fc.array(piece, { minLength: 1, maxLength: 4 }),
    exclude: fc.array(piece, { maxLength: 2 }),
  });
  it("on random topics and texts", () => {
    fc.assert(
      fc.property(
        fc.array(topic, { minLength: 1, maxLength: 4 }),
        fc.stringMatching(/^[abéAB1' .,-]{0,40}$/),
        (rules, text) => {
          const topics = rules.map((rule, index) => ({ id: `t${index}`, ...rule }));
          expect(compileTopics(topics)(text)).toEqual(referenceTagger(topics)(text));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("on the shipped feeds.yaml and the sample feeds' titles", async () => {
    const { readFile } = await import("node:fs/promises");
    const { parse } = await import("yaml");
    const feeds = parse(await readFile(new URL("../../feeds.yaml", import.meta.url), "utf8"));
    const samples = await Promise.all(
      ["service-public.xml", "eco-organismes.atom"].map((name) =>
        readFile(new URL(`../../examples/veille/${name}`, import.meta.url), "utf8"),
      ),
    );
    const fast = compileTopics(feeds.topics);
    const plain = referenceTagger(feeds.topics);
    for (const text of samples.join("\n").split(/<[^>]+>/)) {
      expect(fast(text)).toEqual(plain(text));
    }
  });
});
