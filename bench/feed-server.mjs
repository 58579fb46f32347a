// A local feed server for the benchmarks: N feeds of M items each, every
// answer delayed by LATENCY ms, with an ETag so that a second pull is answered
// by 304. Prints its port on stdout, then serves until killed. 127.0.0.1 only.
import { createServer } from "node:http";

const feeds = Number(process.env.FEEDS ?? 100);
const items = Number(process.env.ITEMS ?? 50);
const latency = Number(process.env.LATENCY ?? 200);

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

const bodies = Array.from({ length: feeds }, (_, n) => Buffer.from(feed(n), "utf8"));
const server = createServer((request, response) => {
  const match = /^\/feed\/(\d+)$/.exec(request.url ?? "");
  const body = match ? bodies[Number(match[1])] : undefined;
  setTimeout(() => {
    if (!body) return response.writeHead(404).end();
    const etag = `"f${match[1]}"`;
    if (request.headers["if-none-match"] === etag) return response.writeHead(304, { etag }).end();
    response
      .writeHead(200, {
        "content-type": "application/rss+xml; charset=utf-8",
        etag,
        "content-length": body.length,
      })
      .end(body);
  }, latency);
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
