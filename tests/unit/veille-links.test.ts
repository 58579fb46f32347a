import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { absoluteUrl, canonicalLink } from "../../src/veille/links.js";

const SP = "https://www.service-public.gouv.fr";

describe("absoluteUrl", () => {
  it.each([
    ["https://example.org/a", undefined, "https://example.org/a"],
    ["https://example.org/a", "https://other.example/", "https://example.org/a"],
    ["/actualites/A17925", `${SP}/particuliers/actualites`, `${SP}/actualites/A17925`],
    ["../a", "https://example.org/x/y/z", "https://example.org/x/a"],
    ["a", "https://example.org/x/y", "https://example.org/x/a"],
    ["//cdn.example.org/p", "https://example.org/", "https://cdn.example.org/p"], // protocol-relative
    ["//cdn.example.org/p", "http://example.org/", "http://cdn.example.org/p"],
    ["?page=2", "https://example.org/liste?page=1", "https://example.org/liste?page=2"],
    ["#ancre", "https://example.org/p", "https://example.org/p#ancre"],
    ["  https://example.org/a \n", undefined, "https://example.org/a"],
    ["/a", "  https://example.org/x  ", "https://example.org/a"],
    ["HTTPS://EXAMPLE.ORG/A", undefined, "https://example.org/A"],
    ["https://example.org/a b", undefined, "https://example.org/a%20b"],
    ["https://example.org/a", "pas une adresse", "https://example.org/a"], // a broken base does not matter
  ])("%j against %j → %s", (href, base, expected) => {
    expect(absoluteUrl(href, base)).toBe(expected);
  });

  it.each([
    [undefined, "https://example.org/"],
    ["", "https://example.org/"],
    ["   ", "https://example.org/"],
    ["relative/page", undefined], // nothing to resolve against
    ["/a", "pas une adresse"],
    ["javascript:alert(1)", "https://example.org/"],
    ["JavaScript:alert(1)", "https://example.org/"],
    [" javascript:alert(1)", "https://example.org/"],
    ["java\nscript:alert(1)", "https://example.org/"], // the URL parser drops the newline
    ["data:text/html,<script>alert(1)</script>", "https://example.org/"],
    ["mailto:contact@example.org", "https://example.org/"],
    ["file:///etc/passwd", undefined],
    ["/a", "file:///home/pile/feed.xml"], // resolves to file:
    ["ftp://example.org/a", undefined],
    ["http://[::1", undefined],
  ])("%j against %j → undefined", (href, base) => {
    expect(absoluteUrl(href, base)).toBeUndefined();
  });

  it("gives only http(s) addresses, whatever it is given", () => {
    const bases = fc.constantFrom(
      undefined,
      "https://example.org/a/b",
      "file:///x",
      "javascript:x",
      "",
      "x",
    );
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.webUrl()), bases, (href, base) => {
        const url = absoluteUrl(href, base);
        if (url !== undefined) expect(url).toMatch(/^https?:\/\//);
      }),
    );
  });
});

describe("canonicalLink", () => {
  it.each([
    [`${SP}/particuliers/actualites/A17925?xtor=RSS-450`, `${SP}/particuliers/actualites/A17925`],
    [
      `${SP}/particuliers/actualites/A17925?xtor=RSS-450&xts=12`,
      `${SP}/particuliers/actualites/A17925`,
    ],
    ["https://example.org/a#section", "https://example.org/a"],
    ["https://example.org/a#", "https://example.org/a"],
    ["https://example.org/a?id=3&utm_source=rss&utm_medium=feed#top", "https://example.org/a?id=3"],
    ["https://example.org/a?b=2&utm_campaign=x&a=1", "https://example.org/a?b=2&a=1"], // order kept
    [
      "https://example.org/a?fbclid=1&gclid=2&mc_cid=3&mc_eid=4&at_medium=5&at_campaign=6&at_custom=7&id=8",
      "https://example.org/a?id=8",
    ],
    [
      "https://example.org/a?pk_campaign=1&pk_kwd=2&mtm_source=3&ref_src=4&x=5",
      "https://example.org/a?x=5",
    ],
    ["https://example.org/a?UTM_Source=x&Xtor=y&q=1", "https://example.org/a?q=1"], // names in any case
    ["https://example.org/a?%75tm_source=x&q=1", "https://example.org/a?q=1"], // encoded name
    [
      "https://example.org/a?utmost=1&atelier=2&pkg=3&reference=4&xtorx=5&page=6",
      "https://example.org/a?utmost=1&atelier=2&pkg=3&reference=4&xtorx=5&page=6",
    ],
    ["https://example.org/a?", "https://example.org/a"],
    ["https://example.org/a?a=1&&b=2&", "https://example.org/a?a=1&b=2"],
    [
      "https://example.org/a?q=caf%C3%A9&x=a+b&y=%2F",
      "https://example.org/a?q=caf%C3%A9&x=a+b&y=%2F",
    ],
    ["HTTPS://Example.ORG:443/Chemin/Casse/?Q=1", "https://example.org/Chemin/Casse/?Q=1"],
    ["http://example.org:80/a", "http://example.org/a"],
    ["http://example.org:8080/a", "http://example.org:8080/a"],
    ["https://example.org", "https://example.org/"],
    ["https://example.org/a/./b/../c", "https://example.org/a/c"],
    ["  https://example.org/a  ", "https://example.org/a"],
    ["  pas une adresse ", "pas une adresse"],
  ])("%s → %s", (url, expected) => {
    expect(canonicalLink(url)).toBe(expected);
  });

  const tracking = fc.constantFrom(
    "utm_source=rss",
    "xtor=RSS-450",
    "fbclid=abc",
    "at_medium=x",
    "pk_kwd=y",
  );
  const urls = fc
    .tuple(
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
      fc.array(tracking, { maxLength: 3 }),
    )
    .map(([url, extra]) => {
      if (extra.length === 0) return url;
      const [beforeHash = url, hash] = url.split("#", 2);
      const joined = `${beforeHash}${beforeHash.includes("?") ? "&" : "?"}${extra.join("&")}`;
      return hash === undefined ? joined : `${joined}#${hash}`;
    });

  it("is idempotent, and leaves no fragment nor tracking parameter", () => {
    fc.assert(
      fc.property(urls, (url) => {
        const once = canonicalLink(url);
        expect(canonicalLink(once)).toBe(once);
        expect(once).not.toContain("#");
        expect(once).not.toMatch(/[?&](utm_|xtor=|fbclid=|at_|pk_)/i);
      }),
    );
  });

  it("is idempotent on arbitrary text too", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const once = canonicalLink(text);
        expect(canonicalLink(once)).toBe(once);
      }),
    );
  });
});
