import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { NEW_STUDY_FLAGS, runPile, STUDY_ID, snapshot, tempWorkspace } from "../helpers/harness.js";

async function workspaceWithStudy() {
  const ws = await tempWorkspace();
  const created = await runPile(NEW_STUDY_FLAGS, { cwd: ws });
  if (created.code !== 0) throw new Error(created.stderr);
  const dir = path.join(ws, "studies", STUDY_ID);
  return { ws, dir, yaml: async () => parse(await readFile(path.join(dir, "study.yaml"), "utf8")) };
}

describe("pile study advance", () => {
  it("adds the next stage's files and records the stage with its date", async () => {
    const { ws, dir, yaml } = await workspaceWithStudy();
    const result = await runPile(["study", "advance", STUDY_ID, "--date", "2026-12-15", "--json"], {
      cwd: ws,
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      from: "pre-etude",
      to: "faisabilite",
      created: [
        `studies/${STUDY_ID}/02-faisabilite.md`,
        `studies/${STUDY_ID}/02-note-supplementarite.md`,
      ],
      kept: [],
    });
    const study = await yaml();
    expect(study.stage).toBe("faisabilite");
    expect(study.history).toEqual([
      { stage: "pre-etude", date: "2026-11-28" },
      { stage: "faisabilite", date: "2026-12-15" },
    ]);
    expect(Object.keys(study.files)).toContain("02-note-supplementarite.md");
    expect(await readFile(path.join(dir, "02-faisabilite.md"), "utf8")).toContain(
      "Recyclerie textile",
    );
  });

  it("never touches a file that exists, and keeps the comments of study.yaml", async () => {
    const { ws, dir } = await workspaceWithStudy();
    await writeFile(path.join(dir, "02-faisabilite.md"), "Déjà commencé à la main\n");
    const yamlPath = path.join(dir, "study.yaml");
    const original = await readFile(yamlPath, "utf8");
    await writeFile(
      yamlPath,
      original.replace("owner: Camille Martin", "owner: Camille Martin # co-portée avec Samir"),
    );
    const result = await runPile(["study", "advance", STUDY_ID, "--date", "2026-12-15"], {
      cwd: ws,
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("02-faisabilite.md existe déjà : conservé tel quel");
    expect(await readFile(path.join(dir, "02-faisabilite.md"), "utf8")).toBe(
      "Déjà commencé à la main\n",
    );
    const updated = await readFile(yamlPath, "utf8");
    expect(updated).toContain("owner: Camille Martin # co-portée avec Samir");
    expect(updated).toContain("# Fiche de l'étude");
    expect(updated).not.toContain("02-faisabilite.md: sha256");
  });

  it("skipping ahead adds the skipped stages' files too", async () => {
    const { ws, yaml } = await workspaceWithStudy();
    const result = await runPile(
      ["study", "advance", STUDY_ID, "--to", "prefiguration", "--date", "2027-01-10", "--json"],
      {
        cwd: ws,
      },
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).stages).toEqual(["faisabilite", "prefiguration"]);
    expect((await yaml()).history.map((h: { stage: string }) => h.stage)).toEqual([
      "pre-etude",
      "faisabilite",
      "prefiguration",
    ]);
  });

  it("keeps the reason of an abandon, then refuses any further stage", async () => {
    const { ws, dir, yaml } = await workspaceWithStudy();
    const reason = "Besoin déjà couvert par la ressourcerie voisine";
    const result = await runPile(
      [
        "study",
        "advance",
        STUDY_ID,
        "--to",
        "abandonnee",
        "--reason",
        reason,
        "--date",
        "2026-12-01",
      ],
      {
        cwd: ws,
      },
    );
    expect(result.code).toBe(0);
    expect((await yaml()).history[1]).toEqual({ stage: "abandonnee", date: "2026-12-01", reason });
    expect(await readFile(path.join(dir, "04-abandon.md"), "utf8")).toContain(reason);
    const again = await runPile(["study", "advance", STUDY_ID], { cwd: ws });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("déjà abandonnée");
  });

  it.each([
    [["--to", "pre-etude"], "on ne revient pas"],
    [["--to", "termine"], "Étape inconnue : « termine »"],
    [["--to", "abandonnee"], "passez --reason"],
    [["--reason", "x"], "--reason ne sert qu'avec --to abandonnee"],
    [["--date", "2026-11-01"], "précède"],
    [["--date", "demain"], "Date invalide"],
  ])("%j → exit 2, nothing written", async (flags, message) => {
    const { ws } = await workspaceWithStudy();
    const before = await snapshot(ws);
    const result = await runPile(["study", "advance", STUDY_ID, ...flags], { cwd: ws });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(await snapshot(ws)).toEqual(before);
  });

  it("--dry-run lists the plan and writes nothing", async () => {
    const { ws } = await workspaceWithStudy();
    const before = await snapshot(ws);
    const result = await runPile(["study", "advance", STUDY_ID, "--dry-run"], { cwd: ws });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("+ studies/2026-11-recyclerie-textile-18e/02-faisabilite.md");
    expect(await snapshot(ws)).toEqual(before);
  });

  it.each([["../../etc"], ["Recyclerie"], ["inconnue"]])(
    "refuses the id %s (exit 2)",
    async (id) => {
      const { ws } = await workspaceWithStudy();
      const result = await runPile(["study", "advance", id], { cwd: ws });
      expect(result.code).toBe(2);
    },
  );

  it("asks for the reason of an abandon in a terminal", async () => {
    const { ws, yaml } = await workspaceWithStudy();
    const result = await runPile(["study", "advance", STUDY_ID, "--to", "abandonnee"], {
      cwd: ws,
      answers: ["Pas de local"],
    });
    expect(result.code).toBe(0);
    expect((await yaml()).history[1].reason).toBe("Pas de local");
  });
});

describe("pile study interview", () => {
  it("adds a record from the interview guide, without personal contact details", async () => {
    const { ws, dir, yaml } = await workspaceWithStudy();
    const result = await runPile(
      [
        "study",
        "interview",
        STUDY_ID,
        "--actor",
        "Retoucherie de la Chapelle",
        "--role",
        "gérant",
        "--date",
        "2026-12-03",
        "--json",
      ],
      { cwd: ws },
    );
    expect(result.code).toBe(0);
    const file = `studies/${STUDY_ID}/entretiens/2026-12-03-retoucherie-de-la-chapelle.md`;
    expect(JSON.parse(result.stdout)).toEqual({ id: STUDY_ID, file });
    const text = await readFile(path.join(ws, file), "utf8");
    expect(text).toContain("Retoucherie de la Chapelle");
    expect(text).toContain("| Fonction de la personne rencontrée | gérant |");
    expect(text).toMatch(/cit[ée]/);
    expect(text).not.toMatch(/t[ée]l[ée]phone\s*:\s*\||e-?mail\s*:\s*\|/i);
    expect((await yaml()).interviews).toEqual([
      {
        actor: "Retoucherie de la Chapelle",
        role: "gérant",
        date: "2026-12-03",
        file: "entretiens/2026-12-03-retoucherie-de-la-chapelle.md",
      },
    ]);
    expect((await readdir(path.join(dir, "entretiens"))).length).toBe(1);
  });

  it("never overwrites a record: a second interview the same day gets its own file", async () => {
    const { ws } = await workspaceWithStudy();
    const args = [
      "study",
      "interview",
      STUDY_ID,
      "--actor",
      "Boulangerie",
      "--date",
      "2026-12-03",
      "--json",
    ];
    const first = JSON.parse((await runPile(args, { cwd: ws })).stdout).file;
    const second = JSON.parse((await runPile(args, { cwd: ws })).stdout).file;
    expect(first).not.toBe(second);
    expect(second).toMatch(/-2\.md$/);
  });

  it("needs --actor without a terminal (exit 2)", async () => {
    const { ws } = await workspaceWithStudy();
    const before = await snapshot(ws);
    const result = await runPile(["study", "interview", STUDY_ID], { cwd: ws });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--actor");
    expect(await snapshot(ws)).toEqual(before);
  });
});

describe("pile study list and show", () => {
  it("lists studies as JSON with the documented fields", async () => {
    const { ws } = await workspaceWithStudy();
    await runPile(
      [
        "study",
        "new",
        "--title",
        "Atelier vélo",
        "--territory",
        "20e",
        "--sector",
        "mobilite",
        "--owner",
        "Léa",
        "--date",
        "2026-10-02",
      ],
      { cwd: ws },
    );
    const result = await runPile(["study", "list", "--json"], { cwd: ws });
    expect(result.code).toBe(0);
    const list = JSON.parse(result.stdout);
    expect(list).toHaveLength(2);
    expect(list[1]).toEqual({
      id: STUDY_ID,
      title: "Recyclerie textile",
      territory: "18e",
      sector: "couture-textile",
      stage: "pre-etude",
      owner: "Camille Martin",
      created: "2026-11-28",
      path: `studies/${STUDY_ID}`,
    });
    const filtered = JSON.parse(
      (await runPile(["study", "list", "--territory", "20", "--json"], { cwd: ws })).stdout,
    );
    expect(filtered.map((s: { id: string }) => s.id)).toEqual(["2026-10-atelier-velo-20e"]);
    const none = JSON.parse(
      (await runPile(["study", "list", "--stage", "lancee", "--json"], { cwd: ws })).stdout,
    );
    expect(none).toEqual([]);
  });

  it("shows the other studies when one study.yaml is invalid, naming file:line:column (exit 1)", async () => {
    const { ws } = await workspaceWithStudy();
    await runPile(
      [
        "study",
        "new",
        "--title",
        "Atelier vélo",
        "--territory",
        "20e",
        "--sector",
        "mobilite",
        "--owner",
        "Léa",
        "--date",
        "2026-10-02",
      ],
      { cwd: ws },
    );
    const broken = path.join(ws, "studies/2026-10-atelier-velo-20e/study.yaml");
    const text = await readFile(broken, "utf8");
    await writeFile(broken, text.replace("stage: pre-etude\nhistory", "stage: termine\nhistory"));
    const result = await runPile(["study", "list"], { cwd: ws });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(STUDY_ID);
    expect(result.stderr).toMatch(
      /studies\/2026-10-atelier-velo-20e\/study\.yaml:\d+:\d+ : le champ « stage » vaut « termine »/,
    );
  });

  it("rejects an unknown --stage or --territory (exit 2)", async () => {
    const { ws } = await workspaceWithStudy();
    expect((await runPile(["study", "list", "--stage", "fini"], { cwd: ws })).code).toBe(2);
    expect((await runPile(["study", "list", "--territory", "75e"], { cwd: ws })).code).toBe(2);
  });

  it("shows a study, its history, files and interviews", async () => {
    const { ws, dir } = await workspaceWithStudy();
    await runPile(["study", "interview", STUDY_ID, "--actor", "Friperie", "--date", "2026-12-03"], {
      cwd: ws,
    });
    await writeFile(path.join(dir, "01-pre-etude.md"), "# Rédigé\n");
    const human = await runPile(["study", "show", STUDY_ID], { cwd: ws });
    expect(human.code).toBe(0);
    expect(human.stdout).toContain("Paris 18e");
    expect(human.stdout).toContain("28 novembre 2026 — Pré-étude");
    expect(human.stdout).toContain("01-pre-etude.md  (rédigé)");
    expect(human.stdout).toContain("Friperie");
    const json = JSON.parse(
      (await runPile(["study", "show", STUDY_ID, "--json"], { cwd: ws })).stdout,
    );
    expect(json.id).toBe(STUDY_ID);
    expect(
      json.fileStates.find((f: { path: string }) => f.path.endsWith("01-pre-etude.md")).state,
    ).toBe("edited");
  });
});

describe("pile study check", () => {
  it("counts the placeholders left as warnings and exits 0", async () => {
    const { ws } = await workspaceWithStudy();
    const result = await runPile(["study", "check", "--json"], { cwd: ws });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.errors).toBe(0);
    expect(report.placeholders).toBeGreaterThan(10);
    expect(report.studies[0].warnings[0]).toMatchObject({
      level: "warning",
      file: "01-pre-etude.md",
    });
  });

  it("reports git conflict markers with their line (exit 1)", async () => {
    const { ws, dir } = await workspaceWithStudy();
    await writeFile(
      path.join(dir, "01-pre-etude.md"),
      "# Titre\n\n<<<<<<< HEAD\nA\n=======\nB\n>>>>>>> autre\n",
    );
    const result = await runPile(["study", "check"], { cwd: ws });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `studies/${STUDY_ID}/01-pre-etude.md:3 : marqueur de conflit git non résolu`,
    );
    expect(result.stdout).toContain("01-pre-etude.md:5");
  });

  it("reports a file the stage requires that is missing, and an invalid study.yaml (exit 1)", async () => {
    const { ws, dir } = await workspaceWithStudy();
    await rm(path.join(dir, "01-pre-etude.md"));
    let result = await runPile(["study", "check", STUDY_ID], { cwd: ws });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("01-pre-etude.md : fichier manquant");
    await writeFile(path.join(dir, "study.yaml"), "id: x\nid: y\n");
    result = await runPile(["study", "check", "--json"], { cwd: ws });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).studies[0].errors[0]).toMatchObject({
      file: "study.yaml",
      line: 2,
    });
  });

  it("refuses an unknown study id (exit 2)", async () => {
    const { ws } = await workspaceWithStudy();
    const result = await runPile(["study", "check", "nope"], { cwd: ws });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Aucune étude « nope »");
  });
});
