import { spawn } from "node:child_process";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import iconv from "iconv-lite";
import { afterEach, describe, expect, it } from "vitest";
import { type FeedServer, type Route, rss, startFeedServer } from "../helpers/feed-server.js";
import { runPile, snapshot, tempWorkspace } from "../helpers/harness.js";

let server: FeedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const TOPICS = `topics:
  - id: rep-textiles
    label: "REP textiles"
    keywords: [Refashion, textiles d'habillement]
  - id: rep-general
    label: "REP (général)"
    keywords: [filière REP, éco-organisme, éco-organismes]
    exclude: [éducation prioritaire]
`;

async function workspaceWith(
  routes: Record<string, Route>,
  sources: string[],
  settings = "timeoutSeconds: 1",
) {
  server = await startFeedServer(routes);
  const ws = await tempWorkspace();
  const list = sources
    .map((entry) => {
      const [id, url] = entry.split("=") as [string, string];
      return `  - id: ${id}\n    title: "Source ${id}"\n    url: ${url.startsWith("file:") ? url : (server as FeedServer).url(url)}`;
    })
    .join("\n");
  await writeFile(
    path.join(ws, "feeds.yaml"),
    `settings: {${settings}}\n${TOPICS}sources:\n${list}\n`,
  );
  return ws;
}

async function storeLines(ws: string): Promise<Record<string, unknown>[]> {
  const dir = path.join(ws, "veille", "items");
  const files = (await readdir(dir)).filter((f) => f.endsWith(".jsonl")).sort();
  const lines: Record<string, unknown>[] = [];
  for (const file of files) {
    for (const line of (await readFile(path.join(dir, file), "utf8")).split("\n"))
      if (line) lines.push(JSON.parse(line));
  }
  return lines;
}

const ATOM = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://exemple.org/actus/">
  <title>Atom</title>
  <entry><title>Refashion lance un appel à projets</title><link href="appel-2026?utm_source=rss&amp;id=4#haut"/><id>urn:uuid:1</id><updated>2026-11-20T09:00:00Z</updated><summary type="html">&lt;p&gt;Pour la &lt;b&gt;seconde main&lt;/b&gt;&lt;/p&gt;</summary></entry>
