import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import http, {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type FetchOptions, fetchSource, limiter, MAX_REDIRECTS } from "../../src/veille/fetch.js";
import { type FeedServer, type Route, rss, startFeedServer } from "../helpers/feed-server.js";

/**
 * fetchSource against local servers on 127.0.0.1 only: the shared feed
 * server, and for what it cannot do (a body streamed in chunks without
 * Content-Length, a body that stalls, a connection cut mid-body) a small
 * server of this file.
 */

let server: FeedServer | undefined;
let raw: RawServer | undefined;
let root: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "pile-veille-fetch-"));
});

afterEach(async () => {
  vi.restoreAllMocks();
  await server?.close();
  server = undefined;
  await raw?.close();
  raw = undefined;
  await rm(root, { recursive: true, force: true });
});

function options(overrides: Partial<FetchOptions> = {}): FetchOptions {
  return {
    timeoutMs: 2000,
    maxBytes: 1024 * 1024,
    userAgent: "pile-test/1.0 (+https://exemple.org/pile)",
    retryDelayMs: 10,
    root,
    ...overrides,
  };
}

async function serve(routes: Record<string, Route>): Promise<FeedServer> {
  server = await startFeedServer(routes);
  return server;
}

function hits(feed: FeedServer, route: string): number {
  return feed.requests.filter((request) => request.path === route).length;
}

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString("utf8");

interface RawServer {
  url: (path: string) => string;
  /** Requests received, by path. */
  requests: string[];
  /** Responses whose connection closed before the handler ended them. */
  cutShort: string[];
  close: () => Promise<void>;
}

