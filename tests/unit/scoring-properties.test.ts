import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Method } from "../../src/scoring/methods.js";
import { rankCandidates } from "../../src/scoring/rank.js";
import { simulate } from "../../src/scoring/simulate.js";
import { resolveValue } from "../../src/scoring/values.js";
import {
  candidatesFromRows,
  gridFromSpecs,
  instanceArb,
  mixedInstanceArb,
  rowArb,
  worstBest,
} from "./scoring-fixtures.js";

const RUNS = { numRuns: 150 };

function rankOf(report: ReturnType<typeof rankCandidates>, id: string): number {
  const found = report.ranking.find((r) => r.id === id);
  if (!found) throw new Error(`${id} is not ranked`);
  return found.rank;
}

describe("weighted sum: adding an unrelated idea never reorders the others", () => {
  it("keeps the relative order and the scores of the original ideas", () => {
    fc.assert(
      fc.property(
        instanceArb({}).chain((instance) =>
          fc.record({
            instance: fc.constant(instance),
            extra: rowArb(instance.specs),
            // Where the newcomer's id falls among the others when ties are broken by id.
            extraId: fc.constantFrom("a-new", "i00-new", "i03-new", "zz-new"),
          }),
        ),
        ({ instance, extra, extraId }) => {
          const grid = gridFromSpecs(instance.specs);
          const before = candidatesFromRows(instance.rows);
          const newcomer = candidatesFromRows([extra])[0];
          if (!newcomer) throw new Error("no newcomer");
          const after = [...before, { ...newcomer, id: extraId }];
          const options = { method: "weighted-sum", simulations: 0, seed: 1 } as const;
          const r1 = rankCandidates(grid, before, options);
          const r2 = rankCandidates(grid, after, options);
          expect(r2.ranking.map((r) => r.id).filter((id) => id !== extraId)).toEqual(
            r1.ranking.map((r) => r.id),
          );
          const scores = new Map(r2.ranking.map((r) => [r.id, r.score]));
          for (const r of r1.ranking) expect(scores.get(r.id)).toBe(r.score);
        },
      ),
      RUNS,
    );
  });
});

describe("weighted sum: improving a score never worsens the rank", () => {
  it("raising a benefit score or lowering a cost score gives a rank number no larger", () => {
    fc.assert(
      fc.property(
        instanceArb({}).chain((instance) =>
          fc.record({
            instance: fc.constant(instance),
            i: fc.nat({ max: instance.rows.length - 1 }),
            j: fc.nat({ max: instance.specs.length - 1 }),
            fraction: fc.double({ min: 0, max: 1, noNaN: true }),
          }),
        ),
        ({ instance, i, j, fraction }) => {
          const spec = instance.specs[j];
          if (!spec) throw new Error("no criterion");
          const [worst, best] = worstBest(spec);
          const rows = instance.rows.map((row) => [...row]);
          const row = rows[i] as number[];
          // Make room to improve: an idea already at the best starts from the worst.
          if (row[j] === best) row[j] = worst;
          const from = row[j] as number;
          const halfSteps = Math.abs(best - from) * 2;
          const steps = Math.min(halfSteps, 1 + Math.floor(fraction * halfSteps));
          const improved = rows.map((r) => [...r]);
          (improved[i] as number[])[j] = from + (Math.sign(best - from) * steps) / 2;

          const grid = gridFromSpecs(instance.specs);
          const options = { method: "weighted-sum", simulations: 0, seed: 1 } as const;
          const before = rankCandidates(grid, candidatesFromRows(rows), options);
          const after = rankCandidates(grid, candidatesFromRows(improved), options);
          // No veto in these grids: everybody is ranked.
          expect(before.eliminated).toEqual([]);
          const id = `i${String(i).padStart(2, "0")}`;
          expect(rankOf(after, id)).toBeLessThanOrEqual(rankOf(before, id));
          const score = (report: typeof before) =>
            report.ranking.find((r) => r.id === id)?.score ?? Number.NaN;
          expect(score(after)).toBeGreaterThan(score(before));
        },
      ),
      RUNS,
    );
  });
});

