import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { CancelledError } from "../../src/errors.js";
import {
  NEW_STUDY_FLAGS,
  runPile,
  STUDY_ID,
  snapshot,
  tempDir,
  tempWorkspace,
} from "../helpers/harness.js";

describe("pile study new, driven by flags", () => {
  it("creates the dossier, prints its folder and the git commands", async () => {
    const ws = await tempWorkspace();
    const result = await runPile(NEW_STUDY_FLAGS, { cwd: ws });
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(`studies/${STUDY_ID}`);
    expect(result.stderr).toContain(`git add studies/${STUDY_ID}`);
    const files = (await readdir(path.join(ws, "studies", STUDY_ID))).sort();
    expect(files).toEqual(["01-pre-etude.md", "README.md", "study.yaml"]);
    const study = parse(await readFile(path.join(ws, "studies", STUDY_ID, "study.yaml"), "utf8"));
    expect(study).toMatchObject({
      id: STUDY_ID,
      title: "Recyclerie textile",
      territory: "18e",
      sector: "couture-textile",
      owner: "Camille Martin",
      created: "2026-11-28",
      stage: "pre-etude",
      history: [{ stage: "pre-etude", date: "2026-11-28" }],
    });
  });

  it("--json prints the id, the folder and every file written, study.yaml included", async () => {
    const ws = await tempWorkspace();
    const result = await runPile([...NEW_STUDY_FLAGS, "--json"], { cwd: ws });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      id: STUDY_ID,
      path: `studies/${STUDY_ID}`,
      files: [
        `studies/${STUDY_ID}/README.md`,
        `studies/${STUDY_ID}/01-pre-etude.md`,
        `studies/${STUDY_ID}/study.yaml`,
      ],
    });
  });

  it("gives the same bytes for the same answers", async () => {
    const [a, b] = [await tempWorkspace(), await tempWorkspace()];
    await runPile(NEW_STUDY_FLAGS, { cwd: a });
    await runPile(NEW_STUDY_FLAGS, { cwd: b });
    expect(await snapshot(path.join(a, "studies"))).toEqual(
      await snapshot(path.join(b, "studies")),
    );
  });

  it("takes today's date in Europe/Paris by default", async () => {
    const ws = await tempWorkspace();
    const flags = NEW_STUDY_FLAGS.slice(0, -2);
    // 23:30 UTC on 30 November is already 1 December in Paris.
    const result = await runPile([...flags, "--json"], {
      cwd: ws,
      now: new Date("2026-11-30T23:30:00Z"),
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).id).toBe("2026-12-recyclerie-textile-18e");
  });

  it("accepts friendly spellings of territory and sector", async () => {
    const ws = await tempWorkspace();
    const result = await runPile(
      [
        "study",
        "new",
        "--title",
        "Conciergerie",
        "--territory",
        "13",
        "--sector",
        "Services-Proximité",
        "--owner",
        "A",
        "--json",
      ],
      { cwd: ws },
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).id).toBe("2026-11-conciergerie-13e");
  });

  it("--dry-run prints the plan and writes nothing", async () => {
    const ws = await tempWorkspace();
    const before = await snapshot(ws);
    const result = await runPile([...NEW_STUDY_FLAGS, "--dry-run"], { cwd: ws });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`studies/${STUDY_ID}/01-pre-etude.md`);
    expect(result.stderr).toContain("rien n'a été écrit");
    expect(await snapshot(ws)).toEqual(before);
    const json = await runPile([...NEW_STUDY_FLAGS, "--dry-run", "--json"], { cwd: ws });
    expect(JSON.parse(json.stdout)).toMatchObject({ id: STUDY_ID, dryRun: true });
    expect(await snapshot(ws)).toEqual(before);
  });
});

