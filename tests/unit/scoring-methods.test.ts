import { afterEach, describe, expect, it, vi } from "vitest";
import {
  METHODS,
  normalised,
  ranks,
  runMethod,
  TIE,
  topsis,
  weightedSum,
} from "../../src/scoring/methods.js";
import { makeGrid } from "./scoring-fixtures.js";

/**
 * The worked grid used by the weighted-sum examples: raw weights 15/15/12/8
 * (sum 50, so 0.30/0.30/0.24/0.16), a per-criterion 1–10 scale and a cost.
 */
const WORKED = makeGrid({
  scale: { min: 0, max: 5 },
  criteria: [
    { id: "a", label: "A", weight: 15, direction: "benefit" },
    { id: "b", label: "B (1 à 10)", weight: 15, direction: "benefit", scale: { min: 1, max: 10 } },
    { id: "c", label: "C (coût)", weight: 12, direction: "cost" },
    { id: "d", label: "D", weight: 8, direction: "benefit" },
  ],
});

describe("normalised: on the declared scale", () => {
  const [a, b, c] = WORKED.criteria as [
    (typeof WORKED.criteria)[0],
    (typeof WORKED.criteria)[0],
    (typeof WORKED.criteria)[0],
  ];

  it.each([
    ["benefit 0–5, 0", () => normalised(a, 0), 0],
    ["benefit 0–5, 4", () => normalised(a, 4), 0.8],
    ["benefit 0–5, 5", () => normalised(a, 5), 1],
    ["benefit 1–10, 1", () => normalised(b, 1), 0],
    ["benefit 1–10, 7", () => normalised(b, 7), 2 / 3],
    ["benefit 1–10, 10", () => normalised(b, 10), 1],
    ["cost 0–5, 0 (best)", () => normalised(c, 0), 1],
    ["cost 0–5, 1", () => normalised(c, 1), 0.8],
    ["cost 0–5, 5 (worst)", () => normalised(c, 5), 0],
  ])("%s", (_, compute, expected) => {
    expect(compute()).toBeCloseTo(expected, 12);
  });
});