</feed>`;

describe("pile veille pull", () => {
  it("brings every new item once, tags it, and a second pull answered by 304 changes nothing", async () => {
    const routes: Record<string, Route> = {
      "/rss": {
        body: rss([
          {
            title: "Filière REP : nouveau cahier des charges",
            link: "https://exemple.org/rep?xtor=RSS-1",
            guid: "a1",
            date: "lun., 23 nov. 2026 10:00:00 +0100",
          },
          {
            title: "Réseau d'éducation prioritaire : la filière REP du collège",
            link: "https://exemple.org/ecole",
            date: "Mon, 23 Nov 2026 08:00:00 GMT",
          },
          { title: "Sans date", link: "https://exemple.org/sans-date" },
        ]),
        contentType: "application/rss+xml; charset=utf-8",
        etag: '"v1"',
      },
      "/atom": {
        body: ATOM,
        contentType: "application/atom+xml",
        lastModified: "Fri, 20 Nov 2026 09:00:00 GMT",
        gzip: true,
      },
    };
    const ws = await workspaceWith(routes, ["flux=/rss", "atom=/atom"]);
    const first = await runPile(["veille", "pull", "--json"], { cwd: ws });
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({
      sources: [
        { id: "flux", status: "ok", new: 3 },
        { id: "atom", status: "ok", new: 1 },
      ],
      new: 4,
      digest: "veille/digests/2026-W48.md",
    });
    const items = await storeLines(ws);
    const rep = items.find((i) => i.title === "Filière REP : nouveau cahier des charges");
    expect(rep).toMatchObject({
      id: "flux:a1",
      link: "https://exemple.org/rep",
      published: "2026-11-23T09:00:00.000Z",
      dated: true,
      sources: ["flux"],
      tags: ["rep-general"],
    });
    expect(items.find((i) => String(i.title).startsWith("Réseau"))?.tags).toEqual([]);
    expect(items.find((i) => i.title === "Sans date")).toMatchObject({
      dated: false,
      published: "2026-11-28T10:00:00.000Z",
    });
    expect(items.find((i) => i.id === "urn:uuid:1")).toMatchObject({
      link: "http://exemple.org/actus/appel-2026?id=4",
      summary: "Pour la seconde main",
      tags: ["rep-textiles"],
    });

    const before = await snapshot(path.join(ws, "veille", "items"));
    const second = await runPile(["veille", "pull", "--json"], { cwd: ws });
    expect(JSON.parse(second.stdout)).toEqual({
      sources: [
        { id: "flux", status: "not-modified", new: 0 },
        { id: "atom", status: "not-modified", new: 0 },
      ],
      new: 0,
      digest: "veille/digests/2026-W48.md",
    });
    expect(await snapshot(path.join(ws, "veille", "items"))).toEqual(before);
    const conditional = (server as FeedServer).requests.filter((r) => r.path === "/rss")[1];
    expect(conditional?.headers["if-none-match"]).toBe('"v1"');
  });

  it("stores an item seen in two sources once, listing both, and counts it as new for both", async () => {
    const shared = {
      title: "Même actualité",
      link: "https://exemple.org/meme?utm_medium=x",
      date: "2026-11-23T10:00:00Z",
    };
    const ws = await workspaceWith(
      {
        "/a": { body: rss([{ ...shared, guid: "x1" }]) },
        "/b": { body: rss([{ ...shared, link: "https://exemple.org/meme#top", guid: "autre" }]) },
      },
      ["a=/a", "b=/b"],
    );
    const result = await runPile(["veille", "pull", "--json"], { cwd: ws });
    expect(JSON.parse(result.stdout)).toEqual({
      sources: [
        { id: "a", status: "ok", new: 1 },
        { id: "b", status: "ok", new: 1 },
      ],
      new: 1,
      digest: "veille/digests/2026-W48.md",
    });
    const items = await storeLines(ws);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ link: "https://exemple.org/meme", sources: ["a", "b"] });
  });

  it("keeps going when sources fail, with a French reason each, saves what the others brought, and exits 1", async () => {
    const big = rss(
      Array.from({ length: 400 }, (_, i) => ({
        title: `Entrée ${i} ${"x".repeat(100)}`,
        link: `https://e.org/${i}`,
      })),
    );
    const ws = await workspaceWith(
      {
        "/ok": { body: rss([{ title: "Fonctionne", link: "https://e.org/ok" }]) },
        "/absent": { status: 404, body: "non" },
        "/panne": { status: 503 },
        "/lent": { hang: true },
        "/gros": { body: big },
        "/boucle-a": { redirect: "/boucle-b" },
        "/boucle-b": { redirect: "/boucle-a" },
        "/page": {
          body: "<!DOCTYPE html><html><body>Bonjour</body></html>",
          contentType: "text/html",
        },
        "/tronque": { body: '<rss version="2.0"><channel><item><title>x</title>' },
        "/reprise": {
          body: rss([{ title: "Après une erreur 500", link: "https://e.org/reprise" }]),
          failFirst: { times: 1, status: 500 },
        },
      },
      [
        "ok=/ok",
        "absent=/absent",
        "panne=/panne",
        "lent=/lent",
        "gros=/gros",
        "boucle=/boucle-a",
        "page=/page",
        "tronque=/tronque",
        "reprise=/reprise",
      ],
      "timeoutSeconds: 1, maxBytes: 20000",
    );
    const result = await runPile(["veille", "pull", "--json"], { cwd: ws });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    const reasons = Object.fromEntries(
      report.sources.map((s: { id: string; status: string; error?: string }) => [
        s.id,
        s.error ?? s.status,
      ]),
    );
    expect(reasons).toEqual({
      ok: "ok",
      absent: "HTTP 404",
      panne: "HTTP 503",
      lent: "délai dépassé",
      gros: "trop volumineux",
      boucle: "boucle de redirections",
      page: "pas un flux : la page HTML ne signale aucun flux RSS, Atom ou JSON Feed",
      tronque: "XML invalide",
      reprise: "ok",
    });
    expect(report.new).toBe(2);
    expect((await storeLines(ws)).map((i) => i.title).sort()).toEqual([
      "Après une erreur 500",
      "Fonctionne",
    ]);
    const state = JSON.parse(await readFile(path.join(ws, "veille", "sources.json"), "utf8"));
    expect(state.sources.absent).toMatchObject({
      consecutiveFailures: 1,
      lastErrorReason: "HTTP 404",
    });
    // A failing source is still tried next time, and its failures are counted.
    await runPile(["veille", "pull", "--source", "absent"], { cwd: ws });
    const again = JSON.parse(await readFile(path.join(ws, "veille", "sources.json"), "utf8"));
    expect(again.sources.absent.consecutiveFailures).toBe(2);
  });

  it("decodes windows-1252 and ISO-8859-1 feeds without losing ’ € Œ", async () => {
    const text = rss([{ title: "L’Œuvre coûte 5 € — déjà", link: "https://e.org/cp1252" }]).replace(
      'encoding="utf-8"',
      'encoding="windows-1252"',
    );
    const latin = rss([{ title: "Déclaration d’intérêt", link: "https://e.org/latin" }]).replace(
      'encoding="utf-8"',
      'encoding="ISO-8859-1"',
    );
    const ws = await workspaceWith(
      {
        "/cp1252": {
          body: iconv.encode(text, "windows-1252"),
          contentType: "application/rss+xml; charset=windows-1252",
        },
        "/latin": { body: iconv.encode(latin, "windows-1252") },
      },
      ["cp=/cp1252", "latin=/latin"],
    );
    expect((await runPile(["veille", "pull"], { cwd: ws })).code).toBe(0);
    const titles = (await storeLines(ws)).map((i) => i.title).sort();
    expect(titles).toEqual(["Déclaration d’intérêt", "L’Œuvre coûte 5 € — déjà"]);
  });

  it("neither hangs nor reads local files on entity tricks", async () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]><rss version="2.0"><channel><item><title>&d;</title><link>https://e.org/bombe</link></item></channel></rss>`;
    const xxe = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss version="2.0"><channel><item><title>avant &x; après</title><link>https://e.org/xxe</link></item></channel></rss>`;
    const ws = await workspaceWith({ "/bombe": { body: bomb }, "/xxe": { body: xxe } }, [
      "bombe=/bombe",
      "xxe=/xxe",
    ]);
    await runPile(["veille", "pull"], { cwd: ws });
    const items = await storeLines(ws);
    for (const item of items) {
      expect(String(item.title).length).toBeLessThan(100);
      expect(String(item.title)).not.toContain("root:");
    }
  });

  it("reads file: sources relative to the workspace", async () => {
    server = await startFeedServer();
    const ws = await tempWorkspace();
    await mkdir(path.join(ws, "exemples"));
    await writeFile(
      path.join(ws, "exemples", "flux.xml"),
      rss([{ title: "Locale", link: "https://e.org/locale", date: "3 mars 2025" }]),
    );
    await writeFile(
      path.join(ws, "feeds.yaml"),
      "sources:\n  - id: local\n    title: Local\n    url: file:exemples/flux.xml\n",
    );
    const result = await runPile(["veille", "pull", "--json"], { cwd: ws });
    expect(JSON.parse(result.stdout).new).toBe(1);
    expect((await storeLines(ws))[0]).toMatchObject({ published: "2025-03-02T23:00:00.000Z" });
  });

  it("--dry-run fetches but writes nothing", async () => {
    const ws = await workspaceWith(
      { "/rss": { body: rss([{ title: "Un", link: "https://e.org/1" }]) } },
      ["flux=/rss"],
    );
    const before = await snapshot(ws);
    const result = await runPile(["veille", "pull", "--dry-run", "--json"], { cwd: ws });
    expect(JSON.parse(result.stdout)).toMatchObject({ new: 1, dryRun: true });
    expect(await snapshot(ws)).toEqual(before);
  });

  it.each([
    [
      "sources:\n  - id: a\n    title: A\n    url: ftp://x\n",
      "feeds.yaml:4:10 : « sources[0].url »",
    ],
    [
      "sources:\n  - id: a\n    title: A\n    url: https://x\n  - id: a\n    title: B\n    url: https://y\n",
      "la source « a » apparaît deux fois",
    ],
    ["settings: {concurency: 3}\n", "clé inconnue « concurency »"],
    ["topics:\n  - id: t\n    label: T\n", "« topics[0].keywords » est obligatoire"],
  ])("a bad feeds.yaml exits 2 with file:line and writes nothing (%#)", async (yaml, message) => {
    const ws = await tempWorkspace();
    await writeFile(path.join(ws, "feeds.yaml"), yaml);
    const before = await snapshot(ws);
    const result = await runPile(["veille", "pull"], { cwd: ws });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(await snapshot(ws)).toEqual(before);
  });

  it("refuses an unknown --source (exit 2)", async () => {
    const ws = await workspaceWith({ "/rss": { body: rss([]) } }, ["flux=/rss"]);
    const result = await runPile(["veille", "pull", "--source", "nope"], { cwd: ws });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Source inconnue : « nope »");
  });

  it("takes over a lock left by a dead process, and refuses to run beside a live pull", async () => {
    const ws = await workspaceWith(
      { "/rss": { body: rss([{ title: "Un", link: "https://e.org/1" }]) } },
      ["flux=/rss"],
    );
    await mkdir(path.join(ws, "veille"), { recursive: true });
    await writeFile(path.join(ws, "veille", ".lock"), "999999\n");
    expect((await runPile(["veille", "pull"], { cwd: ws })).code).toBe(0);
    const sleeper = spawn(process.execPath, ["-e", "setTimeout(() => {}, 10000)"]);
    try {
      await writeFile(path.join(ws, "veille", ".lock"), `${sleeper.pid}\n`);
      const before = await snapshot(path.join(ws, "veille", "items"));
      const blocked = await runPile(["veille", "pull"], { cwd: ws });
      expect(blocked.code).toBe(1);
      expect(blocked.stderr).toContain(
        `Une autre collecte de la veille est en cours (processus ${sleeper.pid})`,
      );
      expect(await snapshot(path.join(ws, "veille", "items"))).toEqual(before);
    } finally {
      sleeper.kill();
    }
  });
});

