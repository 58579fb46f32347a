import { describe, expect, it } from "vitest";
import { topsis } from "../../src/scoring/methods.js";
import { type Candidate, rankCandidates } from "../../src/scoring/rank.js";
import type { ScoreValue } from "../../src/scoring/values.js";
import { makeGrid, plainSpaces } from "./scoring-fixtures.js";

/**
 * supplementarite (benefit 0–5, veto 2), weight 2 → 0.5
 * investissement (cost 0–5), weight 1 → 0.25
 * emplois (benefit 1–10), weight 1 → 0.25
 */
const GRID = makeGrid({
  criteria: [
    {
      id: "supplementarite",
      label: "Supplémentarité",
      weight: 2,
      direction: "benefit",
      veto: { min: 2 },
    },
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

const WS = { method: "weighted-sum", simulations: 0, seed: 1 } as const;
const TOPSIS = { method: "topsis", simulations: 0, seed: 1 } as const;

function idea(id: string, scores: Record<string, ScoreValue>, title = `Piste ${id}`): Candidate {
  return { id, title, scores };
}

function ranked(report: ReturnType<typeof rankCandidates>, id: string) {
  const found = report.ranking.find((r) => r.id === id);
  if (!found)
    throw new Error(`${id} is not ranked: ${JSON.stringify(report.ranking.map((r) => r.id))}`);
  return found;
}

describe("rankCandidates: vetoes come first", () => {
  const candidates = [
    idea("known-below", { supplementarite: 1, investissement: 0, emplois: 10 }, "Sous le seuil"),
    idea("likely-below", {
      supplementarite: { low: 1, likely: 1.5, high: 5 },
      investissement: 0,
      emplois: 10,
    }),
    idea("median-below", {
      supplementarite: { raters: { ana: 1, bob: 1, cleo: 5 } },
      investissement: 0,
      emplois: 10,
    }),
    idea("at-veto", { supplementarite: 2, investissement: 5, emplois: 1 }),
    idea("likely-at-veto", {
      supplementarite: { low: 0, likely: 2, high: 3 },
      investissement: 5,
      emplois: 1,
    }),
    idea("median-above", {
      supplementarite: { raters: { ana: 0, bob: 3, cleo: 4 } },
      investissement: 5,
      emplois: 1,
    }),
    idea("unknown", { investissement: 5, emplois: 1 }),
  ];
  const report = rankCandidates(GRID, candidates, WS);

  it("eliminates on the known value, the likely value and the raters' median", () => {
    expect(report.eliminated.map((e) => e.id)).toEqual([
      "known-below",
      "likely-below",
      "median-below",
    ]);
    for (const id of ["known-below", "likely-below", "median-below"]) {
      expect(report.ranking.map((r) => r.id)).not.toContain(id);
    }
  });

  it("never eliminates at the threshold itself, nor on an unknown score", () => {
    expect(report.ranking.map((r) => r.id).sort()).toEqual(
      ["at-veto", "likely-at-veto", "median-above", "unknown"].sort(),
    );
  });

  it("gives a French reason naming the criterion's label, the value and the threshold", () => {
    const reasons = report.eliminated.map((e) => ({
      id: e.id,
      title: e.title,
      reasons: e.reasons.map(plainSpaces),
    }));
    expect(reasons[0]).toEqual({
      id: "known-below",
      title: "Sous le seuil",
      reasons: ["Supplémentarité : 1, sous le seuil éliminatoire de 2"],
    });
    expect(reasons[1]?.reasons).toEqual(["Supplémentarité : 1,5, sous le seuil éliminatoire de 2"]);
    expect(reasons[2]?.reasons).toEqual(["Supplémentarité : 1, sous le seuil éliminatoire de 2"]);
  });

  it("lists every failed veto", () => {
    const grid = makeGrid({
      criteria: [
        { id: "a", label: "Critère A", weight: 1, direction: "benefit", veto: { min: 2 } },
        { id: "b", label: "Critère B", weight: 1, direction: "benefit", veto: { min: 3 } },
      ],
    });
    const { eliminated, ranking } = rankCandidates(
      grid,
      [idea("x", { a: 0, b: 1 }), idea("y", { a: 5, b: 5 })],
      WS,
    );
    expect(eliminated).toHaveLength(1);
    expect(eliminated[0]?.reasons.map(plainSpaces)).toEqual([
      "Critère A : 0, sous le seuil éliminatoire de 2",
      "Critère B : 1, sous le seuil éliminatoire de 3",
    ]);
    expect(ranking.map((r) => r.id)).toEqual(["y"]);
  });

  it("flags the ideas near a veto", () => {
    expect(ranked(report, "at-veto").nearVeto).toEqual(["supplementarite"]);
    expect(ranked(report, "likely-at-veto").nearVeto).toEqual(["supplementarite"]);
    expect(ranked(report, "median-above").nearVeto).toEqual(["supplementarite"]);
    expect(ranked(report, "unknown").nearVeto).toEqual(["supplementarite"]);
    const far = rankCandidates(
      GRID,
      [idea("far", { supplementarite: 4, investissement: 0, emplois: 5 })],
      WS,
    );
    expect(far.ranking[0]?.nearVeto).toEqual([]);
  });

  it("flags disagreement from a raters' spread of 2", () => {
    expect(ranked(report, "median-above").disagreement).toEqual(["supplementarite"]);
    const close = rankCandidates(
      GRID,
      [
        idea("one-apart", {
          supplementarite: { raters: { a: 3, b: 4 } },
          emplois: { raters: { a: 3, b: 5 } },
        }),
      ],
      WS,
    );
    expect(close.ranking[0]?.disagreement).toEqual(["emplois"]);
  });

  it("keeps eliminated ideas out of TOPSIS: the others score as if they were absent", () => {
    const ideas = [
      idea("a", { supplementarite: 5, investissement: 1, emplois: 8 }),
      idea("b", { supplementarite: 3, investissement: 4, emplois: 9 }),
      idea("out", { supplementarite: 1, investissement: 0, emplois: 10 }),
    ];
    const report = rankCandidates(GRID, ideas, TOPSIS);
    expect(report.eliminated.map((e) => e.id)).toEqual(["out"]);
    const alone = topsis(GRID.criteria, [
      [5, 1, 8],
      [3, 4, 9],
    ]).scores;
    expect(ranked(report, "a").score).toBeCloseTo(alone[0] as number, 12);
    expect(ranked(report, "b").score).toBeCloseTo(alone[1] as number, 12);
  });
});

describe("rankCandidates: a missing score is never 0", () => {
  // supplementarite 4 → 0.8; investissement missing → 2.5 → 0.5; emplois null → 5.5 → 0.5
  // score = 100 × (0.5 × 0.8 + 0.25 × 0.5 + 0.25 × 0.5) = 65
  // worst: investissement 5 (a cost: its worst is the max) → 0, emplois 1 → 0: 40
  // best: investissement 0 → 1, emplois 10 → 1: 40 + 25 + 25 = 90
  const incomplete = idea("incomplete", { supplementarite: 4, emplois: null });
  const complete = idea("complete", { supplementarite: 4, investissement: 5, emplois: 1 });
  const report = rankCandidates(GRID, [incomplete, complete], WS);

  it("counts it at the scale's midpoint", () => {
    expect(ranked(report, "incomplete").score).toBeCloseTo(65, 10);
    expect(ranked(report, "incomplete").contributions.investissement).toBeCloseTo(12.5, 10);
    expect(ranked(report, "incomplete").contributions.emplois).toBeCloseTo(12.5, 10);
  });

  it("treats an absent key and null alike, lists them and marks the idea incomplete", () => {
    const r = ranked(report, "incomplete");
    expect(r.incomplete).toBe(true);
    expect(r.missing).toEqual(["investissement", "emplois"]);
  });

  it("gives the range [all missing at the worst, all missing at the best]", () => {
    const [low, high] = ranked(report, "incomplete").range;
    expect(low).toBeCloseTo(40, 10);
    expect(high).toBeCloseTo(90, 10);
  });

  it("gives a complete idea a zero-width range and no missing criteria", () => {
    const r = ranked(report, "complete");
    expect(r.incomplete).toBe(false);
    expect(r.missing).toEqual([]);
    expect(r.score).toBeCloseTo(40, 10);
    expect(r.range).toEqual([r.score, r.score]);
  });

  it("ranks the incomplete idea above a complete one that has its worst case", () => {
    expect(report.ranking.map((r) => r.id)).toEqual(["incomplete", "complete"]);
  });

  it("under TOPSIS, recomputes the range with the missing values at the worst and the best", () => {
    const other = idea("other", { supplementarite: 3, investissement: 2, emplois: 6 });
    const report = rankCandidates(GRID, [incomplete, other], TOPSIS);
    const r = ranked(report, "incomplete");
    expect(r.missing).toEqual(["investissement", "emplois"]);
    const mid = topsis(GRID.criteria, [
      [4, 2.5, 5.5],
      [3, 2, 6],
    ]).scores[0] as number;
    const worst = topsis(GRID.criteria, [
      [4, 5, 1],
      [3, 2, 6],
    ]).scores[0] as number;
    const best = topsis(GRID.criteria, [
      [4, 0, 10],
      [3, 2, 6],
    ]).scores[0] as number;
    expect(r.score).toBeCloseTo(mid, 12);
    expect(r.range[0]).toBeCloseTo(worst, 12);
    expect(r.range[1]).toBeCloseTo(best, 12);
  });
});

describe("rankCandidates: JSON shape", () => {
  const candidates = [
    idea("atelier", { supplementarite: 5, investissement: 1, emplois: 8 }, "Atelier vélo"),
    idea(
      "recyclerie",
      { supplementarite: 4, investissement: { low: 1, likely: 3, high: 5 }, emplois: 9 },
      "Recyclerie",
    ),
    idea("epicerie", { supplementarite: 3, emplois: { raters: { a: 2, b: 7 } } }, "Épicerie"),
    idea("conciergerie", { supplementarite: 0, investissement: 0, emplois: 10 }, "Conciergerie"),
  ];

  it("weighted sum: method, normalised weights, ranking, eliminated, stability, simulation", () => {
    const report = rankCandidates(GRID, candidates, {
      method: "weighted-sum",
      simulations: 300,
      seed: 7,
    });
    const json = JSON.parse(JSON.stringify(report));
    expect(json.method).toBe("weighted-sum");
    expect(json.weights).toEqual({ supplementarite: 0.5, investissement: 0.25, emplois: 0.25 });
    expect(json.ranking).toHaveLength(3);
    for (const [index, r] of json.ranking.entries()) {
      expect(Object.keys(r)).toEqual(
        expect.arrayContaining([
          "id",
          "title",
          "rank",
          "score",
          "incomplete",
          "range",
          "contributions",
        ]),
      );
      expect(typeof r.score).toBe("number");
      expect(r.range).toHaveLength(2);
      expect(Object.keys(r.contributions)).toEqual([
        "supplementarite",
        "investissement",
        "emplois",
      ]);
      const total = Object.values(r.contributions as Record<string, number>).reduce(
        (s, p) => s + p,
        0,
      );
      expect(total).toBeCloseTo(r.score, 10);
      expect(r.rank).toBe(index + 1);
    }
    expect(json.ranking.map((r: { id: string }) => r.id)).toEqual([
      "atelier",
      "recyclerie",
      "epicerie",
    ]);
    expect(json.eliminated).toEqual([
      {
        id: "conciergerie",
        title: "Conciergerie",
        reasons: [expect.stringContaining("Supplémentarité")],
      },
    ]);
    expect(json.stability).toHaveLength(3);
    for (const s of json.stability) {
      expect(s).toMatchObject({
        criterion: expect.any(String),
        weight: expect.any(Number),
        min: expect.any(Number),
        max: expect.any(Number),
      });
      expect(s.min).toBeLessThanOrEqual(s.weight + 1e-9);
      expect(s.max).toBeGreaterThanOrEqual(s.weight - 1e-9);
    }
    expect(json.stability.map((s: { criterion: string }) => s.criterion)).toEqual([
      "supplementarite",
      "investissement",
      "emplois",
    ]);
    expect(json.simulation).toMatchObject({ runs: 300, seed: 7 });
    // Same order as the ranking; eliminated ideas are not simulated.
    expect(json.simulation.ideas.map((s: { id: string }) => s.id)).toEqual([
      "atelier",
      "recyclerie",
      "epicerie",
    ]);
    for (const s of json.simulation.ideas) {
      expect(Object.keys(s)).toEqual(
        expect.arrayContaining(["id", "pFirst", "pTop3", "rankLow", "rankHigh"]),
      );
    }
  });

  it("TOPSIS: no stability, no simulation", () => {
    const report = rankCandidates(GRID, candidates, {
      method: "topsis",
      simulations: 300,
      seed: 7,
    });
    expect(report.method).toBe("topsis");
    expect(report.stability).toEqual([]);
    expect(report.simulation).toBeNull();
    expect(report.ranking).toHaveLength(3);
    expect(report.eliminated.map((e) => e.id)).toEqual(["conciergerie"]);
  });

  it("no simulation when asked for 0 runs; no stability with a single idea", () => {
    const report = rankCandidates(GRID, candidates.slice(0, 1), {
      method: "weighted-sum",
      simulations: 0,
      seed: 7,
    });
    expect(report.simulation).toBeNull();
    expect(report.stability).toEqual([]);
    expect(report.ranking.map((r) => r.rank)).toEqual([1]);
  });

  it("an empty list gives an empty report", () => {
    const report = rankCandidates(GRID, [], { method: "weighted-sum", simulations: 100, seed: 7 });
    expect(report).toMatchObject({ ranking: [], eliminated: [], stability: [], simulation: null });
  });

  it("ties share a rank and are ordered by id", () => {
    const same = { supplementarite: 4, investissement: 2, emplois: 5 };
    const report = rankCandidates(
      GRID,
      [
        idea("zeta", same),
        idea("alpha", same),
        idea("top", { ...same, supplementarite: 5 }),
        idea("low", { ...same, emplois: 1 }),
      ],
      WS,
    );
    expect(report.ranking.map((r) => [r.id, r.rank])).toEqual([
      ["top", 1],
      ["alpha", 2],
      ["zeta", 2],
      ["low", 4],
    ]);
  });
});
