import { decodeBytes } from "./decode.js";
import { type Item, normaliseItems } from "./normalise.js";
import { FeedError, parseFeed } from "./parse.js";

/**
 * From the bytes of one fetched document to normalised items, or a French
 * reason. Kept in its own module so that the pull can load the parsers while
 * its first requests are still on the network.
 */
export async function ingest(input: {
  bytes: Uint8Array;
  contentType: string | undefined;
  url: string;
  source: { id: string; tags?: string[] | undefined };
  now: Date;
  tagger: (text: string) => string[];
}): Promise<{ ok: true; items: Item[] } | { ok: false; reason: string }> {
  try {
    const { text } = decodeBytes(input.bytes, input.contentType);
    const feed = await parseFeed(text);
    return {
      ok: true,
      items: normaliseItems({
        feed,
        source: input.source,
        url: input.url,
        now: input.now,
        tagger: input.tagger,
      }),
    };
  } catch (error) {
    if (error instanceof FeedError) return { ok: false, reason: error.reason };
    throw error;
  }
}
