import { parisDate } from "../paris-time.js";
import { SILENT_AFTER_DAYS } from "./health.js";
import { type Item, newestFirst } from "./normalise.js";
import type { SourcesState } from "./store.js";
import { foldText } from "./tag.js";
import { shorten } from "./text.js";
import { frenchDayOf, type IsoWeek, type Period } from "./week.js";

/**
 * The weekly digest of the watch, as a plain model that the templates render
 * (digest-render.ts). Pure: the items, the sources' state, the studies and
 * `now` are passed in; the same input gives the same model, whatever the order
 * of the items.
 *
 * Which items belong to a period: see `arrivalTime`. Where an item is shown:
 * under its first topic in the order of feeds.yaml, once (see `buildDigest`).
 */

// ------------------------------------------------------------------- input

export interface DigestTopic {
  id: string;
  label: string;
}

export interface DigestSource {
  id: string;
  title: string;
  enabled?: boolean | undefined;
}

/** What a study follows in the watch (`veille:` in its study.yaml). */
export interface StudyInterest {
  /** Topic ids of feeds.yaml. */
  topics?: readonly string[] | undefined;
  /** Words or phrases searched in titles and summaries. */
  keywords?: readonly string[] | undefined;
}

export interface DigestStudy {
  id: string;
  title: string;
  /** The study's stage; the command passes only studies in progress. Not shown. */
  stage?: string | undefined;
  veille?: StudyInterest | undefined;
}

export type DigestPeriod = Pick<Period, "start" | "end" | "name" | "label"> & {
  week?: IsoWeek | null | undefined;
};

export interface DigestInput {
  /** Items from the store, in any order, possibly outside the period. */
  items: readonly Item[];
  period: DigestPeriod;
  /** feeds.yaml's topics, in the file's order. */
  topics: readonly DigestTopic[];
  /** feeds.yaml's sources, in the file's order. */
  sources: readonly DigestSource[];
  state: SourcesState;
  studies: readonly DigestStudy[];
  now: Date;
  /** A source that brought nothing new for longer than this is « silencieuse » (default 30). */
  silentAfterDays?: number | undefined;
}

// ------------------------------------------------------------------- model

export interface DigestItem {
  id: string;
  title: string;
  /** An http(s) address, or null. */
  link: string | null;
  /** Source titles, in the order they brought the item. */
  sources: string[];
  /** « lundi 23 novembre 2026 », the day of `published` in Paris. */
  date: string;
  /** False when the feed gave no date: `date` is then the day pile first saw the item. */
  dated: boolean;
  /** ISO 8601 UTC, as stored. */
  published: string;
  /** Labels of all the item's topics, in feeds.yaml order. */
  topics: string[];
  /** Labels of its topics other than the section's (all of them outside topic sections). */
  otherTopics: string[];
  /** One or two lines (about 200 characters, cut at a word), or "". */
  summary: string;
}

export interface DigestSection {
  /** The topic id; null for « Autres ». */
  id: string | null;
  label: string;
  count: number;
  items: DigestItem[];
}

export interface DigestStudyMatches {
  id: string;
  title: string;
  count: number;
  items: (DigestItem & {
    /** Why it matched: labels of the study's topics and keywords (as written) found in the item. */
    because: string[];
  })[];
}

export interface DigestSourceError {
  id: string;
  title: string;
  reason: string;
  failures: number;
  /** French day of the last failure, or null. */
  lastError: string | null;
  /** French day of the last success, or null if the source never answered. */
  lastSuccess: string | null;
}

export interface DigestSilentSource {
  id: string;
  title: string;
  /** Whole days since it last brought something new; null if it never did. */
  days: number | null;
  /** French day it last brought something new, or null if it never did. */
  lastNewItem: string | null;
}

export interface DigestModel {
  /** « Veille de LA PILE — semaine 48 de 2026 ». */
  title: string;
  period: {
    name: string;
    label: string;
    isWeek: boolean;
    /** ISO 8601 UTC: [start, end). */
    start: string;
    end: string;
  };
  empty: boolean;
  counts: {
    items: number;
    /** Sources that brought at least one item of the period. */
    sources: number;
    sourcesInError: number;
    sourcesSilent: number;
  };
  /** One per topic with items, in feeds.yaml order, then « Autres ». */
  sections: DigestSection[];
  studies: {
    /** Studies in progress with at least one matching item, by id. */
    matched: DigestStudyMatches[];
    /** Titles of the studies that follow topics or keywords but have no item this period. */
    quiet: string[];
    /** Titles of the studies that follow nothing (no `veille` in their study.yaml). */
    undeclared: string[];
    /** Number of studies in progress handed to the digest. */
    total: number;
  };
  sources: {
    silentAfterDays: number;
    errors: DigestSourceError[];
    silent: DigestSilentSource[];
  };
}