describe("weightedSum: worked examples computed by hand", () => {
  // Normalised weights 0.30, 0.30, 0.24, 0.16.
  // v = (x − min)/(max − min), 1 − v for the cost c; score = 100 Σ w v.
  it.each([
    // a=4 → 0.8; b=7 → 6/9; c=1 → 1 − 0.2 = 0.8; d=5 → 1
    // 100 × (0.24 + 0.20 + 0.192 + 0.16) = 79.2
    ["X", [4, 7, 1, 5], 79.2, [24, 20, 19.2, 16]],
    // every criterion at its worst (b's worst is 1, c's worst is 5)
    ["Y", [0, 1, 5, 0], 0, [0, 0, 0, 0]],
    // every criterion at its best (c's best is 0)
    ["Z", [5, 10, 0, 5], 100, [30, 30, 24, 16]],
    // every criterion at its midpoint
    ["W", [2.5, 5.5, 2.5, 2.5], 50, [15, 15, 12, 8]],
    // a=3 → 0.6; b=4 → 1/3; c=4 → 0.2; d=1 → 0.2
    // 100 × (0.18 + 0.10 + 0.048 + 0.032) = 36
    ["V", [3, 4, 4, 1], 36, [18, 10, 4.8, 3.2]],
    // a=1 → 0.2; b=10 → 1; c=3 → 0.4; d=0 → 0
    // 100 × (0.06 + 0.30 + 0.096 + 0) = 45.6
    ["U", [1, 10, 3, 0], 45.6, [6, 30, 9.6, 0]],
  ])("idea %s %j scores %d", (_, row, score, contributions) => {
    const result = weightedSum(WORKED.criteria, [row]);
    expect(result.scores[0]).toBeCloseTo(score, 10);
    const points = result.contributions[0] as number[];
    expect(points).toHaveLength(4);
    for (const [j, expected] of contributions.entries())
      expect(points[j]).toBeCloseTo(expected, 10);
  });

  it("scores every idea of a matrix independently, and the contributions sum to the score", () => {
    const matrix = [
      [4, 7, 1, 5],
      [3, 4, 4, 1],
      [1, 10, 3, 0],
    ];
    const result = weightedSum(WORKED.criteria, matrix);
    expect(result.scores.map((s) => Number(s.toFixed(9)))).toEqual([79.2, 36, 45.6]);
    for (const [i, row] of result.contributions.entries()) {
      expect(row.reduce((sum, p) => sum + p, 0)).toBeCloseTo(result.scores[i] as number, 10);
    }
  });

  it("never uses the data's own min and max", () => {
    // On the data's range, 2 and 3 would become 0 and 1 (0 and 100 points).
    const grid = makeGrid({
      criteria: [{ id: "a", label: "A", weight: 1, direction: "benefit" }],
    });
    expect(weightedSum(grid.criteria, [[2], [3]]).scores.map((s) => s)).toEqual([40, 60]);
    // A lone idea at 3 still scores 60, and adding a 5 does not move it.
    expect(weightedSum(grid.criteria, [[3]]).scores).toEqual([60]);
    expect(weightedSum(grid.criteria, [[3], [5]]).scores).toEqual([60, 100]);
  });

  it("uses the grid-level scale when the criteria have none", () => {
    const grid = makeGrid({
      scale: { min: 1, max: 4 },
      criteria: [
        { id: "a", label: "A", weight: 3, direction: "benefit" },
        { id: "b", label: "B", weight: 1, direction: "cost" },
      ],
    });
    // a=2 → 1/3; b=2 → 1 − 1/3 = 2/3; 100 × (0.75/3 + 0.25 × 2/3) = 25 + 16.67
    expect(weightedSum(grid.criteria, [[2, 2]]).scores[0]).toBeCloseTo(25 + 50 / 3, 10);
  });

  it("is what runMethod runs by default, and an empty matrix gives no score", () => {
    expect(METHODS).toEqual(["weighted-sum", "topsis"]);
    expect(runMethod("weighted-sum", WORKED.criteria, [[4, 7, 1, 5]]).scores[0]).toBeCloseTo(
      79.2,
      10,
    );
    expect(runMethod("weighted-sum", WORKED.criteria, [])).toEqual({
      scores: [],
      contributions: [],
    });
    expect(runMethod("topsis", WORKED.criteria, [])).toEqual({ scores: [], contributions: [] });
  });
});

/** The distance-based closeness D⁻ / (D⁺ + D⁻) of each row of a weighted normalised matrix. */
function closeness(V: number[][], directions: ("benefit" | "cost")[]): number[] {
  const columns = directions.map((_, j) => V.map((row) => row[j] as number));
  const ideal = columns.map((col, j) =>
    directions[j] === "benefit" ? Math.max(...col) : Math.min(...col),
  );
  const anti = columns.map((col, j) =>
    directions[j] === "benefit" ? Math.min(...col) : Math.max(...col),
  );
  return V.map((row) => {
    const plus = Math.hypot(...row.map((v, j) => v - (ideal[j] as number)));
    const minus = Math.hypot(...row.map((v, j) => v - (anti[j] as number)));
    return minus / (plus + minus);
  });
}

