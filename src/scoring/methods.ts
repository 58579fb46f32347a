import type { Criterion } from "./grid.js";

/**
 * The two ranking methods, on a matrix of point values (one row per idea, one
 * column per criterion, in the grid's order). Pure arithmetic.
 */

export type Method = "weighted-sum" | "topsis";
export const METHODS: readonly Method[] = ["weighted-sum", "topsis"];

/** Value on the criterion's declared scale, 0 (worst) to 1 (best); reversed for a cost. */
export function normalised(criterion: Criterion, x: number): number {
  const v = (x - criterion.scale.min) / (criterion.scale.max - criterion.scale.min);
  return criterion.direction === "cost" ? 1 - v : v;
}

export interface MethodResult {
  /** 0–100 per idea. */
  scores: number[];
  /** Points per idea and criterion. */
  contributions: number[][];
}

/**
 * Weighted sum on the declared scale: score = 100 × Σ wⱼ vⱼ. Never on the
 * data's own min and max, so that adding an idea cannot reorder the others.
 */
export function weightedSum(
  criteria: readonly Criterion[],
  matrix: readonly (readonly number[])[],
): MethodResult {
  const contributions = matrix.map((row) =>
    criteria.map((c, j) => 100 * c.weight * normalised(c, row[j] as number)),
  );
  return {
    scores: contributions.map((row) => row.reduce((sum, points) => sum + points, 0)),
    contributions,
  };
}

/**
 * Classic TOPSIS (Hwang & Yoon, 1981): vector normalisation rᵢⱼ = xᵢⱼ / √(Σᵢ xᵢⱼ²),
 * weighted; ideal = best weighted value per criterion (max for a benefit, min
 * for a cost), anti-ideal = worst; closeness = D⁻ / (D⁺ + D⁻); score = 100 × closeness.
 * A column of zeros normalises to zeros; an idea at equal distance 0 from both
 * (every idea identical) scores 50. Contributions are 100 × wⱼ rᵢⱼ.
 */
export function topsis(
  criteria: readonly Criterion[],
  matrix: readonly (readonly number[])[],
): MethodResult {
  const norms = criteria.map((_, j) =>
    Math.sqrt(matrix.reduce((sum, row) => sum + (row[j] as number) ** 2, 0)),
  );
  const weighted = matrix.map((row) =>
    criteria.map((c, j) =>
      (norms[j] as number) === 0 ? 0 : ((row[j] as number) / (norms[j] as number)) * c.weight,
    ),
  );
  const ideal = criteria.map((c, j) => {
    const column = weighted.map((row) => row[j] as number);
    return c.direction === "benefit" ? Math.max(...column) : Math.min(...column);
  });
  const anti = criteria.map((c, j) => {
    const column = weighted.map((row) => row[j] as number);
    return c.direction === "benefit" ? Math.min(...column) : Math.max(...column);
  });
  const scores = weighted.map((row) => {
    const toIdeal = Math.sqrt(row.reduce((sum, t, j) => sum + (t - (ideal[j] as number)) ** 2, 0));
    const toAnti = Math.sqrt(row.reduce((sum, t, j) => sum + (t - (anti[j] as number)) ** 2, 0));
    return toIdeal + toAnti === 0 ? 50 : (100 * toAnti) / (toIdeal + toAnti);
  });
  return { scores, contributions: weighted.map((row) => row.map((t) => 100 * t)) };
}

export function runMethod(
  method: Method,
  criteria: readonly Criterion[],
  matrix: readonly (readonly number[])[],
): MethodResult {
  if (matrix.length === 0) return { scores: [], contributions: [] };
  return method === "topsis" ? topsis(criteria, matrix) : weightedSum(criteria, matrix);
}

/** Scores closer than this are ties. */
export const TIE = 1e-9;

/**
 * Competition ranks ("1, 2, 2, 4") for scores, best first; `order` lists the
 * indices best first, ties broken by the given key so that output is stable.
 */
export function ranks(
  scores: readonly number[],
  tieKey: readonly string[],
): { order: number[]; rank: number[] } {
  const order = scores
    .map((_, i) => i)
    .sort((a, b) => {
      const diff = (scores[b] as number) - (scores[a] as number);
      if (Math.abs(diff) > TIE) return diff;
      // Plain code-unit order: the same on every machine, whatever its locale.
      const [x, y] = [tieKey[a] as string, tieKey[b] as string];
      return x < y ? -1 : x > y ? 1 : 0;
    });
  const rank = new Array<number>(scores.length);
  for (const [position, index] of order.entries()) {
    const previous = order[position - 1];
    rank[index] =
      previous !== undefined &&
      Math.abs((scores[previous] as number) - (scores[index] as number)) <= TIE
        ? (rank[previous] as number)
        : position + 1;
  }
  return { order, rank };
}
