import type { Criterion } from "./grid.js";
import { normalised, TIE } from "./methods.js";
import type { Resolved } from "./values.js";

/**
 * Monte Carlo robustness of the weighted sum: in each run the weights are
 * perturbed around their values (each × a factor drawn uniformly in
 * [1 − spread, 1 + spread], then renormalised), uncertain scores are drawn in
 * their range (triangular law on low / likely / high), unknown scores
 * uniformly over the whole scale and, when several people scored, one of them
 * at random. Seeded, so that the same seed gives the same output.
 */

export const DEFAULT_SIMULATIONS = 10_000;
export const DEFAULT_SEED = 20_261_128;
export const WEIGHT_SPREAD = 0.25;

/** mulberry32: a small, fast, well-distributed 32-bit generator, enough for simulation. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function triangular(u: number, low: number, likely: number, high: number): number {
  if (high === low) return low;
  const cut = (likely - low) / (high - low);
  return u < cut
    ? low + Math.sqrt(u * (high - low) * (likely - low))
    : high - Math.sqrt((1 - u) * (high - low) * (high - likely));
}

export interface SimulatedIdea {
  id: string;
  pFirst: number;
  pTop3: number;
  /** Best rank of the 90 % interval (the smaller number). */
  rankLow: number;
  /** Worst rank of the 90 % interval. */
  rankHigh: number;
}

export interface Simulation {
  runs: number;
  seed: number;
  weightSpread: number;
  ideas: SimulatedIdea[];
}

type Draw = (random: () => number) => number;

function sampler(criterion: Criterion, cell: Resolved): Draw | number {
  switch (cell.kind) {
    case "known":
      return normalised(criterion, cell.value);
    case "uncertain":
      if (cell.low === cell.high) return normalised(criterion, cell.low);
      return (random) =>
        normalised(criterion, triangular(random(), cell.low, cell.likely, cell.high));
    case "raters": {
      const values = cell.values.map((v) => normalised(criterion, v));
      if (values.every((v) => v === values[0])) return values[0] as number;
      return (random) => values[Math.floor(random() * values.length)] as number;
    }
    case "unknown":
      return (random) => random();
  }
}

function quantile(
  histogram: Uint32Array,
  offset: number,
  n: number,
  runs: number,
  q: number,
): number {
  let cumulative = 0;
  for (let r = 0; r < n; r++) {
    cumulative += histogram[offset + r] as number;
    if (cumulative >= q * runs) return r + 1;
  }
  return n;
}

export function simulate(
  criteria: readonly Criterion[],
  ideas: readonly { id: string; cells: readonly Resolved[] }[],
  options: { runs: number; seed: number },
): Simulation {
  const n = ideas.length;
  const m = criteria.length;
  const fixed = new Float64Array(n * m);
  const draws: { i: number; j: number; draw: Draw }[] = [];
  for (const [i, idea] of ideas.entries()) {
    for (const [j, criterion] of criteria.entries()) {
      const s = sampler(criterion, idea.cells[j] as Resolved);
      if (typeof s === "number") fixed[i * m + j] = s;
      else draws.push({ i, j, draw: s });
    }
  }
  const random = prng(options.seed);
  const values = new Float64Array(fixed);
  const weights = new Float64Array(m);
  const scores = new Float64Array(n);
  const sorted = new Float64Array(n);
  const histogram = new Uint32Array(n * n);
  for (let run = 0; run < options.runs; run++) {
    let total = 0;
    for (let j = 0; j < m; j++) {
      const w = (criteria[j] as Criterion).weight * (1 + WEIGHT_SPREAD * (2 * random() - 1));
      weights[j] = w;
      total += w;
    }
    for (const { i, j, draw } of draws) values[i * m + j] = draw(random);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < m; j++) s += (weights[j] as number) * (values[i * m + j] as number);
      scores[i] = s / total;
    }
    sorted.set(scores);
    sorted.sort();
    for (let i = 0; i < n; i++) {
      // rank = 1 + number of ideas scoring strictly more (ties share a rank)
      const target = (scores[i] as number) + TIE;
      let lo = 0;
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((sorted[mid] as number) <= target) lo = mid + 1;
        else hi = mid;
      }
      const index = i * n + (n - lo);
      histogram[index] = (histogram[index] as number) + 1;
    }
  }
  const runs = options.runs;
  return {
    runs,
    seed: options.seed,
    weightSpread: WEIGHT_SPREAD,
    ideas: ideas.map((idea, i) => {
      const offset = i * n;
      let top3 = 0;
      for (let r = 0; r < Math.min(3, n); r++) top3 += histogram[offset + r] as number;
      return {
        id: idea.id,
        pFirst: runs === 0 ? 0 : (histogram[offset] as number) / runs,
        pTop3: runs === 0 ? 0 : top3 / runs,
        rankLow: runs === 0 ? 1 : quantile(histogram, offset, n, runs, 0.05),
        rankHigh: runs === 0 ? n : quantile(histogram, offset, n, runs, 0.95),
      };
    }),
  };
}
