import { describe, expect, it } from "vitest";
import { ideasSchemaFor } from "../../src/scoring/ideas.js";
import {
  describeScore,
  median,
  parseTypedScore,
  pointValue,
  resolveValue,
  scoresSchemaFor,
} from "../../src/scoring/values.js";
import { makeGrid, plainSpaces } from "./scoring-fixtures.js";

const grid = makeGrid({
  criteria: [
    { id: "utilite", label: "Utilité", weight: 2, direction: "benefit" },
    { id: "investissement", label: "Investissement", weight: 1, direction: "cost" },
    {
      id: "emplois",
      label: "Emplois",
      weight: 1,
      direction: "benefit",
      scale: { min: 1, max: 10 },
    },
  ],
});

/** Paths of the issues of a failed parse; fails the test if the parse succeeded. */
function issuePaths(schema: ReturnType<typeof scoresSchemaFor>, value: unknown): PropertyKey[][] {
  const result = schema.safeParse(value);
  if (result.success)
    throw new Error(`expected invalid scores, got ${JSON.stringify(result.data)}`);
  return result.error.issues.map((issue) => issue.path);
}

describe("parseTypedScore", () => {
  it.each([
    ["3", 3],
    [" 4 ", 4],
    ["2,5", 2.5],
    ["2.5", 2.5],
    ["0", 0],
    ["-1", -1],
    ["10", 10],
  ])("%j is the number %d", (text, value) => {
    expect(parseTypedScore(text)).toEqual({ ok: true, value });
  });

  it.each([["?"], [" ? "]])("%j is an unknown score (null)", (text) => {
    expect(parseTypedScore(text)).toEqual({ ok: true, value: null });
  });

  it.each([
    ["2:3:4", { low: 2, likely: 3, high: 4 }],
    ["2,5:3:4,5", { low: 2.5, likely: 3, high: 4.5 }],
    [" 1 : 1 : 5 ", { low: 1, likely: 1, high: 5 }],
    ["3:3:3", { low: 3, likely: 3, high: 3 }],
  ])("%j is an uncertain score", (text, value) => {
    expect(parseTypedScore(text)).toEqual({ ok: true, value });
  });

  it.each([
    ["4:3:2"],
    ["2:5:4"],
    ["abc"],
    [""],
    ["   "],
    ["2:3"],
    ["1:2:3:4"],
    ["2:x:4"],
    ["3,"],
    ["1e3"],
    ["3 4"],
    ["??"],
    ["NaN"],
    ["Infinity"],
  ])("%j is refused", (text) => {
    expect(parseTypedScore(text)).toEqual({ ok: false });
  });
});

describe("median", () => {
  it.each([
    [[3], 3],
    [[5, 1, 3], 3],
    [[4, 2], 3],
    [[1, 2, 3, 10], 2.5],
    [[0, 5, 5], 5],
    [[2, -1, 7, 4, 4], 4],
  ])("median(%j) = %d", (values, expected) => {
    expect(median(values)).toBe(expected);
  });

  it("does not reorder its argument", () => {
    const values = [5, 1, 3];
    median(values);
    expect(values).toEqual([5, 1, 3]);
  });
});

describe("resolveValue and pointValue", () => {
  it("uses the known value, the likely value and the median of raters; nothing when unknown", () => {
    expect(pointValue(resolveValue(3))).toBe(3);
    expect(pointValue(resolveValue({ low: 1, likely: 2, high: 4 }))).toBe(2);
    expect(pointValue(resolveValue({ raters: { a: 1, b: 4, c: 5 } }))).toBe(4);
    expect(pointValue(resolveValue(null))).toBeUndefined();
    expect(pointValue(resolveValue(undefined))).toBeUndefined();
  });

  it("measures the raters' spread", () => {
    expect(resolveValue({ raters: { a: 1, b: 4, c: 3 } })).toEqual({
      kind: "raters",
      values: [1, 4, 3],
      median: 3,
      spread: 3,
    });
  });
});

