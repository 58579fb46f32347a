import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Criterion } from "../../src/scoring/grid.js";
import { normalised, ranks, weightedSum } from "../../src/scoring/methods.js";
import { rankCandidates } from "../../src/scoring/rank.js";
import {
  type StabilityInterval,
  stabilityIntervals,
  stabilitySentence,
} from "../../src/scoring/stability.js";
import { gridFromSpecs, ideaId, instanceArb, makeGrid, plainSpaces } from "./scoring-fixtures.js";

const POINTS = 2000;
const STEP = 1 / POINTS;

/**
 * Scores (0–1) of every idea when criterion j's weight is set to t and the
 * other weights are rescaled in proportion so that they still sum to 1.
 */
function sweptScores(
  criteria: readonly Criterion[],
  v: number[][],
  j: number,
  t: number,
): number[] {
  const w = (criteria[j] as Criterion).weight;
  const weights = criteria.map((c, k) => (k === j ? t : (c.weight * (1 - t)) / (1 - w)));
  return v.map((row) => row.reduce((sum, x, k) => sum + x * (weights[k] as number), 0));
}

/** How much the best other idea beats the leader by (≤ 0 when the leader is still first). */
function gap(scores: number[], leader: number): number {
  const own = scores[leader] as number;
  return Math.max(...scores.filter((_, i) => i !== leader).map((s) => s - own));
}

describe("stabilityIntervals: a worked example", () => {
  // Two criteria weighted 1/1. L = (5, 0) → (1, 0); O = (0, 4) → (0, 0.8).
  // Weight t on c1: S_L = t, S_O = 0.8 (1 − t): L first iff t ≥ 0.8 / 1.8 = 4/9.
  // Weight t on c2: S_L = 1 − t, S_O = 0.8 t: L first iff t ≤ 1 / 1.8 = 5/9.
  const grid = makeGrid({
    criteria: [
      { id: "c1", label: "Un", weight: 1, direction: "benefit" },
      { id: "c2", label: "Deux", weight: 1, direction: "benefit" },
    ],
  });

  it("gives [4/9, 1] and [0, 5/9]", () => {
    const intervals = stabilityIntervals(
      grid.criteria,
      [
        [5, 0],
        [0, 4],
      ],
      0,
    );
    expect(intervals).toHaveLength(2);
    expect(intervals[0]).toMatchObject({ criterion: "c1", weight: 0.5, max: 1 });
    expect(intervals[0]?.min).toBeCloseTo(4 / 9, 12);
    expect(intervals[1]).toMatchObject({ criterion: "c2", weight: 0.5, min: 0 });
    expect(intervals[1]?.max).toBeCloseTo(5 / 9, 12);
  });

  it("handles a cost criterion (reversed) and a third idea", () => {
    // c2 as a cost: O = (0, 1) → (0, 0.8) again; a third idea (2.5, 2.5) → (0.5, 0.5).
    const costGrid = makeGrid({
      criteria: [
        { id: "c1", label: "Un", weight: 1, direction: "benefit" },
        { id: "c2", label: "Deux", weight: 1, direction: "cost" },
      ],
    });
    // L = (5, 5) → (1, 0), tied with M at equal weights. Weight t on c1:
    // S_L = t, S_M = 0.5: L first iff t ≥ 0.5; against O, t ≥ 4/9. So [0.5, 1].
    const intervals = stabilityIntervals(
      costGrid.criteria,
      [
        [5, 5],
        [0, 1],
        [2.5, 2.5],
      ],
      0,
    );
    expect(intervals[0]?.min).toBeCloseTo(0.5, 12);
    expect(intervals[0]?.max).toBe(1);
    // On c2 (weight t): S_L = 1 − t, S_M = 0.5, S_O = 0.8 t: t ≤ 0.5 and t ≤ 5/9.
    expect(intervals[1]?.min).toBe(0);
    expect(intervals[1]?.max).toBeCloseTo(0.5, 12);
  });

  it("finds the crossing of two nearly parallel ideas", () => {
    // On a 0–1000 scale, L = (503, 500) → (0.503, 0.500), O = (500, 502) → (0.500, 0.502).
    // Weight t on c1: S_L − S_O = 0.005 t − 0.002 ≥ 0 iff t ≥ 0.4.
    const fine = makeGrid({
      scale: { min: 0, max: 1000 },
      criteria: [
        { id: "c1", label: "Un", weight: 1, direction: "benefit" },
        { id: "c2", label: "Deux", weight: 1, direction: "benefit" },
      ],
    });
    const intervals = stabilityIntervals(
      fine.criteria,
      [
        [503, 500],
        [500, 502],
      ],
      0,
    );
    expect(intervals[0]?.min).toBeCloseTo(0.4, 9);
    expect(intervals[0]?.max).toBe(1);
    expect(intervals[1]?.min).toBe(0);
    expect(intervals[1]?.max).toBeCloseTo(0.6, 9);
  });

  it("a leader better everywhere stays first whatever the weights", () => {
    const intervals = stabilityIntervals(
      grid.criteria,
      [
        [5, 5],
        [1, 4],
        [3, 2],
      ],
      0,
    );
    for (const interval of intervals) expect([interval.min, interval.max]).toEqual([0, 1]);
  });

  it("is what rankCandidates reports, with the leader's title in the sentence", () => {
    const report = rankCandidates(
      grid,
      [
        { id: "o", title: "Autre", scores: { c1: 0, c2: 4 } },
        { id: "l", title: "Leader", scores: { c1: 5, c2: 0 } },
      ],
      { method: "weighted-sum", simulations: 0, seed: 1 },
    );
    expect(report.ranking[0]?.id).toBe("l");
    expect(report.stability[0]?.min).toBeCloseTo(4 / 9, 12);
    expect(report.stability[1]?.max).toBeCloseTo(5 / 9, 12);
    expect(plainSpaces(report.stability[0]?.sentence ?? "")).toBe(
      "« Leader » reste n°1 tant que le poids de « Un » reste au-dessus de 44,4 % (actuellement 50 %).",
    );
    expect(plainSpaces(report.stability[1]?.sentence ?? "")).toBe(
      "« Leader » reste n°1 tant que le poids de « Deux » reste sous 55,6 % (actuellement 50 %).",
    );
  });
});