describe("topsis: worked examples from the literature", () => {
  /*
   * B. Sennaroğlu, "Decision Analysis", lecture notes, Marmara University
   * (2009), TOPSIS example: two benefit criteria weighted 0.714 and 0.286,
   * decision matrix [[17, 12], [10, 9], [8, 6]]; published weighted
   * normalised matrix V = [[0.5703, 0.2124], [0.3355, 0.1593], [0.2684, 0.1062]].
   * The closeness values are computed here from the published V with the
   * formula C = D⁻ / (D⁺ + D⁻).
   */
  const sennaroglu = makeGrid({
    scale: { min: 0, max: 20 },
    criteria: [
      { id: "x1", label: "X1", weight: 0.714, direction: "benefit" },
      { id: "x2", label: "X2", weight: 0.286, direction: "benefit" },
    ],
  });
  const sennarogluMatrix = [
    [17, 12],
    [10, 9],
    [8, 6],
  ];
  const publishedV = [
    [0.5703, 0.2124],
    [0.3355, 0.1593],
    [0.2684, 0.1062],
  ];

  it("Sennaroğlu (2009): the weighted normalised matrix is the published V to 4 decimals", () => {
    const result = topsis(sennaroglu.criteria, sennarogluMatrix);
    for (const [i, row] of publishedV.entries()) {
      for (const [j, v] of row.entries()) {
        expect(((result.contributions[i] as number[])[j] as number) / 100).toBeCloseTo(v, 4);
      }
    }
  });

  it("Sennaroğlu (2009): closeness from the published V, and the ranking A1 > A2 > A3", () => {
    const expected = closeness(publishedV, ["benefit", "benefit"]);
    // A1 is the ideal itself and A3 the anti-ideal.
    expect(expected[0]).toBe(1);
    expect(expected[2]).toBe(0);
    expect(expected[1]).toBeCloseTo(0.2622, 3);
    const result = topsis(sennaroglu.criteria, sennarogluMatrix);
    for (const [i, c] of expected.entries())
      expect((result.scores[i] as number) / 100).toBeCloseTo(c, 3);
    expect(ranks(result.scores, ["a1", "a2", "a3"]).order).toEqual([0, 1, 2]);
  });

  /*
   * C.-L. Hwang and K. Yoon, "Multiple Attribute Decision Making: Methods and
   * Applications. A State-of-the-Art Survey", Lecture Notes in Economics and
   * Mathematical Systems 186, Springer, 1981, pp. 133–134 (doi
   * 10.1007/978-3-642-48318-9): the fighter aircraft example. Four aircraft,
   * six attributes: maximum speed (Mach), ferry range (NM), maximum payload
   * (lb), acquisition cost (10⁶ $, the cost attribute), reliability and
   * maneuverability (qualitative, coded 3 = low, 5 = average, 7 = high,
   * 9 = very high); weights 0.2, 0.1, 0.1, 0.1, 0.2, 0.3. Published relative
   * closeness C* = 0.643, 0.268, 0.613, 0.312, so A1 > A3 > A4 > A2.
   */
  const aircraft = makeGrid({
    scale: { min: 0, max: 30_000 },
    criteria: [
      { id: "speed", label: "Vitesse maximale", weight: 0.2, direction: "benefit" },
      { id: "range", label: "Rayon d'action", weight: 0.1, direction: "benefit" },
      { id: "payload", label: "Charge utile", weight: 0.1, direction: "benefit" },
      { id: "cost", label: "Coût d'acquisition", weight: 0.1, direction: "cost" },
      { id: "reliability", label: "Fiabilité", weight: 0.2, direction: "benefit" },
      { id: "maneuverability", label: "Manœuvrabilité", weight: 0.3, direction: "benefit" },
    ],
  });
  const aircraftMatrix = [
    [2.0, 1500, 20000, 5.5, 5, 9],
    [2.5, 2700, 18000, 6.5, 3, 5],
    [1.8, 2000, 21000, 4.5, 7, 7],
    [2.2, 1800, 20000, 5.0, 5, 5],
  ];

  it("Hwang & Yoon (1981), fighter aircraft: the published closeness 0.643, 0.268, 0.613, 0.312", () => {
    const result = topsis(aircraft.criteria, aircraftMatrix);
    // The book rounds its intermediate values to 4 decimals, hence 1e-3.
    const published = [0.643, 0.268, 0.613, 0.312];
    for (const [i, c] of published.entries()) {
      expect(Math.abs((result.scores[i] as number) / 100 - c)).toBeLessThan(1e-3);
    }
    expect(ranks(result.scores, ["a1", "a2", "a3", "a4"]).rank).toEqual([1, 4, 2, 3]);
  });

  it("Hwang & Yoon (1981), fighter aircraft: the cost attribute's ideal is its minimum", () => {
    // Turning the cost into a benefit changes the result: the direction is used.
    const asBenefit = makeGrid({
      scale: { min: 0, max: 30_000 },
      criteria: aircraft.criteria.map((c) => ({
        id: c.id,
        label: c.label,
        weight: c.rawWeight,
        direction: "benefit",
      })),
    });
    const wrong = topsis(asBenefit.criteria, aircraftMatrix).scores;
    expect(Math.abs((wrong[1] as number) / 100 - 0.268)).toBeGreaterThan(0.01);
    expect(Math.abs((wrong[2] as number) / 100 - 0.613)).toBeGreaterThan(0.01);
    // …and recomputing with our own closeness on the vector-normalised matrix agrees.
    const result = topsis(aircraft.criteria, aircraftMatrix);
    const V = result.contributions.map((row) => row.map((p) => p / 100));
    const directions = aircraft.criteria.map((c) => c.direction);
    for (const [i, c] of closeness(V, directions).entries()) {
      expect((result.scores[i] as number) / 100).toBeCloseTo(c, 12);
    }
  });

  it("normalises each column by its Euclidean norm, weighted: 100 × w × x / √(Σ x²)", () => {
    const result = topsis(aircraft.criteria, aircraftMatrix);
    const norm = Math.sqrt(5.5 ** 2 + 6.5 ** 2 + 4.5 ** 2 + 5 ** 2);
    expect((result.contributions[1] as number[])[3]).toBeCloseTo((100 * 0.1 * 6.5) / norm, 10);
  });
});

