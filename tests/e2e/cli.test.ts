import { spawn, spawnSync } from "node:child_process";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { NEW_STUDY_FLAGS, STUDY_ID, snapshot, tempDir, tempWorkspace } from "../helpers/harness.js";

/** End-to-end runs of the built CLI (npm test builds it first), as a person or a script would. */

const BIN = fileURLToPath(new URL("../../bin/pile.js", import.meta.url));

function pile(args: string[], cwd: string, env: Record<string, string> = {}) {
  const { PILE_WORKSPACE: _ignored, ...inherited } = process.env;
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    env: { ...inherited, CI: "", NO_COLOR: "", FORCE_COLOR: "", ...env },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

// ESC [ : the start of an ANSI colour sequence.
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[`);

describe("the built pile", () => {
  it("shows its help and version", async () => {
    const dir = await tempDir();
    const help = pile(["--help"], dir);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Utilisation : pile");
    expect(pile(["--version"], dir).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it("creates a dossier from flags, then refuses to overwrite it", async () => {
    const ws = await tempWorkspace();
    const first = pile([...NEW_STUDY_FLAGS, "--json"], ws);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout).id).toBe(STUDY_ID);
    const before = await snapshot(ws);
    const second = pile(NEW_STUDY_FLAGS, ws);
    expect(second.code).toBe(2);
    expect(second.stderr).toContain("existe déjà");
    expect(await snapshot(ws)).toEqual(before);
  });

  it("without a terminal, lists the missing flags, exits 2, prints no stack trace and writes nothing", async () => {
    const ws = await tempWorkspace();
    const before = await snapshot(ws);
    const result = pile(["study", "new"], ws);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "sans terminal (ou sous CI), pile ne pose pas de questions. Passez --title, --territory, --sector, --owner.",
    );
    expect(result.stderr).not.toMatch(/\n\s+at |Error:/);
    expect(result.stdout).toBe("");
    expect(await snapshot(ws)).toEqual(before);
  });

  it("--dry-run writes nothing", async () => {
    const ws = await tempWorkspace();
    const before = await snapshot(ws);
    const result = pile([...NEW_STUDY_FLAGS, "--dry-run"], ws);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`studies/${STUDY_ID}/study.yaml`);
    expect(await snapshot(ws)).toEqual(before);
  });

  it("honours NO_COLOR and colours only when asked", async () => {
    const ws = await tempWorkspace();
    expect(
      pile(["study", "new", "--territory", "99e"], ws, { NO_COLOR: "1", FORCE_COLOR: "1" }).stderr,
    ).not.toMatch(ANSI);
    expect(pile(["study", "new", "--territory", "99e"], ws, { FORCE_COLOR: "1" }).stderr).toMatch(
      ANSI,
    );
    expect(
      pile(["--no-color", "study", "new", "--territory", "99e"], ws, { FORCE_COLOR: "1" }).stderr,
    ).not.toMatch(ANSI);
  });

  it("a study.yaml that is a folder is reported without hiding the other studies (exit 1), with no stack trace", async () => {
    const ws = await tempWorkspace();
    pile(NEW_STUDY_FLAGS, ws);
    const { mkdir } = await import("node:fs/promises");
    await mkdir(path.join(ws, "studies", "x", "study.yaml"), { recursive: true });
    const list = pile(["study", "list"], ws);
    expect(list.stderr).not.toMatch(/\n\s+at /);
    expect(list.stderr).toContain("studies/x/study.yaml est un dossier");
    expect(list.stdout).toContain(STUDY_ID);
    expect(list.code).toBe(1);
    const check = pile(["study", "check"], ws);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain(STUDY_ID);
  });

  it("Ctrl-C in a real terminal during study new writes nothing and exits 130", async () => {
    const ws = await tempWorkspace();
    const before = await snapshot(ws);
    // util-linux `script` gives the CLI a pseudo-terminal; \x03 is Ctrl-C.
    const child = spawn("script", ["-qec", `${process.execPath} ${BIN} study new`, "/dev/null"], {
      cwd: ws,
      env: { ...process.env, CI: "", NO_COLOR: "1" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let screen = "";
    child.stdout.on("data", (chunk: Buffer) => {
      screen += chunk.toString();
      if (screen.includes("Titre de la piste") && !screen.includes("typed")) {
        screen += "typed";
        child.stdin.write("Ressour");
        setTimeout(() => child.stdin.write("\u0003"), 200);
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(code).toBe(130);
    expect(screen).toContain("rien n'a été écrit");
    expect(await snapshot(ws)).toEqual(before);
    expect(await readdir(path.join(ws, "studies"))).toEqual(["README.md"]);
  });
});

describe("npm start", () => {
  it("runs the guided demonstration to its end, offline, in a temporary workspace", async () => {
    const dir = await tempDir();
    const result = spawnSync(
      process.execPath,
      [fileURLToPath(new URL("../../scripts/demo.mjs", import.meta.url))],
      {
        env: { ...process.env, PILE_DEMO_DIR: dir, NO_COLOR: "1" },
        encoding: "utf8",
      },
    );
    expect(result.stderr).not.toContain("La démonstration s'arrête");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("Fin de la démonstration.");
    const studies = await readdir(path.join(dir, "espace-demo", "studies"));
    expect(studies).toContain("2026-11-conciergerie-de-quartier-13e");
    expect(studies).toContain("2026-09-recyclerie-textile-18e");
  });
});
