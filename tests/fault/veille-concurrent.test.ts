import { type ChildProcess, spawn } from "node:child_process";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { rss } from "../helpers/feed-server.js";
import { runPile, tempWorkspace } from "../helpers/harness.js";
import { messageFlaws, treeDigest } from "../helpers/tree.js";

/**
 * Two `pile veille pull` at once on the same workspace (the built CLI): the
 * second sees the lock veille/.lock, says so in French and exits 1 without
 * touching anything; the first completes, and the store is whole. A local
 * server holds every answer until the test opens its gate, so that the first
 * pull is certainly still running when the second starts.
 */

const BIN = fileURLToPath(new URL("../../bin/pile.js", import.meta.url));
const SOURCES = 3;

interface Gate {
  url: (source: number) => string;
  requests: () => number;
  /** Resolves at the first request that reaches the server since `publish`. */
  firstRequest: () => Promise<void>;
  open: () => void;
  publish: (round: number) => void;
  close: () => Promise<void>;
}

function feed(source: number, round: number): string {
  return rss(
    Array.from({ length: 4 + round * 3 }, (_, i) => ({
      title: `Source ${source}, entrée ${i}`,
      link: `https://exemple.org/${source}/${i}`,
      date: `2026-${String(1 + (i % 12)).padStart(2, "0")}-10T10:00:00Z`,
    })),
  );
}

async function startGate(): Promise<Gate> {
  let round = 0;
  let opened = true;
  let count = 0;
  let signalFirst: () => void = () => undefined;
  let firstRequest = Promise.resolve();
  const held: (() => void)[] = [];
  const server = createServer((request, response: ServerResponse) => {
    count++;
    signalFirst();
    const source = Number((request.url ?? "").split("/").pop());
    const answer = () =>
      response.writeHead(200, { "content-type": "application/rss+xml" }).end(feed(source, round));
    if (opened) answer();
    else held.push(answer);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (source) => `http://127.0.0.1:${port}/f/${source}`,
    requests: () => count,
    firstRequest: () => firstRequest,
    open: () => {
      opened = true;
      for (const answer of held.splice(0)) answer();
    },
    publish: (next) => {
      round = next;
      opened = false;
      count = 0;
      firstRequest = new Promise<void>((resolve) => {
        signalFirst = resolve;
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

const children: ChildProcess[] = [];
let gate: Gate | undefined;
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  await gate?.close();
  gate = undefined;
});

function pull(ws: string, args: string[] = []): { child: ChildProcess; exit: Promise<Exit> } {
  const child = spawn(process.execPath, [BIN, "veille", "pull", ...args], {
    cwd: ws,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, CI: "1", NO_COLOR: "1" },
  });
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exit = new Promise<Exit>((resolve) =>
    child.on("close", (code) => resolve({ code, stdout, stderr })),
  );
  return { child, exit };
}

async function storeIds(ws: string): Promise<string[]> {
  const dir = path.join(ws, "veille", "items");
  const ids: string[] = [];
  for (const name of (await readdir(dir)).filter((n) => n.endsWith(".jsonl"))) {
    for (const line of (await readFile(path.join(dir, name), "utf8")).split("\n"))
      if (line !== "") ids.push((JSON.parse(line) as { id: string }).id);
  }
  JSON.parse(await readFile(path.join(ws, "veille", "sources.json"), "utf8"));
  return ids;
}

/** A workspace whose store already holds round 0 of every source. */
async function workspaceWithStore(): Promise<{ ws: string; held: string[] }> {
  gate = await startGate();
  const ws = await tempWorkspace();
  const list = Array.from(
    { length: SOURCES },
    (_, s) => `  - id: s${s}\n    title: S${s}\n    url: ${(gate as Gate).url(s)}`,
  );
  await writeFile(
    path.join(ws, "feeds.yaml"),
    `settings: {concurrency: ${SOURCES}, timeoutSeconds: 20}\nsources:\n${list.join("\n")}\n`,
  );
  // In-process: quicker than the built CLI, and the same code.
  const first = await runPile(["veille", "pull"], { cwd: ws });
  expect(first.code, first.stderr).toBe(0);
  return { ws, held: await storeIds(ws) };
}

function expectLockMessage(exit: Exit, pid: number | undefined): void {
  expect(exit.code, exit.stderr).toBe(1);
  expect(exit.stderr).toContain(
    `Une autre collecte de la veille est en cours (processus ${pid}) : rien n'a été fait.`,
  );
  expect(exit.stderr).toContain("veille/.lock");
  expect(messageFlaws(exit.stderr)).toEqual([]);
}

async function expectStoreComplete(ws: string, held: string[], round: number): Promise<void> {
  const ids = await storeIds(ws);
  expect(new Set(ids).size).toBe(ids.length);
  for (const id of held) expect(ids).toContain(id);
  expect(ids.length).toBe(SOURCES * (4 + round * 3));
  const names = [
    ...(await readdir(path.join(ws, "veille"))),
    ...(await readdir(path.join(ws, "veille", "items"))),
  ];
  expect(names.filter((n) => n.endsWith(".tmp") || n === ".lock")).toEqual([]);
}

describe("two pulls at once", () => {
  it("the second, started while the first runs, exits 1 on the lock and changes nothing", async () => {
    const { ws, held } = await workspaceWithStore();
    (gate as Gate).publish(1);
    const first = pull(ws);
    await (gate as Gate).firstRequest();
    // The first pull holds the lock and waits for the server: the store is as before.
    const during = await treeDigest(ws);
    const [second, asJson] = await Promise.all([pull(ws).exit, pull(ws, ["--json"]).exit]);
    expectLockMessage(second, first.child.pid);
    expect(second.stdout).toBe("");
    expect(asJson.code).toBe(1);
    const document = JSON.parse(asJson.stdout) as { error: { message: string; exitCode: number } };
    expect(document.error.message).toContain("Une autre collecte de la veille est en cours");
    expect(document.error.exitCode).toBe(1);
    expect(await treeDigest(ws)).toEqual(during);

    (gate as Gate).open();
    const done = await first.exit;
    expect(done.code, done.stderr).toBe(0);
    await expectStoreComplete(ws, held, 1);
  });

  it("started at the same moment, exactly one pulls and the other exits 1", async () => {
    const { ws, held } = await workspaceWithStore();
    (gate as Gate).publish(2);
    const a = pull(ws);
    const b = pull(ws);
    // The loser exits without asking anything; the gate stays shut until then.
    // If both held the lock, both would wait at the gate and neither would exit.
    let timer: NodeJS.Timeout | undefined;
    const loser = await Promise.race([
      a.exit.then((exit) => ({ exit, other: b })),
      b.exit.then((exit) => ({ exit, other: a })),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error("both pulls are running: the lock let both in")),
          15_000,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    expect((gate as Gate).requests()).toBeLessThanOrEqual(SOURCES);
    expectLockMessage(loser.exit, loser.other.child.pid);
    (gate as Gate).open();
    const winner = await loser.other.exit;
    expect(winner.code, winner.stderr).toBe(0);
    await expectStoreComplete(ws, held, 2);
  });
});
