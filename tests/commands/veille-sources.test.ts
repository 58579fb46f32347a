import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type FeedServer, type Route, rss, startFeedServer } from "../helpers/feed-server.js";
import { runPile, snapshot, tempWorkspace } from "../helpers/harness.js";

/**
 * Issue 5 end to end, in process, against a local server on 127.0.0.1:
 * pages without a feed (kind: html), autodiscovery, `veille sources`,
 * `veille add` and OPML import/export.
 */

let server: FeedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(routes: Record<string, Route>): Promise<FeedServer> {
  server = await startFeedServer(routes);
  return server;
}

const HTML = "text/html; charset=utf-8";
const RSS = "application/rss+xml";

/** A page in the State's design system (DSFR), relative links, French dates. */
const DSFR_PAGE = `<!DOCTYPE html><html lang="fr"><head><title>Appels à projets</title></head><body>
<div class="fr-grid-row">
  <div class="fr-card"><div class="fr-card__body">
    <h3 class="fr-card__title"><a href="/aap/fonds-reemploi-2027">Fonds réemploi : appel à projets 2027</a></h3>
    <p class="fr-card__desc">Dépôt des dossiers pour les ressourceries et recycleries.</p>
    <p class="fr-card__detail">Publié le 12 novembre 2026</p>
  </div></div>
  <div class="fr-card"><div class="fr-card__body">
    <h3 class="fr-card__title"><a href="aap/textile?utm_source=x">Textiles : fonds de réparation</a></h3>
    <p class="fr-card__desc">Bonus réparation des vêtements et chaussures.</p>
    <p class="fr-card__detail"><time datetime="2026-11-20">20 nov. 2026</time></p>
  </div></div>
</div></body></html>`;

const DSFR_SELECT =
  "{item: .fr-card, title: .fr-card__title, link: .fr-card__title a, date: .fr-card__detail, summary: .fr-card__desc}";

const REDESIGNED_PAGE = `<!DOCTYPE html><html><body><main><ul class="news"><li><a href="/a">Nouvelle présentation</a></li></ul></main></body></html>`;

function pageAdvertising(href: string, type = "application/rss+xml"): string {
  return `<!DOCTYPE html><html><head><title>Site</title><link rel="alternate" type="${type}" title="Actualités" href="${href}"></head><body><p>Bienvenue</p></body></html>`;
}

const FEED = rss([
  {
    title: "Filière REP textile : nouveau cahier des charges",
    link: "https://exemple.org/rep-textile",
    date: "Mon, 23 Nov 2026 09:00:00 GMT",
  },
  {
    title: "Économie sociale et solidaire : appel à projets",
    link: "https://exemple.org/ess",
    date: "Tue, 24 Nov 2026 09:00:00 GMT",
  },
]);

async function workspaceWith(sourcesYaml: string): Promise<string> {
  const ws = await tempWorkspace();
  const file = path.join(ws, "feeds.yaml");
  const text = await readFile(file, "utf8");
  await writeFile(file, `${text.slice(0, text.indexOf("\nsources:"))}\nsources:\n${sourcesYaml}`);
  return ws;
}

async function storedItems(
  ws: string,
): Promise<
  { title: string; link?: string; published: string; dated: boolean; sources: string[] }[]
> {
  const text = await readFile(path.join(ws, "veille", "items", "2026-11.jsonl"), "utf8");
  return text
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
}

async function state(ws: string): Promise<Record<string, Record<string, unknown>>> {
  return JSON.parse(await readFile(path.join(ws, "veille", "sources.json"), "utf8")).sources;
}

