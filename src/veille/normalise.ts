import { createHash } from "node:crypto";
import { parseFeedDate } from "./dates.js";
import { absoluteUrl, canonicalLink } from "./links.js";
import type { RawFeed, RawItem } from "./parse.js";
import { plainText, shorten } from "./text.js";

/**
 * Raw feed entries to the items the store keeps: a stable id, an absolute
 * canonical link, plain-text title and summary, an ISO date (or the time the
 * item was first seen, marked `dated: false`), tags. Pure: `now` is passed in.
 */

export interface Item {
  id: string;
  title: string;
  link?: string;
  /** ISO 8601, UTC. */
  published: string;
  /** False when the feed gave no readable date: `published` is when pile first saw it. */
  dated: boolean;
  /** ISO 8601: when pile first stored it. */
  firstSeen: string;
  summary: string;
  /** Source ids, in the order they brought the item. */
  sources: string[];
  tags: string[];
}

export const SUMMARY_LENGTH = 300;

/** Schemes whose ids are unique everywhere; other guids are only unique within their feed. */
const GLOBAL_ID = /^(https?:\/\/|urn:|tag:)/i;

function hash(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex").slice(0, 16);
}

export function itemId(
  sourceId: string,
  raw: RawItem,
  link: string | undefined,
  date: string | undefined,
): string {
  const guid = raw.guid?.trim();
  if (guid) return GLOBAL_ID.test(guid) ? guid : `${sourceId}:${guid}`;
  if (link) return link;
  return `${sourceId}:h${hash(`${raw.title ?? ""}|${date ?? raw.dates[0] ?? ""}`)}`;
}

const compareText = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);

/** The order of a month file: oldest first, then by id. */
export function oldestFirst(a: Item, b: Item): number {
  return compareText(a.published, b.published) || compareText(a.id, b.id);
}

/** The order of a listing: newest first, then by id. */
export function newestFirst(a: Item, b: Item): number {
  return compareText(b.published, a.published) || compareText(a.id, b.id);
}

export interface NormaliseInput {
  feed: RawFeed;
  source: { id: string; tags?: string[] | undefined };
  /** The URL the document came from (after redirects): the last resort for relative links. */
  url: string;
  now: Date;
  tagger: (text: string) => string[];
}

export function normaliseItems(input: NormaliseInput): Item[] {
  const { feed, source, now } = input;
  // Relative links resolve against xml:base, else the document's own URL, else
  // (a saved file has no URL) the site address the feed declares.
  const httpUrl = /^https?:/i.test(input.url) ? input.url : undefined;
  const documentBase =
    absoluteUrl(feed.base, httpUrl) ?? httpUrl ?? absoluteUrl(feed.link, undefined);
  const items: Item[] = [];
  for (const raw of feed.items) {
    const base = absoluteUrl(raw.base, documentBase) ?? documentBase;
    const absolute =
      absoluteUrl(raw.link, base) ??
      (raw.guid && /^https?:\/\//i.test(raw.guid) ? raw.guid : undefined);
    const link = absolute ? canonicalLink(absolute) : undefined;
    const title = plainText(raw.title);
    const summary = shorten(plainText(raw.summary), SUMMARY_LENGTH);
    if (!title && !link && !summary) continue;
    const published = raw.dates.map(parseFeedDate).find((date) => date !== undefined);
    const tags = [...new Set([...(source.tags ?? []), ...input.tagger(`${title}\n${summary}`)])];
    items.push({
      id: itemId(source.id, raw, link, published),
      title: title || "(sans titre)",
      ...(link ? { link } : {}),
      published: published ?? now.toISOString(),
      dated: published !== undefined,
      firstSeen: now.toISOString(),
      summary,
      sources: [source.id],
      tags,
    });
  }
  return items;
}