describe("pile study new refuses bad input and writes nothing", () => {
  it("never overwrites an existing dossier (exit 2, every byte kept)", async () => {
    const ws = await tempWorkspace();
    await runPile(NEW_STUDY_FLAGS, { cwd: ws });
    await writeFile(path.join(ws, "studies", STUDY_ID, "01-pre-etude.md"), "Mon travail\n");
    const before = await snapshot(ws);
    const result = await runPile(NEW_STUDY_FLAGS, { cwd: ws });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("existe déjà");
    expect(await snapshot(ws)).toEqual(before);
  });

  it.each([
    [
      ["--territory", "75e"],
      "Territoire inconnu : « 75e ». Valeurs possibles : 13e, 18e, 19e, 20e.",
    ],
    [["--sector", "boulangerie"], "Secteur inconnu : « boulangerie »"],
    [["--date", "2026-02-30"], "Date invalide : « 2026-02-30 »"],
    [["--date", "28/11/2026"], "Date invalide"],
    [["--title", "!!! ???"], "au moins une lettre de l'alphabet latin ou un chiffre"],
    [["--title", "   "], "ne peut pas être vide"],
    [["--owner", " "], "ne peut pas être vide"],
  ])("%j → exit 2 with a French sentence", async (override, message) => {
    const ws = await tempWorkspace();
    const before = await snapshot(ws);
    const flags = [...NEW_STUDY_FLAGS];
    const at = flags.indexOf(override[0] as string);
    flags[at + 1] = override[1] as string;
    const result = await runPile(flags, { cwd: ws });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(await snapshot(ws)).toEqual(before);
  });

  it("lists the missing flags instead of prompting without a terminal", async () => {
    const ws = await tempWorkspace();
    const result = await runPile(["study", "new", "--title", "Atelier vélo"], { cwd: ws });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Passez --territory, --sector, --owner.");
  });

  it("never prompts under CI, even with a terminal", async () => {
    const ws = await tempWorkspace();
    const result = await runPile(["study", "new"], {
      cwd: ws,
      env: { CI: "true" },
      answers: ["x"],
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--title, --territory, --sector, --owner");
  });

  it("keeps every title inside studies/: path tricks become plain slugs", async () => {
    const ws = await tempWorkspace();
    const result = await runPile(
      [
        "study",
        "new",
        "--title",
        "../../../etc/passwd",
        "--territory",
        "18e",
        "--sector",
        "autre",
        "--owner",
        "x",
        "--json",
      ],
      { cwd: ws },
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).path).toBe("studies/2026-11-etc-passwd-18e");
    expect((await readdir(ws)).sort()).toEqual([
      ".gitattributes",
      ".gitignore",
      "criteria.yaml",
      "feeds.yaml",
      "pile.yaml",
      "studies",
      "templates",
    ]);
  });

  it("caps the length of the folder name", async () => {
    const ws = await tempWorkspace();
    const title =
      "Atelier de réparation et de réemploi des petits appareils électroménagers du quartier";
    const result = await runPile(
      [
        "study",
        "new",
        "--title",
        title,
        "--territory",
        "19e",
        "--sector",
        "economie-circulaire",
        "--owner",
        "x",
        "--json",
      ],
      { cwd: ws },
    );
    const id: string = JSON.parse(result.stdout).id;
    expect(id).toMatch(/^2026-11-[a-z0-9-]+-19e$/);
    expect(id.length).toBeLessThanOrEqual(8 + 50 + 4);
  });
});

describe("pile study new, interactive", () => {
  it("asks every question in order, shows a recap and creates on confirmation", async () => {
    const ws = await tempWorkspace();
    const result = await runPile(["study", "new", "--json"], {
      cwd: ws,
      answers: [
        "Ressourcerie de quartier",
        "18e",
        "economie-circulaire",
        "Groupe de volontaires",
        "Camille",
        "",
        "create",
      ],
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).id).toBe("2026-11-ressourcerie-de-quartier-18e");
    expect(result.stderr).toContain("Récapitulatif");
    const study = parse(
      await readFile(
        path.join(ws, "studies/2026-11-ressourcerie-de-quartier-18e/study.yaml"),
        "utf8",
      ),
    );
    expect(study.origin).toBe("Groupe de volontaires");
    expect(study.created).toBe("2026-11-28");
  });

  it("lets the user change an answer from the recap before writing", async () => {
    const ws = await tempWorkspace();
    const result = await runPile(
      ["study", "new", "--territory", "20e", "--sector", "mobilite", "--owner", "Léa", "--json"],
      {
        cwd: ws,
        answers: [
          "Atelier vélo",
          "",
          "",
          "title",
          "Atelier vélo solidaire",
          "territory",
          "19e",
          "create",
        ],
      },
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).id).toBe("2026-11-atelier-velo-solidaire-19e");
  });

  it("--yes asks only what has no default and skips the recap", async () => {
    const ws = await tempWorkspace();
    const result = await runPile(
      ["study", "new", "--yes", "--territory", "13e", "--sector", "autre", "--json"],
      {
        cwd: ws,
        answers: ["Tiers-lieu", "Nadia"],
      },
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).id).toBe("2026-11-tiers-lieu-13e");
    expect(result.stderr).not.toContain("Récapitulatif");
  });

  it("warns in the recap when the dossier exists and offers to change the title", async () => {
    const ws = await tempWorkspace();
    await runPile(NEW_STUDY_FLAGS, { cwd: ws });
    const result = await runPile(
      NEW_STUDY_FLAGS.slice(0, -2).concat(["--origin", "x", "--date", "2026-11-28"]),
      {
        cwd: ws,
        answers: ["title", "Recyclerie textile bis", "create"],
      },
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("existe déjà");
  });

  it.each([
    ["choosing Annuler", ["Ressourcerie", "18e", "autre", "", "C", "", "cancel"]],
    ["Ctrl-C at a prompt", ["Ressourcerie", new CancelledError()]],
  ])("%s writes nothing and exits 130", async (_label, answers) => {
    const ws = await tempWorkspace();
    const before = await snapshot(ws);
    const result = await runPile(["study", "new"], { cwd: ws, answers });
    expect(result.code).toBe(130);
    expect(result.stderr).toContain("rien n'a été écrit");
    expect(await snapshot(ws)).toEqual(before);
  });
});

