import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { rss } from "../helpers/feed-server.js";
import { type FaultCode, faults, withPlan } from "../helpers/fs-faults.js";
import {
  NEW_STUDY_FLAGS,
  type RunResult,
  runPile,
  STUDY_ID,
  tempDir,
  tempWorkspace,
} from "../helpers/harness.js";
import { messageFlaws, treeDigest } from "../helpers/tree.js";

/**
 * A read-only workspace and a full disk, simulated (tests may run as root,
 * which ignores permissions): the functions of node:fs/promises that change
 * the disk throw EROFS, EACCES, ENOSPC or EDQUOT, either all of them or one
 * chosen operation of the write plan (its first, middle and last). Every time,
 * the command says so in French and leaves the workspace byte-identical, with
 * no temporary file, lock or empty folder behind; or, when the failed step
 * did not matter, it succeeds with exactly the files a run without fault makes.
 */

vi.mock("node:fs/promises", async (importOriginal) =>
  (await import("../helpers/fs-faults.js")).withFaults(await importOriginal()),
);

interface Scenario {
  name: string;
  /** A fresh workspace in the state the command expects; returns the folder to watch. */
  setup: () => Promise<{ root: string; cwd: string }>;
  args: string[];
  /** Paths the plan does not own (the watch's lock is tested with the lock). */
  ignore?: RegExp;
}

function feedFile(prefix: string, months: number[]): string {
  return rss(
    months.map((month, i) => ({
      title: `${prefix} entrée ${i}`,
      link: `https://exemple.org/${prefix}/${i}`,
      date: `2026-${String(month).padStart(2, "0")}-10T10:00:00Z`,
    })),
  );
}

async function workspaceWithStudy(): Promise<{ root: string; cwd: string }> {
  const root = await tempWorkspace();
  const created = await runPile(NEW_STUDY_FLAGS, { cwd: root });
  if (created.code !== 0) throw new Error(created.stderr);
  return { root, cwd: root };
}

const SCENARIOS: Scenario[] = [
  {
    name: "pile init",
    setup: async () => {
      const root = await tempDir();
      return { root, cwd: root };
    },
    args: ["init", "."],
  },
  {
    name: "pile study new",
    setup: async () => {
      const root = await tempWorkspace();
      return { root, cwd: root };
    },
    args: NEW_STUDY_FLAGS,
  },
  {
    name: "pile study advance",
    setup: workspaceWithStudy,
    args: ["study", "advance", STUDY_ID, "--to", "prefiguration", "--date", "2026-12-15"],
  },
  {
    name: "pile study score",
    setup: workspaceWithStudy,
    args: [
      "study",
      "score",
      STUDY_ID,
      "--set",
      "supplementarite=4",
      "--set",
      "investissement=2:3:4",
      "--note",
      "supplementarite=Aucune friperie dans le quartier",
    ],
  },
  {
    name: "pile study interview",
    setup: workspaceWithStudy,
    args: ["study", "interview", STUDY_ID, "--actor", "Retoucherie", "--date", "2026-12-03"],
  },
  {
    name: "pile veille pull",
    // A store that already holds two sources; the pull adds to existing months and creates others.
    setup: async () => {
      const root = await tempWorkspace();
      await mkdir(path.join(root, "flux"));
      await writeFile(path.join(root, "flux", "a.xml"), feedFile("a", [1, 2]));
      await writeFile(path.join(root, "flux", "b.xml"), feedFile("b", [2]));
      await writeFile(path.join(root, "flux", "c.xml"), feedFile("c", [3]));
      const sources = ["a", "b", "c"]
        .map((id) => `  - id: ${id}\n    title: Source ${id}\n    url: file:flux/${id}.xml`)
        .join("\n");
      await writeFile(path.join(root, "feeds.yaml"), `sources:\n${sources}\n`);
      const first = await runPile(["veille", "pull", "--source", "a", "--source", "b"], {
        cwd: root,
      });
      if (first.code !== 0) throw new Error(first.stderr);
      // Month 1 grows (a replace), month 3 is new (a create), and sources.json is replaced.
      await writeFile(path.join(root, "flux", "b.xml"), feedFile("b", [2, 1, 3]));
      return { root, cwd: root };
    },
    args: ["veille", "pull"],
    ignore: /^veille\/\.lock$/,
  },
];

const REASONS: Record<FaultCode, string> = {
  EROFS: "lecture seule",
  EACCES: "permission refusée",
  ENOSPC: "disque plein",
  EDQUOT: "quota",
};
const CODES: FaultCode[] = ["ENOSPC", "EROFS", "EDQUOT", "EACCES"];

/** What a run without any fault does: how many operations it makes and which tree it leaves. */
const clean = new Map<string, { operations: number; after: Record<string, string> }>();
/** Each scenario's starting workspace, made once and copied for every run. */
const prepared = new Map<string, { root: string; cwdInside: string }>();

async function fresh(scenario: Scenario): Promise<{ root: string; cwd: string }> {
  const template = prepared.get(scenario.name);
  if (!template) throw new Error(`${scenario.name} is not prepared`);
  const root = path.join(await tempDir(), "espace");
  await cp(template.root, root, { recursive: true });
  return { root, cwd: path.join(root, template.cwdInside) };
}

