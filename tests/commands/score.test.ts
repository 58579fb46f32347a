import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  NEW_STUDY_FLAGS,
  runPile,
  STUDY_ID,
  snapshot,
  tempDir,
  tempWorkspace,
} from "../helpers/harness.js";

const GRID = `scale: {min: 0, max: 5}
criteria:
  - id: utilite
    label: "Utilité"
    weight: 3
    direction: benefit
    veto: {min: 2}
    levels: {0: "Aucune", 5: "Très forte"}
  - id: emplois
    label: "Emplois"
    weight: 1
    direction: benefit
  - id: investissement
    label: "Investissement"
    weight: 1
    direction: cost
`;

const IDEAS = `ideas:
  - id: a
    title: "Piste A"
    scores: {utilite: 5, emplois: 2, investissement: 1}
  - id: b
    title: "Piste B"
    scores: {utilite: 4, emplois: null, investissement: {low: 1, likely: 2, high: 4}}
  - id: c
    title: "Piste C"
    scores: {utilite: 1, emplois: 5, investissement: 0}
`;

async function ideasAndGrid() {
  const dir = await tempDir();
  await writeFile(path.join(dir, "grille.yaml"), GRID);
  await writeFile(path.join(dir, "idees.yaml"), IDEAS);
  return dir;
}

