import * as z from "zod";
import { isValidDate } from "./dates.js";
import { STAGES } from "./stages.js";

/** `study.yaml`: English keys, French values. */

const isoDate = z
  .string()
  .refine(isValidDate, { message: "date attendue au format AAAA-MM-JJ (par exemple 2026-11-28)" });

const relativeFile = z
  .string()
  .regex(/^(?!\/)(?!.*(^|\/)\.\.?(\/|$))[A-Za-z0-9._/-]+$/, "chemin relatif au dossier de l'étude");

export const historyEntrySchema = z.strictObject({
  stage: z.enum(STAGES),
  date: isoDate,
  reason: z.string().min(1).optional(),
});

export const interviewEntrySchema = z.strictObject({
  actor: z.string().min(1),
  role: z.string().min(1).optional(),
  date: isoDate,
  file: relativeFile,
});

export const studySchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "identifiant en minuscules, chiffres et tirets"),
    title: z.string().min(1).max(200),
    example: z.boolean().optional(),
    territory: z.string().min(1),
    sector: z.string().min(1),
    origin: z.string().default(""),
    owner: z.string().min(1),
    created: isoDate,
    stage: z.enum(STAGES),
    history: z.array(historyEntrySchema).min(1),
    interviews: z.array(interviewEntrySchema).default([]),
    // Scores are checked against the grid by the scoring feature (see
    // commands/score-input.ts); here they only need to be a map.
    scores: z.record(z.string(), z.unknown()).optional(),
    justifications: z.record(z.string(), z.string()).optional(),
    // What the weekly watch digest and `study show` bring to this study: topic
    // ids of feeds.yaml and free keywords (checked against feeds.yaml by the
    // commands, which read both).
    veille: z
      .strictObject({
        topics: z.array(z.string().min(1)).default([]),
        keywords: z.array(z.string().min(1)).default([]),
      })
      .optional(),
    templateVersion: z.string().min(1),
    files: z.record(relativeFile, z.string().regex(/^sha256:[0-9a-f]{64}$/, "empreinte sha256:…")),
  })
  .superRefine((study, context) => {
    const last = study.history[study.history.length - 1];
    if (last && last.stage !== study.stage) {
      context.addIssue({
        code: "custom",
        path: ["stage"],
        message: `l'étape « ${study.stage} » ne correspond pas à la dernière entrée de l'historique (« ${last.stage} »)`,
      });
    }
    for (const [index, entry] of study.history.entries()) {
      if (entry.stage === "abandonnee" && entry.reason === undefined) {
        context.addIssue({
          code: "custom",
          path: ["history", index, "reason"],
          message: "un abandon doit garder sa raison (reason)",
        });
      }
    }
  });

export type Study = z.infer<typeof studySchema>;
export type HistoryEntry = z.infer<typeof historyEntrySchema>;
export type InterviewEntry = z.infer<typeof interviewEntrySchema>;
