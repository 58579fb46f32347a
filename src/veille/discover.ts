import { type CheerioAPI, load } from "cheerio/slim";
import { absoluteUrl } from "./links.js";

/**
 * Feed autodiscovery: the feeds a web page advertises with
 * `<link rel="alternate" type="application/rss+xml" href="…">` and its Atom
 * and JSON Feed siblings, so that `pile` can offer the feed of a site when it
 * was given the site's address. Pure: the page is already fetched and
 * decoded.
 *
 * Read like a browser would: `rel` is a space-separated list of tokens and
 * `type` a MIME type, both compared without case (`type` without its
 * parameters: "application/rss+xml; charset=utf-8"); the `<link>` may stand in
 * `<body>` too (pages assembled by a CMS often put it there). `href` is
 * resolved against the document's `<base href>`, then the page's address.
 */

export type DiscoveredType = "rss" | "atom" | "json";

export interface DiscoveredFeed {
  /**
   * Always an absolute http(s) URL, safe to fetch: a relative href the page
   * gives no way to resolve (no http(s) address, no `<base href>`, no
   * canonical link, as for a page read from a file) is left out.
   */
  url: string;
  type: DiscoveredType;
  /** The link's `title`, whitespace collapsed ("Mon site » Flux"). */
  title?: string;
}

/**
 * MIME types of feeds, lowercase. RSS 1.0 is RDF, hence application/rdf+xml.
 * application/x.atom+xml and application/x-atom+xml are the pre-RFC 4287
 * names (Atom 0.3), still found on old pages. application/json is what JSON
 * Feed 1.0 told sites to use before application/feed+json; it is also what
 * WordPress uses for its REST API links, which are left out below. The too
 * general text/xml and application/xml (sitemaps, oEmbed) are not feeds.
 */
const FEED_TYPES: Record<string, DiscoveredType> = {
  "application/rss+xml": "rss",
  "application/rdf+xml": "rss",
  "application/atom+xml": "atom",
  "application/x.atom+xml": "atom",
  "application/x-atom+xml": "atom",
  "application/feed+json": "json",
  "application/json": "json",
};

/**
 * WordPress advertises every page's REST API resource as
 * `<link rel="alternate" type="application/json" href="…/wp-json/wp/v2/pages/12">`
 * (or `?rest_route=/wp/v2/…` without pretty permalinks): JSON, not a feed.
 */
const WORDPRESS_API = /\/wp-json\/|[?&]rest_route=/i;

/** "Flux des commentaires" (WordPress in French), "Comments Feed" (in English). */
const COMMENTS_TITLE = /\b(?:commentaires|comments)\b/i;
/** WordPress's comment feeds: /comments/feed/ for the site, /billet/feed/ is a post's. */
const COMMENTS_URL = /\/comments\/feed\/?(?:[?#]|$)/i;

/**
 * The feeds the page advertises, deduplicated by URL (the first title wins,
 * or the first one given). Order: the document's, with two stable
 * demotions, because the caller offers the first feed as the likely choice:
 *   1. comment feeds (a title with "commentaires"/"comments", or a
 *      WordPress …/comments/feed/ URL) go after the others: WordPress
 *      advertises "Mon site » Flux des commentaires" beside the main feed,
 *      and a user watching a site wants its posts;
 *   2. within each group, RSS and Atom come before JSON: sites offering both
 *      treat their RSS/Atom feed as the main one, and a JSON link is more
 *      often something else (an API) than a JSON Feed.
 */
export function discoverFeeds(html: string, pageUrl: string | undefined): DiscoveredFeed[] {
  const $ = load(html);
  const base = documentBase($, pageUrl);
  const found = new Map<string, DiscoveredFeed>();
  for (const element of $("link").toArray()) {
    const link = $(element);
    const rel = (link.attr("rel") ?? "").toLowerCase().split(/\s+/);
    if (!rel.includes("alternate")) continue;
    const mime = (link.attr("type") ?? "").split(";", 1)[0]?.trim().toLowerCase() ?? "";
    const type = FEED_TYPES[mime];
    if (!type) continue;
    const url = absoluteUrl(feedScheme(link.attr("href")), base);
    if (!url) continue;
    if (mime === "application/json" && WORDPRESS_API.test(url)) continue;
    const title = collapse(link.attr("title") ?? "");
    const known = found.get(url);
    if (!known) found.set(url, title ? { url, type, title } : { url, type });
    else if (!known.title && title) known.title = title;
  }
  return [...found.values()]
    .map((feed, index) => ({ feed, index, rank: rank(feed) }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map(({ feed }) => feed);
}

function rank(feed: DiscoveredFeed): number {
  const comments = COMMENTS_TITLE.test(feed.title ?? "") || COMMENTS_URL.test(feed.url);
  return (comments ? 2 : 0) + (feed.type === "json" ? 1 : 0);
}

/**
 * The old `feed:` scheme some sites still write for feed readers:
 * "feed://exemple.org/rss" is http://exemple.org/rss, and
 * "feed:https://exemple.org/rss" is the URL after the prefix.
 */
function feedScheme(href: string | undefined): string | undefined {
  const trimmed = href?.trim();
  if (!trimmed || !/^feed:/i.test(trimmed)) return trimmed;
  const rest = trimmed.slice(5);
  return rest.startsWith("//") ? `http:${rest}` : rest;
}

// ------------------------------------------------ shared with scrape.ts

/**
 * The address relative links of the page resolve against, if any, always
 * http(s): the first `<base href>`, resolved against the page's address, as
 * browsers do (a base that is not http(s) is ignored: browsers ignore data:
 * and javascript: ones, and a link elsewhere than the web is dropped anyway);
 * else the page's address if it is http(s). A page read from a file has no such address: its
 * `<link rel="canonical">` then says where it lives on the web, the best
 * guess for its relative links (normalise.ts guesses the same way for a feed
 * with its channel link).
 */
export function documentBase($: CheerioAPI, pageUrl: string | undefined): string | undefined {
  const page = absoluteUrl(pageUrl, undefined) ?? canonicalUrl($);
  const href = $("base[href]").first().attr("href");
  return absoluteUrl(href, page) ?? page;
}

function canonicalUrl($: CheerioAPI): string | undefined {
  for (const element of $("link[rel][href]").toArray()) {
    const link = $(element);
    const rel = (link.attr("rel") ?? "").toLowerCase().split(/\s+/);
    if (rel.includes("canonical")) return absoluteUrl(link.attr("href"), undefined);
  }
  return undefined;
}

/**
 * Runs of whitespace to one space, trimmed; a lone no-break space stays, as
 * French typography wants it (the rule of text.ts's plainText).
 */
export function collapse(text: string): string {
  return text.replace(/\s+/g, (run) => (run === "\u00A0" || run === "\u202F" ? run : " ")).trim();
}
