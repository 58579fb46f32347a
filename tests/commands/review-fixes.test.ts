import { mkdir, readdir, readFile, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  NEW_STUDY_FLAGS,
  runPile,
  STUDY_ID,
  snapshot,
  tempDir,
  tempWorkspace,
} from "../helpers/harness.js";

/** Behaviours added after the review of the first version, each pinned by a test. */

describe("--json on failure", () => {
  it("still prints exactly one JSON document, with the error", async () => {
    const result = await runPile(["study", "list", "--json"], { cwd: await tempDir() });
    expect(result.code).toBe(2);
    const document = JSON.parse(result.stdout);
    expect(document.error).toMatchObject({ exitCode: 2 });
    expect(document.error.message).toContain("aucun espace de travail");
  });

  it("gives file, line and column of a YAML error", async () => {
    const ws = await tempWorkspace();
    await writeFile(path.join(ws, "pile.yaml"), "territories:\n  - id: x\n    labl: X\n");
    const document = JSON.parse((await runPile(["study", "list", "--json"], { cwd: ws })).stdout);
    expect(document.error).toMatchObject({ file: "pile.yaml", line: 2, column: 5, exitCode: 2 });
  });
});

describe("free text", () => {
  it.each([
    [["--title", "Atelier\nvélo"], "--title ne peut contenir ni retour à la ligne"],
    [["--owner", "Léa\u0007"], "--owner ne peut contenir"],
  ])("refuses control characters in %j (exit 2, nothing written)", async (override, message) => {
    const ws = await tempWorkspace();
    const flags = [...NEW_STUDY_FLAGS];
    flags[flags.indexOf(override[0] as string) + 1] = override[1] as string;
    const before = await snapshot(ws);
    const result = await runPile(flags, { cwd: ws });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(await snapshot(ws)).toEqual(before);
  });

  it("escapes | so that a title cannot break the dossier's tables", async () => {
    const ws = await tempWorkspace();
    const flags = [...NEW_STUDY_FLAGS];
    flags[flags.indexOf("--title") + 1] = "Tri | réemploi";
    await runPile(flags, { cwd: ws });
    const [folder] = (await readdir(path.join(ws, "studies"))).filter(
      (name) => name !== "README.md",
    );
    const readme = await readFile(path.join(ws, "studies", folder as string, "README.md"), "utf8");
    expect(readme).toContain("Tri \\| réemploi");
    expect(readme).not.toMatch(/[^\\]\| réemploi/);
  });

  it("suggests git commands that quote nothing from the title", async () => {
    const ws = await tempWorkspace();
    const flags = [...NEW_STUDY_FLAGS];
    flags[flags.indexOf("--title") + 1] = "Atelier `id` $(whoami)";
    const result = await runPile(flags, { cwd: ws });
    expect(result.stderr).toMatch(/git commit -m "Pré-étude : 2026-11-atelier-id-whoami-18e"/);
    expect(result.stderr).not.toContain("$(whoami)");
  });
});

describe("writes stay inside the workspace", () => {
  it("refuses to write through a symbolic link that leads outside", async () => {
    const ws = await tempWorkspace();
    await runPile(NEW_STUDY_FLAGS, { cwd: ws });
    const outside = await tempDir();
    await symlink(outside, path.join(ws, "studies", STUDY_ID, "entretiens"));
    const result = await runPile(["study", "interview", STUDY_ID, "--actor", "Ailleurs"], {
      cwd: ws,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("lien symbolique");
    expect(await readdir(outside)).toEqual([]);
  });
});

describe("study check", () => {
  it("reports a territory or sector the workspace does not know, with line and column", async () => {
    const ws = await tempWorkspace();
    await runPile(NEW_STUDY_FLAGS, { cwd: ws });
    const file = path.join(ws, "studies", STUDY_ID, "study.yaml");
    await writeFile(
      file,
      (await readFile(file, "utf8")).replace("territory: 18e", "territory: 99e"),
    );
    const result = await runPile(["study", "check", "--json"], { cwd: ws });
    expect(result.code).toBe(1);
    const error = JSON.parse(result.stdout).studies[0].errors[0];
    expect(error).toMatchObject({ file: "study.yaml", line: 8, column: 12 });
    expect(error.message).toContain("territoire inconnu « 99e »");
  });

  it("reports every score problem of a study, not only the first", async () => {
    const ws = await tempWorkspace();
    await runPile(NEW_STUDY_FLAGS, { cwd: ws });
    await runPile(["study", "score", STUDY_ID, "--set", "supplementarite=4"], { cwd: ws });
    const file = path.join(ws, "studies", STUDY_ID, "study.yaml");
    await writeFile(
      file,
      (await readFile(file, "utf8")).replace(
        "supplementarite: 4",
        "supplementarite: 9\n  inconnu: 3",
      ),
    );
    const report = JSON.parse((await runPile(["study", "check", "--json"], { cwd: ws })).stdout);
    const messages = report.studies[0].errors.map((e: { message: string }) => e.message).join("\n");
    expect(report.studies[0].errors).toHaveLength(2);
    expect(messages).toContain("note 9 hors de l'échelle");
    expect(messages).toContain("critère inconnu");
  });
});

describe("local templates", () => {
  it("explains a template typo in French, with its position", async () => {
    const ws = await tempWorkspace();
    await mkdir(path.join(ws, "templates/study/pre-etude"), { recursive: true });
    await writeFile(
      path.join(ws, "templates/study/pre-etude/01-pre-etude.md.hbs"),
      "# Titre\n{{study.titre}}\n",
    );
    const result = await runPile(NEW_STUDY_FLAGS, { cwd: ws });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("variable inconnue « titre » (ligne 2, colonne");
    expect(result.stderr).not.toContain("not defined");
  });
});

describe("scoring", () => {
  it("refuses weights too large to add up (exit 2)", async () => {
    const dir = await tempDir();
    await writeFile(
      path.join(dir, "g.yaml"),
      "criteria:\n  - {id: a, label: A, weight: 1e308, direction: benefit}\n  - {id: b, label: B, weight: 1e308, direction: benefit}\n",
    );
    await writeFile(path.join(dir, "i.yaml"), "ideas:\n  - {id: x, title: X, scores: {a: 1}}\n");
    const result = await runPile(["score", "--ideas", "i.yaml", "--grid", "g.yaml"], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("somme des poids est trop grande");
  });
});

describe("updates keep the file's permissions", () => {
  it("leaves a read-only study.yaml read-only after study score", async () => {
    const { chmod, stat } = await import("node:fs/promises");
    const ws = await tempWorkspace();
    await runPile(NEW_STUDY_FLAGS, { cwd: ws });
    const file = path.join(ws, "studies", STUDY_ID, "study.yaml");
    await chmod(file, 0o444);
    const result = await runPile(["study", "score", STUDY_ID, "--set", "supplementarite=4"], {
      cwd: ws,
    });
    expect(result.code).toBe(0);
    expect((await stat(file)).mode & 0o777).toBe(0o444);
    expect(await readFile(file, "utf8")).toContain("supplementarite: 4");
  });
});