describe("finding the workspace", () => {
  it("walks up from a subfolder", async () => {
    const ws = await tempWorkspace();
    await mkdir(path.join(ws, "notes", "deep"), { recursive: true });
    const result = await runPile([...NEW_STUDY_FLAGS, "--json"], {
      cwd: path.join(ws, "notes", "deep"),
    });
    expect(result.code).toBe(0);
  });

  it("uses --workspace, then PILE_WORKSPACE", async () => {
    const ws = await tempWorkspace();
    const elsewhere = await tempDir();
    expect(
      (await runPile(["--workspace", ws, "study", "list", "--json"], { cwd: elsewhere })).code,
    ).toBe(0);
    expect(
      (await runPile(["study", "list", "--json"], { cwd: elsewhere, env: { PILE_WORKSPACE: ws } }))
        .code,
    ).toBe(0);
    const wrong = await runPile(["study", "list"], { cwd: ws, env: { PILE_WORKSPACE: elsewhere } });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("PILE_WORKSPACE");
  });

  it("says so in French outside any workspace (exit 2)", async () => {
    const result = await runPile(NEW_STUDY_FLAGS, { cwd: await tempDir() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("aucun espace de travail pile");
  });
});

describe("workspace configuration and local templates", () => {
  it("accepts a territory declared in pile.yaml", async () => {
    const ws = await tempWorkspace();
    await writeFile(
      path.join(ws, "pile.yaml"),
      "territories:\n  - id: montreuil\n    label: Montreuil\n    ebe: EBE de Montreuil\n",
    );
    const result = await runPile(
      [
        "study",
        "new",
        "--title",
        "Café",
        "--territory",
        "montreuil",
        "--sector",
        "lien-social",
        "--owner",
        "x",
        "--json",
      ],
      { cwd: ws },
    );
    expect(result.code).toBe(0);
    const readme = await readFile(
      path.join(ws, "studies/2026-11-cafe-montreuil/README.md"),
      "utf8",
    );
    expect(readme).toContain("EBE de Montreuil");
  });

  it("points at file:line:column for a broken pile.yaml and writes nothing", async () => {
    const ws = await tempWorkspace();
    await writeFile(
      path.join(ws, "pile.yaml"),
      "territories:\n  - id: 18e\n    label: Paris 18e\n    ebee: typo\n",
    );
    const before = await snapshot(ws);
    const result = await runPile(NEW_STUDY_FLAGS, { cwd: ws });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("pile.yaml:4:5 : clé inconnue « ebee »");
    expect(await snapshot(ws)).toEqual(before);
  });

  it("uses a local template instead of the built-in one, file by file", async () => {
    const ws = await tempWorkspace();
    await mkdir(path.join(ws, "templates/study/pre-etude"), { recursive: true });
    await writeFile(
      path.join(ws, "templates/study/pre-etude/01-pre-etude.md.hbs"),
      "# Notre modèle : {{study.title}}\n",
    );
    const result = await runPile(NEW_STUDY_FLAGS, { cwd: ws });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      "Modèle local utilisé : templates/study/pre-etude/01-pre-etude.md.hbs",
    );
    expect(await readFile(path.join(ws, "studies", STUDY_ID, "01-pre-etude.md"), "utf8")).toBe(
      "# Notre modèle : Recyclerie textile\n",
    );
  });

  it("reports a typo in a local template as bad input (exit 2), writing nothing", async () => {
    const ws = await tempWorkspace();
    await mkdir(path.join(ws, "templates/study/pre-etude"), { recursive: true });
    await writeFile(
      path.join(ws, "templates/study/pre-etude/01-pre-etude.md.hbs"),
      "# {{study.titel}}\n",
    );
    const before = await snapshot(ws);
    const result = await runPile(NEW_STUDY_FLAGS, { cwd: ws });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Le modèle pre-etude/01-pre-etude.md.hbs est invalide");
    expect(await snapshot(ws)).toEqual(before);
  });
});
