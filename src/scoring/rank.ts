import { type Criterion, type Grid, midpoint, worstAndBest } from "./grid.js";
import { type Method, ranks, runMethod } from "./methods.js";
import { type Simulation, simulate } from "./simulate.js";
import { type StabilityInterval, stabilityIntervals, stabilitySentence } from "./stability.js";
import {
  DISAGREEMENT_SPREAD,
  pointValue,
  type Resolved,
  resolveValue,
  type ScoreValue,
} from "./values.js";

/**
 * From a grid and candidate ideas to a full, explainable ranking: vetoes
 * first, then the method, the range of incomplete ideas, the stability of the
 * leader and the simulation. Pure.
 */

export interface Candidate {
  id: string;
  title: string;
  scores: Readonly<Record<string, ScoreValue>>;
}

export interface RankOptions {
  method: Method;
  simulations: number;
  seed: number;
}

export interface RankedIdea {
  id: string;
  title: string;
  rank: number;
  score: number;
  incomplete: boolean;
  /** Score with every missing value at the scale's worst, then at its best. */
  range: [number, number];
  contributions: Record<string, number>;
  /** Criteria without a score (counted at the scale's midpoint). */
  missing: string[];
  /** Criteria whose veto could still eliminate the idea. */
  nearVeto: string[];
  /** Criteria on which raters differ by 2 points or more. */
  disagreement: string[];
}

export interface EliminatedIdea {
  id: string;
  title: string;
  reasons: string[];
}

export interface RankingReport {
  method: Method;
  weights: Record<string, number>;
  ranking: RankedIdea[];
  eliminated: EliminatedIdea[];
  stability: (StabilityInterval & { sentence: string })[];
  simulation: Simulation | null;
}

const NUMBER = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 2 });

function vetoReasons(criteria: readonly Criterion[], cells: readonly Resolved[]): string[] {
  const reasons: string[] = [];
  for (const [j, criterion] of criteria.entries()) {
    const value = pointValue(cells[j] as Resolved);
    if (criterion.veto !== undefined && value !== undefined && value < criterion.veto) {
      reasons.push(
        `${criterion.label} : ${NUMBER.format(value)}, sous le seuil éliminatoire de ${NUMBER.format(criterion.veto)}`,
      );
    }
  }
  return reasons;
}

function nearVeto(criterion: Criterion, cell: Resolved): boolean {
  if (criterion.veto === undefined) return false;
  switch (cell.kind) {
    case "unknown":
      return true;
    case "known":
      return cell.value < criterion.veto + 1;
    case "uncertain":
      return cell.low < criterion.veto || cell.likely < criterion.veto + 1;
    case "raters":
      return Math.min(...cell.values) < criterion.veto || cell.median < criterion.veto + 1;
  }
}

export function rankCandidates(
  grid: Grid,
  candidates: readonly Candidate[],
  options: RankOptions,
): RankingReport {
  const { criteria } = grid;
  const resolved = candidates.map((candidate) => ({
    candidate,
    cells: criteria.map((c) => resolveValue(candidate.scores[c.id])),
  }));

  const eliminated: EliminatedIdea[] = [];
  const kept: typeof resolved = [];
  for (const entry of resolved) {
    const reasons = vetoReasons(criteria, entry.cells);
    if (reasons.length > 0)
      eliminated.push({ id: entry.candidate.id, title: entry.candidate.title, reasons });
    else kept.push(entry);
  }

  // Point values: known, likely, median; a missing score counts at the midpoint.
  const matrix = kept.map((entry) =>
    criteria.map((c, j) => pointValue(entry.cells[j] as Resolved) ?? midpoint(c.scale)),
  );
  const result = runMethod(options.method, criteria, matrix);

  const bound = (row: number, extreme: 0 | 1): number => {
    const cells = (kept[row] as (typeof kept)[number]).cells;
    const values = (matrix[row] as number[]).map((x, j) =>
      (cells[j] as Resolved).kind === "unknown"
        ? worstAndBest(criteria[j] as Criterion)[extreme]
        : x,
    );
    // The weighted sum of one idea does not depend on the others; TOPSIS does.
    if (options.method === "weighted-sum")
      return runMethod(options.method, criteria, [values]).scores[0] as number;
    const changed = matrix.map((other, i) => (i === row ? values : other));
    return runMethod(options.method, criteria, changed).scores[row] as number;
  };

  const { order, rank } = ranks(
    result.scores,
    kept.map((entry) => entry.candidate.id),
  );
  const ranking: RankedIdea[] = order.map((i) => {
    const entry = kept[i] as (typeof kept)[number];
    const missing = criteria
      .filter((_, j) => (entry.cells[j] as Resolved).kind === "unknown")
      .map((c) => c.id);
    const score = result.scores[i] as number;
    return {
      id: entry.candidate.id,
      title: entry.candidate.title,
      rank: rank[i] as number,
      score,
      incomplete: missing.length > 0,
      range: missing.length > 0 ? [bound(i, 0), bound(i, 1)] : [score, score],
      contributions: Object.fromEntries(
        criteria.map((c, j) => [c.id, (result.contributions[i] as number[])[j] as number]),
      ),
      missing,
      nearVeto: criteria.filter((c, j) => nearVeto(c, entry.cells[j] as Resolved)).map((c) => c.id),
      disagreement: criteria
        .filter((_, j) => {
          const cell = entry.cells[j] as Resolved;
          return cell.kind === "raters" && cell.spread >= DISAGREEMENT_SPREAD;
        })
        .map((c) => c.id),
    };
  });

  const weightedSum = options.method === "weighted-sum";
  const leader = order[0];
  const stability =
    // With one criterion, its weight is always 100 %: there is nothing to move.
    weightedSum && leader !== undefined && kept.length > 1 && criteria.length > 1
      ? stabilityIntervals(criteria, matrix, leader).map((interval) => ({
          ...interval,
          sentence: stabilitySentence(
            interval,
            kept[leader]?.candidate.title ?? "",
            criteria.find((c) => c.id === interval.criterion)?.label ?? interval.criterion,
          ),
        }))
      : [];
  const simulation =
    weightedSum && kept.length > 0 && options.simulations > 0
      ? simulate(
          criteria,
          kept.map((entry) => ({ id: entry.candidate.id, cells: entry.cells })),
          { runs: options.simulations, seed: options.seed },
        )
      : null;
  if (simulation) {
    // Same order as the ranking, for readers of the JSON.
    const position = new Map(ranking.map((idea, index) => [idea.id, index]));
    simulation.ideas.sort((a, b) => (position.get(a.id) ?? 0) - (position.get(b.id) ?? 0));
  }

  return {
    method: options.method,
    weights: Object.fromEntries(criteria.map((c) => [c.id, c.weight])),
    ranking,
    eliminated,
    stability,
    simulation,
  };
}