describe("a dominated idea never ranks above the idea dominating it", () => {
  it.each<[Method]>([["weighted-sum"], ["topsis"]])("under %s", (method) => {
    fc.assert(
      fc.property(
        instanceArb({ maxIdeas: 10 }).chain((instance) =>
          fc.record({
            instance: fc.constant(instance),
            strong: rowArb(instance.specs),
            // How far toward the worst each criterion of the weak idea goes.
            fractions: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), {
              minLength: instance.specs.length,
              maxLength: instance.specs.length,
            }),
            strict: fc.nat({ max: instance.specs.length - 1 }),
            positions: fc.tuple(fc.nat(), fc.nat()),
          }),
        ),
        ({ instance, strong, fractions, strict, positions }) => {
          const strongRow = [...strong];
          const weakRow = instance.specs.map((spec, j) => {
            const [worst, best] = worstBest(spec);
            // The strictly worse criterion: make room if the strong idea is at its worst.
            if (j === strict && strongRow[j] === worst) strongRow[j] = best;
            const x = strongRow[j] as number;
            const halfSteps = Math.abs(x - worst) * 2;
            const minSteps = j === strict ? 1 : 0;
            const steps = Math.max(minSteps, Math.floor((fractions[j] ?? 0) * halfSteps));
            return x + (Math.sign(worst - x) * Math.min(steps, halfSteps)) / 2;
          });
          const rows = [...instance.rows];
          rows.splice(positions[0] % (rows.length + 1), 0, strongRow);
          const weakAt = positions[1] % (rows.length + 1);
          rows.splice(weakAt, 0, weakRow);
          const strongAt = rows.indexOf(strongRow);
          const candidates = candidatesFromRows(rows);
          const report = rankCandidates(gridFromSpecs(instance.specs), candidates, {
            method,
            simulations: 0,
            seed: 1,
          });
          const strongId = candidates[strongAt]?.id ?? "";
          const weakId = candidates[weakAt]?.id ?? "";
          expect(rankOf(report, strongId)).toBeLessThanOrEqual(rankOf(report, weakId));
          const scoreOf = (id: string) =>
            report.ranking.find((r) => r.id === id)?.score ?? Number.NaN;
          if (method === "weighted-sum") expect(scoreOf(strongId)).toBeGreaterThan(scoreOf(weakId));
          else expect(scoreOf(strongId)).toBeGreaterThanOrEqual(scoreOf(weakId) - 1e-9);
        },
      ),
      RUNS,
    );
  });
});

describe("simulation: seeded", () => {
  it("the same seed gives the same report", () => {
    fc.assert(
      fc.property(
        mixedInstanceArb,
        fc.integer({ min: 0, max: 2 ** 31 }),
        ({ specs, rows }, seed) => {
          const grid = gridFromSpecs(specs);
          const candidates = candidatesFromRows(rows);
          const options = { method: "weighted-sum", simulations: 200, seed } as const;
          const first = rankCandidates(grid, candidates, options);
          const second = rankCandidates(grid, candidates, options);
          expect(second).toEqual(first);
          expect(first.simulation?.seed).toBe(seed);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("a different seed may give a different simulation", () => {
    const specs = [
      { weight: 1, direction: "benefit", min: 0, max: 5 },
      { weight: 1, direction: "benefit", min: 0, max: 5 },
    ] as const;
    const grid = gridFromSpecs(specs);
    const candidates = candidatesFromRows([
      [{ low: 0, likely: 2.5, high: 5 }, null],
      [2.5, 2.5],
      [null, { raters: { a: 1, b: 4 } }],
    ]);
    const run = (seed: number) =>
      rankCandidates(grid, candidates, { method: "weighted-sum", simulations: 500, seed })
        .simulation;
    expect(run(1)).toEqual(run(1));
    expect(run(1)?.ideas).not.toEqual(run(2)?.ideas);
  });
});

describe("simulation: probabilities and rank intervals", () => {
  it("0 ≤ pFirst ≤ pTop3 ≤ 1, 1 ≤ rankLow ≤ rankHigh ≤ n, Σ pFirst ≥ 1", () => {
    fc.assert(
      fc.property(mixedInstanceArb, fc.nat(), ({ specs, rows }, seed) => {
        const grid = gridFromSpecs(specs);
        const ideas = rows.map((row, i) => ({ id: `i${i}`, cells: row.map(resolveValue) }));
        const result = simulate(grid.criteria, ideas, { runs: 200, seed });
        const n = rows.length;
        expect(result.runs).toBe(200);
        expect(result.ideas.map((s) => s.id)).toEqual(ideas.map((idea) => idea.id));
        for (const s of result.ideas) {
          expect(s.pFirst).toBeGreaterThanOrEqual(0);
          expect(s.pFirst).toBeLessThanOrEqual(s.pTop3);
          expect(s.pTop3).toBeLessThanOrEqual(1);
          expect(s.rankLow).toBeGreaterThanOrEqual(1);
          expect(s.rankLow).toBeLessThanOrEqual(s.rankHigh);
          expect(s.rankHigh).toBeLessThanOrEqual(n);
          if (n <= 3) expect(s.pTop3).toBe(1);
        }
        // Someone is first in every run (several when tied).
        expect(result.ideas.reduce((sum, s) => sum + s.pFirst, 0)).toBeGreaterThanOrEqual(
          1 - 1e-12,
        );
      }),
      RUNS,
    );
  });

  it("Σ pFirst = 1 when no two ideas can tie", () => {
    fc.assert(
      fc.property(
        instanceArb({}).filter(
          (instance) =>
            new Set(instance.rows.map((row) => JSON.stringify(row))).size === instance.rows.length,
        ),
        fc.nat(),
        ({ specs, rows }, seed) => {
          const grid = gridFromSpecs(specs);
          const ideas = rows.map((row, i) => ({ id: `i${i}`, cells: row.map(resolveValue) }));
          const result = simulate(grid.criteria, ideas, { runs: 200, seed });
          expect(result.ideas.reduce((sum, s) => sum + s.pFirst, 0)).toBeCloseTo(1, 12);
          // Each run puts exactly three ideas in the top 3 when there are at least three.
          const top3 = result.ideas.reduce((sum, s) => sum + s.pTop3, 0);
          expect(top3).toBeCloseTo(Math.min(3, rows.length), 12);
        },
      ),
      RUNS,
    );
  });
});