const templates: string[] = [];
afterAll(async () => {
  for (const dir of templates) await rm(dir, { recursive: true, force: true });
});

beforeAll(async () => {
  for (const scenario of SCENARIOS) {
    const made = await scenario.setup();
    // Not a tempDir(): those are removed after each test, and the templates serve them all.
    const template = await mkdtemp(path.join(tmpdir(), "pile-modele-"));
    templates.push(template);
    await cp(made.root, template, { recursive: true });
    await cp(made.root, template, { recursive: true });
    prepared.set(scenario.name, { root: template, cwdInside: path.relative(made.root, made.cwd) });
    const { root, cwd } = await fresh(scenario);
    const { result, seen } = await withPlan(
      {
        root,
        mode: "count",
        code: "ENOSPC",
        ...(scenario.ignore ? { ignore: scenario.ignore } : {}),
      },
      () => runPile(scenario.args, { cwd }),
    );
    if (result.code !== 0) throw new Error(`${scenario.name}: ${result.stderr}`);
    clean.set(scenario.name, { operations: seen.length, after: await treeDigest(root) });
  }
}, 60_000);

function expectCleanFailure(result: RunResult, code: FaultCode, root: string): void {
  expect(result.code, result.stderr).not.toBe(0);
  expect(result.code).not.toBe(130);
  expect(result.stderr).toContain(REASONS[code]);
  expect(messageFlaws(result.stderr, root)).toEqual([]);
  expect(result.stdout).toBe("");
}

/** Runs the scenario with one fault; asserts all or nothing. Returns whether it failed. */
async function runWithFault(
  scenario: Scenario,
  plan: { mode: "one"; at: number } | { mode: "read-only" },
  code: FaultCode,
): Promise<boolean> {
  const { root, cwd } = await fresh(scenario);
  const before = await treeDigest(root);
  const { result, seen } = await withPlan(
    {
      root,
      code,
      ...plan,
      // A read-only disk refuses everything, the lock included.
      ...(scenario.ignore && plan.mode === "one" ? { ignore: scenario.ignore } : {}),
    },
    () => runPile(scenario.args, { cwd }),
  );
  const failedOp = seen.find((s) => s.failed);
  const label = `${scenario.name}, ${code} on ${failedOp ? `${failedOp.op} ${failedOp.path}` : "nothing"}`;
  expect(failedOp, label).toBeDefined();
  if (result.code === 0) {
    // The failed step was not needed (a backup link): the result is the normal one.
    expect(await treeDigest(root), label).toEqual(clean.get(scenario.name)?.after);
    return false;
  }
  expectCleanFailure(result, code, root);
  expect(await treeDigest(root), label).toEqual(before);
  expect(faults.plan).toBeUndefined();
  return true;
}

describe.each(SCENARIOS)("$name", (scenario) => {
  it.each([
    ["EROFS", "a read-only disk"],
    ["EACCES", "a folder without write permission"],
  ] as const)("on %s (%s): French error, nothing written", async (code, _what) => {
    expect(await runWithFault(scenario, { mode: "read-only" }, code)).toBe(true);
  });

  it.each([
    ["first", 0],
    ["middle", 1],
    ["last", 2],
  ] as const)(
    "a fault at the %s write of the plan: French error, nothing half-written",
    async (_position, index) => {
      const total = clean.get(scenario.name)?.operations ?? 0;
      expect(total).toBeGreaterThan(0);
      const at = [1, Math.ceil(total / 2), total][index] as number;
      const code = CODES[(SCENARIOS.indexOf(scenario) + index) % CODES.length] as FaultCode;
      await runWithFault(scenario, { mode: "one", at }, code);
    },
  );

  it("a fault at any other write of the plan: all or nothing", async () => {
    const total = clean.get(scenario.name)?.operations ?? 0;
    for (let at = 2; at < total; at++) {
      if (at === Math.ceil(total / 2)) continue;
      await runWithFault(scenario, { mode: "one", at }, CODES[at % CODES.length] as FaultCode);
    }
  });
});

describe("pile init into a folder it must create", () => {
  it.each(["EROFS", "EACCES"] as const)("on %s: French error, nothing written", async (code) => {
    const parent = await tempDir();
    const before = await treeDigest(parent);
    const { result } = await withPlan({ root: parent, mode: "read-only", code }, () =>
      runPile(["init", "espace-equipe"], { cwd: parent }),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Impossible de créer le dossier espace-equipe");
    expectCleanFailure(result, code, parent);
    expect(await treeDigest(parent)).toEqual(before);
  });
});

describe("the French reasons", () => {
  it.each(CODES)("%s says what happened, in the JSON error too", async (code) => {
    const { root, cwd } = await workspaceWithStudy();
    const { result } = await withPlan({ root, mode: "read-only", code }, () =>
      runPile(["study", "score", STUDY_ID, "--set", "supplementarite=4", "--json"], { cwd }),
    );
    const document = JSON.parse(result.stdout) as { error: { message: string; exitCode: number } };
    expect(document.error.message).toContain(REASONS[code]);
    expect(document.error.message).toContain("Rien n'a été modifié");
    expect(document.error.exitCode).toBe(result.code);
  });
});
