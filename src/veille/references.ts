import { escapeMarkdown, markdownUrl } from "./digest-render.js";
import type { Item } from "./normalise.js";
import { frenchDayOf } from "./week.js";

/**
 * The references file of a study (`references.md` in its folder), where
 * `pile veille keep` files the watch items worth keeping, so that what the
 * watch brought reaches the dossier. Pure. Feed text is escaped as in the
 * digest (a title cannot inject a link or HTML); the note is the user's own
 * Markdown and is kept as written, on one line.
 */

export const REFERENCES_FILE = "references.md";

export function referencesHeader(studyTitle: string): string {
  return [
    `# Références — ${studyTitle}`,
    "",
    "Articles, textes et appels à projets retenus pour cette étude, la plupart depuis la veille",
    "(« pile veille keep »). Complétez les notes, ajoutez vos propres références à la main.",
    "",
  ].join("\n");
}

/** A marker per item, so that keeping an item twice is noticed even without a link. */
function marker(item: Pick<Item, "id">): string {
  // "--" cannot appear inside an HTML comment.
  return `<!-- veille: ${item.id.replace(/-{2,}/g, (dashes) => dashes.split("").join(" "))} -->`;
}

export function alreadyKept(text: string, item: Pick<Item, "id">): boolean {
  return text.includes(marker(item));
}

export function referenceEntry(
  item: Item,
  details: { sources: readonly string[]; keptOn: Date; note?: string | undefined },
): string {
  const url = markdownUrl(item.link);
  const title = escapeMarkdown(item.title);
  const date = frenchDayOf(new Date(item.published));
  const lines = [
    `- ${url ? `[${title}](${url})` : title} ${marker(item)}`,
    `  ${escapeMarkdown(details.sources.join(", "))} · ${date}${item.dated ? "" : " (date de collecte)"} · retenu le ${frenchDayOf(details.keptOn)}`,
  ];
  if (item.summary) lines.push(`  Résumé : ${escapeMarkdown(item.summary)}`);
  const note = details.note?.replace(/\s+/g, " ").trim();
  if (note) lines.push(`  Note : ${note}`);
  // One list item, one line per detail: a backslash at the end of a line is a hard break.
  return `${lines.join("\\\n")}\n`;
}

/** The file's new text: the entry appended (after a blank line), the header first if the file is new. */
export function appendReference(
  current: string | undefined,
  studyTitle: string,
  entry: string,
): string {
  const base = current ?? referencesHeader(studyTitle);
  const trimmed = base.replace(/\n*$/, "\n");
  return `${trimmed}\n${entry}`;
}