describe("topsis: edge cases", () => {
  const grid = makeGrid({
    criteria: [
      { id: "a", label: "A", weight: 2, direction: "benefit" },
      { id: "b", label: "B", weight: 1, direction: "cost" },
      { id: "c", label: "C", weight: 1, direction: "benefit" },
    ],
  });

  it("a column of zeros adds nothing (no NaN, zero contributions)", () => {
    const withZeros = topsis(grid.criteria, [
      [4, 2, 0],
      [1, 3, 0],
      [3, 5, 0],
    ]);
    expect(withZeros.scores.every(Number.isFinite)).toBe(true);
    expect(withZeros.contributions.map((row) => row[2])).toEqual([0, 0, 0]);
    // Same closeness as TOPSIS on the two other columns alone (same weights).
    const twoColumns = makeGrid({
      criteria: [
        { id: "a", label: "A", weight: 2, direction: "benefit" },
        { id: "b", label: "B", weight: 1, direction: "cost" },
      ],
    });
    // Weights 2/4, 1/4 vs 2/3, 1/3: proportional, and closeness is scale-free.
    const reference = topsis(twoColumns.criteria, [
      [4, 2],
      [1, 3],
      [3, 5],
    ]);
    for (const [i, s] of reference.scores.entries()) expect(withZeros.scores[i]).toBeCloseTo(s, 10);
  });

  it("a matrix of zeros scores 50 everywhere", () => {
    expect(
      topsis(grid.criteria, [
        [0, 0, 0],
        [0, 0, 0],
      ]).scores,
    ).toEqual([50, 50]);
  });

  it("identical ideas all score 50", () => {
    expect(
      topsis(grid.criteria, [
        [3, 2, 4],
        [3, 2, 4],
        [3, 2, 4],
      ]).scores,
    ).toEqual([50, 50, 50]);
  });

  it("a single idea scores 50", () => {
    expect(topsis(grid.criteria, [[3, 2, 4]]).scores).toEqual([50]);
    expect(runMethod("topsis", grid.criteria, [[5, 0, 5]]).scores).toEqual([50]);
  });

  it("the idea at the ideal scores 100 and the one at the anti-ideal 0", () => {
    const { scores } = topsis(grid.criteria, [
      [5, 0, 5],
      [2, 3, 2],
      [1, 5, 1],
    ]);
    expect(scores[0]).toBeCloseTo(100, 12);
    expect(scores[2]).toBeCloseTo(0, 12);
    expect(scores[1]).toBeGreaterThan(0);
    expect(scores[1]).toBeLessThan(100);
  });
});

