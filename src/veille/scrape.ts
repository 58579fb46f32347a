import { type CheerioAPI, load } from "cheerio/slim";
import { collapse, documentBase } from "./discover.js";
import { absoluteUrl } from "./links.js";
import { FeedError, type RawFeed, type RawItem } from "./parse.js";

/**
 * Items of a web page without a feed, found with CSS selectors (a source of
 * `kind: html` in feeds.yaml). Pure: the page is already fetched and decoded.
 *
 * `select.item` selects each entry in the page; the other selectors are
 * evaluated inside each entry, and the first match counts (or the entry
 * itself, when nothing inside matches and the entry does: an entry that is an
 * `<a class="carte">` is its own link). From the match:
 *   - title: its text (without scripts and styles; blocks and <br> part
 *     words; whitespace collapsed), else its aria-label or title attribute;
 *   - link: its href, else the first link inside it, else the link around it
 *     (up to the entry), made absolute against the page's <base href>, else
 *     the page's address (else, for a page read from a file, its canonical
 *     link; with none of these a relative link is left for normalise);
 *     links to a fragment of the page and non-web links are dropped;
 *   - date: its datetime attribute, that of a <time datetime> inside it, a
 *     <meta content>, then its text, then the dates written in that text
 *     ("Actualité · 12 novembre 2026"): candidates, best first, for
 *     parseFeedDate to read in normalise.ts;
 *   - summary: its text.
 * Entries with neither title nor link are dropped. The raw items go to
 * normaliseItems like a feed's.
 */

export interface PageSelectors {
  item: string;
  title: string;
  link: string;
  date?: string | undefined;
  summary?: string | undefined;
}

/**
 * At most this many entries are read, in document order. A news page lists
 * dozens; a page listing thousands (a whole archive, or an item selector as
 * broad as "div") would flood the store and the digest, and every entry
 * costs up to four queries in its subtree, which for nested matches grows
 * with the square of the page.
 */
export const MAX_SCRAPED_ITEMS = 500;

/** Longest text taken from one match: a summary is shortened to 300 characters anyway. */
const MAX_TEXT = 10_000;

const COUNT = new Intl.NumberFormat("fr-FR");

export function scrapePage(
  html: string,
  pageUrl: string | undefined,
  select: PageSelectors,
): RawFeed {
  const $ = load(html);
  checkSelectors($, select);
  const entries = $.root().find(select.item);
  if (entries.length === 0) {
    throw new FeedError(
      `sélecteurs sans résultat : « ${select.item} » ne trouve aucun élément dans la page`,
    );
  }
  const base = documentBase($, pageUrl);
  const items: RawItem[] = [];
  for (const element of entries.slice(0, MAX_SCRAPED_ITEMS).toArray()) {
    const item = readEntry($(element), select, base);
    if (item) items.push(item);
  }
  if (items.length === 0) {
    const found = entries.length === 1 ? "1 élément" : `${COUNT.format(entries.length)} éléments`;
    throw new FeedError(
      `sélecteurs sans résultat : « ${select.item} » trouve ${found}, mais aucun n'a de titre ` +
        `(« ${select.title} ») ni de lien (« ${select.link} »)`,
    );
  }
  const title = collapse(textOf($("title").first()));
  const pageHref = absoluteUrl(pageUrl, undefined);
  const baseHref = absoluteUrl($("base[href]").first().attr("href"), base);
  return {
    format: "html",
    ...(title ? { title } : {}),
    ...(pageHref ? { link: pageHref } : base ? { link: base } : {}),
    ...(baseHref ? { base: baseHref } : {}),
    items,
  };
}

const FIELDS = ["item", "title", "link", "date", "summary"] as const;

/**
 * Every selector is compiled before the page is read, so that a mistake is
 * reported as such (not as "no result"), even for an entry field when the
 * page has no entry. Matching against no element compiles without searching.
 */
function checkSelectors($: CheerioAPI, select: PageSelectors): void {
  for (const field of FIELDS) {
    const selector = select[field];
    if (selector === undefined) continue;
    if (selector.trim() === "") {
      throw new FeedError(`sélecteur CSS invalide : select.${field} est vide`);
    }
    try {
      $([]).find(selector);
    } catch {
      throw new FeedError(`sélecteur CSS invalide : « ${selector} » (select.${field})`);
    }
  }
}

type Selection = ReturnType<ReturnType<CheerioAPI["root"]>["find"]>;

function readEntry(
  entry: Selection,
  select: PageSelectors,
  base: string | undefined,
): RawItem | undefined {
  const titleMatch = pick(entry, select.title);
  const title = titleMatch
    ? collapse(textOf(titleMatch)) ||
      collapse(titleMatch.attr("aria-label") ?? titleMatch.attr("title") ?? "")
    : "";
  const linkMatch = pick(entry, select.link);
  const link = linkMatch ? resolveHref(hrefOf(linkMatch, entry), base) : undefined;
  if (!title && !link) return undefined;
  const dateMatch = select.date === undefined ? undefined : pick(entry, select.date);
  const summaryMatch = select.summary === undefined ? undefined : pick(entry, select.summary);
  const summary = summaryMatch ? collapse(textOf(summaryMatch)) : "";
  return {
    ...(link ? { link } : {}),
    ...(title ? { title } : {}),
    ...(summary ? { summary } : {}),
    dates: dateMatch ? datesOf(dateMatch) : [],
  };
}