export const DIGEST_TITLE = "Veille de LA PILE";
export const OTHERS_LABEL = "Autres";
export const DEFAULT_SILENT_AFTER_DAYS = SILENT_AFTER_DAYS;
/** Summaries in the digest: one or two lines. */
export const DIGEST_SUMMARY_LENGTH = 200;

const DAY_MS = 86_400_000;

// --------------------------------------------------------- which items

/**
 * An item older than this when pile first saw it is backlog, not news: see
 * `arrivalTime`. Two weeks, so that a week without a pull loses nothing.
 */
export const BACKLOG_DAYS = 14;

/**
 * The instant that places an item in a period. A weekly digest tells what
 * came in during the week, so the rule is `firstSeen`: with regular pulls,
 * every item appears in exactly one weekly digest, including the one
 * published on Sunday evening and collected on Monday morning (by
 * `published`, it would belong to a week whose digest was already written).
 * But a new source brings its whole backlog at its first pull, months of
 * entries first seen that day: an item published more than BACKLOG_DAYS
 * before it was first seen is placed by `published` instead, in the past
 * week it belongs to, so that it does not flood the current digest. An
 * undated item has `published` = `firstSeen`, so both rules agree on it.
 * A store line without a readable `firstSeen` is placed by `published`.
 */
export function arrivalTime(item: Pick<Item, "published" | "firstSeen">): number {
  const published = Date.parse(item.published);
  const seen = Date.parse(item.firstSeen);
  if (Number.isNaN(seen)) return published;
  if (Number.isNaN(published)) return seen;
  return published < seen - BACKLOG_DAYS * DAY_MS ? published : seen;
}

/**
 * The first month file (`YYYY-MM`) that can hold items arriving from `start`
 * on: a backlog item is placed by its date, up to BACKLOG_DAYS earlier. Every
 * later file may hold some too (an item dated ahead, an event announced
 * early), so readers take this month and all after it.
 */
export function firstStoreMonth(start: Date): string {
  return parisDate(new Date(start.getTime() - (BACKLOG_DAYS + 1) * DAY_MS)).slice(0, 7);
}

export function inPeriod(
  item: Pick<Item, "published" | "firstSeen">,
  period: Pick<Period, "start" | "end">,
): boolean {
  const time = arrivalTime(item);
  return time >= period.start.getTime() && time < period.end.getTime();
}

/**
 * inPeriod for a whole store: the arrival time is `published` or
 * `firstSeen`, so an item whose two dates both fall outside the period (most
 * of a store) is set aside by comparing strings, without parsing a date.
 * Only for dates as the store writes them ("2026-11-24T10:00:00.000Z"),
 * which sort as their instants do; anything else is parsed.
 */
function periodFilter(period: Pick<Period, "start" | "end">): (item: Item) => boolean {
  const start = period.start.toISOString();
  const end = period.end.toISOString();
  const outside = (iso: unknown): boolean =>
    typeof iso === "string" &&
    iso.length === 24 &&
    iso.charCodeAt(23) === 90 && // Z
    iso.charCodeAt(10) === 84 && // T
    (iso < start || iso >= end);
  return (item) => !(outside(item.published) && outside(item.firstSeen)) && inPeriod(item, period);
}

// ------------------------------------------------------ study interests

interface CompiledInterest {
  topics: ReadonlySet<string>;
  keywords: CompiledKeyword[];
}

interface CompiledKeyword {
  /** As the study wrote it. */
  keyword: string;
  /** The first folded word: every match starts with it (a plural only adds a letter). */
  stem: string;
  /** The whole keyword and the end of a word, sticky: tried only where the stem starts a word. */
  rest: RegExp;
}

/** Compiled once per interest object (a study's `veille`, read from its file and not changed after). */
const compiledInterests = new WeakMap<StudyInterest, CompiledInterest>();

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * A keyword as a pattern on folded text (see foldText: no case, no accents,
 * hyphens as spaces): whole words only, each word also in the plural with a
 * final s or x. A chargé·e de projet writes « textile » and expects
 * « Textiles », « réseau » and « réseaux », but « vélo » must not find
 * « vélodrome », nor « DEA » « idea ». (feeds.yaml topics are stricter, and
 * list both forms, because their keywords tag every item of the store.)
 */
function compileKeyword(keyword: string): CompiledKeyword | undefined {
  const words = foldText(keyword).trim().split(" ");
  const stem = words[0] ?? "";
  if (stem === "") return undefined;
  const source = words.map((word) => `${escapeRegExp(word)}(?:s|x)?`).join(" ");
  return { keyword, stem, rest: new RegExp(`${source}(?![\\p{L}\\p{N}])`, "uy") };
}

