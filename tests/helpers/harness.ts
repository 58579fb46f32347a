import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach } from "vitest";
import { main } from "../../src/main.js";
import type { Choice, Prompter } from "../../src/ui/prompts.js";

/** In-process runs of the CLI with captured streams, a fixed clock and scripted answers. */

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  /** Scripted answers: makes the run interactive. */
  answers?: (string | Error)[];
  now?: Date;
}

export const FIXED_NOW = new Date("2026-11-28T10:00:00Z");

class Capture {
  text = "";
  isTTY = false;
  write(chunk: string) {
    this.text += chunk;
    return true;
  }
}

/** A prompter that answers from a list, applying the prompts' own validation. */
export function scriptedPrompter(answers: (string | Error)[]): Prompter & { asked: string[] } {
  const asked: string[] = [];
  const next = (message: string): string => {
    asked.push(message);
    const answer = answers.shift();
    if (answer === undefined) throw new Error(`no scripted answer for: ${message}`);
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return {
    asked,
    async input(q) {
      const answer = next(q.message);
      const value = answer === "" && q.default !== undefined ? q.default : answer;
      const valid = q.validate?.(value) ?? true;
      if (valid !== true) throw new Error(`scripted answer rejected (${valid}) for: ${q.message}`);
      return value;
    },
    async select<T extends string>(q: { message: string; choices: Choice<T>[]; default?: T }) {
      const answer = next(q.message);
      const choice = q.choices.find((c) => c.value === answer);
      if (!choice) throw new Error(`"${answer}" is not a choice for: ${q.message}`);
      return choice.value;
    },
  };
}

export async function runPile(args: string[], options: RunOptions): Promise<RunResult> {
  const stdout = new Capture();
  const stderr = new Capture();
  const interactive = options.answers !== undefined;
  const code = await main({
    argv: args,
    // pile's parse cache where vitest.config.ts puts it, never in the home folder.
    env: {
      NO_COLOR: "1",
      PILE_CACHE_DIR: process.env.PILE_CACHE_DIR ?? "off",
      ...(options.env ?? {}),
    },
    cwd: options.cwd,
    stdin: process.stdin,
    stdout,
    stderr,
    now: () => options.now ?? FIXED_NOW,
    ...(interactive ? { prompter: scriptedPrompter(options.answers ?? []) } : {}),
    stdinIsTTY: interactive,
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

const made: string[] = [];
afterEach(async () => {
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** A fresh temporary folder, removed after the test. */
export async function tempDir(prefix = "pile-test-"): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** A fresh workspace made by `pile init`. */
export async function tempWorkspace(): Promise<string> {
  const dir = await tempDir();
  const result = await runPile(["init", "."], { cwd: dir });
  if (result.code !== 0) throw new Error(`init failed: ${result.stderr}`);
  return dir;
}

/** Every file under a folder with its sha256, to prove a command changed nothing. */
export async function snapshot(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    files[path.relative(dir, full)] = createHash("sha256")
      .update(await readFile(full))
      .digest("hex");
  }
  return files;
}

export const NEW_STUDY_FLAGS = [
  "study",
  "new",
  "--title",
  "Recyclerie textile",
  "--territory",
  "18e",
  "--sector",
  "couture-textile",
  "--owner",
  "Camille Martin",
  "--date",
  "2026-11-28",
];
export const STUDY_ID = "2026-11-recyclerie-textile-18e";

/** Splits a documented command line as a shell would (double quotes only). */
export function shellWords(line: string): string[] {
  return [...line.matchAll(/(?:[^\s"]+|"[^"]*")+/g)].map((m) => m[0].replace(/"/g, ""));
}

/**
 * Makes a workspace's watch offline: the saved sample feeds of the repository
 * are copied in and feeds.yaml keeps its topics but lists only them (the
 * source ids used in the documented examples included).
 */
export async function offlineFeeds(ws: string): Promise<void> {
  const { cp, readFile, writeFile } = await import("node:fs/promises");
  const { parseDocument } = await import("yaml");
  await cp(new URL("../../examples/veille", import.meta.url), path.join(ws, "exemples", "veille"), {
    recursive: true,
  });
  const file = path.join(ws, "feeds.yaml");
  const document = parseDocument(await readFile(file, "utf8"));
  document.set("sources", [
    {
      id: "service-public-particuliers",
      title: "Service-Public",
      url: "file:exemples/veille/service-public.xml",
    },
    { id: "filieres", title: "Filières", url: "file:exemples/veille/eco-organismes.atom" },
    { id: "localtis", title: "Localtis", url: "file:exemples/veille/localtis-windows-1252.xml" },
  ]);
  await writeFile(file, document.toString());
}
