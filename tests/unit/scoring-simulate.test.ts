import { describe, expect, it } from "vitest";
import { rankCandidates } from "../../src/scoring/rank.js";
import {
  DEFAULT_SEED,
  DEFAULT_SIMULATIONS,
  prng,
  simulate,
  triangular,
  WEIGHT_SPREAD,
} from "../../src/scoring/simulate.js";
import { type Resolved, resolveValue, type ScoreValue } from "../../src/scoring/values.js";
import { makeGrid } from "./scoring-fixtures.js";

const GRID = makeGrid({
  criteria: [
    { id: "a", label: "A", weight: 5, direction: "benefit" },
    { id: "b", label: "B", weight: 3, direction: "cost" },
    { id: "c", label: "C", weight: 2, direction: "benefit", scale: { min: 1, max: 10 } },
  ],
});

function ideas(rows: Record<string, ScoreValue[]>): { id: string; cells: Resolved[] }[] {
  return Object.entries(rows).map(([id, row]) => ({ id, cells: row.map(resolveValue) }));
}

function byId(result: ReturnType<typeof simulate>, id: string) {
  const found = result.ideas.find((s) => s.id === id);
  if (!found) throw new Error(`${id} not simulated`);
  return found;
}

describe("prng", () => {
  it("is deterministic per seed", () => {
    const a = prng(42);
    const b = prng(42);
    const first = Array.from({ length: 100 }, () => a());
    expect(Array.from({ length: 100 }, () => b())).toEqual(first);
  });

  it("gives a different sequence for another seed", () => {
    const a = prng(1);
    const b = prng(2);
    const first = Array.from({ length: 20 }, () => a());
    expect(Array.from({ length: 20 }, () => b())).not.toEqual(first);
  });

  it("stays in [0, 1) and is roughly uniform", () => {
    for (const seed of [0, 1, DEFAULT_SEED, 2 ** 32 - 1, -5]) {
      const random = prng(seed);
      const counts = new Array<number>(10).fill(0);
      let sum = 0;
      const n = 20_000;
      for (let k = 0; k < n; k++) {
        const u = random();
        expect(u >= 0 && u < 1).toBe(true);
        sum += u;
        const bucket = Math.floor(u * 10);
        counts[bucket] = (counts[bucket] as number) + 1;
      }
      expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.01);
      for (const count of counts) expect(Math.abs(count - n / 10)).toBeLessThan(n / 10 / 5);
    }
  });
});

describe("triangular", () => {
  it.each([
    [0, 2, 4],
    [1, 1, 5],
    [1, 5, 5],
    [-2, 0, 10],
    [3, 3.5, 3.6],
  ])(
    "triangular(u, %d, %d, %d) stays in [low, high], starts at low, peaks at likely",
    (low, likely, high) => {
      let previous = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < 1000; k++) {
        const x = triangular(k / 1000, low, likely, high);
        expect(x).toBeGreaterThanOrEqual(low);
        expect(x).toBeLessThanOrEqual(high);
        // An inverse distribution function: non-decreasing in u.
        expect(x).toBeGreaterThanOrEqual(previous - 1e-12);
        previous = x;
      }
      expect(triangular(0, low, likely, high)).toBe(low);
      expect(triangular(1 - 1e-12, low, likely, high)).toBeCloseTo(high, 4);
      // u at the mode's cumulative probability gives the mode.
      expect(triangular((likely - low) / (high - low), low, likely, high)).toBeCloseTo(likely, 10);
    },
  );

  it("returns the value itself when low = high", () => {
    expect(triangular(0.7, 3, 3, 3)).toBe(3);
  });

  it.each([
    [0, 1, 5],
    [2, 4, 5],
    [0, 0, 1],
    [-1, 3, 4],
  ])("has mean (low + likely + high) / 3 over many draws (%d, %d, %d)", (low, likely, high) => {
    const random = prng(2026);
    const n = 40_000;
    let sum = 0;
    for (let k = 0; k < n; k++) sum += triangular(random(), low, likely, high);
    expect(Math.abs(sum / n - (low + likely + high) / 3)).toBeLessThan(0.02 * (high - low));
  });
});

