import { spawnSync } from "node:child_process";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { NEW_STUDY_FLAGS, tempDir, tempWorkspace } from "../helpers/harness.js";

/** Which modules a run loads: `pile --help` must stay light, commands load only what they use. */

const BIN = fileURLToPath(new URL("../../bin/pile.js", import.meta.url));
const RECORDER = fileURLToPath(new URL("./fixtures/record-loads.mjs", import.meta.url));

/** The source modules each chunk of the bundle holds (written by scripts/bundle.mjs). */
async function chunkInputs(): Promise<Map<string, string[]>> {
  const meta = JSON.parse(
    await readFile(new URL("../../dist/bundle/meta.json", import.meta.url), "utf8"),
  ) as { outputs: Record<string, { inputs: Record<string, unknown> }> };
  return new Map(
    Object.entries(meta.outputs).map(([file, output]) => [file, Object.keys(output.inputs)]),
  );
}

/**
 * The files a run loads, named as before bundling (dist/…, node_modules/…):
 * each chunk of dist/bundle/ the process loads stands for the modules it holds.
 */
async function loadedFiles(
  args: string[],
  cwd: string,
  extraEnv: Record<string, string> = {},
): Promise<string[]> {
  const log = path.join(await tempDir(), "loads.txt");
  const result = spawnSync(process.execPath, ["--import", RECORDER, BIN, ...args], {
    cwd,
    env: { ...process.env, PILE_LOAD_LOG: log, CI: "1", ...extraEnv },
    encoding: "utf8",
  });
  expect(result.error).toBeUndefined();
  const chunks = await chunkInputs();
  const root = path.dirname(path.dirname(BIN));
  const text = await readFile(log, "utf8");
  return text
    .split("\n")
    .filter((url) => url.startsWith("file:"))
    .flatMap((url) => {
      const file = path.relative(root, fileURLToPath(url));
      return chunks.get(file) ?? [file];
    });
}

/** The same, with packages named by their name only (npm:package). */
async function loadedModules(
  args: string[],
  cwd: string,
  extraEnv: Record<string, string> = {},
): Promise<string[]> {
  return (await loadedFiles(args, cwd, extraEnv)).map((file) => {
    const modules = file.lastIndexOf("node_modules/");
    return modules >= 0
      ? `npm:${file
          .slice(modules + 13)
          .split("/")
          .slice(0, file.includes("/@") ? 2 : 1)
          .join("/")}`
      : file;
  });
}

describe("start-up", () => {
  it.each([["--help"], ["--version"], ["study", "--help"]])(
    "pile %s loads no command, feature or heavy module",
    async (...args) => {
      const loaded = await loadedModules(args, await tempDir());
      expect(loaded).toContain("dist/main.js");
      expect(
        loaded.filter(
          (m) =>
            m.startsWith("dist/commands/") ||
            m.startsWith("dist/study/") ||
            m.startsWith("dist/workspace/"),
        ),
      ).toEqual([]);
      for (const heavy of ["npm:@inquirer", "npm:handlebars", "npm:zod", "npm:yaml"]) {
        expect(loaded.some((m) => m.startsWith(heavy))).toBe(false);
      }
    },
  );

  it("pile study list loads its own command module only, and no prompt library", async () => {
    const loaded = await loadedModules(["study", "list"], await tempWorkspace());
    const commands = loaded.filter((m) => m.startsWith("dist/commands/")).sort();
    expect(commands).toEqual(["dist/commands/study-access.js", "dist/commands/study-list.js"]);
    expect(
      loaded.some((m) => m.startsWith("npm:@inquirer") || m.startsWith("npm:handlebars")),
    ).toBe(false);
  });

  const NEW_STUDY = [...NEW_STUDY_FLAGS, "--dry-run"];
  const handlebarsCompiler = (files: string[]) =>
    files.filter((f) => f.includes("node_modules/handlebars/") && f.includes("/compiler/"));

  it("pile study new runs the shipped templates precompiled: Handlebars' runtime, not its compiler", async () => {
    const files = await loadedFiles(NEW_STUDY, await tempWorkspace());
    expect(
      files.some((f) => f.includes("node_modules/handlebars/dist/cjs/handlebars.runtime")),
    ).toBe(true);
    expect(handlebarsCompiler(files)).toEqual([]);
  });

  it("a template the workspace changed is compiled: the compiler loads, and the change is in the dossier", async () => {
    const workspace = await tempWorkspace();
    const template = path.join(workspace, "templates", "study", "pre-etude", "01-pre-etude.md.hbs");
    await mkdir(path.dirname(template), { recursive: true });
    const builtin = await readFile(
      new URL("../../templates/study/pre-etude/01-pre-etude.md.hbs", import.meta.url),
      "utf8",
    );
    await writeFile(template, `${builtin}\nNote locale : {{study.title}}.\n`);
    expect(handlebarsCompiler(await loadedFiles(NEW_STUDY, workspace)).length).toBeGreaterThan(0);
    const run = spawnSync(process.execPath, [BIN, ...NEW_STUDY.filter((a) => a !== "--dry-run")], {
      cwd: workspace,
      env: { ...process.env, CI: "1" },
      encoding: "utf8",
    });
    expect(run.status, run.stderr).toBe(0);
    // The study id carries the month it was created in: the one folder of studies/.
    const created = (await readdir(path.join(workspace, "studies"))).filter((id) =>
      id.includes("recyclerie-textile"),
    );
    expect(created).toHaveLength(1);
    const dossier = await readFile(
      path.join(workspace, "studies", created[0] as string, "01-pre-etude.md"),
      "utf8",
    );
    expect(dossier).toContain("Note locale : Recyclerie textile.");
  });

  it("a watch command parses feeds.yaml once per version of the file: the yaml library loads on the first run only", async () => {
    const workspace = await tempWorkspace();
    const cache = path.join(await tempDir(), "cache");
    const env = { PILE_CACHE_DIR: cache };
    const usesYaml = (modules: string[]) => modules.some((m) => m.startsWith("npm:yaml"));
    expect(usesYaml(await loadedModules(["veille", "sources"], workspace, env))).toBe(true);
    expect(usesYaml(await loadedModules(["veille", "sources"], workspace, env))).toBe(false);
    // An edited feeds.yaml is another entry: parsed again.
    const feeds = path.join(workspace, "feeds.yaml");
    await writeFile(feeds, `${await readFile(feeds, "utf8")}\n# modifié\n`);
    expect(usesYaml(await loadedModules(["veille", "sources"], workspace, env))).toBe(true);
  });
});
