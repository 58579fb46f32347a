import * as z from "zod";
import type { Criterion, Grid } from "./grid.js";

/**
 * A score as written in study.yaml or an ideas file: a number, null
 * (unknown), {low, likely, high} (uncertain) or {raters: {name: value}}
 * (several people; the median counts).
 */

const finite = z.number().refine(Number.isFinite, { message: "nombre fini attendu" });

export const uncertainSchema = z
  .strictObject({ low: finite, likely: finite, high: finite })
  .refine((v) => v.low <= v.likely && v.likely <= v.high, {
    message: "il faut low ≤ likely ≤ high",
  });

export const ratersSchema = z.strictObject({
  raters: z
    .record(z.string().min(1), finite)
    .refine((r) => Object.keys(r).length > 0, { message: "au moins une personne" }),
});

export const scoreValueSchema = z.union([finite, z.null(), uncertainSchema, ratersSchema], {
  error:
    "une note est un nombre, une valeur vide (inconnue), {low, likely, high} (incertaine) ou {raters: {nom: note}} (plusieurs personnes)",
});
export type ScoreValue = z.infer<typeof scoreValueSchema>;

/** Disagreement between raters is flagged from this spread (max − min) on. */
export const DISAGREEMENT_SPREAD = 2;

export type Resolved =
  | { kind: "known"; value: number }
  | { kind: "unknown" }
  | { kind: "uncertain"; low: number; likely: number; high: number }
  | { kind: "raters"; values: number[]; median: number; spread: number };

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export function resolveValue(value: ScoreValue | undefined): Resolved {
  if (value === undefined || value === null) return { kind: "unknown" };
  if (typeof value === "number") return { kind: "known", value };
  if ("raters" in value) {
    const values = Object.values(value.raters);
    return {
      kind: "raters",
      values,
      median: median(values),
      spread: Math.max(...values) - Math.min(...values),
    };
  }
  return { kind: "uncertain", low: value.low, likely: value.likely, high: value.high };
}

/** The value used by the deterministic ranking; undefined when unknown. */
export function pointValue(resolved: Resolved): number | undefined {
  switch (resolved.kind) {
    case "known":
      return resolved.value;
    case "uncertain":
      return resolved.likely;
    case "raters":
      return resolved.median;
    case "unknown":
      return undefined;
  }
}

function numbersOf(value: ScoreValue): { path: (string | number)[]; value: number }[] {
  if (value === null) return [];
  if (typeof value === "number") return [{ path: [], value }];
  if ("raters" in value)
    return Object.entries(value.raters).map(([name, v]) => ({ path: ["raters", name], value: v }));
  return (["low", "likely", "high"] as const).map((key) => ({ path: [key], value: value[key] }));
}

/**
 * The scores of one study or idea, checked against the grid: unknown criteria
 * and values outside a criterion's scale are errors with their path, so that
 * the YAML loader can point at their line.
 */
export function scoresSchemaFor(grid: Grid) {
  const byId = new Map<string, Criterion>(grid.criteria.map((c) => [c.id, c]));
  return z.record(z.string(), scoreValueSchema).superRefine((scores, context) => {
    for (const [id, value] of Object.entries(scores)) {
      const criterion = byId.get(id);
      if (!criterion) {
        context.addIssue({
          code: "custom",
          path: [id],
          message: `critère inconnu (critères de la grille : ${grid.criteria.map((c) => c.id).join(", ")})`,
        });
        continue;
      }
      for (const number of numbersOf(value)) {
        const { min, max } = criterion.scale;
        if (number.value < min || number.value > max) {
          context.addIssue({
            code: "custom",
            path: [id, ...number.path],
            message: `note ${number.value} hors de l'échelle du critère (${min} à ${max})`,
          });
        }
      }
    }
  });
}

/**
 * A score typed by a person (`--set` or a prompt): a number (comma or dot),
 * "?" for unknown, or "low:likely:high" when uncertain.
 */
export function parseTypedScore(text: string): { ok: true; value: ScoreValue } | { ok: false } {
  const trimmed = text.trim();
  if (trimmed === "?") return { ok: true, value: null };
  const number = (part: string) =>
    /^-?\d+([.,]\d+)?$/.test(part.trim()) ? Number(part.trim().replace(",", ".")) : Number.NaN;
  const parts = trimmed.split(":");
  if (parts.length === 1) {
    const value = number(trimmed);
    return Number.isFinite(value) ? { ok: true, value } : { ok: false };
  }
  if (parts.length === 3) {
    const [low, likely, high] = parts.map(number) as [number, number, number];
    if ([low, likely, high].every(Number.isFinite) && low <= likely && likely <= high) {
      return { ok: true, value: { low, likely, high } };
    }
  }
  return { ok: false };
}

/** A score as a person reads it: 3, ?, 2 à 4 (3 probable), médiane 3 (a 2, b 4). */
export function describeScore(value: ScoreValue | undefined): string {
  const format = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 2 }).format;
  if (value === undefined) return "non notée";
  if (value === null) return "? (inconnue)";
  if (typeof value === "number") return format(value);
  if ("raters" in value) {
    const values = Object.values(value.raters);
    return `médiane ${format(median(values))} (${Object.entries(value.raters)
      .map(([name, v]) => `${name} ${format(v)}`)
      .join(", ")})`;
  }
  return `${format(value.low)} à ${format(value.high)} (${format(value.likely)} probable)`;
}
