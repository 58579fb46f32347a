/**
 * Topics of the watch (feeds.yaml `topics`): an item gets a topic's id when
 * one of its keywords occurs in the item's text and none of its `exclude`
 * terms does. Pure.
 *
 * Matching is on whole words, ignoring case and accents ("ECO-ORGANISME"
 * matches "éco-organisme"); œ/æ match oe/ae, ’ matches ', and a hyphen
 * matches a space ("éco organisme"), but a keyword never matches inside a
 * longer word: "DEA" does not match "idea", and "éco-organisme" does not
 * match "éco-organismes" either. List both forms when the plural matters;
 * whole words are what keeps a short acronym like REP from matching
 * "Reprise" (DOMAIN.md §5).
 */

export interface TopicRule {
  id: string;
  keywords: string[];
  exclude?: string[];
}

interface CompiledTopic {
  id: string;
  keywords: RegExp | undefined;
  exclude: RegExp | undefined;
}

/**
 * Compiled once, then run on every item: each topic becomes one regular
 * expression for its keywords and one for its exclusions, matched against
 * the item's text folded once.
 */
export function compileTopics(topics: readonly TopicRule[]): (text: string) => string[] {
  const compiled: CompiledTopic[] = topics.map((topic) => ({
    id: topic.id,
    keywords: wholeWords(topic.keywords),
    exclude: wholeWords(topic.exclude ?? []),
  }));
  return (text) => {
    const folded = foldText(text);
    return compiled
      .filter((topic) => topic.keywords?.test(folded) && !topic.exclude?.test(folded))
      .map((topic) => topic.id);
  };
}

/**
 * Text and keywords alike go through this, so that they compare equal when a
 * reader would say they are the same words (also used by `veille list --search`).
 */
export function foldText(text: string): string {
  return (
    text
      .toLowerCase()
      // Accents are combining marks once decomposed; NFKD also undoes ligatures such as "ﬁ".
      .normalize("NFKD")
      .replace(/\p{M}/gu, "")
      // Invisible format characters (soft hyphen, zero-width space) would split a word.
      .replace(/\p{Cf}/gu, "")
      .replace(/œ/g, "oe")
      .replace(/æ/g, "ae")
      .replace(/[’‘ʼ`´]/g, "'")
      // Hyphens (ASCII, Unicode, non-breaking) are spaces; any run of spaces is one.
      .replace(/[-‐‑]/g, " ")
      .replace(/\s+/g, " ")
  );
}

/**
 * One expression matching any of the terms as whole words: neither preceded
 * nor followed by a letter or a digit. Terms that fold to nothing (a lone
 * "-") are dropped; no term at all gives undefined, which matches nothing.
 */
function wholeWords(terms: readonly string[]): RegExp | undefined {
  const folded = [...new Set(terms.map((term) => foldText(term).trim()))].filter(
    (term) => term !== "",
  );
  if (folded.length === 0) return undefined;
  const alternatives = folded.map(escapeRegExp).join("|");
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives})(?![\\p{L}\\p{N}])`, "u");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
