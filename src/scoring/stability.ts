import type { Criterion } from "./grid.js";
import { normalised, TIE } from "./methods.js";

/**
 * How far each weight can move before the leader loses first place, the other
 * weights being rescaled in proportion so that the sum stays 1. Exact: every
 * idea's weighted sum is linear in the weight t of criterion j,
 *   Sᵢ(t) = bᵢ + t (aᵢ − bᵢ), with aᵢ = vᵢⱼ and bᵢ = (Sᵢ − wⱼ vᵢⱼ) / (1 − wⱼ),
 * so "the leader stays first" is a set of linear inequalities in t, whose
 * solution is an interval.
 */

export interface StabilityInterval {
  criterion: string;
  /** Current (normalised) weight. */
  weight: number;
  min: number;
  max: number;
}

export function stabilityIntervals(
  criteria: readonly Criterion[],
  matrix: readonly (readonly number[])[],
  leader: number,
): StabilityInterval[] {
  const v = matrix.map((row) => criteria.map((c, j) => normalised(c, row[j] as number)));
  const totals = v.map((row) =>
    row.reduce((sum, x, j) => sum + x * (criteria[j] as Criterion).weight, 0),
  );
  return criteria.map((criterion, j) => {
    const w = criterion.weight;
    if (w >= 1 - 1e-12) return { criterion: criterion.id, weight: w, min: 1, max: 1 };
    const line = (i: number) => {
      const a = (v[i] as number[])[j] as number;
      const b = ((totals[i] as number) - w * a) / (1 - w);
      return { a, b };
    };
    const L = line(leader);
    let low = 0;
    let high = 1;
    for (let i = 0; i < matrix.length; i++) {
      if (i === leader) continue;
      const other = line(i);
      // S_L(t) − S_i(t) = c + d t ≥ 0
      const c = L.b - other.b;
      const d = L.a - L.b - (other.a - other.b);
      if (Math.abs(d) <= TIE) continue; // parallel: the order never changes with t
      const root = -c / d;
      if (d > 0) low = Math.max(low, root);
      else high = Math.min(high, root);
    }
    return { criterion: criterion.id, weight: w, min: Math.max(0, low), max: Math.min(1, high) };
  });
}

const PERCENT = new Intl.NumberFormat("fr-FR", { style: "percent", maximumFractionDigits: 1 });

/** One French sentence per criterion, for the user. */
export function stabilitySentence(
  interval: StabilityInterval,
  leaderTitle: string,
  label: string,
): string {
  const now = PERCENT.format(interval.weight);
  const free = (x: number, bound: number) => Math.abs(x - bound) < 1e-6;
  if (free(interval.min, 0) && free(interval.max, 1)) {
    return `« ${leaderTitle} » reste n°1 quel que soit le poids de « ${label} » (actuellement ${now}).`;
  }
  if (free(interval.min, 0)) {
    return `« ${leaderTitle} » reste n°1 tant que le poids de « ${label} » reste sous ${PERCENT.format(interval.max)} (actuellement ${now}).`;
  }
  if (free(interval.max, 1)) {
    return `« ${leaderTitle} » reste n°1 tant que le poids de « ${label} » reste au-dessus de ${PERCENT.format(interval.min)} (actuellement ${now}).`;
  }
  return `« ${leaderTitle} » reste n°1 tant que le poids de « ${label} » reste entre ${PERCENT.format(interval.min)} et ${PERCENT.format(interval.max)} (actuellement ${now}).`;
}
