import * as z from "zod";
import type { Grid } from "./grid.js";
import { scoresSchemaFor } from "./values.js";

/** An ideas file: candidate activities that are not studies yet. */
export function ideasSchemaFor(grid: Grid) {
  return z
    .strictObject({
      ideas: z.array(
        z.strictObject({
          id: z
            .string()
            .regex(
              /^[a-z0-9][a-z0-9_-]*$/,
              "identifiant en minuscules, chiffres, tirets ou soulignés",
            ),
          title: z.string().min(1),
          description: z.string().optional(),
          scores: scoresSchemaFor(grid).default({}),
          justifications: z.record(z.string(), z.string()).optional(),
        }),
      ),
    })
    .superRefine((file, context) => {
      const seen = new Set<string>();
      for (const [index, idea] of file.ideas.entries()) {
        if (seen.has(idea.id)) {
          context.addIssue({
            code: "custom",
            path: ["ideas", index, "id"],
            message: `la piste « ${idea.id} » apparaît deux fois`,
          });
        }
        seen.add(idea.id);
      }
    });
}