/** A server whose routes are handlers, for the cases the shared one does not cover. */
async function startRawServer(
  routes: Record<
    string,
    (request: IncomingMessage, response: ServerResponse, count: number) => void
  >,
): Promise<RawServer> {
  const requests: string[] = [];
  const cutShort: string[] = [];
  const http: Server = createServer((request, response) => {
    const route = request.url ?? "/";
    requests.push(route);
    response.on("close", () => {
      if (!response.writableEnded) cutShort.push(route);
    });
    const handler = routes[route];
    if (!handler) {
      response.writeHead(404).end();
      return;
    }
    handler(request, response, requests.filter((r) => r === route).length);
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: (p) => `http://127.0.0.1:${port}${p}`,
    requests,
    cutShort,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}

/** Writes `chunk` every `everyMs` until the client goes away (or `total` chunks were sent, then ends). */
function stream(chunk: Buffer, everyMs: number, total = Number.POSITIVE_INFINITY) {
  return (_request: IncomingMessage, response: ServerResponse) => {
    response.writeHead(200, {
      "content-type": "application/rss+xml",
      "transfer-encoding": "chunked",
    });
    let sent = 0;
    const timer = setInterval(() => {
      if (response.destroyed || response.writableEnded) {
        clearInterval(timer);
        return;
      }
      if (sent >= total) {
        clearInterval(timer);
        response.end();
        return;
      }
      response.write(chunk);
      sent++;
    }, everyMs);
    response.on("close", () => clearInterval(timer));
  };
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

const FEED = rss([
  { title: "Un", link: "https://exemple.org/1", date: "Mon, 03 Mar 2025 10:00:00 GMT" },
]);

describe("fetchSource: success and conditional GET", () => {
  it("returns the bytes, the content type, the URL and the validators", async () => {
    const feed = await serve({
      "/rss": {
        body: FEED,
        contentType: "application/rss+xml; charset=utf-8",
        etag: '"v1"',
        lastModified: "Fri, 20 Nov 2026 09:00:00 GMT",
      },
    });
    const result = await fetchSource(feed.url("/rss"), {}, options());
    expect(result).toEqual({
      status: "ok",
      bytes: expect.any(Uint8Array),
      contentType: "application/rss+xml; charset=utf-8",
      url: feed.url("/rss"),
      validators: {
        etag: '"v1"',
        lastModified: "Fri, 20 Nov 2026 09:00:00 GMT",
        url: feed.url("/rss"),
      },
    });
    if (result.status === "ok") expect(text(result.bytes)).toBe(FEED);
  });

  it("without validators from the server, returns none", async () => {
    const feed = await serve({ "/rss": { body: FEED } });
    const result = await fetchSource(feed.url("/rss"), {}, options());
    expect(result).toMatchObject({
      status: "ok",
      validators: { url: feed.url("/rss") },
      contentType: undefined,
    });
  });

  it("sends its user agent and accept header, and no validators it was not given", async () => {
    const feed = await serve({ "/rss": { body: FEED } });
    await fetchSource(feed.url("/rss"), {}, options());
    const headers = feed.requests[0]?.headers ?? {};
    expect(headers["user-agent"]).toBe("pile-test/1.0 (+https://exemple.org/pile)");
    expect(headers.accept).toContain("application/rss+xml");
    expect(headers.accept).toContain("application/atom+xml");
    expect(headers.accept).toContain("application/feed+json");
    expect(headers).not.toHaveProperty("if-none-match");
    expect(headers).not.toHaveProperty("if-modified-since");
  });

  it("304 when If-None-Match matches; both validators are sent", async () => {
    const feed = await serve({
      "/rss": { body: FEED, etag: '"v1"', lastModified: "Fri, 20 Nov 2026 09:00:00 GMT" },
    });
    const result = await fetchSource(
      feed.url("/rss"),
      { etag: '"v1"', lastModified: "Thu, 19 Nov 2026 09:00:00 GMT" },
      options(),
    );
    expect(result).toEqual({ status: "not-modified", url: feed.url("/rss") });
    const headers = feed.requests[0]?.headers ?? {};
    expect(headers["if-none-match"]).toBe('"v1"');
    expect(headers["if-modified-since"]).toBe("Thu, 19 Nov 2026 09:00:00 GMT");
    expect(headers["user-agent"]).toBe("pile-test/1.0 (+https://exemple.org/pile)");
    expect(headers.accept).toContain("application/rss+xml");
  });

  it("304 on If-Modified-Since alone", async () => {
    const feed = await serve({
      "/rss": { body: FEED, lastModified: "Fri, 20 Nov 2026 09:00:00 GMT" },
    });
    const result = await fetchSource(
      feed.url("/rss"),
      { lastModified: "Fri, 20 Nov 2026 09:00:00 GMT" },
      options(),
    );
    expect(result.status).toBe("not-modified");
    expect(feed.requests[0]?.headers).not.toHaveProperty("if-none-match");
  });

  it("a stale ETag gets the document and the new validators", async () => {
    const feed = await serve({ "/rss": { body: FEED, etag: '"v2"' } });
    const result = await fetchSource(feed.url("/rss"), { etag: '"v1"' }, options());
    expect(result).toMatchObject({ status: "ok", validators: { etag: '"v2"' } });
  });

  it("decompresses a gzipped body", async () => {
    const feed = await serve({
      "/rss": { body: FEED, gzip: true, contentType: "application/rss+xml" },
    });
    const result = await fetchSource(feed.url("/rss"), {}, options());
    expect(result.status).toBe("ok");
    if (result.status === "ok") expect(text(result.bytes)).toBe(FEED);
  });
});

describe("fetchSource: redirects", () => {
  function chain(length: number): Record<string, Route> {
    const routes: Record<string, Route> = { "/final": { body: FEED } };
    for (let i = 1; i <= length; i++)
      routes[`/r${i}`] = { redirect: i === length ? "/final" : `/r${i + 1}` };
    return routes;
  }

  it(`follows a chain of ${MAX_REDIRECTS} redirects and gives the final URL`, async () => {
    expect(MAX_REDIRECTS).toBe(5);
    const feed = await serve(chain(5));
    const result = await fetchSource(feed.url("/r1"), {}, options());
    expect(result).toMatchObject({ status: "ok", url: feed.url("/final") });
    expect(feed.requests.map((r) => r.path)).toEqual(["/r1", "/r2", "/r3", "/r4", "/r5", "/final"]);
  });

  it("refuses a chain of 6, without retrying", async () => {
    const feed = await serve(chain(6));
    const result = await fetchSource(feed.url("/r1"), {}, options());
    expect(result).toEqual({ status: "error", reason: "plus de 5 redirections" });
    expect(feed.requests.map((r) => r.path)).toEqual(["/r1", "/r2", "/r3", "/r4", "/r5", "/r6"]);
  });

  it("sees a loop", async () => {
    const feed = await serve({
      "/a": { redirect: "/b" },
      "/b": { redirect: "/a" },
      "/self": { redirect: "/self" },
    });
    expect(await fetchSource(feed.url("/a"), {}, options())).toEqual({
      status: "error",
      reason: "boucle de redirections",
    });
    expect(await fetchSource(feed.url("/self"), {}, options())).toEqual({
      status: "error",
      reason: "boucle de redirections",
    });
    expect(feed.requests.map((r) => r.path)).toEqual(["/a", "/b", "/self"]);
  });

  it.each([
    "ftp://127.0.0.1/flux.xml",
    "file:///etc/passwd",
    "javascript:alert(1)",
    "data:text/xml,<rss/>",
  ])("refuses a redirect to %s", async (target) => {
    const feed = await serve({ "/rss": { redirect: target } });
    expect(await fetchSource(feed.url("/rss"), {}, options())).toEqual({
      status: "error",
      reason: "redirection vers une adresse ni http ni https",
    });
    expect(hits(feed, "/rss")).toBe(1);
  });

  it("resolves a relative Location against the current URL", async () => {
    const feed = await serve({ "/a/b/old": { redirect: "../new" }, "/a/new": { body: FEED } });
    expect(await fetchSource(feed.url("/a/b/old"), {}, options())).toMatchObject({
      status: "ok",
      url: feed.url("/a/new"),
    });
  });

  // A malformed Location is the server's clear answer: reported as a
  // redirect error and not retried (it was once taken for a network error).
  it("a malformed Location is a redirect error, not retried", async () => {
    const feed = await serve({ "/rss": { status: 301, headers: { location: "http://[::1" } } });
    const result = await fetchSource(feed.url("/rss"), {}, options());
    expect(result.status).toBe("error");
    if (result.status === "error") expect(result.reason).toMatch(/redirection/);
    expect(hits(feed, "/rss")).toBe(1);
  });

  it("a redirect without Location is an error", async () => {
    const feed = await serve({ "/rss": { status: 302 } });
    expect(await fetchSource(feed.url("/rss"), {}, options())).toEqual({
      status: "error",
      reason: "HTTP 302 sans adresse de redirection",
    });
  });

  it("sends the validators to the source's URL only, not along the redirects", async () => {
    const feed = await serve({
      "/old": { redirect: "/new" },
      "/new": { body: FEED, etag: '"v1"' },
    });
    const result = await fetchSource(
      feed.url("/old"),
      { etag: '"v1"', lastModified: "x" },
      options(),
    );
    expect(result.status).toBe("ok");
    expect(feed.requests[0]?.headers["if-none-match"]).toBe('"v1"');
    expect(feed.requests[1]?.headers).not.toHaveProperty("if-none-match");
    expect(feed.requests[1]?.headers).not.toHaveProperty("if-modified-since");
    expect(feed.requests[1]?.headers["user-agent"]).toBe(options().userAgent);
  });
});

describe("fetchSource: size cap", () => {
  it("refuses a body announced too large by Content-Length without reading it", async () => {
    raw = await startRawServer({
      // Announces 10 MB, sends a few bytes, then nothing: reading it would wait for the timeout.
      "/big": (_request, response) => {
        response.writeHead(200, { "content-length": String(10 * 1024 * 1024) });
        response.write("<rss>");
      },
    });
    const started = Date.now();
    const result = await fetchSource(
      raw.url("/big"),
      {},
      options({ maxBytes: 4096, timeoutMs: 3000 }),
    );
    expect(result).toEqual({ status: "error", reason: "trop volumineux" });
    expect(Date.now() - started).toBeLessThan(2500);
    expect(raw.requests).toEqual(["/big"]); // not retried
  });

  it("with the shared server: Content-Length one byte over the cap", async () => {
    const feed = await serve({
      "/big": { body: "x".repeat(2049) },
      "/fits": { body: "x".repeat(2048) },
    });
    expect(await fetchSource(feed.url("/big"), {}, options({ maxBytes: 2048 }))).toEqual({
      status: "error",
      reason: "trop volumineux",
    });
    expect(await fetchSource(feed.url("/fits"), {}, options({ maxBytes: 2048 }))).toMatchObject({
      status: "ok",
    });
  });

  it("enforces the cap while reading a chunked body without Content-Length", async () => {
    raw = await startRawServer({ "/endless": stream(Buffer.alloc(1024, 0x61), 2) });
    const result = await fetchSource(
      raw.url("/endless"),
      {},
      options({ maxBytes: 8 * 1024, timeoutMs: 3000 }),
    );
    expect(result).toEqual({ status: "error", reason: "trop volumineux" });
    expect(raw.requests).toEqual(["/endless"]);
    // The client hung up: the server did not get to finish.
    await vi.waitFor(() => expect(raw?.cutShort).toEqual(["/endless"]));
  });

  it("a chunked body exactly at the cap is read whole; one byte more is refused", async () => {
    raw = await startRawServer({
      "/exact": stream(Buffer.alloc(1024, 0x62), 1, 4),
      "/over": (_request, response) => {
        response.writeHead(200, { "transfer-encoding": "chunked" });
        response.write(Buffer.alloc(4096, 0x62));
        setTimeout(() => response.end("c"), 5);
      },
    });
    const exact = await fetchSource(raw.url("/exact"), {}, options({ maxBytes: 4096 }));
    expect(exact.status).toBe("ok");
    if (exact.status === "ok") expect(exact.bytes.byteLength).toBe(4096);
    expect(await fetchSource(raw.url("/over"), {}, options({ maxBytes: 4096 }))).toEqual({
      status: "error",
      reason: "trop volumineux",
    });
  });

  it("the cap counts decompressed bytes: a gzip bomb is refused", async () => {
    const bomb = gzipSync(Buffer.alloc(512 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(4096);
    raw = await startRawServer({
      "/bomb": (_request, response) => {
        response.writeHead(200, {
          "content-encoding": "gzip",
          "content-length": String(bomb.length),
        });
        response.end(bomb);
      },
    });
    expect(await fetchSource(raw.url("/bomb"), {}, options({ maxBytes: 16 * 1024 }))).toEqual({
      status: "error",
      reason: "trop volumineux",
    });
  });
});

describe("fetchSource: content encodings", () => {
  const encoders: [string, (body: Buffer) => Buffer][] = [
    ["gzip", gzipSync],
    ["x-gzip", gzipSync],
    ["deflate", deflateSync],
    ["br", brotliCompressSync],
    ["identity", (body) => body],
  ];

  it.each(encoders)("a body sent as %s is read as the feed itself", async (encoding, encode) => {
    const seen: (string | undefined)[] = [];
    raw = await startRawServer({
      "/feed": (request, response) => {
        seen.push(request.headers["accept-encoding"] as string | undefined);
        response.writeHead(200, {
          "content-type": "application/rss+xml",
          "content-encoding": encoding,
        });
        response.end(encode(Buffer.from(FEED)));
      },
    });
    const result = await fetchSource(raw.url("/feed"), {}, options());
    expect(result.status).toBe("ok");
    if (result.status === "ok") expect(Buffer.from(result.bytes).toString("utf8")).toBe(FEED);
    expect(seen).toEqual(["gzip, deflate, br"]);
  });

  it("raw deflate (without zlib wrapper, as some servers send it) is read too", async () => {
    raw = await startRawServer({
      "/raw": (_request, response) => {
        response.writeHead(200, { "content-encoding": "deflate" });
        response.end(deflateRawSync(Buffer.from(FEED)));
      },
    });
    const result = await fetchSource(raw.url("/raw"), {}, options());
    expect(result.status === "ok" && Buffer.from(result.bytes).toString("utf8")).toBe(FEED);
  });

  it("stacked codings are undone in turn, the last applied first", async () => {
    raw = await startRawServer({
      "/double": (_request, response) => {
        response.writeHead(200, { "content-encoding": "gzip, br" });
        response.end(brotliCompressSync(gzipSync(Buffer.from(FEED))));
      },
    });
    const result = await fetchSource(raw.url("/double"), {}, options());
    expect(result.status === "ok" && Buffer.from(result.bytes).toString("utf8")).toBe(FEED);
  });

  it.each([["none"], ["UTF-8"], ["binary"]])(
    "a coding %j that names no compression (a misconfigured server) leaves the body as it came, like Node's fetch",
    async (coding) => {
      raw = await startRawServer({
        "/feed": (_request, response) => {
          response.writeHead(200, { "content-encoding": coding });
          response.end(FEED);
        },
      });
      const result = await fetchSource(raw.url("/feed"), {}, options());
      expect(result.status === "ok" && Buffer.from(result.bytes).toString("utf8")).toBe(FEED);
    },
  );

  it("a gzip or deflate body cut short gives what it holds, like Node's fetch", async () => {
    const gzipped = gzipSync(Buffer.from(FEED));
    const deflated = deflateSync(Buffer.from(FEED));
    raw = await startRawServer({
      // Without its 8-byte trailer (checksum and size).
      "/gzip": (_request, response) => {
        response.writeHead(200, { "content-encoding": "gzip" });
        response.end(gzipped.subarray(0, gzipped.length - 8));
      },
      "/deflate": (_request, response) => {
        response.writeHead(200, { "content-encoding": "deflate" });
        response.end(deflated.subarray(0, deflated.length - 4));
      },
      "/empty": (_request, response) => {
        response.writeHead(200, { "content-encoding": "gzip" });
        response.end();
      },
    });
    for (const route of ["/gzip", "/deflate"]) {
      const result = await fetchSource(raw.url(route), {}, options());
      expect(result.status === "ok" && Buffer.from(result.bytes).toString("utf8"), route).toBe(
        FEED,
      );
    }
    const empty = await fetchSource(raw.url("/empty"), {}, options());
    expect(empty.status === "ok" && empty.bytes.byteLength).toBe(0);
  });

  it("an unknown coding is said, and not retried", async () => {
    raw = await startRawServer({
      "/z": (_request, response) => {
        response.writeHead(200, { "content-encoding": "compress" });
        response.end("...");
      },
    });
    expect(await fetchSource(raw.url("/z"), {}, options())).toEqual({
      status: "error",
      reason: "contenu encodé en « compress », que pile ne sait pas lire",
    });
    expect(raw.requests).toHaveLength(1);
  });

  it("a damaged brotli body is « contenu compressé illisible », not retried", async () => {
    raw = await startRawServer({
      "/br": (_request, response) => {
        response.writeHead(200, { "content-encoding": "br" });
        response.end(Buffer.from("pas du brotli du tout, vraiment pas"));
      },
    });
    expect(await fetchSource(raw.url("/br"), {}, options())).toEqual({
      status: "error",
      reason: "contenu compressé illisible",
    });
    expect(raw.requests).toHaveLength(1);
  });

  it("a body that claims gzip but is not: a French reason, not a crash", async () => {
    raw = await startRawServer({
      "/faux": (_request, response) => {
        response.writeHead(200, { "content-encoding": "gzip" });
        response.end("<rss>pas compressé</rss>");
      },
    });
    expect(await fetchSource(raw.url("/faux"), {}, options())).toEqual({
      status: "error",
      reason: "contenu compressé illisible",
    });
  });

  it("the cap holds for every encoding: a brotli bomb is refused too", async () => {
    const bomb = brotliCompressSync(Buffer.alloc(512 * 1024, 0x20));
    raw = await startRawServer({
      "/bomb": (_request, response) => {
        response.writeHead(200, { "content-encoding": "br" });
        response.end(bomb);
      },
    });
    expect(await fetchSource(raw.url("/bomb"), {}, options({ maxBytes: 16 * 1024 }))).toEqual({
      status: "error",
      reason: "trop volumineux",
    });
  });

  it("https to a server that speaks plain HTTP: a network reason, not a crash", async () => {
    raw = await startRawServer({ "/": (_request, response) => response.end("ok") });
    const result = await fetchSource(raw.url("/").replace("http:", "https:"), {}, options());
    expect(result.status).toBe("error");
    if (result.status === "error") expect(result.reason).toMatch(/^erreur réseau|^connexion/);
  });
});

describe("fetchSource: timeouts, retries and network errors", () => {
  it.each([404, 500, 301])(
    "an answer %i whose body stalls: the reason at once, and the connection closed (nothing keeps pile waiting)",
    async (status) => {
      raw = await startRawServer({
        "/stall": (_request, response, count) => {
          if (count > 1) {
            response.writeHead(404).end();
            return;
          }
          response.writeHead(status, {
            "content-length": "100000",
            ...(status === 301 ? { location: "/stall" } : {}),
          });
          response.write("0123456789"); // then nothing, ever
        },
      });
      const result = await fetchSource(raw.url("/stall"), {}, options({ retryDelayMs: 1 }));
      expect(result.status).toBe("error");
      for (let waited = 0; !raw.cutShort.includes("/stall") && waited < 2000; waited += 20)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(raw.cutShort).toContain("/stall");
    },
  );

  it("a server that never answers: délai dépassé, after one more try", async () => {
    const feed = await serve({ "/hang": { hang: true } });
    const result = await fetchSource(feed.url("/hang"), {}, options({ timeoutMs: 50 }));
    expect(result).toEqual({ status: "error", reason: "délai dépassé" });
    expect(hits(feed, "/hang")).toBe(2);
  });

  it("sends the validators to the URL that gave them, at the end of a redirect", async () => {
    const feed = await serve({
      "/go": { redirect: "/rss" },
      "/rss": { body: FEED, etag: '"v1"' },
    });
    const first = await fetchSource(feed.url("/go"), {}, options());
    expect(first).toMatchObject({
      status: "ok",
      validators: { etag: '"v1"', url: feed.url("/rss") },
    });
    const validators = first.status === "ok" ? first.validators : {};
    expect(await fetchSource(feed.url("/go"), validators, options())).toMatchObject({
      status: "not-modified",
    });
  });

  it("a body that stalls after the headers: délai dépassé", async () => {
    raw = await startRawServer({
      "/stall": (_request, response) => {
        response.writeHead(200, { "transfer-encoding": "chunked" });
        response.write("<rss><channel>");
      },
    });
    expect(await fetchSource(raw.url("/stall"), {}, options({ timeoutMs: 100 }))).toEqual({
      status: "error",
      reason: "délai dépassé",
    });
  });

  it("the timeout covers the whole chain of redirects", async () => {
    const feed = await serve({
      "/r1": { redirect: "/r2", delayMs: 40 },
      "/r2": { redirect: "/final", delayMs: 40 },
      "/final": { body: FEED, delayMs: 40 },
    });
    expect(await fetchSource(feed.url("/r1"), {}, options({ timeoutMs: 90 }))).toEqual({
      status: "error",
      reason: "délai dépassé",
    });
  });

  it("a 500 then a 200: ok after one retry", async () => {
    const feed = await serve({
      "/rss": { body: FEED, etag: '"v1"', failFirst: { times: 1, status: 500 } },
    });
    const result = await fetchSource(feed.url("/rss"), {}, options());
    expect(result).toMatchObject({ status: "ok", validators: { etag: '"v1"' } });
    expect(hits(feed, "/rss")).toBe(2);
  });

  it("the retry sends the validators again", async () => {
    const feed = await serve({
      "/rss": { body: FEED, etag: '"v1"', failFirst: { times: 1, status: 503 } },
    });
    const result = await fetchSource(feed.url("/rss"), { etag: '"v1"' }, options());
    expect(result.status).toBe("not-modified");
    expect(feed.requests.map((r) => r.headers["if-none-match"])).toEqual(['"v1"', '"v1"']);
  });

  it("two 500s: HTTP 500, after exactly two requests", async () => {
    const feed = await serve({ "/rss": { body: FEED, failFirst: { times: 5, status: 500 } } });
    expect(await fetchSource(feed.url("/rss"), {}, options())).toEqual({
      status: "error",
      reason: "HTTP 500",
    });
    expect(hits(feed, "/rss")).toBe(2);
  });

  it("waits retryDelayMs before the retry", async () => {
    const feed = await serve({ "/rss": { body: FEED, failFirst: { times: 1, status: 502 } } });
    const started = Date.now();
    expect((await fetchSource(feed.url("/rss"), {}, options({ retryDelayMs: 150 }))).status).toBe(
      "ok",
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it.each([404, 403, 410, 400])("a %i is not retried", async (status) => {
    const feed = await serve({ "/rss": { body: "non", failFirst: { times: 5, status } } });
    expect(await fetchSource(feed.url("/rss"), {}, options())).toEqual({
      status: "error",
      reason: `HTTP ${status}`,
    });
    expect(hits(feed, "/rss")).toBe(1);
  });

  it("a path the server does not know: HTTP 404, one request", async () => {
    const feed = await serve({});
    expect(await fetchSource(feed.url("/absent"), {}, options())).toEqual({
      status: "error",
      reason: "HTTP 404",
    });
    expect(feed.requests).toHaveLength(1);
  });

  it("connection refused on a closed port, after one retry", async () => {
    const port = await freePort();
    const spy = vi.spyOn(http, "get");
    const result = await fetchSource(`http://127.0.0.1:${port}/rss`, {}, options());
    expect(result).toEqual({ status: "error", reason: "connexion refusée" });
    expect(spy).toHaveBeenCalledTimes(2);
  });

  it("a connection cut in the middle of the body is retried", async () => {
    raw = await startRawServer({
      "/cut": (_request, response, count) => {
        if (count === 1) {
          response.writeHead(200, { "content-length": "1000" });
          response.write("<rss>");
          setTimeout(() => response.destroy(), 5);
          return;
        }
        response.writeHead(200, { "content-type": "application/rss+xml" });
        response.end(FEED);
      },
    });
    const result = await fetchSource(raw.url("/cut"), {}, options());
    expect(result.status).toBe("ok");
    if (result.status === "ok") expect(text(result.bytes)).toBe(FEED);
    expect(raw.requests).toEqual(["/cut", "/cut"]);
  });
});

describe("fetchSource: file: URLs", () => {
  it("reads a file relative to the workspace root", async () => {
    await mkdir(path.join(root, "sources"), { recursive: true });
    await writeFile(path.join(root, "sources", "flux.xml"), FEED);
    const result = await fetchSource("file:sources/flux.xml", { etag: '"ignoré"' }, options());
    expect(result).toEqual({
      status: "ok",
      bytes: expect.any(Uint8Array),
      contentType: undefined,
      url: "file:sources/flux.xml",
      validators: {},
    });
    if (result.status === "ok") expect(text(result.bytes)).toBe(FEED);
    expect(await fetchSource("file:./sources/../sources/flux.xml", {}, options())).toMatchObject({
      status: "ok",
    });
  });

  it("a missing file: fichier introuvable", async () => {
    expect(await fetchSource("file:absent.xml", {}, options())).toEqual({
      status: "error",
      reason: "fichier introuvable",
    });
  });

  it.each([
    "file:../dehors.xml",
    "file:sources/../../dehors.xml",
    "file:/etc/hostname",
    "file:",
    "file:.",
  ])("refuses %s, which is not inside the workspace", async (url) => {
    expect(await fetchSource(url, {}, options())).toEqual({
      status: "error",
      reason: "chemin hors de l'espace de travail",
    });
  });

  it("a file over the cap is refused", async () => {
    await writeFile(path.join(root, "gros.xml"), "x".repeat(5000));
    expect(await fetchSource("file:gros.xml", {}, options({ maxBytes: 4096 }))).toEqual({
      status: "error",
      reason: "trop volumineux",
    });
  });

  it("a folder is unreadable, with a reason", async () => {
    await mkdir(path.join(root, "dossier"));
    const result = await fetchSource("file:dossier", {}, options());
    expect(result.status).toBe("error");
    if (result.status === "error") expect(result.reason).toMatch(/^fichier illisible \(.+\)$/);
  });
});

/** `task` over `items`, at most `limit` at once, results in order: the limiter as the pull uses it. */
function mapConcurrent<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const run = limiter(limit);
  return Promise.all(items.map((item, index) => run(() => task(item, index))));
}

describe("limiter", () => {
  it("frees its slot when a task fails, at once or later, and runs the waiting ones in turn", async () => {
    const run = limiter(1);
    const order: string[] = [];
    const results = await Promise.allSettled([
      run(async () => {
        order.push("1");
        throw new Error("un");
      }),
      run(() => {
        order.push("2");
        throw new Error("deux (synchrone)");
      }),
      run(async () => {
        order.push("3");
        await new Promise((resolve) => setTimeout(resolve, 5));
        return 3;
      }),
      run(async () => {
        order.push("4");
        return 4;
      }),
    ]);
    expect(results.map((r) => r.status)).toEqual([
      "rejected",
      "rejected",
      "fulfilled",
      "fulfilled",
    ]);
    expect(order).toEqual(["1", "2", "3", "4"]);
  });

  it("keeps the items' order and never runs more than limit tasks at once", async () => {
    let running = 0;
    let peak = 0;
    const delays = [30, 5, 20, 1, 15, 2, 25, 8, 3, 12, 1, 6];
    const results = await mapConcurrent(delays, 3, async (delay, index) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, delay));
      running--;
      return `${index}:${delay}`;
    });
    expect(results).toEqual(delays.map((delay, index) => `${index}:${delay}`));
    expect(peak).toBe(3);
    expect(running).toBe(0);
  });

  it("a limit of 1 runs the tasks one after the other, in order", async () => {
    const log: string[] = [];
    await mapConcurrent([1, 2, 3], 1, async (n) => {
      log.push(`début ${n}`);
      await new Promise((resolve) => setTimeout(resolve, 3 - n));
      log.push(`fin ${n}`);
    });
    expect(log).toEqual(["début 1", "fin 1", "début 2", "fin 2", "début 3", "fin 3"]);
  });

  it("a limit above the number of items runs them all at once", async () => {
    let running = 0;
    let peak = 0;
    const results = await mapConcurrent([1, 2, 3], 10, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
      return n * 2;
    });
    expect(results).toEqual([2, 4, 6]);
    expect(peak).toBe(3);
  });

  it("an empty list gives an empty list without calling the task", async () => {
    const task = vi.fn(async () => 1);
    expect(await mapConcurrent([], 4, task)).toEqual([]);
    expect(task).not.toHaveBeenCalled();
  });

  it("fetches sources concurrently against the server, results in order", async () => {
    const routes: Record<string, Route> = {};
    for (let i = 0; i < 6; i++) routes[`/s${i}`] = { body: `corps ${i}`, delayMs: (6 - i) * 5 };
    const feed = await serve(routes);
    const results = await mapConcurrent(Object.keys(routes), 4, (route) =>
      fetchSource(feed.url(route), {}, options()),
    );
    expect(results.map((r) => (r.status === "ok" ? text(r.bytes) : r.status))).toEqual(
      Object.keys(routes).map((_, i) => `corps ${i}`),
    );
  });
});
