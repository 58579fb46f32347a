// A local feed server for the benchmarks: N feeds of M items each, every
// answer delayed by LATENCY ms, with an ETag so that a second pull is answered
// by 304. Prints its port on stdout, then serves until killed. 127.0.0.1 only.
//
// /feed/<n>   feed n of FEEDS, ITEMS items each (fixed dates, November 2026)
// /fresh      FRESH items (default 50) published in the hour before the server
//             started: the "new items" of a pull into a large store
// With LOG=<file>, every answer appends "<status> <path> <If-None-Match or ->
// <If-Modified-Since or ->" to that file (the bench counts the 200s and 304s
// of each run, and the conditional requests, there).
import { appendFileSync } from "node:fs";
import { createServer } from "node:http";

const feeds = Number(process.env.FEEDS ?? 100);
const items = Number(process.env.ITEMS ?? 50);
const fresh = Number(process.env.FRESH ?? 50);
const latency = Number(process.env.LATENCY ?? 200);
const log = process.env.LOG;

function feed(n) {
  const entries = [];
  for (let i = 0; i < items; i++) {
    const day = 1 + (i % 28);
    entries.push(
      `<item><title>Source ${n}, actualité ${i} : filière REP et réemploi</title><link>https://exemple.org/${n}/${i}?utm_source=rss</link><guid>s${n}-i${i}</guid><pubDate>${String(day).padStart(2, "0")} Nov 2026 10:00:00 +0100</pubDate><description>&lt;p&gt;Résumé de l’actualité ${i} de la source ${n}, sur les éco-organismes et le fonds réemploi.&lt;/p&gt;</description></item>`,
    );
  }
  return `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Source ${n}</title>${entries.join("")}</channel></rss>`;
}

function freshFeed() {
  const started = Date.now();
  const entries = [];
  for (let i = 0; i < fresh; i++) {
    const date = new Date(started - (i + 1) * 60_000).toUTCString();
    entries.push(
      `<item><title>Nouvelle ${i} : appel à projets du fonds réemploi pour les recycleries textiles</title><link>https://nouvelles.exemple.org/${started}/${i}</link><guid>nouvelle-${started}-${i}</guid><pubDate>${date}</pubDate><description>&lt;p&gt;Actualité ${i} de la semaine : l’éco-organisme de la filière textile ouvre un appel à projets pour les structures de l’économie sociale et solidaire qui collectent, trient et réemploient.&lt;/p&gt;</description></item>`,
    );
  }
  return `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Nouvelles</title>${entries.join("")}</channel></rss>`;
}

const bodies = Array.from({ length: feeds }, (_, n) => Buffer.from(feed(n), "utf8"));
const freshBody = Buffer.from(freshFeed(), "utf8");

function answer(request, response, status, headers, body) {
  if (log) {
    const { "if-none-match": etag, "if-modified-since": since } = request.headers;
    appendFileSync(log, `${status} ${request.url} ${etag ?? "-"} ${since ?? "-"}\n`);
  }
  response.writeHead(status, headers).end(body);
}

const server = createServer((request, response) => {
  const match = /^\/feed\/(\d+)$/.exec(request.url ?? "");
  const isFresh = request.url === "/fresh";
  const body = match ? bodies[Number(match[1])] : isFresh ? freshBody : undefined;
  setTimeout(() => {
    if (!body) return answer(request, response, 404, {});
    const etag = isFresh ? `"fresh"` : `"f${match[1]}"`;
    if (request.headers["if-none-match"] === etag) return answer(request, response, 304, { etag });
    answer(
      request,
      response,
      200,
      {
        "content-type": "application/rss+xml; charset=utf-8",
        etag,
        "content-length": body.length,
      },
      body,
    );
  }, latency);
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
