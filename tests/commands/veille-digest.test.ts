import { appendFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  NEW_STUDY_FLAGS,
  offlineFeeds,
  runPile,
  STUDY_ID,
  snapshot,
  tempWorkspace,
} from "../helpers/harness.js";
import { line, type StoreItem, writeMonth } from "../helpers/store.js";

/**
 * Issue 6 end to end, in process: `pile veille digest` on a store written
 * by hand (veille/items/*.jsonl, veille/sources.json), the digest that
 * `pile veille pull` writes at its end, and the studies it serves. The
 * clock is the harness's FIXED_NOW, Saturday 28 November 2026: week
 * 2026-W48 runs from Monday 23 to Sunday 29 November (Paris time).
 */

// ------------------------------------------------------------ workspaces

const shared: string[] = [];
afterAll(async () => {
  for (const dir of shared.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** A workspace kept for a whole describe (tempWorkspace's are removed after each test). */
async function sharedWorkspace(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "pile-digest-"));
  shared.push(dir);
  const result = await runPile(["init", "."], { cwd: dir });
  if (result.code !== 0) throw new Error(`init failed: ${result.stderr}`);
  return dir;
}

const HOSTILE_TITLE = "[x](javascript:alert(1)) <img src=x onerror=alert(1)>";

const NOVEMBER: StoreItem[] = [
  {
    id: "https://exemple.org/semaine-47",
    title: "Ressourceries : bilan de la semaine 47",
    link: "https://exemple.org/semaine-47",
    published: "2026-11-17T08:00:00.000Z",
    firstSeen: "2026-11-17T09:00:00.000Z",
  },
  {
    id: "https://exemple.org/refashion-aap",
    title: "Refashion : appel à projets pour les recycleries",
    link: "https://exemple.org/refashion-aap",
    published: "2026-11-24T09:00:00.000Z",
    firstSeen: "2026-11-24T10:00:00.000Z",
    summary: "Un fonds pour le tri textile.",
    tags: ["rep-textiles"],
  },
  {
    id: "https://exemple.org/conseil-18e",
    title: "Conseil d'arrondissement du 18e",
    link: "https://exemple.org/conseil-18e",
    published: "2026-11-25T09:00:00.000Z",
    firstSeen: "2026-11-25T10:00:00.000Z",
  },
  {
    id: "flux:piege",
    title: HOSTILE_TITLE,
    link: "javascript:alert(1)",
    published: "2026-11-26T09:00:00.000Z",
    firstSeen: "2026-11-26T10:00:00.000Z",
    summary: "<script>alert(1)</script>",
  },
];

const STATE = {
  version: 1,
  sources: {
    "banque-des-territoires-localtis": {
      lastSuccess: "2026-11-20T10:00:00.000Z",
      lastError: "2026-11-27T10:00:00.000Z",
      lastErrorReason: "HTTP 503",
      consecutiveFailures: 2,
    },
  },
};

/**
 * The store above, and two studies that follow « recyclerie »: the one of
 * NEW_STUDY_FLAGS, in progress, and « Atelier vélo », abandoned.
 */
async function digestWorkspace(): Promise<string> {
  const ws = await sharedWorkspace();
  await writeMonth(ws, "2026-11", NOVEMBER.map(line));
  await writeFile(path.join(ws, "veille", "sources.json"), `${JSON.stringify(STATE, null, 2)}\n`);
  expect((await runPile(NEW_STUDY_FLAGS, { cwd: ws })).code).toBe(0);
  await appendFile(
    path.join(ws, "studies", STUDY_ID, "study.yaml"),
    "veille:\n  topics: [rep-textiles]\n  keywords: [recyclerie]\n",
  );
  const bike = [...NEW_STUDY_FLAGS];
  bike[bike.indexOf("Recyclerie textile")] = "Atelier vélo";
  expect((await runPile(bike, { cwd: ws })).code).toBe(0);
  const bikeId = "2026-11-atelier-velo-18e";
  await appendFile(
    path.join(ws, "studies", bikeId, "study.yaml"),
    "veille:\n  keywords: [recyclerie, conseil d'arrondissement]\n",
  );
  const advance = await runPile(
    [
      "study",
      "advance",
      bikeId,
      "--to",
      "abandonnee",
      "--reason",
      "Pas de local",
      "--date",
      "2026-11-28",
    ],
    { cwd: ws },
  );
  expect(advance.code).toBe(0);
  // Abandoned, it still follows « recyclerie »: only its stage keeps it out of the digest.
  expect(await readFile(path.join(ws, "studies", bikeId, "study.yaml"), "utf8")).toContain(
    "recyclerie",
  );
  return ws;
}

const W48 = "veille/digests/2026-W48.md";

// ----------------------------------------------------------------- digest

describe("pile veille digest", () => {
  let ws: string;
  beforeAll(async () => {
    ws = await digestWorkspace();
  });

  it("writes the week of now in Paris to veille/digests, and rewriting it changes nothing", async () => {
    const first = await runPile(["veille", "digest"], { cwd: ws });
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(`${W48}\n`);
    expect(first.stderr).toBe("Synthèse de la semaine 48 de 2026 : 3 entrées.\n");
    const text = await readFile(path.join(ws, W48), "utf8");
    expect(text.startsWith("# Veille de LA PILE — semaine 48 de 2026\n")).toBe(true);
    expect(text).toContain(
      "Période : semaine 48 de 2026, du lundi 23 au dimanche 29 novembre 2026.",
    );
    expect(text).toContain("Refashion : appel à projets pour les recycleries");
    expect(text).toContain("Conseil d'arrondissement du 18e");
    // Last week's item is last week's.
    expect(text).not.toContain("semaine 47");
    // The studies in progress that follow what an item is about.
    const studies = text.slice(
      text.indexOf("## Pour vos études"),
      text.indexOf("## État des sources"),
    );
    expect(studies).toContain("### Recyclerie textile (1)");
    expect(studies).toContain("recycleries](https://exemple.org/refashion-aap)");
    expect(studies).toMatch(/repéré par : Textiles d'habillement.*, recyclerie\n/);
    expect(text).not.toContain("Atelier vélo");
    // The source in error is named with its reason.
    expect(text).toContain("**En erreur**");
    expect(text).toMatch(/- Banque des Territoires.* : HTTP 503 \(2 échecs de suite/);

    const before = await snapshot(ws);
    const again = await runPile(["veille", "digest"], { cwd: ws });
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(`${W48}\n`);
    expect(again.stderr).toBe("Synthèse de la semaine 48 de 2026 : 3 entrées (inchangée).\n");
    expect(await snapshot(ws)).toEqual(before);
    expect(await readFile(path.join(ws, W48), "utf8")).toBe(text);
  });

  it("escapes a hostile title and drops a javascript: link, in Markdown and in HTML", async () => {
    await runPile(["veille", "digest"], { cwd: ws });
    const md = await readFile(path.join(ws, W48), "utf8");
    expect(md).toContain(
      "- \\[x\\]\\(javascript\\:alert\\(1\\)\\) \\<img src=x onerror=alert\\(1\\)\\>",
    );
    expect(md).toContain("\\<script\\>alert\\(1\\)\\</script\\>");
    // Every < [ ] ( ) of the feed's text has its backslash: none acts as Markdown or HTML.
    expect(md).not.toMatch(/(?<!\\)<(img|script)|(?<!\\)\]\(javascript/);

    const html = await runPile(["veille", "digest", "--format", "html", "--out", "-"], { cwd: ws });
    expect(html.code).toBe(0);
    expect(html.stdout).toContain("[x](javascript:alert(1)) &lt;img src=x onerror=alert(1)&gt;");
    expect(html.stdout).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html.stdout).not.toMatch(/<img|<script|href="javascript/i);
  });

  it("--week and --since/--until choose the period", async () => {
    const week = await runPile(["veille", "digest", "--week", "2026-W47"], { cwd: ws });
    expect(week.code).toBe(0);
    expect(week.stdout).toBe("veille/digests/2026-W47.md\n");
    expect(week.stderr).toBe("Synthèse de la semaine 47 de 2026 : 1 entrée.\n");
    const w47 = await readFile(path.join(ws, "veille/digests/2026-W47.md"), "utf8");
    expect(w47).toContain("du lundi 16 au dimanche 22 novembre 2026");
    expect(w47).toContain("Ressourceries : bilan de la semaine 47");
    expect(w47).not.toContain("Refashion");

    const range = await runPile(
      ["veille", "digest", "--since", "2026-11-16", "--until", "2026-11-29"],
      { cwd: ws },
    );
    expect(range.code).toBe(0);
    expect(range.stdout).toBe("veille/digests/2026-11-16_2026-11-29.md\n");
    expect(range.stderr).toBe("Synthèse de la période du 16 au 29 novembre 2026 : 4 entrées.\n");
    const both = await readFile(path.join(ws, "veille/digests/2026-11-16_2026-11-29.md"), "utf8");
    expect(both).toContain("Ressourceries : bilan de la semaine 47");
    expect(both).toContain("Refashion");
  });

  it("--format html writes a self-contained French page", async () => {
    const result = await runPile(["veille", "digest", "--format", "html"], { cwd: ws });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("veille/digests/2026-W48.html\n");
    const html = await readFile(path.join(ws, "veille/digests/2026-W48.html"), "utf8");
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain("<style>");
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\bsrc\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).toContain(
      '<a href="https://exemple.org/refashion-aap" rel="noopener noreferrer">',
    );
    expect(html).toContain("<h2>Pour vos études</h2>");
  });

  it("--out refuses an existing file unless --force; --out - prints the document and writes nothing", async () => {
    const file = path.join(ws, "synthese.md");
    await writeFile(file, "ancien\n");
    const before = await snapshot(ws);
    const refused = await runPile(["veille", "digest", "--out", "synthese.md"], { cwd: ws });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("synthese.md existe déjà");
    expect(refused.stdout).toBe("");
    expect(await snapshot(ws)).toEqual(before);

    const forced = await runPile(["veille", "digest", "--out", "synthese.md", "--force"], {
      cwd: ws,
    });
    expect(forced.code).toBe(0);
    expect(forced.stdout).toBe("synthese.md\n");
    const weekly = await readFile(path.join(ws, W48), "utf8");
    expect(await readFile(file, "utf8")).toBe(weekly);

    const written = await snapshot(ws);
    const printed = await runPile(["veille", "digest", "--out", "-"], { cwd: ws });
    expect(printed.code).toBe(0);
    expect(printed.stdout).toBe(weekly);
    expect(printed.stderr).toBe("Synthèse de la semaine 48 de 2026 : 3 entrées.\n");
    expect(await snapshot(ws)).toEqual(written);
    await rm(file);
  });

  it("--json gives one document with the path, the period and the counts", async () => {
    const result = await runPile(["veille", "digest", "--json"], { cwd: ws });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toEqual({
      digest: W48,
      written: false,
      period: {
        key: "2026-W48",
        label: "semaine 48 de 2026, du lundi 23 au dimanche 29 novembre 2026",
        start: "2026-11-22T23:00:00.000Z",
        end: "2026-11-29T23:00:00.000Z",
      },
      counts: { items: 3, sources: 1, sourcesInError: 1, sourcesSilent: 0 },
    });
    const printed = await runPile(["veille", "digest", "--out", "-", "--json"], { cwd: ws });
    const document = JSON.parse(printed.stdout);
    expect(document.digest).toBeNull();
    expect(document.text).toBe(await readFile(path.join(ws, W48), "utf8"));
  });

  it("--dry-run writes nothing", async () => {
    const before = await snapshot(ws);
    const result = await runPile(["veille", "digest", "--week", "2026-W46", "--dry-run"], {
      cwd: ws,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("veille/digests/2026-W46.md\n");
    expect(result.stderr).toContain("Aperçu (rien n'a été écrit)");
    expect(await snapshot(ws)).toEqual(before);
    const json = await runPile(["veille", "digest", "--dry-run", "--json"], { cwd: ws });
    expect(JSON.parse(json.stdout)).toMatchObject({ written: false, dryRun: true });
    expect(await snapshot(ws)).toEqual(before);
  });

  it("an empty week gives a short digest that says so", async () => {
    const result = await runPile(["veille", "digest", "--week", "2026-W40"], { cwd: ws });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("Synthèse de la semaine 40 de 2026 : aucune entrée.\n");
    const text = await readFile(path.join(ws, "veille/digests/2026-W40.md"), "utf8");
    expect(text).toContain("Aucune nouvelle entrée cette semaine.");
    expect(text).not.toContain("## Pour vos études");
    expect(text.split("\n").length).toBeLessThan(15);
  });

  it.each([
    [["--week", "2026-W54"], "l'année 2026 compte 53 semaines"],
    [["--week", "2025-W53"], "l'année 2025 compte 52 semaines"],
    [["--week", "48"], "n'est pas une semaine"],
    [["--since", "2026-11-01"], "--since et --until vont ensemble"],
    [["--until", "2026-11-30"], "--since et --until vont ensemble"],
    [
      ["--week", "2026-W48", "--since", "2026-11-01", "--until", "2026-11-30"],
      "Choisissez --week ou bien --since et --until",
    ],
    [["--since", "2026-02-30", "--until", "2026-03-01"], "« 2026-02-30 » n'est pas une date"],
    [["--since", "2026-11-30", "--until", "2026-11-01"], "la date de début doit précéder"],
    [["--format", "pdf"], "Format inconnu : « pdf »"],
  ])("refuses %j (exit 2, French message, nothing written)", async (args, message) => {
    const before = await snapshot(ws);
    const result = await runPile(["veille", "digest", ...args], { cwd: ws });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe("");
    expect(await snapshot(ws)).toEqual(before);
  });

  it("uses the workspace's own template, and names it when it is broken", async () => {
    const template = path.join(ws, "templates", "veille", "digest.md.hbs");
    await mkdir(path.dirname(template), { recursive: true });
    try {
      await writeFile(template, "Maison : {{title}} ({{counts.items}})\n");
      const own = await runPile(["veille", "digest", "--out", "-"], { cwd: ws });
      expect(own.code).toBe(0);
      expect(own.stdout).toBe("Maison : Veille de LA PILE — semaine 48 de 2026 (3)\n");

      await writeFile(template, "# {{title}}\n\n{{period.libelle}}\n");
      const before = await snapshot(ws);
      const broken = await runPile(["veille", "digest"], { cwd: ws });
      expect(broken.code).toBe(2);
      expect(broken.stderr).toContain("templates/veille/digest.md.hbs");
      expect(broken.stderr).toContain("« period.libelle »");
      expect(broken.stderr).toContain("ligne 3");
      expect(broken.stdout).toBe("");
      expect(await snapshot(ws)).toEqual(before);
    } finally {
      await rm(path.join(ws, "templates", "veille"), { recursive: true, force: true });
    }
  });
});

describe("pile veille digest and a damaged store", () => {
  it("reads only the month files near the period, and names a damaged one it needs", async () => {
    const ws = await tempWorkspace();
    const [, textile] = NOVEMBER as [StoreItem, StoreItem];
    await writeMonth(ws, "2026-11", [line(textile)]);
    await writeMonth(ws, "2025-01", ["{pas une entrée"]);
    const far = await runPile(["veille", "digest", "--week", "2026-W48"], { cwd: ws });
    expect(far.code).toBe(0);
    expect(far.stderr).toBe("Synthèse de la semaine 48 de 2026 : 1 entrée.\n");

    await writeMonth(ws, "2026-11", [line(textile), '{"id": "abîmé"']);
    const before = await snapshot(ws);
    const near = await runPile(["veille", "digest", "--week", "2026-W48"], { cwd: ws });
    expect(near.code).toBe(2);
    expect(near.stderr).toContain("la ligne 2 de veille/items/2026-11.jsonl");
    expect(near.stdout).toBe("");
    expect(await snapshot(ws)).toEqual(before);
  });
});

// ------------------------------------------------------------------- pull

describe("pile veille pull and the digest", () => {
  it("writes this week's digest unless --no-digest or --dry-run", async () => {
    const ws = await tempWorkspace();
    await offlineFeeds(ws);
    const digests = path.join(ws, "veille", "digests");

    const before = await snapshot(ws);
    const dry = await runPile(["veille", "pull", "--dry-run", "--json"], { cwd: ws });
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).not.toHaveProperty("digest");
    expect(await snapshot(ws)).toEqual(before);

    const quiet = await runPile(["veille", "pull", "--no-digest", "--json"], { cwd: ws });
    expect(quiet.code).toBe(0);
    expect(JSON.parse(quiet.stdout)).not.toHaveProperty("digest");
    expect((await stat(path.join(ws, "veille", "sources.json"))).isFile()).toBe(true);
    await expect(stat(digests)).rejects.toMatchObject({ code: "ENOENT" });

    const pull = await runPile(["veille", "pull", "--json"], { cwd: ws });
    expect(pull.code).toBe(0);
    expect(JSON.parse(pull.stdout).digest).toBe(W48);
    const text = await readFile(path.join(ws, W48), "utf8");
    expect(text.startsWith("# Veille de LA PILE — semaine 48 de 2026\n")).toBe(true);

    // The same digest as the command's, which then finds nothing to change.
    const digest = await runPile(["veille", "digest"], { cwd: ws });
    expect(digest.stderr).toContain("(inchangée)");
    expect(await readFile(path.join(ws, W48), "utf8")).toBe(text);

    const plain = await runPile(["veille", "pull"], { cwd: ws });
    expect(plain.stderr).toContain(`Synthèse de la semaine : ${W48}.`);
  });
});