describe("pages without a feed (kind: html)", () => {
  it("reads the entries a page's selectors find, with absolute links and French dates", async () => {
    const srv = await serve({ "/aap/": { body: DSFR_PAGE, contentType: HTML } });
    const ws = await workspaceWith(
      `  - id: aap\n    title: Appels à projets\n    url: ${srv.url("/aap/")}\n    kind: html\n    select: ${DSFR_SELECT}\n`,
    );
    const result = await runPile(["veille", "pull"], { cwd: ws });
    expect(result.stderr).toContain("aap : 2 entrées lues");
    expect(result.code).toBe(0);
    const items = await storedItems(ws);
    expect(items.map((item) => [item.title, item.link, item.published, item.dated])).toEqual([
      [
        "Fonds réemploi : appel à projets 2027",
        srv.url("/aap/fonds-reemploi-2027"),
        "2026-11-11T23:00:00.000Z",
        true,
      ],
      [
        "Textiles : fonds de réparation",
        srv.url("/aap/aap/textile"),
        "2026-11-19T23:00:00.000Z",
        true,
      ],
    ]);
    // A second pull of an unchanged page adds nothing.
    const again = await runPile(["veille", "pull"], { cwd: ws });
    expect(again.code).toBe(0);
    expect(await storedItems(ws)).toHaveLength(2);
  });

  it("reports a page whose selectors suddenly find nothing as an error, not an empty success", async () => {
    const srv = await serve({ "/aap/": { body: DSFR_PAGE, contentType: HTML } });
    const ws = await workspaceWith(
      `  - id: aap\n    title: Appels à projets\n    url: ${srv.url("/aap/")}\n    kind: html\n    select: ${DSFR_SELECT}\n`,
    );
    expect((await runPile(["veille", "pull"], { cwd: ws })).code).toBe(0);
    srv.routes.set("/aap/", { body: REDESIGNED_PAGE, contentType: HTML });
    const before = await storedItems(ws);
    const result = await runPile(["veille", "pull", "--json"], { cwd: ws });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.sources[0].status).toBe("error");
    expect(report.sources[0].error).toMatch(/^sélecteurs sans résultat/);
    expect(await storedItems(ws)).toEqual(before);
    const health = JSON.parse((await runPile(["veille", "sources", "--json"], { cwd: ws })).stdout);
    expect(health.sources[0]).toMatchObject({
      id: "aap",
      status: "error",
      consecutiveFailures: 1,
      items: 2,
    });
    expect(health.sources[0].lastErrorReason).toMatch(/^sélecteurs sans résultat/);
  });
});

describe("autodiscovery", () => {
  it("follows the feed a page advertises, says so, and fetches it directly next time", async () => {
    const srv = await serve({
      "/": { body: pageAdvertising("/actualites/feed.xml"), contentType: HTML },
      "/actualites/feed.xml": { body: FEED, contentType: RSS, etag: '"v1"' },
    });
    const ws = await workspaceWith(`  - id: site\n    title: Site\n    url: ${srv.url("/")}\n`);
    const first = await runPile(["veille", "pull"], { cwd: ws });
    expect(first.code).toBe(0);
    expect(first.stderr).toContain(`flux trouvé sur la page, ${srv.url("/actualites/feed.xml")}`);
    expect(first.stdout).toContain(`flux trouvé sur la page : ${srv.url("/actualites/feed.xml")}`);
    expect(await storedItems(ws)).toHaveLength(2);
    expect((await state(ws)).site).toMatchObject({
      url: srv.url("/"),
      feedUrl: srv.url("/actualites/feed.xml"),
      etag: '"v1"',
    });
    srv.requests.length = 0;
    const second = await runPile(["veille", "pull", "--json"], { cwd: ws });
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout).sources[0]).toMatchObject({ status: "not-modified" });
    expect(srv.requests.map((request) => request.path)).toEqual(["/actualites/feed.xml"]);
    expect(srv.requests[0]?.headers["if-none-match"]).toBe('"v1"');
  });

  it("finds the feed anew when the remembered one disappears", async () => {
    const srv = await serve({
      "/": { body: pageAdvertising("/feed-v1.xml"), contentType: HTML },
      "/feed-v1.xml": { body: FEED, contentType: RSS },
    });
    const ws = await workspaceWith(`  - id: site\n    title: Site\n    url: ${srv.url("/")}\n`);
    expect((await runPile(["veille", "pull"], { cwd: ws })).code).toBe(0);
    srv.routes.delete("/feed-v1.xml");
    srv.routes.set("/", {
      body: pageAdvertising("/feed-v2.xml", "application/atom+xml"),
      contentType: HTML,
    });
    srv.routes.set("/feed-v2.xml", {
      contentType: "application/atom+xml",
      body: `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Site</title><entry><id>urn:x:1</id><title>Nouvelle entrée</title><link href="https://exemple.org/nouvelle"/><updated>2026-11-25T10:00:00Z</updated></entry></feed>`,
    });
    const result = await runPile(["veille", "pull"], { cwd: ws });
    expect(result.code).toBe(0);
    expect((await state(ws)).site?.feedUrl).toBe(srv.url("/feed-v2.xml"));
    expect((await storedItems(ws)).map((item) => item.title)).toContain("Nouvelle entrée");
  });

  it("says « pas un flux » for a page that advertises none", async () => {
    const srv = await serve({ "/": { body: REDESIGNED_PAGE, contentType: HTML } });
    const ws = await workspaceWith(`  - id: site\n    title: Site\n    url: ${srv.url("/")}\n`);
    const result = await runPile(["veille", "pull", "--json"], { cwd: ws });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).sources[0].error).toMatch(/^pas un flux/);
  });
});