describe("ranks: competition ranking", () => {
  it.each([
    [
      [30, 20, 20, 10],
      ["a", "b", "c", "d"],
      [0, 1, 2, 3],
      [1, 2, 2, 4],
    ],
    [
      [10, 20, 20, 30],
      ["a", "b", "c", "d"],
      [3, 1, 2, 0],
      [4, 2, 2, 1],
    ],
    [
      [5, 5, 1, 1],
      ["a", "b", "c", "d"],
      [0, 1, 2, 3],
      [1, 1, 3, 3],
    ],
    [
      [7, 7, 7],
      ["c", "a", "b"],
      [1, 2, 0],
      [1, 1, 1],
    ],
    [
      [1, 2, 3],
      ["a", "b", "c"],
      [2, 1, 0],
      [3, 2, 1],
    ],
    [[42], ["seule"], [0], [1]],
    [[], [], [], []],
  ])("ranks(%j, %j)", (scores, ids, order, rank) => {
    expect(ranks(scores, ids)).toEqual({ order, rank });
  });

  it("treats scores within 1e-9 as ties, ordered by id", () => {
    expect(TIE).toBe(1e-9);
    expect(ranks([50, 50 + 5e-10, 40], ["b", "a", "c"])).toEqual({
      order: [1, 0, 2],
      rank: [1, 1, 3],
    });
    expect(ranks([50 + 5e-10, 50, 40], ["a", "b", "c"])).toEqual({
      order: [0, 1, 2],
      rank: [1, 1, 3],
    });
  });

  it("does not treat scores 1e-8 apart as ties", () => {
    expect(ranks([50, 50 + 1e-8], ["a", "b"])).toEqual({ order: [1, 0], rank: [2, 1] });
  });

  it("orders ties by id whatever the input order", () => {
    const ids = ["piste-d", "piste-a", "piste-c", "piste-b"];
    const { order, rank } = ranks([60, 60, 70, 60], ids);
    expect(order.map((i) => ids[i])).toEqual(["piste-c", "piste-a", "piste-b", "piste-d"]);
    expect(rank).toEqual([2, 2, 1, 2]);
  });

  describe("whatever the user's locale", () => {
    afterEach(() => {
      vi.restoreAllMocks();
    });

    it("orders ties by id the same way (here: a Danish default locale, where « aa » sorts after « z »)", () => {
      const ids = ["zeta", "aaa", "mu", "b-2", "b_1"];
      const scores = [50, 50, 50, 50, 50];
      const usual = ranks(scores, ids).order.map((i) => ids[i]);
      // Simulates LANG=da_DK.UTF-8: only the *default* locale changes; an
      // explicit locale passed to localeCompare is honoured.
      const native = String.prototype.localeCompare;
      vi.spyOn(String.prototype, "localeCompare").mockImplementation(function (
        this: string,
        that: string,
        locales?: Parameters<typeof native>[1],
        options?: Intl.CollatorOptions,
      ) {
        return locales === undefined
          ? new Intl.Collator("da-DK", options).compare(this, that)
          : native.call(this, that, locales, options);
      });
      const danish = ranks(scores, ids).order.map((i) => ids[i]);
      expect(danish).toEqual(usual);
    });
  });
});
