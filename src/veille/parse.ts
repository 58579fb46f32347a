import Parser from "rss-parser";
import { namedEntity } from "./text.js";
import { declarationEnd } from "./xml-scan.js";

/**
 * Feed documents to raw items. RSS 0.9x, 1.0 (RDF), 2.0 and Atom go through
 * rss-parser's parseString (kept behind this module so that it can be
 * swapped); JSON Feed 1.x is read here. Liberal like a good reader: undefined
 * HTML entities and bare ampersands are repaired and the parse retried, an
 * <rss> without version is read as RSS 2.0. Nothing a document asks for is
 * ever fetched or expanded: the XML parser (sax, through xml2js) does not read
 * DTDs, so external entities and entity-expansion bombs stay plain text.
 */

export interface RawItem {
  guid?: string;
  link?: string;
  title?: string;
  /** HTML or text: description, summary or content. */
  summary?: string;
  /** Date candidates, best first: pubDate, dc:date, published, updated. */
  dates: string[];
  /** xml:base of the entry, when the document gives one. */
  base?: string;
}

export interface RawFeed {
  /** "html": items scraped from a page without a feed (scrape.ts). */
  format: "rss" | "atom" | "json" | "html";
  title?: string;
  link?: string;
  /** xml:base of the document. */
  base?: string;
  items: RawItem[];
}

/** Why a document could not be read, in French, for the pull summary. */
export class FeedError extends Error {
  constructor(
    readonly reason: string,
    /** The document is an HTML page: autodiscovery may find the feed it advertises. */
    readonly htmlPage = false,
  ) {
    super(reason);
    this.name = "FeedError";
  }
}

type Entry = Record<string, unknown> & { $?: Record<string, string> };
interface AtomInternals {
  parseItemAtom(this: unknown, entry: Entry): Record<string, unknown>;
  buildAtomFeed(this: unknown, xml: { feed: Entry }): Record<string, unknown>;
  parseItemRss(this: unknown, item: Entry, fields: unknown): Record<string, unknown>;
  buildRSS2(this: unknown, xml: unknown): Record<string, unknown>;
}
const base = Parser.prototype as unknown as AtomInternals;

/**
 * rss-parser converts Atom dates with `new Date(...).toISOString()`, which
 * throws on a date it cannot read and loses the whole feed; the raw values are
 * taken aside before it sees them, and xml:base is kept.
 */
class LenientParser extends Parser<Record<string, unknown>, Record<string, unknown>> {
  parseItemAtom(entry: Entry): Record<string, unknown> {
    const { published, updated, link, ...rest } = entry;
    const href = atomLink(link);
    const item = base.parseItemAtom.call(this, {
      ...rest,
      ...(href ? { link: [{ $: { href } }] } : {}),
    } as Entry);
    const title = flatText(Array.isArray(entry.title) ? entry.title[0] : entry.title);
    return {
      ...item,
      ...(title ? { title } : {}),
      rawPublished: firstText(published),
      rawUpdated: firstText(updated),
      xmlBase: entry.$?.["xml:base"],
    };
  }
  buildAtomFeed(xml: { feed: Entry }): Record<string, unknown> {
    return { ...base.buildAtomFeed.call(this, xml), xmlBase: xml.feed.$?.["xml:base"] };
  }
  parseItemRss(item: Entry, fields: unknown): Record<string, unknown> {
    return { ...base.parseItemRss.call(this, item, fields), xmlBase: item.$?.["xml:base"] };
  }
  buildRSS2(xml: { rss: Entry & { channel?: Entry[] } }): Record<string, unknown> {
    const channel = xml.rss.channel?.[0];
    return {
      ...base.buildRSS2.call(this, xml),
      xmlBase: channel?.$?.["xml:base"] ?? xml.rss.$?.["xml:base"],
    };
  }
}

/**
 * The entry's page: the first <link> with an href whose rel is absent or
 * "alternate", else any link that is not an enclosure, self or edit link,
 * else a link written as text (<link>http://…</link>, common in
 * hand-made feeds, which rss-parser cannot read).
 */
function atomLink(links: unknown): string | undefined {
  const list = Array.isArray(links) ? links : links === undefined ? [] : [links];
  const withHref = list.flatMap((link) => {
    const attributes = (link as Entry | undefined)?.$;
    return attributes?.href ? [{ href: attributes.href, rel: attributes.rel }] : [];
  });
  const pick =
    withHref.find((l) => l.rel === undefined || l.rel === "alternate") ??
    withHref.find((l) => !["enclosure", "self", "edit", "edit-media"].includes(l.rel ?? ""));
  if (pick) return pick.href;
  return list
    .map((link) => flatText(link))
    .find((text) => /^https?:\/\//i.test(text.trim()))
    ?.trim();
}

/** All the text inside an xml2js value (xhtml titles are nested elements). */
function flatText(value: unknown): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map(flatText).join(" ");
  if (value && typeof value === "object") {
    return Object.entries(value)
      .filter(([key]) => key !== "$")
      .map(([, child]) => flatText(child))
      .join(" ")
      .trim();
  }
  return "";
}

function firstText(value: unknown): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  if (typeof first === "string") return first;
  if (first && typeof first === "object" && "_" in first && typeof first._ === "string")
    return first._;
  return undefined;
}

/**
 * A new parser for every document: xml2js keeps state between calls, and a
 * document that failed half-way would otherwise spoil the next one.
 */
function newParser(): LenientParser {
  return new LenientParser({
    defaultRSS: 2,
    customFields: {
      item: [
        ["dc:date", "dcDate"],
        ["description", "description"],
      ],
    },
  });
}

const XML_ENTITIES = new Set(["amp", "lt", "gt", "quot", "apos"]);