describe("pile veille sources", () => {
  it("shows each source's health: successes, errors with their reason, silence, counts", async () => {
    const srv = await serve({
      "/ok.xml": { body: FEED, contentType: RSS },
      "/down.xml": { status: 404 },
    });
    const ws = await workspaceWith(
      [
        `  - id: ok\n    title: En forme\n    url: ${srv.url("/ok.xml")}`,
        `  - id: down\n    title: En panne\n    url: ${srv.url("/down.xml")}`,
        `  - id: off\n    title: Arrêtée\n    url: ${srv.url("/off.xml")}\n    enabled: false`,
        "",
      ].join("\n"),
    );
    await runPile(["veille", "pull"], { cwd: ws });
    await runPile(["veille", "pull"], { cwd: ws });
    const later = new Date("2027-01-15T10:00:00Z");
    const json = await runPile(["veille", "sources", "--json"], { cwd: ws, now: later });
    expect(json.code).toBe(0);
    const rows = JSON.parse(json.stdout).sources;
    expect(rows.map((row: { id: string; status: string }) => [row.id, row.status])).toEqual([
      ["ok", "silent"],
      ["down", "error"],
      ["off", "disabled"],
    ]);
    expect(rows[0]).toMatchObject({ items: 2, consecutiveFailures: 0, daysSinceNewItem: 48 });
    expect(rows[1]).toMatchObject({ items: 0, consecutiveFailures: 2 });
    expect(rows[1].lastErrorReason).toContain("404");
    expect(rows[1].daysSinceNewItem).toBeUndefined();

    const table = await runPile(["veille", "sources"], { cwd: ws, now: later });
    expect(table.stdout).toMatch(/ok\s+silencieuse\s+2\s+il y a 48 j\s+28\/11\/2026\s+0/);
    expect(table.stdout).toMatch(/down\s+en erreur\s+0\s+jamais/);
    expect(table.stdout).toContain("down : 2 échecs de suite, le dernier le 28/11/2026 : ");
    expect(table.stderr).toContain("3 sources, 1 en erreur, 1 silencieuse");
  });
});

