import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_SCALE,
  gridSchema,
  midpoint,
  resolveGrid,
  worstAndBest,
} from "../../src/scoring/grid.js";
import { parseYamlText } from "../../src/workspace/yaml-file.js";
import { makeGrid } from "./scoring-fixtures.js";

const CRITERIA_YAML = fileURLToPath(new URL("../../criteria.yaml", import.meta.url));

function criterion(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: "utilite", label: "Utilité", weight: 1, direction: "benefit", ...overrides };
}

/** The issues of a failed parse; fails the test if the parse succeeded. */
function issues(file: unknown): { path: PropertyKey[]; message: string }[] {
  const result = gridSchema.safeParse(file);
  if (result.success)
    throw new Error(`expected an invalid grid, got ${JSON.stringify(result.data)}`);
  return result.error.issues.map((issue) => ({ path: issue.path, message: issue.message }));
}

describe("gridSchema: valid grids", () => {
  it("accepts a minimal grid and gives the default 0–5 scale", () => {
    const grid = makeGrid({ criteria: [criterion()] });
    expect(grid.criteria).toHaveLength(1);
    expect(grid.criteria[0]?.scale).toEqual({ min: 0, max: 5 });
    expect(DEFAULT_SCALE).toEqual({ min: 0, max: 5 });
  });

  it("accepts a veto at the scale's maximum and levels on the scale's bounds", () => {
    const grid = makeGrid({
      criteria: [
        criterion({ veto: { min: 5 }, levels: { 0: "rien", 5: "tout", "2.5": "moitié" } }),
      ],
    });
    expect(grid.criteria[0]?.veto).toBe(5);
    expect(grid.criteria[0]?.levels).toEqual([
      { value: 0, text: "rien" },
      { value: 2.5, text: "moitié" },
      { value: 5, text: "tout" },
    ]);
  });

  it("checks vetoes and levels against a per-criterion scale, not the grid's", () => {
    const grid = makeGrid({
      scale: { min: 0, max: 5 },
      criteria: [
        criterion({ scale: { min: 1, max: 10 }, veto: { min: 8 }, levels: { 10: "max" } }),
      ],
    });
    expect(grid.criteria[0]?.scale).toEqual({ min: 1, max: 10 });
    expect(grid.criteria[0]?.veto).toBe(8);
  });

  it("uses the grid-level scale when a criterion has none", () => {
    const grid = makeGrid({ scale: { min: 1, max: 4 }, criteria: [criterion()] });
    expect(grid.criteria[0]?.scale).toEqual({ min: 1, max: 4 });
  });
});

describe("gridSchema: invalid grids", () => {
  it.each([
    ["a weight of 0", 0],
    ["a negative weight", -3],
  ])("rejects %s", (_, weight) => {
    const found = issues({ criteria: [criterion({ weight })] });
    expect(found).toContainEqual({
      path: ["criteria", 0, "weight"],
      message: "un poids doit être strictement positif",
    });
  });

  it("rejects a duplicate criterion id, at the second occurrence", () => {
    const found = issues({ criteria: [criterion(), criterion({ label: "Autre" })] });
    expect(found).toHaveLength(1);
    expect(found[0]?.path).toEqual(["criteria", 1, "id"]);
    expect(found[0]?.message).toContain("« utilite » apparaît deux fois");
  });

  it.each([
    ["below the scale", { min: -1 }, undefined],
    ["at the scale's minimum (it would eliminate nothing)", { min: 0 }, undefined],
    ["above the scale", { min: 5.5 }, undefined],
    ["at a per-criterion scale's minimum", { min: 1 }, { min: 1, max: 10 }],
    ["above a per-criterion scale", { min: 11 }, { min: 1, max: 10 }],
  ])("rejects a veto %s", (_, veto, scale) => {
    const found = issues({ criteria: [criterion({ veto, ...(scale ? { scale } : {}) })] });
    expect(found).toHaveLength(1);
    expect(found[0]?.path).toEqual(["criteria", 0, "veto", "min"]);
    expect(found[0]?.message).toContain("seuil éliminatoire");
  });

  it.each([
    ["above the default scale", { 6: "trop" }, undefined, "6"],
    ["below the default scale", { "-1": "trop peu" }, undefined, "-1"],
    ["below a per-criterion scale", { 0: "zéro" }, { min: 1, max: 10 }, "0"],
  ])("rejects a level %s", (_, levels, scale, key) => {
    const found = issues({ criteria: [criterion({ levels, ...(scale ? { scale } : {}) })] });
    expect(found).toHaveLength(1);
    expect(found[0]?.path).toEqual(["criteria", 0, "levels", key]);
    expect(found[0]?.message).toContain("hors de l'échelle");
  });

  it("rejects an empty criteria list", () => {
    const found = issues({ criteria: [] });
    expect(found.map((issue) => issue.message)).toContain(
      "la grille doit contenir au moins un critère",
    );
  });

  it("rejects an unknown key at the top level and in a criterion", () => {
    expect(issues({ criteria: [criterion()], poids: 3 })[0]?.path).toEqual([]);
    expect(issues({ criteria: [criterion({ poids: 3 })] })[0]?.path).toEqual(["criteria", 0]);
    expect(issues({ criteria: [criterion({ veto: { min: 2, max: 4 } })] })[0]?.path).toEqual([
      "criteria",
      0,
      "veto",
    ]);
  });

  it.each([
    ["an unknown direction", { direction: "gain" }, ["criteria", 0, "direction"]],
    ["an upper-case id", { id: "Utilite" }, ["criteria", 0, "id"]],
    ["an empty label", { label: "" }, ["criteria", 0, "label"]],
    ["an infinite weight", { weight: Number.POSITIVE_INFINITY }, ["criteria", 0, "weight"]],
    ["a scale with max = min", { scale: { min: 3, max: 3 } }, ["criteria", 0, "scale"]],
    ["a non-numeric level", { levels: { haut: "x" } }, ["criteria", 0, "levels", "haut"]],
  ])("rejects %s", (_, overrides, path) => {
    expect(issues({ criteria: [criterion(overrides)] }).map((issue) => issue.path)).toContainEqual(
      path,
    );
  });
});

