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
  // The state lives in a typed array: a plain closure variable above 2³⁰ would
  // be boxed as a heap number on every call, which the garbage collector then
  // has to sweep millions of times per simulation.
  const state = new Uint32Array([seed >>> 0]);
  return () => {
    state[0] = (state[0] as number) + 0x6d2b79f5;
    let t = state[0] as number;
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

/** How a cell varies between runs; values are on the normalised 0–1 scale (1 = best). */
const FIXED = 0;
const TRIANGULAR = 1;
const PICK = 2;
const UNIFORM = 3;

interface Cells {
  kind: Uint8Array;
  /** FIXED: the value; TRIANGULAR: low, mode, high; PICK: offset and count in `picks`. */
  a: Float64Array;
  b: Float64Array;
  c: Float64Array;
  picks: Float64Array;
}

/**
 * Everything is brought to the normalised scale once, before the runs: the
 * normalisation is linear, so a triangular law on the raw scale is a
 * triangular law on the normalised one (reversed for a cost).
 */
function prepare(
  criteria: readonly Criterion[],
  ideas: readonly { cells: readonly Resolved[] }[],
): Cells {
  const size = ideas.length * criteria.length;
  const cells: Cells = {
    kind: new Uint8Array(size),
    a: new Float64Array(size),
    b: new Float64Array(size),
    c: new Float64Array(size),
    picks: new Float64Array(0),
  };
  const picks: number[] = [];
  for (const [i, idea] of ideas.entries()) {
    for (const [j, criterion] of criteria.entries()) {
      const k = i * criteria.length + j;
      const cell = idea.cells[j] as Resolved;
      const v = (x: number) => normalised(criterion, x);
      if (cell.kind === "known" || (cell.kind === "uncertain" && cell.low === cell.high)) {
        cells.kind[k] = FIXED;
        cells.a[k] = v(cell.kind === "known" ? cell.value : cell.low);
      } else if (cell.kind === "uncertain") {
        const [low, high] = [v(cell.low), v(cell.high)].sort((x, y) => x - y) as [number, number];
        cells.kind[k] = TRIANGULAR;
        cells.a[k] = low;
        cells.b[k] = v(cell.likely);
        cells.c[k] = high;
      } else if (cell.kind === "raters") {
        cells.kind[k] = PICK;
        cells.a[k] = picks.length;
        cells.b[k] = cell.values.length;
        for (const value of cell.values) picks.push(v(value));
      } else {
        cells.kind[k] = UNIFORM;
      }
    }
  }
  cells.picks = Float64Array.from(picks);
  return cells;
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

/**
 * Sorts `order` (idea indices) by `keys` ascending, in place: an LSD radix sort
 * on 32-bit keys, 8 bits per pass. Ten thousand sorts of a thousand ideas is
 * the hot spot of the simulation; this is several times faster than a
 * comparison sort. Stable.
 */
function radixSort(
  keys: Uint32Array,
  order: Uint32Array,
  keysTmp: Uint32Array,
  orderTmp: Uint32Array,
  counts: Uint32Array,
): void {
  let fromKeys = keys;
  let fromOrder = order;
  let toKeys = keysTmp;
  let toOrder = orderTmp;
  const n = keys.length;
  for (let shift = 0; shift < 32; shift += 8) {
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const digit = ((fromKeys[i] as number) >>> shift) & 0xff;
      counts[digit] = (counts[digit] as number) + 1;
    }
    let sum = 0;
    for (let d = 0; d < 256; d++) {
      const c = counts[d] as number;
      counts[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const key = fromKeys[i] as number;
      const digit = (key >>> shift) & 0xff;
      const at = counts[digit] as number;
      counts[digit] = at + 1;
      toKeys[at] = key;
      toOrder[at] = fromOrder[i] as number;
    }
    const keysSwap = fromKeys;
    fromKeys = toKeys;
    toKeys = keysSwap;
    const orderSwap = fromOrder;
    fromOrder = toOrder;
    toOrder = orderSwap;
  }
  // Four passes: the result is back in `keys` and `order`.
}

export function simulate(
  criteria: readonly Criterion[],
  ideas: readonly { id: string; cells: readonly Resolved[] }[],
  options: { runs: number; seed: number },
): Simulation {
  const n = ideas.length;
  const m = criteria.length;
  const cells = prepare(criteria, ideas);
  const picks = cells.picks;
  const random = prng(options.seed);
  // Fixed cells are written once; only the varying ones are drawn in each run.
  const values = Float64Array.from(cells.a, (a, k) => (cells.kind[k] === FIXED ? a : 0));
  // The varying cells, grouped by law so that the hot loop has no branch.
  const indices = [...cells.kind.keys()];
  const triangles = Uint32Array.from(indices.filter((k) => cells.kind[k] === TRIANGULAR));
  const pickCells = Uint32Array.from(indices.filter((k) => cells.kind[k] === PICK));
  const uniforms = Uint32Array.from(indices.filter((k) => cells.kind[k] === UNIFORM));
  const triLow = Float64Array.from(triangles, (k) => cells.a[k] as number);
  const triMode = Float64Array.from(triangles, (k) => cells.b[k] as number);
  const triHigh = Float64Array.from(triangles, (k) => cells.c[k] as number);
  const pickOffset = Float64Array.from(pickCells, (k) => cells.a[k] as number);
  const pickCount = Float64Array.from(pickCells, (k) => cells.b[k] as number);
  const weights = new Float64Array(m);
  const baseWeights = Float64Array.from(criteria, (c) => c.weight);
  const keys = new Uint32Array(n);
  const order = new Uint32Array(n);
  const keysTmp = new Uint32Array(n);
  const orderTmp = new Uint32Array(n);
  const counts = new Uint32Array(256);
  const histogram = new Uint32Array(n * n);
  // Scores lie in [0, 1]: quantised to 32 bits (steps of 2.3e-10, finer than TIE).
  const SCALE = 2 ** 32 - 1;
  const TIE_STEPS = TIE * SCALE;
  for (let run = 0; run < options.runs; run++) {
    let total = 0;
    for (let j = 0; j < m; j++) {
      const w = (baseWeights[j] as number) * (1 + WEIGHT_SPREAD * (2 * random() - 1));
      weights[j] = w;
      total += w;
    }
    for (let t = 0; t < triangles.length; t++) {
      values[triangles[t] as number] = triangular(
        random(),
        triLow[t] as number,
        triMode[t] as number,
        triHigh[t] as number,
      );
    }
    for (let p = 0; p < pickCells.length; p++) {
      values[pickCells[p] as number] = picks[
        (pickOffset[p] as number) + Math.floor(random() * (pickCount[p] as number))
      ] as number;
    }
    for (let u = 0; u < uniforms.length; u++) values[uniforms[u] as number] = random();
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < m; j++) s += (weights[j] as number) * (values[i * m + j] as number);
      keys[i] = Math.round(Math.min(1, Math.max(0, s / total)) * SCALE);
      order[i] = i;
    }
    radixSort(keys, order, keysTmp, orderTmp, counts);
    // From the best score down; ideas within TIE of the previous one share its rank.
    let rank = 1;
    let previous = Number.POSITIVE_INFINITY;
    for (let position = 0; position < n; position++) {
      const key = keys[n - 1 - position] as number;
      if (previous - key > TIE_STEPS) rank = position + 1;
      previous = key;
      const slot = (order[n - 1 - position] as number) * n + rank - 1;
      histogram[slot] = (histogram[slot] as number) + 1;
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
