import type { Item } from "../../src/veille/normalise.js";
import { weekPeriod } from "../../src/veille/week.js";

/** Shared by the digest tests: 2026-W48 is Monday 23 to Sunday 29 November 2026 (Paris). */
export const W48 = weekPeriod({ year: 2026, week: 48 });
export const NOW = new Date("2026-11-27T12:00:00Z");

/** A store item of that week, with whatever fields a test sets. */
export function item(fields: Partial<Item> & { id: string }): Item {
  const published = fields.published ?? "2026-11-24T10:00:00.000Z";
  return {
    title: `Titre ${fields.id}`,
    link: `https://example.org/${fields.id}`,
    dated: true,
    firstSeen: published,
    summary: "",
    sources: ["refashion"],
    tags: [],
    ...fields,
    published,
  };
}