describe("resolveGrid", () => {
  it("normalises weights 15/15/12/8 to sum 1 and keeps the raw weights", () => {
    const grid = makeGrid({
      criteria: [
        criterion({ id: "a", weight: 15 }),
        criterion({ id: "b", weight: 15 }),
        criterion({ id: "c", weight: 12, direction: "cost" }),
        criterion({ id: "d", weight: 8 }),
      ],
    });
    expect(grid.criteria.map((c) => c.weight)).toEqual([0.3, 0.3, 0.24, 0.16]);
    expect(grid.criteria.map((c) => c.rawWeight)).toEqual([15, 15, 12, 8]);
    expect(grid.weightsSummedToOne).toBe(false);
  });

  it("says when the file's weights already summed to 1", () => {
    const grid = makeGrid({
      criteria: [
        criterion({ id: "a", weight: 0.5 }),
        criterion({ id: "b", weight: 0.3 }),
        criterion({ id: "c", weight: 0.2 }),
      ],
    });
    expect(grid.weightsSummedToOne).toBe(true);
    expect(grid.criteria.reduce((sum, c) => sum + c.weight, 0)).toBeCloseTo(1, 12);
  });

  it("gives midpoints and worst/best values by direction", () => {
    const grid = makeGrid({
      criteria: [
        criterion({ id: "b", scale: { min: 1, max: 10 } }),
        criterion({ id: "c", direction: "cost" }),
      ],
    });
    const [benefit, cost] = grid.criteria as [(typeof grid.criteria)[0], (typeof grid.criteria)[0]];
    expect(midpoint(benefit.scale)).toBe(5.5);
    expect(worstAndBest(benefit)).toEqual([1, 10]);
    expect(worstAndBest(cost)).toEqual([5, 0]);
  });
});

describe("the shipped criteria.yaml", () => {
  const parsed = parseYamlText(readFileSync(CRITERIA_YAML, "utf8"), "criteria.yaml", gridSchema);

  it("parses with gridSchema", () => {
    if (!parsed.ok) throw parsed.error;
    expect(parsed.ok).toBe(true);
  });

  it("has 10 criteria whose normalised weights sum to 1, investissement being the only cost", () => {
    if (!parsed.ok) throw parsed.error;
    const grid = resolveGrid(parsed.value);
    expect(grid.criteria).toHaveLength(10);
    expect(Math.abs(grid.criteria.reduce((sum, c) => sum + c.weight, 0) - 1)).toBeLessThan(1e-12);
    expect(grid.criteria.every((c) => c.weight > 0)).toBe(true);
    expect(grid.criteria.filter((c) => c.direction === "cost").map((c) => c.id)).toEqual([
      "investissement",
    ]);
    expect(new Set(grid.criteria.map((c) => c.id)).size).toBe(10);
  });
});
