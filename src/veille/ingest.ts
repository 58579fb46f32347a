import { decodeBytes } from "./decode.js";
import type { Source } from "./feeds.js";
import { type Item, normaliseItems } from "./normalise.js";
import { FeedError, parseFeed, type RawFeed } from "./parse.js";

/**
 * From the bytes of one fetched document to normalised items, or a French
 * reason. Kept in its own module so that the pull can load the parsers while
 * its first requests are still on the network; the page scraper (cheerio) is
 * loaded only when a source needs it.
 */

export type IngestResult =
  /** `title`: the feed's or page's own title, when it gives one. */
  | { ok: true; items: Item[]; title?: string }
  /** `page`: the decoded text, when a feed source answered with an HTML page (for autodiscovery). */
  | { ok: false; reason: string; page?: string };

export async function ingest(input: {
  bytes: Uint8Array;
  contentType: string | undefined;
  url: string;
  source: Pick<Source, "id" | "tags" | "kind" | "select">;
  now: Date;
  tagger: (text: string) => string[];
}): Promise<IngestResult> {
  const { text } = decodeBytes(input.bytes, input.contentType);
  let feed: RawFeed;
  try {
    if (input.source.kind === "html" && input.source.select) {
      const { scrapePage } = await import("./scrape.js");
      feed = scrapePage(text, input.url, input.source.select);
    } else {
      feed = await parseFeed(text);
    }
  } catch (error) {
    if (!(error instanceof FeedError)) throw error;
    return error.htmlPage
      ? { ok: false, reason: error.reason, page: text }
      : { ok: false, reason: error.reason };
  }
  return {
    ok: true,
    ...(feed.title?.trim() ? { title: feed.title.trim() } : {}),
    items: normaliseItems({
      feed,
      source: input.source,
      url: input.url,
      now: input.now,
      tagger: input.tagger,
    }),
  };
}
