import { spawnSync } from "node:child_process";
import { access, constants, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { offlineFeeds, tempWorkspace } from "../helpers/harness.js";

/**
 * The scheduled weekly watch (issue 6): scripts/veille-weekly.sh run as the
 * workflow runs it, with the built pile (npm test builds it first), in a
 * git repository made from a `pile init` workspace whose sources are the
 * saved sample feeds, so nothing reaches the internet.
 */

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const SCRIPT = path.join(REPO, "scripts", "veille-weekly.sh");
const PILE = `${process.execPath} ${path.join(REPO, "bin", "pile.js")}`;

/**
 * The environment of a CI machine: no git identity nor global or system git
 * configuration, no variable of a surrounding git command (a hook's
 * GIT_DIR or GIT_INDEX_FILE), no workspace chosen from outside.
 */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith("GIT_") && name !== "PILE_WORKSPACE" && name !== "EMAIL")
      env[name] = value;
  }
  return {
    ...env,
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_CONFIG_NOSYSTEM: "1",
    NO_COLOR: "1",
    ...extra,
  };
}

const IDENTITY = {
  GIT_AUTHOR_NAME: "Camille Martin",
  GIT_AUTHOR_EMAIL: "camille@exemple.org",
  GIT_COMMITTER_NAME: "Camille Martin",
  GIT_COMMITTER_EMAIL: "camille@exemple.org",
};

function git(cwd: string, args: string[]): string {
  const result = spawnSync("git", args, { cwd, env: cleanEnv(IDENTITY), encoding: "utf8" });
  if (result.status !== 0) throw new Error(`git ${args.join(" ")}: ${result.stderr}`);
  return result.stdout;
}

/** The script as the workflow runs it: by its path, with no git identity but its own. */
function weekly(cwd: string) {
  const result = spawnSync(SCRIPT, [], {
    cwd,
    env: cleanEnv({ PILE }),
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("scripts/veille-weekly.sh", () => {
  it("collects, writes the week's digest and commits the store and the digest", async () => {
    const ws = await tempWorkspace();
    await offlineFeeds(ws);
    git(ws, ["init", "--quiet"]);
    git(ws, ["add", "--all"]);
    git(ws, ["commit", "--quiet", "-m", "Espace de travail"]);
    const initial = git(ws, ["rev-parse", "HEAD"]).trim();

    const run = weekly(ws);
    expect(run.stderr).toContain("Veille : collecte et synthèse enregistrées");
    expect(run.code).toBe(0);
    expect(git(ws, ["rev-parse", "HEAD~1"]).trim()).toBe(initial);
    expect(git(ws, ["log", "-1", "--format=%an%n%s"])).toMatch(
      /^pile \(veille automatique\)\nveille : collecte du \d{4}-\d{2}-\d{2}\n$/,
    );
    const files = git(ws, ["show", "--name-only", "--format=", "HEAD"]).trim().split("\n");
    expect(files).toContain("veille/sources.json");
    expect(files.some((file) => /^veille\/items\/\d{4}-\d{2}\.jsonl$/.test(file))).toBe(true);
    expect(files.some((file) => /^veille\/digests\/\d{4}-W\d{2}\.md$/.test(file))).toBe(true);
    expect(files.every((file) => file.startsWith("veille/"))).toBe(true);
    // Nothing left behind: no lock, no temporary file, nothing uncommitted.
    expect(git(ws, ["status", "--porcelain", "--untracked-files=all"])).toBe("");

    // A second run that brings nothing new makes no commit.
    const head = git(ws, ["rev-parse", "HEAD"]).trim();
    const again = weekly(ws);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("rien de nouveau");
    expect(git(ws, ["rev-parse", "HEAD"]).trim()).toBe(head);
    // …and leaves the working tree as it found it (the timestamps are not kept dirty).
    expect(git(ws, ["status", "--porcelain"]).trim()).toBe("");
  });

  it("is executable, as the workflow runs it by its path", async () => {
    await expect(access(SCRIPT, constants.X_OK)).resolves.toBeUndefined();
    expect(git(REPO, ["ls-files", "--stage", "--", "scripts/veille-weekly.sh"])).toMatch(
      /^100755 /,
    );
  });
});

describe(".github/workflows/veille.yml", () => {
  it("runs the weekly script on a schedule and on demand, allowed to push", async () => {
    const workflow = parse(
      await readFile(path.join(REPO, ".github", "workflows", "veille.yml"), "utf8"),
    ) as {
      on: { schedule?: { cron: string }[]; workflow_dispatch?: unknown };
      permissions: Record<string, string>;
      jobs: Record<string, { steps: { run?: string }[] }>;
    };
    expect(workflow.on.schedule?.[0]?.cron).toMatch(/^\S+ \S+ \S+ \S+ \S+$/);
    expect(Object.hasOwn(workflow.on, "workflow_dispatch")).toBe(true);
    expect(workflow.permissions.contents).toBe("write");
    const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
    expect(steps.some((step) => step.run?.trim() === "scripts/veille-weekly.sh")).toBe(true);
    const build = steps.findIndex((step) => step.run?.includes("npm run build"));
    const script = steps.findIndex((step) => step.run?.includes("veille-weekly.sh"));
    expect(build).toBeGreaterThanOrEqual(0);
    expect(build).toBeLessThan(script);
  });
});