describe("stabilityIntervals agrees with a brute-force sweep of the weights", () => {
  it(`leader first exactly inside [min, max] (grid of ${POINTS + 1} points)`, () => {
    fc.assert(
      fc.property(
        instanceArb({ minCriteria: 2, maxCriteria: 6, maxIdeas: 10 }),
        ({ specs, rows }) => {
          const grid = gridFromSpecs(specs);
          const ids = rows.map((_, i) => ideaId(i));
          const leader = ranks(weightedSum(grid.criteria, rows).scores, ids).order[0] as number;
          const v = rows.map((row) => grid.criteria.map((c, j) => normalised(c, row[j] as number)));
          const intervals = stabilityIntervals(grid.criteria, rows, leader);
          expect(intervals.map((s) => s.criterion)).toEqual(grid.criteria.map((c) => c.id));
          for (const [j, interval] of intervals.entries()) {
            const { min, max, weight } = interval;
            expect(weight).toBe(grid.criteria[j]?.weight);
            expect(0 <= min && min <= max && max <= 1).toBe(true);
            // The current weight is inside (the leader is first now).
            expect(min).toBeLessThanOrEqual(weight + 1e-9);
            expect(max).toBeGreaterThanOrEqual(weight - 1e-9);
            for (let k = 0; k <= POINTS; k++) {
              const t = k * STEP;
              const g = gap(sweptScores(grid.criteria, v, j, t), leader);
              if (t >= min && t <= max) {
                // Still first, ties allowed.
                if (g > 1e-9)
                  throw new Error(
                    `criterion ${j}: t = ${t} in [${min}, ${max}] but beaten by ${g}`,
                  );
              } else if (t < min - STEP || t > max + STEP) {
                // Strictly beaten outside the interval.
                if (!(g > 0))
                  throw new Error(
                    `criterion ${j}: t = ${t} outside [${min}, ${max}] but still first (gap ${g})`,
                  );
              }
            }
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it("a single criterion can only weigh 100 %", () => {
    const grid = makeGrid({
      criteria: [{ id: "seul", label: "Seul", weight: 3, direction: "benefit" }],
    });
    expect(stabilityIntervals(grid.criteria, [[5], [1]], 0)).toEqual([
      { criterion: "seul", weight: 1, min: 1, max: 1 },
    ]);
  });
});

describe("stabilitySentence: the four French forms", () => {
  const interval = (min: number, max: number, weight = 0.3): StabilityInterval => ({
    criterion: "utilite",
    weight,
    min,
    max,
  });
  const sentence = (i: StabilityInterval) =>
    plainSpaces(stabilitySentence(i, "Atelier vélo", "Utilité"));

  it.each([
    [
      interval(0, 1),
      "« Atelier vélo » reste n°1 quel que soit le poids de « Utilité » (actuellement 30 %).",
    ],
    [
      interval(0, 0.45),
      "« Atelier vélo » reste n°1 tant que le poids de « Utilité » reste sous 45 % (actuellement 30 %).",
    ],
    [
      interval(0.125, 1),
      "« Atelier vélo » reste n°1 tant que le poids de « Utilité » reste au-dessus de 12,5 % (actuellement 30 %).",
    ],
    [
      interval(0.2, 0.4567),
      "« Atelier vélo » reste n°1 tant que le poids de « Utilité » reste entre 20 % et 45,7 % (actuellement 30 %).",
    ],
    [
      interval(1e-9, 1 - 1e-9),
      "« Atelier vélo » reste n°1 quel que soit le poids de « Utilité » (actuellement 30 %).",
    ],
  ])("%j", (i, text) => {
    expect(sentence(i)).toBe(text);
  });
});