function compileInterest(interest: StudyInterest): CompiledInterest {
  const cached = compiledInterests.get(interest);
  if (cached) return cached;
  const keywords: CompiledKeyword[] = [];
  for (const keyword of interest.keywords ?? []) {
    const compiled = compileKeyword(keyword);
    if (compiled) keywords.push(compiled);
  }
  const compiled: CompiledInterest = { topics: new Set(interest.topics ?? []), keywords };
  compiledInterests.set(interest, compiled);
  return compiled;
}

const ENDS_WITH_LETTER_OR_DIGIT = /[\p{L}\p{N}]$/u;

/**
 * Whether a keyword occurs in folded text as whole words. The stem is found
 * with indexOf, then the keyword is tried there only: a pattern opening with
 * a look-behind ("not after a letter") would be tried at every position of
 * every text, several times slower on a digest's thousand items.
 */
function keywordFound(keyword: CompiledKeyword, folded: string): boolean {
  for (
    let at = folded.indexOf(keyword.stem);
    at !== -1;
    at = folded.indexOf(keyword.stem, at + 1)
  ) {
    // Two code units: the character before may be outside the BMP.
    if (at > 0 && ENDS_WITH_LETTER_OR_DIGIT.test(folded.slice(Math.max(0, at - 2), at))) continue;
    keyword.rest.lastIndex = at;
    if (keyword.rest.test(folded)) return true;
  }
  return false;
}

function itemText(item: Pick<Item, "title" | "summary">): string {
  return foldText(`${item.title}\n${item.summary}`);
}

function matchesCompiled(
  compiled: CompiledInterest,
  item: Pick<Item, "tags">,
  folded: () => string,
): boolean {
  if (item.tags.some((tag) => compiled.topics.has(tag))) return true;
  return compiled.keywords.some((keyword) => keywordFound(keyword, folded()));
}

/**
 * Whether an item concerns a study: it has one of the study's topics, or one
 * of its keywords occurs in its title or summary (whole words, any case and
 * accents, singular or plural). Also used by `pile study show`.
 */
export function matchStudy(
  item: Pick<Item, "title" | "summary" | "tags">,
  interest: StudyInterest,
): boolean {
  return matchesCompiled(compileInterest(interest), item, () => itemText(item));
}

function hasInterest(interest: StudyInterest | undefined): interest is StudyInterest {
  if (!interest) return false;
  const keywords = (interest.keywords ?? []).some((keyword) => compileKeyword(keyword));
  return keywords || (interest.topics ?? []).length > 0;
}

// ------------------------------------------------------------- building

