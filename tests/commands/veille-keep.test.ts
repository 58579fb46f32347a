import { appendFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NEW_STUDY_FLAGS, runPile, STUDY_ID, snapshot } from "../helpers/harness.js";
import { line, type StoreItem, writeMonth } from "../helpers/store.js";

/**
 * Issue 6 end to end, in process: what the watch brings to the studies.
 * `pile veille keep` files a store item in a study's references.md, and
 * `pile study show` lists the recent items matching what the study follows
 * (`veille:` in its study.yaml). The clock is the harness's FIXED_NOW,
 * Saturday 28 November 2026.
 */

const FOLLOWING = STUDY_ID; // follows rep-textiles and « recyclerie »
const NOT_FOLLOWING = "2026-11-atelier-velo-18e"; // no `veille:`
const REFERENCES = `studies/${FOLLOWING}/references.md`;

const APPEAL: StoreItem = {
  id: "service-public-particuliers:a1",
  title: "Fonds réemploi : appel à projets pour les recycleries",
  link: "https://exemple.org/appel-fonds-reemploi",
  published: "2026-11-24T09:00:00.000Z",
  firstSeen: "2026-11-24T10:00:00.000Z",
  summary: "Dépôt des dossiers avant le 31 janvier.",
};
const NO_LINK: StoreItem = {
  id: "localtis:42",
  title: "Séance du conseil d'arrondissement",
  published: "2026-11-25T09:00:00.000Z",
  firstSeen: "2026-11-25T10:00:00.000Z",
  sources: ["banque-des-territoires-localtis"],
};
const HOSTILE: StoreItem = {
  id: "flux:piege",
  title: "[x](javascript:alert(1)) <img src=x onerror=alert(1)>",
  link: "https://exemple.org/piege",
  published: "2026-11-26T09:00:00.000Z",
  firstSeen: "2026-11-26T10:00:00.000Z",
  tags: ["rep-textiles"],
};
/** Matches the study, but came in more than 30 days ago. */
const OLD: StoreItem = {
  id: "https://exemple.org/recyclerie-octobre",
  title: "Une recyclerie ouvre à Saint-Ouen",
  link: "https://exemple.org/recyclerie-octobre",
  published: "2026-10-20T09:00:00.000Z",
  firstSeen: "2026-10-20T10:00:00.000Z",
};

let ws: string;

beforeAll(async () => {
  ws = await mkdtemp(path.join(tmpdir(), "pile-keep-"));
  expect((await runPile(["init", "."], { cwd: ws })).code).toBe(0);
  await writeMonth(ws, "2026-10", [line(OLD)]);
  await writeMonth(ws, "2026-11", [APPEAL, NO_LINK, HOSTILE].map(line));
  expect((await runPile(NEW_STUDY_FLAGS, { cwd: ws })).code).toBe(0);
  await appendFile(
    path.join(ws, "studies", FOLLOWING, "study.yaml"),
    "veille:\n  topics: [rep-textiles]\n  keywords: [recyclerie]\n",
  );
  const bike = [...NEW_STUDY_FLAGS];
  bike[bike.indexOf("Recyclerie textile")] = "Atelier vélo";
  expect((await runPile(bike, { cwd: ws })).code).toBe(0);
});

afterAll(async () => {
  await rm(ws, { recursive: true, force: true });
});

describe("pile study show and the watch", () => {
  it("lists the items of the last 30 days that match what the study follows", async () => {
    const result = await runPile(["study", "show", FOLLOWING], { cwd: ws });
    expect(result.code).toBe(0);
    const watch = result.stdout.slice(result.stdout.indexOf("Veille des 30 derniers jours"));
    expect(watch).toContain("Veille des 30 derniers jours (2) :");
    expect(watch).toContain(`24 novembre 2026 — ${APPEAL.title}\n    ${APPEAL.link}\n`);
    expect(watch).toContain(`26 novembre 2026 — ${HOSTILE.title}`);
    expect(watch).not.toContain(NO_LINK.title);
    expect(watch).not.toContain(OLD.title);
    expect(watch).toContain(`pile veille keep LIEN-OU-ID --study ${FOLLOWING}`);

    const json = await runPile(["study", "show", FOLLOWING, "--json"], { cwd: ws });
    const document = JSON.parse(json.stdout);
    expect(document.veille).toEqual({ topics: ["rep-textiles"], keywords: ["recyclerie"] });
    expect(document.watchItems.map((item: { id: string }) => item.id)).toEqual([
      HOSTILE.id,
      APPEAL.id,
    ]);
    expect(document.watchItems[1]).toEqual({
      id: APPEAL.id,
      title: APPEAL.title,
      link: APPEAL.link,
      published: APPEAL.published,
      sources: ["service-public-particuliers"],
      tags: [],
    });
  });

  it("tells how to follow topics when the study follows none", async () => {
    const result = await runPile(["study", "show", NOT_FOLLOWING], { cwd: ws });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Veille : cette étude ne suit aucun thème");
    expect(result.stdout).toContain("veille: {topics: [rep-textiles], keywords: [recyclerie]}");
    const json = await runPile(["study", "show", NOT_FOLLOWING, "--json"], { cwd: ws });
    expect(JSON.parse(json.stdout).watchItems).toEqual([]);
  });
});