describe("pile veille add", () => {
  it("appends a checked feed to the shipped feeds.yaml, keeping every other byte", async () => {
    const srv = await serve({ "/flux.xml": { body: FEED, contentType: RSS } });
    const ws = await tempWorkspace();
    const file = path.join(ws, "feeds.yaml");
    const before = await readFile(file, "utf8");
    const result = await runPile(
      ["veille", "add", srv.url("/flux.xml"), "--tags", "ess,insertion-emploi"],
      { cwd: ws },
    );
    expect(result.stderr).toContain("Source ajoutée à feeds.yaml");
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe("flux");
    const after = await readFile(file, "utf8");
    expect(after.startsWith(before)).toBe(true);
    expect(after.slice(before.length)).toContain(`url: ${srv.url("/flux.xml")}`);
    expect(after.slice(before.length)).toContain("tags: [ess, insertion-emploi]");
    // The new source is collected by the next pull.
    const pull = await runPile(["veille", "pull", "--source", "flux"], { cwd: ws });
    expect(pull.code).toBe(0);
  });

  it("stores the feed a page advertises, under the title and id asked for", async () => {
    const srv = await serve({
      "/": { body: pageAdvertising("/feed.xml"), contentType: HTML },
      "/feed.xml": { body: FEED, contentType: RSS },
    });
    const ws = await tempWorkspace();
    const result = await runPile(
      [
        "veille",
        "add",
        srv.url("/"),
        "--id",
        "exemple",
        "--title",
        "Exemple : actualités",
        "--json",
      ],
      { cwd: ws },
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      id: "exemple",
      title: "Exemple : actualités",
      url: srv.url("/feed.xml"),
      page: srv.url("/"),
      items: 2,
    });
    const text = await readFile(path.join(ws, "feeds.yaml"), "utf8");
    expect(text).toContain(`url: ${srv.url("/feed.xml")}`);
    // Adding the page again is refused: its feed is already there.
    const twice = await runPile(["veille", "add", srv.url("/feed.xml")], { cwd: ws });
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain("déjà dans feeds.yaml : source « exemple »");
  });

  it.each([
    [
      "an address already present",
      () => [
        "veille",
        "add",
        "http://www.service-public.gouv.fr/abonnements/rss/actu-actu-pro.rss/",
      ],
      /déjà dans feeds\.yaml/,
    ],
    [
      "an address that is not a feed",
      (url: string) => ["veille", "add", url.replace("/flux.xml", "/page")],
      /pas un flux/,
    ],
    [
      "an address that does not answer",
      (url: string) => ["veille", "add", url.replace("/flux.xml", "/absent")],
      /404/,
    ],
    ["an invalid address", () => ["veille", "add", "ftp://exemple.org/flux"], /Adresse invalide/],
    [
      "an id already taken",
      (url: string) => ["veille", "add", url, "--id", "service-public-entreprendre"],
      /déjà une source « service-public-entreprendre »/,
    ],
    [
      "an invalid tag",
      (url: string) => ["veille", "add", url, "--tags", "Économie"],
      /Étiquette invalide/,
    ],
    ["--dry-run", (url: string) => ["veille", "add", url, "--dry-run"], /Aperçu/],
  ])("writes nothing for %s", async (_name, args, message) => {
    const srv = await serve({
      "/flux.xml": { body: FEED, contentType: RSS },
      "/page": { body: REDESIGNED_PAGE, contentType: HTML },
    });
    const ws = await tempWorkspace();
    const before = await snapshot(ws);
    const result = await runPile(args(srv.url("/flux.xml")), { cwd: ws });
    expect(result.stderr).toMatch(message);
    expect(result.code).toBe(_name === "--dry-run" ? 0 : 2);
    expect(await snapshot(ws)).toEqual(before);
  });
});

describe("pile veille opml", () => {
  const OPML = `<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>Abonnements</title></head><body>
<outline text="Économie circulaire" title="Économie circulaire">
  <outline text="REP">
    <outline type="rss" text="Filières REP" xmlUrl="https://exemple.org/rep.xml" htmlUrl="https://exemple.org/"/>
  </outline>
  <outline type="rss" text="Service-Public associations" xmlUrl="http://www.service-public.gouv.fr/abonnements/rss/actu-actu-pro.rss/"/>
</outline>
<outline type="rss" text="Localtis &amp; territoires" xmlUrl="https://exemple.org/localtis.xml"/>
</body></opml>`;

  it("imports new feeds, skipping and naming those already present", async () => {
    const ws = await tempWorkspace();
    await writeFile(path.join(ws, "abonnements.opml"), OPML);
    const before = await readFile(path.join(ws, "feeds.yaml"), "utf8");
    const result = await runPile(["veille", "opml", "import", "abonnements.opml"], { cwd: ws });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("Laissée de côté : « Service-Public associations »");
    expect(result.stderr).toContain("2 sources ajoutées à feeds.yaml");
    const after = await readFile(path.join(ws, "feeds.yaml"), "utf8");
    expect(after.startsWith(before)).toBe(true);
    expect(after).toContain("https://exemple.org/rep.xml");
    expect(after).toContain("https://exemple.org/localtis.xml");
    // Importing the same file again adds nothing and changes nothing.
    const again = await runPile(["veille", "opml", "import", "abonnements.opml"], { cwd: ws });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("Aucune nouvelle source");
    expect(await readFile(path.join(ws, "feeds.yaml"), "utf8")).toBe(after);
  });

  it("exports the feeds (not the pages) and the export imports back into an empty list", async () => {
    const ws = await tempWorkspace();
    const exported = await runPile(["veille", "opml", "export", "--out", "veille.opml"], {
      cwd: ws,
    });
    expect(exported.code).toBe(0);
    expect(exported.stderr).toMatch(/13 flux exportés dans veille\.opml/);
    expect(exported.stderr).toMatch(/11 sources non exportées : pages sans flux/);
    const text = await readFile(path.join(ws, "veille.opml"), "utf8");
    expect(text).toContain("<opml");
    expect(text).not.toContain("legifrance.gouv.fr/jorf");
    // Never overwritten silently.
    const twice = await runPile(["veille", "opml", "export", "--out", "veille.opml"], { cwd: ws });
    expect(twice.code).toBe(2);
    const other = await workspaceWith("");
    await writeFile(path.join(other, "veille.opml"), text);
    const imported = await runPile(["veille", "opml", "import", "veille.opml", "--json"], {
      cwd: other,
    });
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout).added).toHaveLength(13);
  });

  it("refuses a file that is not OPML, with its name", async () => {
    const ws = await tempWorkspace();
    await writeFile(path.join(ws, "pas-opml.xml"), "<rss><channel></channel></rss>");
    const before = await snapshot(ws);
    const result = await runPile(["veille", "opml", "import", "pas-opml.xml"], { cwd: ws });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("pas-opml.xml");
    expect(await snapshot(ws)).toEqual(before);
  });
});