/** Only http and https links are shown; anything else (javascript:, data:, file:) is dropped. */
export function safeLink(link: string | undefined): string | null {
  if (!link) return null;
  try {
    const url = new URL(link);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

function frenchDayOfText(iso: string | undefined): string | null {
  if (!iso) return null;
  const time = Date.parse(iso);
  return Number.isNaN(time) ? null : frenchDayOf(new Date(time));
}

const compareText = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);

/**
 * The digest of a period. Each item appears once among the topic sections,
 * under the first of its topics in feeds.yaml order (the REP filières come
 * first there), its other topics shown beside it: under each of its topics,
 * an item tagged with three filières would be read three times. Tags that
 * are not topic ids (a source's `officiel`) do not count: an item with no
 * topic goes to « Autres ». Items are newest first, then by id.
 */
export function buildDigest(input: DigestInput): DigestModel {
  const { period, now } = input;
  const silentAfterDays = input.silentAfterDays ?? DEFAULT_SILENT_AFTER_DAYS;
  const topicRank = new Map(input.topics.map((topic, index) => [topic.id, index]));
  const topicLabel = new Map(input.topics.map((topic) => [topic.id, topic.label]));
  const sourceTitle = new Map(input.sources.map((source) => [source.id, source.title]));

  // Two items with the same id (a hand-edited store) are shown once: the first in the sort order.
  const chosen = new Map<string, Item>();
  const belongs = periodFilter(period);
  for (const item of input.items) {
    if (!belongs(item)) continue;
    const held = chosen.get(item.id);
    if (!held || compareItems(item, held) < 0) chosen.set(item.id, item);
  }
  const items = [...chosen.values()].sort(newestFirst);

  const topicIds = (item: Item): string[] =>
    [...new Set(item.tags.filter((tag) => topicRank.has(tag)))].sort(
      (a, b) => (topicRank.get(a) ?? 0) - (topicRank.get(b) ?? 0),
    );
  const labels = (ids: readonly string[]) => ids.map((id) => topicLabel.get(id) ?? id);

  const base = (item: Item, topics: readonly string[]): DigestItem => ({
    id: item.id,
    title: item.title,
    link: safeLink(item.link),
    sources: item.sources.map((id) => sourceTitle.get(id) ?? id),
    date: frenchDayOfText(item.published) ?? "",
    dated: item.dated !== false,
    published: item.published,
    topics: labels(topics),
    otherTopics: labels(topics),
    summary: shorten(item.summary ?? "", DIGEST_SUMMARY_LENGTH),
  });

  const byTopic = new Map<string | null, DigestItem[]>();
  const views = new Map<string, DigestItem>();
  for (const item of items) {
    const topics = topicIds(item);
    const view = base(item, topics);
    views.set(item.id, view);
    const first = topics[0] ?? null;
    const entry: DigestItem = { ...view, otherTopics: labels(topics.slice(1)) };
    const list = byTopic.get(first);
    if (list) list.push(entry);
    else byTopic.set(first, [entry]);
  }
  const sections: DigestSection[] = [];
  for (const topic of input.topics) {
    const list = byTopic.get(topic.id);
    if (list) sections.push({ id: topic.id, label: topic.label, count: list.length, items: list });
  }
  const others = byTopic.get(null);
  if (others) sections.push({ id: null, label: OTHERS_LABEL, count: others.length, items: others });

  // « Pour vos études »: each item's text is folded once, when a keyword first needs it.
  const foldedTexts = items.map((item) => {
    let text: string | undefined;
    return () => {
      text ??= itemText(item);
      return text;
    };
  });
  const studies = [...input.studies].sort((a, b) => compareText(a.id, b.id));
  const matched: DigestStudyMatches[] = [];
  const quiet: string[] = [];
  const undeclared: string[] = [];
  for (const study of studies) {
    if (!hasInterest(study.veille)) {
      undeclared.push(study.title);
      continue;
    }
    const interest = study.veille;
    const compiled = compileInterest(interest);
    const found: DigestStudyMatches["items"] = [];
    const topics = [...compiled.topics];
    for (let index = 0; index < items.length; index++) {
      const item = items[index] as Item;
      const text = foldedTexts[index] as () => string;
      // What matched is also whether it matched: the study's topics the item has, its keywords found.
      const because = labels(topics.filter((topic) => item.tags.includes(topic)));
      for (const keyword of compiled.keywords)
        if (keywordFound(keyword, text())) because.push(keyword.keyword);
      if (because.length === 0) continue;
      const view = views.get(item.id) as DigestItem;
      found.push({ ...view, because: [...new Set(because)] });
    }
    if (found.length === 0) quiet.push(study.title);
    else matched.push({ id: study.id, title: study.title, count: found.length, items: found });
  }

  // Sources: in error, or silent. Judged at the end of the period when it is
  // over, so that regenerating a past week's digest gives the same bytes.
  const asOf = Math.min(now.getTime(), period.end.getTime());
  const errors: DigestSourceError[] = [];
  const silent: DigestSilentSource[] = [];
  for (const source of input.sources) {
    if (source.enabled === false) continue;
    const state = Object.hasOwn(input.state, source.id) ? input.state[source.id] : undefined;
    if (!state) continue;
    if ((state.consecutiveFailures ?? 0) > 0) {
      errors.push({
        id: source.id,
        title: source.title,
        reason: state.lastErrorReason?.trim() || "raison inconnue",
        failures: state.consecutiveFailures,
        lastError: frenchDayOfText(state.lastError),
        lastSuccess: frenchDayOfText(state.lastSuccess),
      });
      continue;
    }
    const lastNew = state.lastNewItem ? Date.parse(state.lastNewItem) : Number.NaN;
    if (!Number.isNaN(lastNew)) {
      if (asOf - lastNew > silentAfterDays * DAY_MS) {
        silent.push({
          id: source.id,
          title: source.title,
          days: Math.floor((asOf - lastNew) / DAY_MS),
          lastNewItem: frenchDayOfText(state.lastNewItem),
        });
      }
    } else if (state.lastSuccess) {
      silent.push({ id: source.id, title: source.title, days: null, lastNewItem: null });
    }
  }

  const contributing = new Set(items.flatMap((item) => item.sources));
  return {
    title: `${DIGEST_TITLE} — ${period.name}`,
    period: {
      name: period.name,
      label: period.label,
      isWeek: Boolean(period.week),
      start: period.start.toISOString(),
      end: period.end.toISOString(),
    },
    empty: items.length === 0,
    counts: {
      items: items.length,
      sources: contributing.size,
      sourcesInError: errors.length,
      sourcesSilent: silent.length,
    },
    sections,
    studies: { matched, quiet, undeclared, total: studies.length },
    sources: { silentAfterDays, errors, silent },
  };
}

/** Total order of two items sharing an id: newest first, then by the rest of their content. */
function compareItems(a: Item, b: Item): number {
  return (
    newestFirst(a, b) ||
    compareText(a.firstSeen, b.firstSeen) ||
    compareText(JSON.stringify(a), JSON.stringify(b))
  );
}