describe("pile veille list", () => {
  it("lists newest first with filters, and --json gives the documented fields", async () => {
    const ws = await workspaceWith(
      {
        "/rss": {
          body: rss([
            {
              title: "Refashion : fonds réemploi",
              link: "https://e.org/1",
              date: "2026-11-20T10:00:00Z",
              description: "Un appel pour l’économie circulaire",
            },
            { title: "Autre sujet", link: "https://e.org/2", date: "2026-10-02T10:00:00Z" },
            { title: "Éco-organisme agréé", link: "https://e.org/3", date: "2026-11-25T10:00:00Z" },
          ]),
        },
      },
      ["flux=/rss"],
    );
    await runPile(["veille", "pull"], { cwd: ws });
    const all = JSON.parse((await runPile(["veille", "list", "--json"], { cwd: ws })).stdout);
    expect(all.map((i: { title: string }) => i.title)).toEqual([
      "Éco-organisme agréé",
      "Refashion : fonds réemploi",
      "Autre sujet",
    ]);
    expect(Object.keys(all[0]).sort()).toEqual([
      "dated",
      "id",
      "link",
      "published",
      "sources",
      "summary",
      "tags",
      "title",
    ]);
    const since = JSON.parse(
      (await runPile(["veille", "list", "--since", "2026-11-01", "--json"], { cwd: ws })).stdout,
    );
    expect(since).toHaveLength(2);
    const tagged = JSON.parse(
      (await runPile(["veille", "list", "--tag", "rep-textiles", "--json"], { cwd: ws })).stdout,
    );
    expect(tagged.map((i: { link: string }) => i.link)).toEqual(["https://e.org/1"]);
    const searched = JSON.parse(
      (await runPile(["veille", "list", "--search", "ECONOMIE circulaire", "--json"], { cwd: ws }))
        .stdout,
    );
    expect(searched).toHaveLength(1);
    const limited = JSON.parse(
      (await runPile(["veille", "list", "--limit", "1", "--json"], { cwd: ws })).stdout,
    );
    expect(limited).toHaveLength(1);
    const human = await runPile(["veille", "list"], { cwd: ws });
    expect(human.stdout).toContain("25/11/2026  Éco-organisme agréé");
  });

  it.each([
    [["--since", "hier"], "--since attend une date AAAA-MM-JJ"],
    [["--limit", "0"], "--limit attend un nombre entier positif"],
  ])("bad flags %j exit 2", async (flags, message) => {
    const ws = await tempWorkspace();
    const result = await runPile(["veille", "list", ...flags], { cwd: ws });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });
});
