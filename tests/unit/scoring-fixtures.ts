import fc from "fast-check";
import { type Grid, gridSchema, resolveGrid } from "../../src/scoring/grid.js";
import type { Candidate } from "../../src/scoring/rank.js";
import type { ScoreValue } from "../../src/scoring/values.js";

/** A grid as the loader gives it: checked by the schema, then resolved. */
export function makeGrid(file: unknown): Grid {
  return resolveGrid(gridSchema.parse(file));
}

/** Narrow no-break spaces and no-break spaces (French number formats) as plain spaces. */
export function plainSpaces(text: string): string {
  return text.replace(/[\u00a0\u202f]/g, " ");
}

export interface CriterionSpec {
  weight: number;
  direction: "benefit" | "cost";
  min: number;
  max: number;
}

/** A random criterion: positive weight, random direction, integer scale of 1 to 12 points. */
export const criterionSpecArb: fc.Arbitrary<CriterionSpec> = fc
  .record({
    weight: fc.double({ min: 0.1, max: 10, noNaN: true, noDefaultInfinity: true }),
    direction: fc.constantFrom<"benefit" | "cost">("benefit", "cost"),
    min: fc.integer({ min: -5, max: 5 }),
    span: fc.integer({ min: 1, max: 12 }),
  })
  .map(({ weight, direction, min, span }) => ({ weight, direction, min, max: min + span }));

export function criterionId(j: number): string {
  return `c${j}`;
}

export function ideaId(i: number): string {
  return `i${String(i).padStart(2, "0")}`;
}

/** Criteria c0, c1… (no veto), through the real schema. */
export function gridFromSpecs(specs: readonly CriterionSpec[]): Grid {
  return makeGrid({
    criteria: specs.map((spec, j) => ({
      id: criterionId(j),
      label: `Critère ${j}`,
      weight: spec.weight,
      direction: spec.direction,
      scale: { min: spec.min, max: spec.max },
    })),
  });
}

/** An in-scale value, on half points (exact in binary). */
export function valueArb(spec: CriterionSpec): fc.Arbitrary<number> {
  return fc.integer({ min: 0, max: 2 * (spec.max - spec.min) }).map((k) => spec.min + k / 2);
}

export function rowArb(specs: readonly CriterionSpec[]): fc.Arbitrary<number[]> {
  return fc.tuple(...specs.map(valueArb)).map((row) => [...row]);
}

/** Worst and best value of a spec, given its direction. */
export function worstBest(spec: CriterionSpec): [number, number] {
  return spec.direction === "benefit" ? [spec.min, spec.max] : [spec.max, spec.min];
}

export interface Instance {
  specs: CriterionSpec[];
  rows: number[][];
}

export function instanceArb(options: {
  minCriteria?: number;
  maxCriteria?: number;
  minIdeas?: number;
  maxIdeas?: number;
}): fc.Arbitrary<Instance> {
  return fc
    .array(criterionSpecArb, {
      minLength: options.minCriteria ?? 1,
      maxLength: options.maxCriteria ?? 8,
    })
    .chain((specs) =>
      fc.record({
        specs: fc.constant(specs),
        rows: fc.array(rowArb(specs), {
          minLength: options.minIdeas ?? 2,
          maxLength: options.maxIdeas ?? 12,
        }),
      }),
    );
}

/** Candidates i00, i01… with every score known. */
export function candidatesFromRows(rows: readonly (readonly ScoreValue[])[]): Candidate[] {
  return rows.map((row, i) => ({
    id: ideaId(i),
    title: `Piste ${i}`,
    scores: Object.fromEntries(row.map((x, j) => [criterionId(j), x])),
  }));
}

/** Any kind of score: known, unknown, uncertain or several raters, all in scale. */
export function scoreValueArb(spec: CriterionSpec): fc.Arbitrary<ScoreValue> {
  const value = valueArb(spec);
  return fc.oneof(
    { weight: 4, arbitrary: value },
    { weight: 1, arbitrary: fc.constant(null) },
    {
      weight: 2,
      arbitrary: fc.tuple(value, value, value).map((three) => {
        const [low, likely, high] = [...three].sort((a, b) => a - b) as [number, number, number];
        return { low, likely, high };
      }),
    },
    {
      weight: 2,
      arbitrary: fc.array(value, { minLength: 1, maxLength: 4 }).map((values) => ({
        raters: Object.fromEntries(values.map((v, k) => [`p${k}`, v])),
      })),
    },
  );
}

/** Grids with random scores of every kind (some missing), 2 to 12 ideas. */
export const mixedInstanceArb: fc.Arbitrary<{ specs: CriterionSpec[]; rows: ScoreValue[][] }> = fc
  .array(criterionSpecArb, { minLength: 1, maxLength: 8 })
  .chain((specs) =>
    fc.record({
      specs: fc.constant(specs),
      rows: fc.array(
        fc.tuple(...specs.map(scoreValueArb)).map((row) => [...row]),
        { minLength: 2, maxLength: 12 },
      ),
    }),
  );