describe("pile score --ideas --grid (outside any workspace)", () => {
  it("ranks, eliminates by veto, marks missing scores, and prints the documented JSON", async () => {
    const dir = await ideasAndGrid();
    const result = await runPile(
      ["score", "--ideas", "idees.yaml", "--grid", "grille.yaml", "--json", "--simulations", "500"],
      { cwd: dir },
    );
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.method).toBe("weighted-sum");
    expect(report.weights).toEqual({ utilite: 0.6, emplois: 0.2, investissement: 0.2 });
    // A: 100 × (0.6 × 1 + 0.2 × 0.4 + 0.2 × 0.8) = 84
    expect(report.ranking[0]).toMatchObject({
      id: "a",
      title: "Piste A",
      rank: 1,
      incomplete: false,
      range: [84, 84],
    });
    expect(report.ranking[0].score).toBeCloseTo(84, 10);
    expect(report.ranking[0].contributions.utilite).toBeCloseTo(60, 10);
    // B: emplois unknown → midpoint 2.5; investissement likely 2. 100 × (0.48 + 0.1 + 0.12) = 70
    expect(report.ranking[1]).toMatchObject({ id: "b", rank: 2, incomplete: true });
    expect(report.ranking[1].score).toBeCloseTo(70, 10);
    expect(report.ranking[1].range[0]).toBeCloseTo(60, 10);
    expect(report.ranking[1].range[1]).toBeCloseTo(80, 10);
    expect(report.eliminated).toEqual([
      { id: "c", title: "Piste C", reasons: ["Utilité : 1, sous le seuil éliminatoire de 2"] },
    ]);
    expect(report.stability.map((s: { criterion: string }) => s.criterion)).toEqual([
      "utilite",
      "emplois",
      "investissement",
    ]);
    expect(report.simulation).toMatchObject({ runs: 500 });
    expect(report.simulation.ideas.map((i: { id: string }) => i.id)).toEqual(["a", "b"]);
    expect(result.stderr).toContain("ramenés à une somme de 1");
  });

  it("gives the same output for the same seed", async () => {
    const dir = await ideasAndGrid();
    const args = [
      "score",
      "--ideas",
      "idees.yaml",
      "--grid",
      "grille.yaml",
      "--json",
      "--simulations",
      "300",
      "--seed",
      "7",
    ];
    const first = await runPile(args, { cwd: dir });
    const second = await runPile(args, { cwd: dir });
    expect(first.stdout).toBe(second.stdout);
  });

  it("under TOPSIS, states the method, has no stability and runs no simulation", async () => {
    const dir = await ideasAndGrid();
    const result = await runPile(
      ["score", "--ideas", "idees.yaml", "--grid", "grille.yaml", "--method", "topsis", "--json"],
      { cwd: dir },
    );
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ method: "topsis", stability: [], simulation: null });
    const table = await runPile(
      ["score", "--ideas", "idees.yaml", "--grid", "grille.yaml", "--method", "topsis"],
      { cwd: dir },
    );
    expect(table.stdout).toContain("Méthode : TOPSIS");
  });

  it.each([
    ["table", "Méthode : somme pondérée"],
    ["md", "# Classement des pistes d'activité"],
    ["csv", "statut,rang,id,titre,score"],
  ])("--format %s states what it is", async (format, expected) => {
    const dir = await ideasAndGrid();
    const result = await runPile(
      [
        "score",
        "--ideas",
        "idees.yaml",
        "--grid",
        "grille.yaml",
        "--format",
        format,
        "--simulations",
        "200",
      ],
      { cwd: dir },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(expected);
    if (format !== "csv") expect(result.stdout).toMatch(/Écartées|écartées/);
  });

  it.each([
    [
      "weight of zero",
      GRID.replace("weight: 3", "weight: 0"),
      "grille.yaml:5:13 : « criteria[0].weight » : un poids doit être strictement positif",
    ],
    [
      "negative weight",
      GRID.replace("weight: 1\n    direction: benefit", "weight: -1\n    direction: benefit"),
      "strictement positif",
    ],
    [
      "duplicate id",
      GRID.replace("id: emplois", "id: utilite"),
      "le critère « utilite » apparaît deux fois",
    ],
    [
      "veto outside the scale",
      GRID.replace("veto: {min: 2}", "veto: {min: 9}"),
      "seuil éliminatoire 9",
    ],
    ["empty grid", "criteria: []\n", "au moins un critère"],
    [
      "unknown direction",
      GRID.replace("direction: cost", "direction: coût"),
      "valeurs possibles : benefit, cost",
    ],
    [
      "YAML syntax",
      GRID.replace('label: "Emplois"', 'label: "Emplois'),
      "guillemet ouvert ici et jamais fermé",
    ],
  ])(
    "a bad grid (%s) exits 2 with file:line and a French sentence",
    async (_name, grid, message) => {
      const dir = await ideasAndGrid();
      await writeFile(path.join(dir, "grille.yaml"), grid);
      const result = await runPile(["score", "--ideas", "idees.yaml", "--grid", "grille.yaml"], {
        cwd: dir,
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stderr).toMatch(/grille\.yaml:\d+:\d+ : /);
      expect(result.stdout).toBe("");
    },
  );

  it.each([
    [
      "a score outside its scale",
      IDEAS.replace("utilite: 5,", "utilite: 6,"),
      "idees.yaml:4:23 : « ideas[0].scores.utilite » : note 6 hors de l'échelle du critère (0 à 5)",
    ],
    [
      "an unknown criterion",
      IDEAS.replace("emplois: 2", "emploi: 2"),
      "« ideas[0].scores.emploi » : critère inconnu",
    ],
    [
      "an uncertain score out of order",
      IDEAS.replace("low: 1, likely: 2, high: 4", "low: 3, likely: 2, high: 4"),
      "low ≤ likely ≤ high",
    ],
    ["a duplicate idea", IDEAS.replace("id: b", "id: a"), "la piste « a » apparaît deux fois"],
  ])("bad ideas (%s) exit 2 with file:line", async (_name, ideas, message) => {
    const dir = await ideasAndGrid();
    await writeFile(path.join(dir, "idees.yaml"), ideas);
    const result = await runPile(["score", "--ideas", "idees.yaml", "--grid", "grille.yaml"], {
      cwd: dir,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it.each([
    [["--method", "ahp"], "Méthode inconnue"],
    [["--format", "pdf"], "Format inconnu"],
    [["--simulations", "beaucoup"], "--simulations attend un nombre entier"],
    [["--seed", "-1"], "--seed attend un nombre entier"],
    [["--stage", "faisabilite"], "ne se combine pas"],
  ])("bad flags %j exit 2", async (flags, message) => {
    const dir = await ideasAndGrid();
    const result = await runPile(
      ["score", "--ideas", "idees.yaml", "--grid", "grille.yaml", ...flags],
      { cwd: dir },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it("needs a workspace when --grid is missing", async () => {
    const dir = await ideasAndGrid();
    const result = await runPile(["score", "--ideas", "idees.yaml"], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("aucun espace de travail");
  });
});

async function scoredWorkspace() {
  const ws = await tempWorkspace();
  await runPile(NEW_STUDY_FLAGS, { cwd: ws });
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
      "2026-11-03",
    ],
    { cwd: ws },
  );
  return ws;
}

describe("pile study score", () => {
  it("writes scores and justifications into study.yaml, keeping its comments", async () => {
    const ws = await scoredWorkspace();
    const file = path.join(ws, "studies", STUDY_ID, "study.yaml");
    await writeFile(
      file,
      (await readFile(file, "utf8")).replace(
        "owner: Camille Martin",
        "owner: Camille Martin # et Samir",
      ),
    );
    const result = await runPile(
      [
        "study",
        "score",
        STUDY_ID,
        "--set",
        "supplementarite=4",
        "--set",
        "investissement=2:3:4",
        "--set",
        "faisabilite=?",
        "--set",
        "utilite_territoriale=3,5",
        "--note",
        "supplementarite=Aucune friperie dans le quartier",
        "--json",
      ],
      { cwd: ws },
    );
    expect(result.code).toBe(0);
    const text = await readFile(file, "utf8");
    expect(text).toContain("owner: Camille Martin # et Samir");
    expect(text).toContain("investissement: { low: 2, likely: 3, high: 4 }");
    const study = parse(text);
    expect(study.scores).toEqual({
      supplementarite: 4,
      investissement: { low: 2, likely: 3, high: 4 },
      faisabilite: null,
      utilite_territoriale: 3.5,
    });
    expect(study.justifications).toEqual({ supplementarite: "Aucune friperie dans le quartier" });
    expect(JSON.parse(result.stdout)).toMatchObject({ id: STUDY_ID, incomplete: true });
    // The study is still valid for every other command.
    expect((await runPile(["study", "check", STUDY_ID], { cwd: ws })).code).toBe(0);
  });

  it.each([
    [["--set", "supplementarite=7"], "note 7 hors de l'échelle"],
    [["--set", "inconnu=3"], "Critère inconnu dans --set : « inconnu »"],
    [["--set", "supplementarite=beaucoup"], "Note illisible"],
    [["--set", "supplementarite"], "--set attend critère=valeur"],
    [["--note", "inconnu=x"], "Critère inconnu dans --note"],
    [[], "Sans terminal (ou sous CI), pile ne pose pas de questions"],
  ])("%j → exit 2, study.yaml untouched", async (flags, message) => {
    const ws = await scoredWorkspace();
    const before = await snapshot(ws);
    const result = await runPile(["study", "score", STUDY_ID, ...flags], { cwd: ws });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(await snapshot(ws)).toEqual(before);
  });

  it("--dry-run writes nothing", async () => {
    const ws = await scoredWorkspace();
    const before = await snapshot(ws);
    const result = await runPile(
      ["study", "score", STUDY_ID, "--set", "supplementarite=4", "--dry-run"],
      { cwd: ws },
    );
    expect(result.code).toBe(0);
    expect(await snapshot(ws)).toEqual(before);
  });

  it("asks each criterion in a terminal, shows its levels, and warns on the cost criterion", async () => {
    const ws = await scoredWorkspace();
    // 10 criteria: a score then a justification for each answered one; "" skips.
    const answers = ["4", "Vérifié avec la CMA", "?", "", "", "", "", "", "3", "", "", "", ""];
    const result = await runPile(["study", "score", STUDY_ID], { cwd: ws, answers });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("Concurrence directe");
    expect(result.stderr).toContain("une note PLUS HAUTE est MOINS favorable");
    const study = parse(await readFile(path.join(ws, "studies", STUDY_ID, "study.yaml"), "utf8"));
    expect(study.scores).toEqual({
      supplementarite: 4,
      utilite_territoriale: null,
      investissement: 3,
    });
    expect(study.justifications).toEqual({ supplementarite: "Vérifié avec la CMA" });
  });
});

describe("pile score on the studies of a workspace", () => {
  it("ranks the scored studies, says which are not scored yet, and filters", async () => {
    const ws = await scoredWorkspace();
    await runPile(
      ["study", "score", STUDY_ID, "--set", "supplementarite=4", "--set", "utilite_territoriale=4"],
      { cwd: ws },
    );
    const result = await runPile(["score", "--json", "--simulations", "100"], { cwd: ws });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.ranking.map((r: { id: string }) => r.id)).toEqual([STUDY_ID]);
    expect(report.ranking[0].incomplete).toBe(true);
    expect(result.stderr).toContain("Pas encore notée : 2026-11-atelier-velo-20e");
    const filtered = JSON.parse(
      (await runPile(["score", "--territory", "20e", "--json"], { cwd: ws })).stdout,
    );
    expect(filtered.ranking).toEqual([]);
  });

  it("refuses a study whose scores do not fit the grid (exit 2, file:line), and study check reports it (exit 1)", async () => {
    const ws = await scoredWorkspace();
    await runPile(["study", "score", STUDY_ID, "--set", "supplementarite=4"], { cwd: ws });
    const file = path.join(ws, "studies", STUDY_ID, "study.yaml");
    await writeFile(
      file,
      (await readFile(file, "utf8")).replace(
        "supplementarite: 4",
        "supplementarite: 4\n  inconnu: 2",
      ),
    );
    const score = await runPile(["score"], { cwd: ws });
    expect(score.code).toBe(2);
    expect(score.stderr).toMatch(/study\.yaml:\d+:\d+ : « scores\.inconnu » : critère inconnu/);
    const check = await runPile(["study", "check", "--json"], { cwd: ws });
    expect(check.code).toBe(1);
    expect(JSON.parse(check.stdout).studies[1].errors[0].message).toContain("critère inconnu");
  });

  it("leaves abandoned studies aside unless asked", async () => {
    const ws = await scoredWorkspace();
    await runPile(["study", "score", STUDY_ID, "--set", "supplementarite=4"], { cwd: ws });
    await runPile(["study", "advance", STUDY_ID, "--to", "abandonnee", "--reason", "x"], {
      cwd: ws,
    });
    const result = await runPile(["score", "--json"], { cwd: ws });
    expect(JSON.parse(result.stdout).ranking).toEqual([]);
    expect(result.stderr).toContain("abandonnée");
    const asked = await runPile(["score", STUDY_ID, "--json"], { cwd: ws });
    expect(JSON.parse(asked.stdout).ranking).toHaveLength(1);
  });
});
