/**
 * Links of feed items: made absolute, restricted to the web, and reduced to
 * a canonical form so that the same article reached through two feeds (or
 * with two campaign tags) is recognised as one. Pure.
 */

const WEB_PROTOCOLS = new Set(["http:", "https:"]);

/**
 * `href` resolved against `base` (the feed's or the page's address), or
 * undefined when there is nothing usable: no href, a relative href without a
 * base, or a result that is not http(s) — javascript:, data:, mailto:,
 * file: links must never reach a digest a person will click in.
 */
export function absoluteUrl(
  href: string | undefined,
  base: string | undefined,
): string | undefined {
  const target = href?.trim();
  if (!target) return undefined;
  // A broken base must not spoil an href that is already absolute.
  const resolved = parseUrl(target, parseUrl(base?.trim() ?? ""));
  return resolved && WEB_PROTOCOLS.has(resolved.protocol) ? resolved.href : undefined;
}

function parseUrl(text: string, base?: URL): URL | undefined {
  if (!text && !base) return undefined;
  try {
    return new URL(text, base);
  } catch {
    return undefined;
  }
}

/**
 * Query parameters that say how the reader came, not what they read:
 * analytics campaigns (utm_, Piano/AT Internet's xtor and at_, Matomo's pk_
 * and mtm_, Mailchimp's mc_) and advertising click ids. Compared in
 * lowercase.
 */
const TRACKING_PREFIXES = ["utm_", "at_", "pk_", "mtm_"];
const TRACKING_NAMES = new Set([
  "xtor",
  "xts",
  "fbclid",
  "gclid",
  "gbraid",
  "wbraid",
  "dclid",
  "msclkid",
  "mc_cid",
  "mc_eid",
  "ref_src",
]);

/**
 * The link without fragment and tracking parameters, other parameters kept
 * in their order and spelling. Scheme and host in lowercase and default
 * ports dropped come from the WHATWG URL serialisation, which also resolves
 * "." and ".." in the path; the path is otherwise kept as it is (case,
 * trailing slash), since servers may tell those apart. Not a URL: returned
 * trimmed, unchanged.
 */
export function canonicalLink(url: string): string {
  const parsed = parseUrl(url.trim());
  if (!parsed) return url.trim();
  parsed.hash = "";
  parsed.search = keptQuery(parsed.search);
  return parsed.href;
}

/** "?utm_source=x&id=3&&xtor=RSS-1" → "?id=3". Works on the raw text so that encodings survive. */
function keptQuery(search: string): string {
  const kept = search
    .slice(1)
    .split("&")
    .filter((pair) => pair !== "" && !isTracking(parameterName(pair)));
  return kept.length > 0 ? `?${kept.join("&")}` : "";
}

function parameterName(pair: string): string {
  const raw = pair.split("=", 1)[0] ?? "";
  try {
    return decodeURIComponent(raw.replace(/\+/g, " ")).toLowerCase();
  } catch {
    return raw.toLowerCase();
  }
}

function isTracking(name: string): boolean {
  return TRACKING_NAMES.has(name) || TRACKING_PREFIXES.some((prefix) => name.startsWith(prefix));
}

/**
 * The key under which two source addresses are the same source: canonical
 * link, with http and https and a trailing slash not telling them apart
 * (`veille add` and `opml import` refuse a source already present).
 */
export function sourceUrlKey(url: string): string {
  return canonicalLink(url)
    .replace(/^https?:\/\//i, "//")
    .replace(/\/+$/, "");
}