describe("simulate", () => {
  it("exports its defaults", () => {
    expect(DEFAULT_SIMULATIONS).toBe(10_000);
    expect(WEIGHT_SPREAD).toBe(0.25);
    expect(Number.isInteger(DEFAULT_SEED)).toBe(true);
  });

  it("a clearly dominant idea is first in every run", () => {
    const result = simulate(
      GRID.criteria,
      ideas({ top: [5, 0, 10], mid: [3, 2, 6], low: [1, 4, 2] }),
      { runs: 1000, seed: 3 },
    );
    expect(byId(result, "top")).toEqual({
      id: "top",
      pFirst: 1,
      pTop3: 1,
      rankLow: 1,
      rankHigh: 1,
    });
    expect(byId(result, "mid")).toMatchObject({ pFirst: 0, rankLow: 2, rankHigh: 2 });
    expect(byId(result, "low")).toMatchObject({ pFirst: 0, rankLow: 3, rankHigh: 3 });
    expect(result).toMatchObject({ runs: 1000, seed: 3, weightSpread: WEIGHT_SPREAD });
  });

  it("two identical ideas share rank 1 in every run: both have pFirst = 1", () => {
    const result = simulate(
      GRID.criteria,
      ideas({ twin1: [4, 1, 9], twin2: [4, 1, 9], other: [2, 3, 5], last: [0, 5, 1] }),
      { runs: 500, seed: 11 },
    );
    expect(byId(result, "twin1")).toMatchObject({ pFirst: 1, rankLow: 1, rankHigh: 1 });
    expect(byId(result, "twin2")).toMatchObject({ pFirst: 1, rankLow: 1, rankHigh: 1 });
    // Competition ranking: after two ideas at 1 comes rank 3.
    expect(byId(result, "other")).toMatchObject({ pFirst: 0, pTop3: 1, rankLow: 3, rankHigh: 3 });
    expect(byId(result, "last")).toMatchObject({ pTop3: 0, rankLow: 4, rankHigh: 4 });
  });

  it("with the weights alone perturbed, a close race is shared and a robust lead is not", () => {
    // A and B trade places when the weights of a and c move by a few percent.
    const result = simulate(
      GRID.criteria,
      ideas({ A: [5, 2.5, 1], B: [3, 2.5, 10], C: [0, 5, 1] }),
      { runs: 2000, seed: 5 },
    );
    const a = byId(result, "A");
    const b = byId(result, "B");
    expect(a.pFirst).toBeGreaterThan(0.05);
    expect(b.pFirst).toBeGreaterThan(0.05);
    expect(a.pFirst + b.pFirst).toBeCloseTo(1, 12);
    expect(byId(result, "C").pFirst).toBe(0);
  });

  it("draws an unknown score over the whole scale", () => {
    // X is best at a when its unknown c is high, worst when it is low.
    const result = simulate(GRID.criteria, ideas({ X: [3, 2.5, null], Y: [3, 2.5, 5.5] }), {
      runs: 2000,
      seed: 9,
    });
    const x = byId(result, "X");
    expect(x.pFirst).toBeGreaterThan(0.4);
    expect(x.pFirst).toBeLessThan(0.6);
    expect(x.rankLow).toBe(1);
    expect(x.rankHigh).toBe(2);
  });

  it("draws an uncertain score in [low, high] only", () => {
    // Y's fixed score on c is 6: X, uncertain in [7, 10], always beats it.
    const result = simulate(
      GRID.criteria,
      ideas({ X: [3, 2.5, { low: 7, likely: 8, high: 10 }], Y: [3, 2.5, 6] }),
      { runs: 1000, seed: 9 },
    );
    expect(byId(result, "X").pFirst).toBe(1);
  });

  it("draws an uncertain score from the triangular law, reversed for a cost", () => {
    // c (benefit 1–10) ~ triangular(1, 1, 10) against a fixed 5.5:
    // P(c > 5.5) = ((10 − 5.5) / 9)² = 0.25 (a uniform draw would give 0.5).
    const benefit = simulate(
      GRID.criteria,
      ideas({ X: [3, 2.5, { low: 1, likely: 1, high: 10 }], Y: [3, 2.5, 5.5] }),
      { runs: 2000, seed: 12 },
    );
    expect(Math.abs(byId(benefit, "X").pFirst - 0.25)).toBeLessThan(0.04);
    // b (cost 0–5) ~ triangular(0, 0, 5) against a fixed 2.5: X is better when
    // its cost is lower, P(b < 2.5) = 1 − ((5 − 2.5) / 5)² = 0.75.
    const cost = simulate(
      GRID.criteria,
      ideas({ X: [3, { low: 0, likely: 0, high: 5 }, 5.5], Y: [3, 2.5, 5.5] }),
      { runs: 2000, seed: 12 },
    );
    expect(Math.abs(byId(cost, "X").pFirst - 0.75)).toBeLessThan(0.04);
  });

  it("picks one rater at random", () => {
    // Raters 1 and 10 against a fixed 5.5: first about half of the time.
    const result = simulate(
      GRID.criteria,
      ideas({ X: [3, 2.5, { raters: { ana: 1, bob: 10 } }], Y: [3, 2.5, 5.5] }),
      { runs: 2000, seed: 4 },
    );
    const p = byId(result, "X").pFirst;
    expect(p).toBeGreaterThan(0.4);
    expect(p).toBeLessThan(0.6);
  });

  it("is deterministic for a seed", () => {
    const input = ideas({
      X: [3, null, { low: 2, likely: 5, high: 9 }],
      Y: [{ raters: { a: 1, b: 5 } }, 2, 5],
    });
    expect(simulate(GRID.criteria, input, { runs: 300, seed: 8 })).toEqual(
      simulate(GRID.criteria, input, { runs: 300, seed: 8 }),
    );
  });

  it("in rankCandidates, a dominant idea has pFirst = 1 too", () => {
    const report = rankCandidates(
      GRID,
      [
        { id: "top", title: "Top", scores: { a: 5, b: 0, c: 10 } },
        { id: "low", title: "Bas", scores: { a: 1, b: 4, c: 2 } },
      ],
      { method: "weighted-sum", simulations: 500, seed: 1 },
    );
    expect(report.simulation?.ideas).toEqual([
      { id: "top", pFirst: 1, pTop3: 1, rankLow: 1, rankHigh: 1 },
      { id: "low", pFirst: 0, pTop3: 1, rankLow: 2, rankHigh: 2 },
    ]);
  });
});
