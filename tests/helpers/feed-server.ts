import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";

/**
 * A local HTTP server on 127.0.0.1 for the watch tests: each route answers
 * with fixtures the tests write, optionally gzipped, delayed, with ETag /
 * Last-Modified (answering 304 to a matching conditional request), or a
 * redirect. No test ever reaches the internet.
 */

export interface Route {
  status?: number;
  body?: string | Buffer;
  contentType?: string;
  headers?: Record<string, string>;
  etag?: string;
  lastModified?: string;
  gzip?: boolean;
  delayMs?: number;
  /** Redirect to this path (302). */
  redirect?: string;
  /** Never answer (for timeouts). */
  hang?: boolean;
  /** Answer with this status for the first N requests, then normally. */
  failFirst?: { times: number; status: number };
}

export interface FeedServer {
  url: (path: string) => string;
  routes: Map<string, Route>;
  /** Requests seen, in order: path and headers. */
  requests: { path: string; headers: IncomingMessage["headers"] }[];
  close: () => Promise<void>;
}

export async function startFeedServer(routes: Record<string, Route> = {}): Promise<FeedServer> {
  const table = new Map(Object.entries(routes));
  const requests: FeedServer["requests"] = [];
  const failures = new Map<string, number>();
  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const path = request.url ?? "/";
    requests.push({ path, headers: request.headers });
    const route = table.get(path);
    if (!route) {
      response.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    if (route.hang) return;
    const reply = () => {
      if (route.failFirst) {
        const count = failures.get(path) ?? 0;
        if (count < route.failFirst.times) {
          failures.set(path, count + 1);
          response.writeHead(route.failFirst.status).end();
          return;
        }
      }
      if (route.redirect) {
        response.writeHead(302, { location: route.redirect }).end();
        return;
      }
      const headers: Record<string, string> = { ...(route.headers ?? {}) };
      if (route.contentType) headers["content-type"] = route.contentType;
      if (route.etag) headers.etag = route.etag;
      if (route.lastModified) headers["last-modified"] = route.lastModified;
      const conditional =
        (route.etag && request.headers["if-none-match"] === route.etag) ||
        (route.lastModified && request.headers["if-modified-since"] === route.lastModified);
      if (conditional) {
        response.writeHead(304, headers).end();
        return;
      }
      let body =
        typeof route.body === "string"
          ? Buffer.from(route.body, "utf8")
          : (route.body ?? Buffer.alloc(0));
      if (route.gzip) {
        body = gzipSync(body);
        headers["content-encoding"] = "gzip";
      }
      headers["content-length"] = String(body.length);
      response.writeHead(route.status ?? 200, headers).end(body);
    };
    if (route.delayMs) setTimeout(reply, route.delayMs);
    else reply();
  };
  const server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    routes: table,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A small RSS 2.0 document. */
export function rss(
  items: { title: string; link?: string; guid?: string; date?: string; description?: string }[],
  extra = "",
): string {
  const body = items
    .map(
      (item) =>
        `<item><title>${item.title}</title>${item.link ? `<link>${item.link}</link>` : ""}${item.guid ? `<guid>${item.guid}</guid>` : ""}${item.date ? `<pubDate>${item.date}</pubDate>` : ""}${item.description ? `<description>${item.description}</description>` : ""}</item>`,
    )
    .join("");
  return `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Flux</title>${extra}${body}</channel></rss>`;
}
