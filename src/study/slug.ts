import { asciiFold, asciiWords, joinWords } from "../ascii-words.js";

/**
 * French-aware ASCII slugs. The result only ever holds [a-z0-9-], so a slug can
 * never name a path outside the folder it is joined to.
 */

export const MAX_TITLE_SLUG = 50;

export function slugify(text: string, maxLength = MAX_TITLE_SLUG): string {
  return joinWords(asciiWords(asciiFold(text)), maxLength);
}

/** `2026-11-recyclerie-textile-18e`: year and month, title, territory. */
export function studySlug(input: { title: string; date: string; territory: string }): string {
  const title = slugify(input.title);
  const month = input.date.slice(0, 7);
  return `${month}-${title}-${slugify(input.territory, 20)}`;
}