describe("scoresSchemaFor", () => {
  const schema = scoresSchemaFor(grid);

  it("accepts in-scale scores of every kind, on the criterion's own scale", () => {
    const scores = {
      utilite: 5,
      investissement: { low: 0, likely: 1, high: 5 },
      emplois: { raters: { ana: 1, bob: 10 } },
    };
    expect(schema.parse(scores)).toEqual(scores);
    expect(schema.parse({ utilite: null })).toEqual({ utilite: null });
    expect(schema.parse({})).toEqual({});
  });

  it("reports an unknown criterion at its key, listing the grid's criteria", () => {
    const result = schema.safeParse({ utilité: 3 });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.error.issues).toHaveLength(1);
    expect(result.error.issues[0]?.path).toEqual(["utilité"]);
    expect(result.error.issues[0]?.message).toContain("utilite, investissement, emplois");
  });

  it.each([
    ["a number above the default scale", { utilite: 6 }, [["utilite"]]],
    ["a negative number", { investissement: -1 }, [["investissement"]]],
    ["0 on a 1–10 scale", { emplois: 0 }, [["emplois"]]],
    ["11 on a 1–10 scale", { emplois: 11 }, [["emplois"]]],
    [
      "an uncertain score whose low and high are out of scale",
      { emplois: { low: 0, likely: 5, high: 12 } },
      [
        ["emplois", "low"],
        ["emplois", "high"],
      ],
    ],
    [
      "an uncertain score whose likely is out of scale",
      { utilite: { low: 5, likely: 6, high: 7 } },
      [
        ["utilite", "likely"],
        ["utilite", "high"],
      ],
    ],
    [
      "one rater out of scale",
      { utilite: { raters: { ana: 3, bob: 9 } } },
      [["utilite", "raters", "bob"]],
    ],
  ])("reports %s at its path", (_, scores, paths) => {
    expect(issuePaths(schema, scores)).toEqual(paths);
  });

  it("names the value and the criterion's scale in French", () => {
    const result = schema.safeParse({ emplois: 11 });
    expect(result.success).toBe(false);
    if (result.success) return;
    const message = result.error.issues[0]?.message ?? "";
    expect(message).toContain("11");
    expect(message).toContain("hors de l'échelle");
    expect(message).toContain("1 à 10");
  });

  it.each([
    ["an uncertain score with low > likely", { utilite: { low: 3, likely: 2, high: 4 } }],
    ["an uncertain score with a missing key", { utilite: { low: 1, high: 4 } }],
    ["no rater", { utilite: { raters: {} } }],
    ["a string", { utilite: "3" }],
    ["an extra key", { utilite: { low: 1, likely: 2, high: 3, mode: 2 } }],
  ])("refuses %s", (_, scores) => {
    expect(schema.safeParse(scores).success).toBe(false);
  });
});

describe("describeScore", () => {
  it.each([
    [undefined, "non notée"],
    [null, "? (inconnue)"],
    [3, "3"],
    [2.5, "2,5"],
    [1 / 3, "0,33"],
    [{ low: 2, likely: 3, high: 4.5 }, "2 à 4,5 (3 probable)"],
    [{ raters: { ana: 2, bob: 4 } }, "médiane 3 (ana 2, bob 4)"],
    [{ raters: { ana: 1, bob: 2.5, cleo: 5 } }, "médiane 2,5 (ana 1, bob 2,5, cleo 5)"],
  ])("describeScore(%j) = %j", (value, text) => {
    expect(plainSpaces(describeScore(value))).toBe(text);
  });
});

describe("ideasSchemaFor", () => {
  const schema = ideasSchemaFor(grid);

  it("accepts ideas and defaults their scores to {}", () => {
    const parsed = schema.parse({ ideas: [{ id: "atelier", title: "Atelier" }] });
    expect(parsed.ideas[0]?.scores).toEqual({});
  });

  it("refuses a duplicate idea id at the second occurrence", () => {
    const result = schema.safeParse({
      ideas: [
        { id: "atelier", title: "Atelier" },
        { id: "atelier", title: "Autre" },
      ],
    });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.error.issues.map((issue) => issue.path)).toEqual([["ideas", 1, "id"]]);
  });

  it("checks the scores of each idea against the grid, with their full path", () => {
    const result = schema.safeParse({
      ideas: [
        { id: "atelier", title: "Atelier", scores: { emplois: { low: 0, likely: 2, high: 3 } } },
      ],
    });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.error.issues.map((issue) => issue.path)).toEqual([
      ["ideas", 0, "scores", "emplois", "low"],
    ]);
  });
});
