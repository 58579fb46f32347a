import * as z from "zod";
import type { FetchOptions } from "./fetch.js";

/**
 * `feeds.yaml`: the watch's settings, topics (tags given by keywords) and
 * sources. English keys, French labels.
 */

const idPattern = /^[a-z0-9][a-z0-9_-]*$/;
const ID_MESSAGE = "identifiant en minuscules, chiffres, tirets ou soulignés";

/** http(s) URLs, or `file:` followed by a path relative to the workspace. */
export const sourceUrlSchema = z
  .string()
  .min(1)
  .refine(
    (url) => {
      if (url.startsWith("file:")) {
        const relative = url.slice(5);
        return relative !== "" && !relative.startsWith("/") && !relative.split("/").includes("..");
      }
      try {
        const parsed = new URL(url);
        return parsed.protocol === "http:" || parsed.protocol === "https:";
      } catch {
        return false;
      }
    },
    {
      message:
        "adresse http:// ou https:// attendue, ou file: suivi d'un chemin relatif à l'espace de travail (par exemple file:exemples/flux.xml)",
    },
  );

export const topicSchema = z.strictObject({
  id: z.string().regex(idPattern, ID_MESSAGE),
  label: z.string().min(1),
  keywords: z.array(z.string().min(1)).min(1),
  exclude: z.array(z.string().min(1)).optional(),
});

export const sourceSchema = z.strictObject({
  id: z.string().regex(idPattern, ID_MESSAGE),
  title: z.string().min(1),
  url: sourceUrlSchema,
  tags: z.array(z.string().regex(idPattern, ID_MESSAGE)).optional(),
  enabled: z.boolean().optional(),
  kind: z.enum(["feed", "html"]).optional(),
  /** CSS selectors of a page without a feed (kind: html). */
  select: z
    .strictObject({
      item: z.string().min(1),
      title: z.string().min(1),
      link: z.string().min(1),
      date: z.string().min(1).optional(),
      summary: z.string().min(1).optional(),
    })
    .optional(),
});

export const DEFAULT_SETTINGS = {
  concurrency: 8,
  timeoutSeconds: 20,
  maxBytes: 5 * 1024 * 1024,
};

export const settingsSchema = z.strictObject({
  concurrency: z.number().int().min(1).max(64).optional(),
  timeoutSeconds: z.number().positive().max(600).optional(),
  maxBytes: z
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .optional(),
  userAgent: z.string().min(1).optional(),
});

function uniqueIds(list: { id: string }[], context: z.RefinementCtx, what: string): void {
  const seen = new Set<string>();
  for (const [index, item] of list.entries()) {
    if (seen.has(item.id)) {
      context.addIssue({
        code: "custom",
        path: [index, "id"],
        message: `${what} « ${item.id} » apparaît deux fois`,
      });
    }
    seen.add(item.id);
  }
}

export const feedsSchema = z.strictObject({
  settings: settingsSchema.default({}),
  topics: z
    .array(topicSchema)
    .superRefine((list, context) => uniqueIds(list, context, "le thème"))
    // `topics:` left empty (null) is an empty list, as a person means it.
    .nullish()
    .transform((list) => list ?? []),
  sources: z
    .array(sourceSchema)
    .superRefine((list, context) => {
      uniqueIds(list, context, "la source");
      for (const [index, source] of list.entries()) {
        if (source.kind === "html" && !source.select) {
          context.addIssue({
            code: "custom",
            path: [index, "select"],
            message: "une source de type html a besoin de sélecteurs (select: {item, title, link})",
          });
        }
      }
    })
    .nullish()
    .transform((list) => list ?? []),
});

export type FeedsFile = z.infer<typeof feedsSchema>;
export type Source = z.infer<typeof sourceSchema>;

export interface Settings {
  concurrency: number;
  timeoutSeconds: number;
  maxBytes: number;
  userAgent: string;
}

/** `homepage` is the project's address from package.json, when it has one. */
export function resolveSettings(file: FeedsFile, version: string, homepage?: string): Settings {
  return {
    concurrency: file.settings.concurrency ?? DEFAULT_SETTINGS.concurrency,
    timeoutSeconds: file.settings.timeoutSeconds ?? DEFAULT_SETTINGS.timeoutSeconds,
    maxBytes: file.settings.maxBytes ?? DEFAULT_SETTINGS.maxBytes,
    userAgent: file.settings.userAgent ?? `pile/${version}${homepage ? ` (+${homepage})` : ""}`,
  };
}

/** What fetching a source needs, from the settings; `root` resolves `file:` sources. */
export function fetchOptionsOf(settings: Settings, root: string): FetchOptions {
  return {
    timeoutMs: settings.timeoutSeconds * 1000,
    maxBytes: settings.maxBytes,
    userAgent: settings.userAgent,
    // Backoff before the single retry: a quarter of the timeout, at most one second.
    retryDelayMs: Math.min(1000, settings.timeoutSeconds * 250),
    root,
  };
}