describe("review fixes of the watch", () => {
  it("a broken digest template does not hide a pull that stored its items (exit 1, warning, digestError)", async () => {
    const srv = await serve({ "/f.xml": { body: FEED, contentType: RSS } });
    const ws = await workspaceWith(`  - id: f\n    title: F\n    url: ${srv.url("/f.xml")}\n`);
    await mkdir(path.join(ws, "templates", "veille"), { recursive: true });
    await writeFile(path.join(ws, "templates", "veille", "digest.md.hbs"), "{{periode.label}}\n");
    const result = await runPile(["veille", "pull", "--json"], { cwd: ws });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.new).toBe(2);
    expect(report.digest).toBeUndefined();
    expect(report.digestError).toContain("templates/veille/digest.md.hbs");
    expect(result.stderr).toContain("La synthèse de la semaine n'a pas été écrite");
    expect(await storedItems(ws)).toHaveLength(2);
  });

  it("a source named twice with --source is fetched once", async () => {
    const srv = await serve({ "/f.xml": { body: FEED, contentType: RSS } });
    const ws = await workspaceWith(`  - id: f\n    title: F\n    url: ${srv.url("/f.xml")}\n`);
    const result = await runPile(["veille", "pull", "--source", "f", "--source", "f", "--json"], {
      cwd: ws,
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).sources).toHaveLength(1);
    expect(srv.requests.filter((request) => request.path === "/f.xml")).toHaveLength(1);
  });

  it.each([
    [["veille", "digest", "--out", "deja.md", "--dry-run"]],
    [["veille", "opml", "export", "--out", "deja.md", "--dry-run"]],
  ])("%j refuses an existing --out file even in a dry run, and names --force", async (args) => {
    const ws = await tempWorkspace();
    await writeFile(path.join(ws, "deja.md"), "à garder\n");
    const before = await snapshot(ws);
    const result = await runPile(args, { cwd: ws });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("deja.md existe déjà");
    expect(result.stderr).toContain("--force");
    expect(await snapshot(ws)).toEqual(before);
  });

  it("a source that answers but has never brought anything is « rien apporté », not silent", async () => {
    const srv = await serve({ "/vide.xml": { body: rss([]), contentType: RSS } });
    const ws = await workspaceWith(
      `  - id: vide\n    title: Vide\n    url: ${srv.url("/vide.xml")}\n`,
    );
    await runPile(["veille", "pull"], { cwd: ws });
    const table = await runPile(["veille", "sources"], { cwd: ws });
    expect(table.stdout).toMatch(/vide\s+rien apporté\s+0\s+jamais/);
  });
});
