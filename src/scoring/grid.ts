import * as z from "zod";

/**
 * The scoring grid (`criteria.yaml`): criteria with weights, a direction, an
 * optional veto and the anchored meaning of each level. Weights are any
 * positive numbers; they are normalised to sum 1.
 */

const finite = z.number().refine(Number.isFinite, { message: "nombre fini attendu" });

export const scaleSchema = z
  .strictObject({ min: finite, max: finite })
  .refine((scale) => scale.max > scale.min, { message: "max doit être supérieur à min" });

export const criterionSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]*$/, "identifiant en minuscules, chiffres, tirets ou soulignés"),
  label: z.string().min(1),
  description: z.string().optional(),
  weight: finite.refine((weight) => weight > 0, {
    message: "un poids doit être strictement positif",
  }),
  direction: z.enum(["benefit", "cost"]),
  scale: scaleSchema.optional(),
  veto: z.strictObject({ min: finite }).optional(),
  levels: z
    .record(z.string().regex(/^-?\d+(\.\d+)?$/, "niveau numérique attendu"), z.string().min(1))
    .optional(),
});

export const gridSchema = z
  .strictObject({
    scale: scaleSchema.optional(),
    criteria: z.array(criterionSchema).min(1, "la grille doit contenir au moins un critère"),
  })
  .superRefine((grid, context) => {
    const total = grid.criteria.reduce((sum, c) => sum + c.weight, 0);
    if (!Number.isFinite(total)) {
      context.addIssue({
        code: "custom",
        path: ["criteria"],
        message:
          "la somme des poids est trop grande pour être calculée : utilisez des poids raisonnables (par exemple de 1 à 100)",
      });
    }
    const seen = new Set<string>();
    for (const [index, criterion] of grid.criteria.entries()) {
      if (seen.has(criterion.id)) {
        context.addIssue({
          code: "custom",
          path: ["criteria", index, "id"],
          message: `le critère « ${criterion.id} » apparaît deux fois`,
        });
      }
      seen.add(criterion.id);
      const scale = criterion.scale ?? grid.scale ?? DEFAULT_SCALE;
      if (criterion.veto && (criterion.veto.min <= scale.min || criterion.veto.min > scale.max)) {
        context.addIssue({
          code: "custom",
          path: ["criteria", index, "veto", "min"],
          message: `le seuil éliminatoire ${criterion.veto.min} doit être dans l'échelle, au-dessus de son minimum (${scale.min} à ${scale.max})`,
        });
      }
      for (const level of Object.keys(criterion.levels ?? {})) {
        const value = Number(level);
        if (value < scale.min || value > scale.max) {
          context.addIssue({
            code: "custom",
            path: ["criteria", index, "levels", level],
            message: `le niveau ${level} est hors de l'échelle (${scale.min} à ${scale.max})`,
          });
        }
      }
    }
  });

export type GridFile = z.infer<typeof gridSchema>;

export interface Scale {
  min: number;
  max: number;
}

export const DEFAULT_SCALE: Scale = { min: 0, max: 5 };

export interface Criterion {
  id: string;
  label: string;
  description: string | undefined;
  /** Normalised: all weights sum to 1. */
  weight: number;
  /** As written in the file. */
  rawWeight: number;
  direction: "benefit" | "cost";
  scale: Scale;
  veto: number | undefined;
  levels: { value: number; text: string }[];
}

export interface Grid {
  criteria: Criterion[];
  /** False when the file's weights did not already sum to 1. */
  weightsSummedToOne: boolean;
}

export function resolveGrid(file: GridFile): Grid {
  const total = file.criteria.reduce((sum, c) => sum + c.weight, 0);
  return {
    weightsSummedToOne: Math.abs(total - 1) < 1e-9,
    criteria: file.criteria.map((c) => ({
      id: c.id,
      label: c.label,
      description: c.description,
      weight: c.weight / total,
      rawWeight: c.weight,
      direction: c.direction,
      scale: c.scale ?? file.scale ?? DEFAULT_SCALE,
      veto: c.veto?.min,
      levels: Object.entries(c.levels ?? {})
        .map(([value, text]) => ({ value: Number(value), text }))
        .sort((a, b) => a.value - b.value),
    })),
  };
}

export function midpoint(scale: Scale): number {
  return (scale.min + scale.max) / 2;
}

/** Worst and best raw values of a criterion, given its direction. */
export function worstAndBest(criterion: Criterion): [number, number] {
  return criterion.direction === "benefit"
    ? [criterion.scale.min, criterion.scale.max]
    : [criterion.scale.max, criterion.scale.min];
}
