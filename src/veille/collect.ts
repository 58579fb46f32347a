import type { Source } from "./feeds.js";
import { type FetchOptions, fetchSource, type Limiter, type Validators } from "./fetch.js";
import type { Item } from "./normalise.js";
import type { SourceState } from "./store.js";

/**
 * Collecting one source: fetch (conditionally), read, and when a feed source
 * answers with an HTML page, follow the feed the page advertises
 * (autodiscovery). The feed found is remembered in the state and fetched
 * directly next time; if it fails, the page is read again to find it anew.
 */

export type Outcome =
  | {
      source: Source;
      status: "ok";
      items: Item[];
      /** The document's URL after redirects. */
      url: string;
      validators: Validators;
      /** The feed's own title, when it gives one. */
      title?: string;
      /** The feed found on the source's page, when the source's URL is a page. */
      feedUrl?: string;
      /** True when autodiscovery found it during this pull (said in the summary). */
      discovered?: boolean;
    }
  | { source: Source; status: "not-modified"; feedUrl?: string }
  | { source: Source; status: "error"; reason: string };

export interface CollectTools {
  fetchOptions: FetchOptions;
  /**
   * Holds a network slot for each request only (with its one retry, if any):
   * reading a document that came back happens outside it, so the next
   * request leaves at once instead of waiting for the parsing.
   */
  network: Limiter;
  /**
   * Reads one document at a time (parsing holds the event loop): the network
   * is served between two documents, not after a burst of them.
   */
  reading: Limiter;
  now: Date;
  /** Loaded once per pull, while the first requests are in flight. */
  ingest: () => Promise<typeof import("./ingest.js").ingest>;
  tagger: () => Promise<(text: string) => string[]>;
}

function storedValidators(previous: SourceState | undefined): Validators {
  return {
    ...(previous?.etag ? { etag: previous.etag } : {}),
    ...(previous?.lastModified ? { lastModified: previous.lastModified } : {}),
    ...(previous?.validatorsUrl ? { url: previous.validatorsUrl } : {}),
  };
}

export async function collectSource(
  source: Source,
  previous: SourceState | undefined,
  tools: CollectTools,
): Promise<Outcome> {
  // Validators and a discovered feed belong to the URL they were found for.
  const sameUrl = previous?.url === source.url;
  const remembered = source.kind !== "html" && sameUrl ? previous?.feedUrl : undefined;
  const validators = sameUrl ? storedValidators(previous) : {};
  if (remembered) {
    const outcome = await readDocument(source, remembered, validators, tools);
    if (outcome.status !== "error" && !("page" in outcome)) {
      return { ...outcome, feedUrl: remembered };
    }
    // The feed moved or broke: the page says where it is now.
    return fromPage(source, {}, tools);
  }
  return fromPage(source, validators, tools);
}

/** An outcome, or a feed source that answered with an HTML page (kept for autodiscovery). */
type Read =
  | Outcome
  | { source: Source; status: "error"; reason: string; page: string; url: string };

async function readDocument(
  source: Source,
  url: string,
  validators: Validators,
  tools: CollectTools,
): Promise<Read> {
  const fetched = await tools.network(() => fetchSource(url, validators, tools.fetchOptions));
  if (fetched.status === "not-modified") return { source, status: "not-modified" };
  if (fetched.status === "error") return { source, status: "error", reason: fetched.reason };
  const ingest = await tools.ingest();
  const tagger = await tools.tagger();
  const result = await tools.reading(async () => {
    // One turn of the event loop first: answers that came in meanwhile free
    // their network slots (and send the next requests) before this read.
    await new Promise((resolve) => setImmediate(resolve));
    return ingest({
      bytes: fetched.bytes,
      contentType: fetched.contentType,
      url: fetched.url,
      source,
      now: tools.now,
      tagger,
    });
  });
  if (result.ok) {
    return {
      source,
      status: "ok",
      items: result.items,
      ...(result.title ? { title: result.title } : {}),
      url: fetched.url,
      validators: fetched.validators,
    };
  }
  return result.page === undefined
    ? { source, status: "error", reason: result.reason }
    : { source, status: "error", reason: result.reason, page: result.page, url: fetched.url };
}

async function fromPage(
  source: Source,
  validators: Validators,
  tools: CollectTools,
): Promise<Outcome> {
  const read = await readDocument(source, source.url, validators, tools);
  if (!("page" in read)) return read;
  const { discoverFeeds } = await import("./discover.js");
  const found = discoverFeeds(read.page, read.url)[0];
  if (!found) {
    return {
      source,
      status: "error",
      reason: "pas un flux : la page HTML ne signale aucun flux RSS, Atom ou JSON Feed",
    };
  }
  const feed = await readDocument(source, found.url, {}, tools);
  if (feed.status === "ok") return { ...feed, feedUrl: found.url, discovered: true };
  if (feed.status === "error") {
    return {
      source,
      status: "error",
      reason: `le flux signalé par la page (${found.url}) : ${feed.reason}`,
    };
  }
  return { source, status: "not-modified", feedUrl: found.url };
}