/** The first match inside the entry, else the entry itself if it matches. */
function pick(entry: Selection, selector: string): Selection | undefined {
  const inside = entry.find(selector).first();
  if (inside.length > 0) return inside;
  return entry.is(selector) ? entry : undefined;
}

/**
 * The match's href, else that of the first link inside it, else that of the
 * link around it, no further out than the entry. A link to a fragment of the
 * page ("#", "#top", the href of a card made clickable by a script) is no
 * link: every entry would get the page's own address, and normalise would
 * merge them all into one item.
 */
function hrefOf(match: Selection, entry: Selection): string | undefined {
  const candidates = [match.attr("href"), match.find("a[href], area[href]").first().attr("href")];
  const stop = entry.get(0);
  let node = match;
  while (node.get(0) !== stop) {
    node = node.parent();
    if (node.length === 0) break;
    if (node.is("a[href]")) {
      candidates.push(node.attr("href"));
      break;
    }
  }
  return candidates.find((href) => {
    const trimmed = href?.trim();
    return trimmed !== undefined && trimmed !== "" && !trimmed.startsWith("#");
  });
}

/** "https:", "mailto:", "javascript:": an href that names its scheme is not relative. */
const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/**
 * `href` made absolute against `base`, restricted to http(s) (javascript:,
 * data:, mailto: links are dropped). Without a base, a relative href cannot
 * be resolved here and is returned as written: a later stage that knows
 * more (normalise.ts, with the document's URL) may still resolve it.
 */
function resolveHref(href: string | undefined, base: string | undefined): string | undefined {
  const trimmed = href?.trim();
  if (!trimmed) return undefined;
  const absolute = absoluteUrl(trimmed, base);
  if (absolute) return absolute;
  return base === undefined && !SCHEME.test(trimmed) ? trimmed : undefined;
}

/** Dates in a text that says more: "Actualité · 12 novembre 2026", "Événement | 1er mars 2025". */
const WRITTEN_DATE =
  /\d{1,2}(?:er|ᵉʳ)?\s+\p{L}{3,}\.?\s+\d{4}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?/gu;

/** At most this many dates are taken from one text (a long text holds other numbers). */
const MAX_WRITTEN_DATES = 3;

function datesOf(match: Selection): string[] {
  const text = collapse(textOf(match));
  const written = [...text.matchAll(WRITTEN_DATE)]
    .slice(0, MAX_WRITTEN_DATES)
    .map((found) => found[0]);
  const candidates = [
    match.attr("datetime"),
    match.find("time[datetime]").first().attr("datetime"),
    match.is("meta") ? match.attr("content") : undefined,
    text,
    ...written,
  ].flatMap((date) => date?.trim() || []);
  return [...new Set(candidates)];
}

// --------------------------------------------------------------------- text

/** The parts of a DOM node the text walk reads (domhandler's, structurally). */
interface DomNode {
  type: string;
  name?: string;
  data?: string;
  children?: DomNode[];
}

/** Elements whose content is code or hidden, not text. */
const HIDDEN = new Set(["script", "style", "template", "noscript"]);

/** Elements that start a new block: the words on either side must not stick together. */
const BLOCKS = new Set(
  (
    "address article aside blockquote br dd details div dl dt figcaption figure footer h1 h2 h3 " +
    "h4 h5 h6 header hr li main nav ol p pre section summary table td th tr ul"
  ).split(" "),
);

/**
 * The text of the first node of a selection, as a reader sees it. Walked
 * with a stack, not recursion: a page nested thousands of levels deep must
 * not overflow the call stack. Stops after MAX_TEXT characters.
 */
function textOf(selection: { get(index: number): DomNode | undefined }): string {
  const root = selection.get(0);
  if (!root) return "";
  const parts: string[] = [];
  let length = 0;
  const stack: (DomNode | string)[] = [root];
  while (stack.length > 0 && length < MAX_TEXT) {
    const node = stack.pop();
    if (node === undefined) break;
    if (typeof node === "string") {
      parts.push(node);
      continue;
    }
    if (node.type === "text") {
      const data = node.data ?? "";
      parts.push(data);
      length += data.length;
      continue;
    }
    // Comments, <!DOCTYPE>, processing instructions; scripts and the like.
    if (node.type === "comment" || node.type === "directive" || HIDDEN.has(node.name ?? "")) {
      continue;
    }
    if (BLOCKS.has(node.name ?? "")) {
      parts.push(" ");
      stack.push(" ");
    }
    const children = node.children ?? [];
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i];
      if (child) stack.push(child);
    }
  }
  return parts.join("").slice(0, MAX_TEXT);
}