describe("pile veille keep", () => {
  it.each([
    [
      ["https://exemple.org/inconnu", "--study", FOLLOWING],
      "Aucune entrée de la veille n'a l'identifiant ou le lien « https://exemple.org/inconnu »",
    ],
    [["localtis:42", "--study", "2026-11-inconnue"], "Aucune étude « 2026-11-inconnue »"],
    [["localtis:42", "--study", "../autre"], "Identifiant d'étude invalide"],
    [["localtis:42"], "Il manque l'étude : --study ID."],
    [
      ["localtis:42", "--study", FOLLOWING, "--note", "Première ligne\nseconde ligne"],
      "La note (--note) doit tenir sur une ligne.",
    ],
  ])("refuses %j (exit 2, French message, nothing written)", async (args, message) => {
    const before = await snapshot(ws);
    const result = await runPile(["veille", "keep", ...args], { cwd: ws });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe("");
    expect(await snapshot(ws)).toEqual(before);
  });

  it("--dry-run writes nothing", async () => {
    const before = await snapshot(ws);
    const result = await runPile(
      ["veille", "keep", NO_LINK.id, "--study", FOLLOWING, "--dry-run"],
      {
        cwd: ws,
      },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${REFERENCES}\n`);
    expect(result.stderr).toContain("Aperçu (rien n'a été écrit) : l'entrée serait ajoutée");
    const json = await runPile(
      ["veille", "keep", NO_LINK.id, "--study", FOLLOWING, "--dry-run", "--json"],
      { cwd: ws },
    );
    expect(JSON.parse(json.stdout)).toEqual({
      file: REFERENCES,
      item: NO_LINK.id,
      kept: true,
      dryRun: true,
    });
    expect(await snapshot(ws)).toEqual(before);
  });

  it("files an item by link or by id, once, and the dossier still passes study check", async () => {
    const file = path.join(ws, REFERENCES);
    // By its link as a reader copies it, with tracking parameters and a fragment.
    const first = await runPile(
      [
        "veille",
        "keep",
        "https://exemple.org/appel-fonds-reemploi?utm_source=rss&xtor=RSS-1#haut",
        "--study",
        FOLLOWING,
        "--note",
        "Candidater avant le 31 janvier",
      ],
      { cwd: ws },
    );
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(`${REFERENCES}\n`);
    expect(first.stderr).toBe(`Entrée ajoutée aux références de l'étude : « ${APPEAL.title} ».\n`);
    const created = await readFile(file, "utf8");
    expect(created.startsWith("# Références — Recyclerie textile\n")).toBe(true);
    expect(created).toContain(
      `- [${APPEAL.title}](https://exemple.org/appel-fonds-reemploi) <!-- veille: ${APPEAL.id} -->\\\n`,
    );
    // One list item, each detail on its own line (a final backslash is a hard break), so
    // that the note is never read as part of the feed's summary.
    expect(created).toContain("· mardi 24 novembre 2026 · retenu le samedi 28 novembre 2026\\\n");
    expect(created).toContain("  Résumé : Dépôt des dossiers avant le 31 janvier.\\\n");
    expect(created.endsWith("  Note : Candidater avant le 31 janvier\n")).toBe(true);

    // By id: appended after it, under the same header.
    const second = await runPile(["veille", "keep", NO_LINK.id, "--study", FOLLOWING, "--json"], {
      cwd: ws,
    });
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toEqual({ file: REFERENCES, item: NO_LINK.id, kept: true });
    const appended = await readFile(file, "utf8");
    expect(appended.startsWith(created)).toBe(true);
    expect(appended.slice(created.length)).toMatch(
      /^\n- Séance du conseil d'arrondissement <!-- veille: localtis:42 -->\\\n/,
    );
    expect(appended.match(/^# Références/gm)).toHaveLength(1);

    // The same item again, by its plain link or by its id: already there, nothing changes.
    const before = await snapshot(ws);
    const again = await runPile(
      ["veille", "keep", "https://exemple.org/appel-fonds-reemploi", "--study", FOLLOWING],
      { cwd: ws },
    );
    expect(again.code).toBe(0);
    expect(again.stdout).toBe("");
    expect(again.stderr).toBe(`Cette entrée est déjà dans ${REFERENCES} : rien n'a changé.\n`);
    const againJson = await runPile(
      ["veille", "keep", APPEAL.id, "--study", FOLLOWING, "--note", "autre", "--json"],
      { cwd: ws },
    );
    expect(againJson.code).toBe(0);
    expect(JSON.parse(againJson.stdout)).toEqual({
      file: REFERENCES,
      item: APPEAL.id,
      kept: false,
    });
    expect(await snapshot(ws)).toEqual(before);

    // A hostile title is inert Markdown.
    const hostile = await runPile(["veille", "keep", HOSTILE.id, "--study", FOLLOWING], {
      cwd: ws,
    });
    expect(hostile.code).toBe(0);
    const text = await readFile(file, "utf8");
    expect(text).toContain(
      "- [\\[x\\]\\(javascript\\:alert\\(1\\)\\) \\<img src=x onerror=alert\\(1\\)\\>](https://exemple.org/piege)",
    );
    expect(text).not.toMatch(/(?<!\\)<img|\]\(javascript/);

    // references.md is a file added to the dossier: the dossier is still valid.
    const check = await runPile(["study", "check", FOLLOWING], { cwd: ws });
    expect(check.stderr).not.toContain("references.md");
    expect(check.code).toBe(0);
    const show = await runPile(["study", "show", FOLLOWING], { cwd: ws });
    expect(show.stdout).toContain(`${REFERENCES}  (ajouté à la main)`);
  });
});
