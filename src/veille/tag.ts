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

/** A folded term and the topic it belongs to, as a keyword or as an exclusion. */
interface Term {
  text: string;
  topic: number;
  exclude: boolean;
}

const WORD = /[\p{L}\p{N}]+/gu;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/**
 * Compiled once, then run on every item (a hot path: thousands of items per
 * pull). Terms are indexed by their first word; the item's folded text is
 * walked word by word, and only the terms starting with that word are
 * compared, in place. Same result as one whole-word regular expression per
 * topic, several times faster with many keywords. The rare term that does
 * not start with a letter or digit is matched with such an expression.
 */
export function compileTopics(topics: readonly TopicRule[]): (text: string) => string[] {
  const byFirstWord = new Map<string, Term[]>();
  const others: { pattern: RegExp; topic: number; exclude: boolean }[] = [];
  const add = (terms: readonly string[], topic: number, exclude: boolean) => {
    for (const text of new Set(terms.map((term) => foldText(term).trim()))) {
      if (text === "") continue;
      const first = /^[\p{L}\p{N}]+/u.exec(text)?.[0];
      if (first === undefined) {
        const pattern = wholeWords(text);
        others.push({ pattern, topic, exclude });
        continue;
      }
      const list = byFirstWord.get(first) ?? [];
      list.push({ text, topic, exclude });
      byFirstWord.set(first, list);
    }
  };
  topics.forEach((topic, index) => {
    add(topic.keywords, index, false);
    add(topic.exclude ?? [], index, true);
  });
  return (text) => {
    const folded = foldText(text);
    const matched = new Set<number>();
    const excluded = new Set<number>();
    const found = (term: { topic: number; exclude: boolean }) =>
      (term.exclude ? excluded : matched).add(term.topic);
    for (const word of folded.matchAll(WORD)) {
      const candidates = byFirstWord.get(word[0]);
      if (!candidates) continue;
      for (const term of candidates) {
        const end = word.index + term.text.length;
        if (
          folded.startsWith(term.text, word.index) &&
          !LETTER_OR_DIGIT.test(String.fromCodePoint(folded.codePointAt(end) ?? 32))
        ) {
          found(term);
        }
      }
    }
    for (const term of others) if (term.pattern.test(folded)) found(term);
    return topics
      .map((topic, index) => (matched.has(index) && !excluded.has(index) ? topic.id : undefined))
      .filter((id): id is string => id !== undefined);
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

/** One folded term as whole words: neither preceded nor followed by a letter or a digit. */
function wholeWords(term: string): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(term)}(?![\\p{L}\\p{N}])`, "u");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