/**
 * Makes a nearly-XML document well formed: a bare `&` becomes `&amp;`, and an
 * HTML entity unknown to XML becomes its character (or stays as text).
 */
export function repairXml(text: string): string {
  return (
    text
      // HTML line breaks and images left unescaped inside a description: a
      // break becomes a space, an image goes (a summary is plain text anyway).
      .replace(/<(br|hr|wbr)(\s[^<>]*)?\/?>/gi, " ")
      .replace(/<img(\s[^<>]*)?\/?>/gi, "")
      .replace(/&(?!(?:[A-Za-z][A-Za-z0-9]*|#\d+|#x[0-9A-Fa-f]+);)/g, "&amp;")
      .replace(/&([A-Za-z][A-Za-z0-9]*);/g, (match, name: string) => {
        if (XML_ENTITIES.has(name)) return match;
        const char = namedEntity(name);
        return char === undefined ? `&amp;${name};` : `&#${char.codePointAt(0)};`;
      })
  );
}

function looksLikeHtml(text: string): boolean {
  return /^\s*(<!doctype\s+html|<html[\s>])/i.test(text);
}

/** A string with something in it, else undefined. */
function nonEmpty(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

/** The object without its undefined values: optional fields stay absent. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function dates(...candidates: unknown[]): string[] {
  return candidates.flatMap((date) => nonEmpty(date) ?? []);
}

function toRaw(feed: Record<string, unknown>, format: RawFeed["format"]): RawFeed {
  const items = Array.isArray(feed.items) ? (feed.items as Record<string, unknown>[]) : [];
  return compact({
    format,
    title: nonEmpty(feed.title),
    link: nonEmpty(feed.link),
    base: nonEmpty(feed.xmlBase),
    items: items.map((item) =>
      compact({
        guid: nonEmpty(item.guid) ?? nonEmpty(item.id),
        link: nonEmpty(item.link),
        title: nonEmpty(item.title),
        summary: nonEmpty(item.content) ?? nonEmpty(item.summary) ?? nonEmpty(item.description),
        dates: dates(item.pubDate, item.dcDate, item.date, item.rawPublished, item.rawUpdated),
        base: nonEmpty(item.xmlBase),
      }),
    ),
  });
}

function parseJsonFeed(text: string): RawFeed {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new FeedError("JSON invalide");
  }
  const feed = data as Record<string, unknown>;
  if (
    !feed ||
    typeof feed !== "object" ||
    typeof feed.version !== "string" ||
    !feed.version.includes("jsonfeed.org/version/1")
  ) {
    throw new FeedError("pas un flux RSS/Atom/JSON Feed");
  }
  // Entries that are not objects (null, numbers…) are skipped, never a crash.
  const items = Array.isArray(feed.items)
    ? (feed.items as unknown[]).filter(
        (item): item is Record<string, unknown> => typeof item === "object" && item !== null,
      )
    : [];
  return compact({
    format: "json" as const,
    title: nonEmpty(feed.title),
    link: nonEmpty(feed.home_page_url),
    items: items.map((item) =>
      compact({
        guid: item.id === undefined || item.id === null ? undefined : String(item.id) || undefined,
        link: nonEmpty(item.url) ?? nonEmpty(item.external_url),
        title: nonEmpty(item.title),
        summary:
          nonEmpty(item.summary) ?? nonEmpty(item.content_html) ?? nonEmpty(item.content_text),
        dates: dates(item.date_published, item.date_modified),
      }),
    ),
  });
}

async function parseXml(text: string): Promise<Record<string, unknown>> {
  return (await newParser().parseString(text)) as unknown as Record<string, unknown>;
}

/** The name of the document's root element, skipping the prolog, comments and DOCTYPE. */
export function rootElement(xml: string): string | undefined {
  // A linear scan, not a regular expression: a crafted DOCTYPE must not make
  // the pull spin (catastrophic backtracking).
  let at = 0;
  for (;;) {
    at = xml.indexOf("<", at);
    if (at < 0) return undefined;
    if (xml.startsWith("<?", at)) {
      const end = xml.indexOf("?>", at + 2);
      if (end < 0) return undefined;
      at = end + 2;
    } else if (xml.startsWith("<!--", at)) {
      const end = xml.indexOf("-->", at + 4);
      if (end < 0) return undefined;
      at = end + 3;
    } else if (xml.startsWith("<!", at)) {
      at = declarationEnd(xml, at);
      if (at < 0) return undefined;
    } else {
      return /^<([A-Za-z_][\w:.-]*)/.exec(xml.slice(at, at + 200))?.[1];
    }
  }
}

const FEED_ROOTS: Record<string, RawFeed["format"]> = {
  rss: "rss",
  "rdf:RDF": "rss",
  feed: "atom",
};

const NOT_A_FEED_HTML = "pas un flux RSS/Atom (page HTML)";

export async function parseFeed(text: string): Promise<RawFeed> {
  const trimmed = text.trimStart();
  if (trimmed.startsWith("{")) return parseJsonFeed(trimmed);
  if (looksLikeHtml(trimmed)) throw new FeedError(NOT_A_FEED_HTML, true);
  const root = rootElement(trimmed);
  if (!trimmed.startsWith("<") || root === undefined) throw new FeedError("pas un flux RSS/Atom");
  const format = FEED_ROOTS[root];
  if (!format) {
    throw root.toLowerCase() === "html"
      ? new FeedError(NOT_A_FEED_HTML, true)
      : new FeedError("pas un flux RSS/Atom");
  }
  try {
    return toRaw(await parseXml(trimmed), format);
  } catch {
    const repaired = repairXml(trimmed);
    if (repaired !== trimmed) {
      try {
        return toRaw(await parseXml(repaired), format);
      } catch {
        // reported below
      }
    }
    throw new FeedError("XML invalide");
  }
}
