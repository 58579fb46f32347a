import { spawn } from "node:child_process";
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FeedServer, rss, startFeedServer } from "../helpers/feed-server.js";
import { tempWorkspace } from "../helpers/harness.js";
import { seededRandom } from "../helpers/tree.js";

/**
 * `pile veille pull` (the built CLI, as a person runs it) killed with SIGKILL
 * at random moments, seeded: half of the kills fall anywhere in a pull, half
 * just after the last source answered, while the store is being written.
 * After every kill the store parses, holds no duplicate and keeps everything
 * it held before; a last pull completes it and leaves no lock nor temporary
 * file. PILE_FAULT_SEED=N replays another sequence.
 */

const BIN = fileURLToPath(new URL("../../bin/pile.js", import.meta.url));
const SEED = Number(process.env.PILE_FAULT_SEED ?? 20261128);
const KILLS = 20;
const SOURCES = 10;

let server: FeedServer;
beforeAll(async () => {
  server = await startFeedServer();
});
afterAll(async () => {
  await server.close();
});

/** Feed `source` at `round`: it grows every round, over two years of months. */
function feed(source: number, round: number): string {
  const count = 6 + round * 2;
  return rss(
    Array.from({ length: count }, (_, i) => ({
      title: `Source ${source}, entrée ${i}`,
      link: `https://exemple.org/${source}/${i}`,
      date: `${2025 + (i % 2)}-${String(1 + ((i * 5 + source) % 12)).padStart(2, "0")}-10T10:00:00Z`,
    })),
  );
}

/** Each lane (a workspace killed again and again) has its own routes. */
function publish(lane: number, round: number): void {
  for (let s = 0; s < SOURCES; s++)
    server.routes.set(`/${lane}/f/${s}`, { body: feed(s, round), delayMs: 5 + (s % 3) * 5 });
}

interface Store {
  ids: string[];
  links: string[];
}

/** Reads the store as the next pull will, failing on any damage. */
async function readStore(ws: string, context: string): Promise<Store> {
  const store: Store = { ids: [], links: [] };
  const dir = path.join(ws, "veille", "items");
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.endsWith(".jsonl"))) {
    const text = await readFile(path.join(dir, name), "utf8");
    expect(text === "" || text.endsWith("\n"), `${context}: ${name} is cut short`).toBe(true);
    for (const [index, line] of text.split("\n").entries()) {
      if (line === "") continue;
      let item: { id?: unknown; link?: unknown };
      try {
        item = JSON.parse(line);
      } catch {
        throw new Error(`${context}: ${name}:${index + 1} is not JSON: ${line.slice(0, 80)}`);
      }
      expect(typeof item.id, `${context}: ${name}:${index + 1}`).toBe("string");
      store.ids.push(item.id as string);
      if (typeof item.link === "string") store.links.push(item.link);
    }
  }
  const state = await readFile(path.join(ws, "veille", "sources.json"), "utf8").catch(() => "");
  if (state !== "") {
    expect(() => JSON.parse(state), `${context}: sources.json`).not.toThrow();
  }
  return store;
}

function pull(
  ws: string,
  kill?: { afterMs: number; from: "start" | "last-source" },
): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [BIN, "veille", "pull"], {
      cwd: ws,
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, CI: "1", NO_COLOR: "1" },
    });
    const killLater = () =>
      kill && setTimeout(() => child.kill("SIGKILL"), Math.max(0, kill.afterMs));
    if (kill?.from === "start") killLater();
    let seen = "";
    child.stderr.on("data", (chunk: Buffer) => {
      if (kill?.from !== "last-source" || seen === "done") return;
      seen += chunk.toString();
      if (seen.includes(`[${SOURCES}/${SOURCES}]`)) {
        seen = "done";
        killLater();
      }
    });
    child.on("close", (code, signal) => resolve({ code, signal, ms: Date.now() - started }));
  });
}

/** One workspace, pulled then killed until `kills` kills have landed; returns its log. */
async function lane(index: number, kills: number): Promise<string[]> {
  const seed = SEED + index;
  const ws = await tempWorkspace();
  const list = Array.from(
    { length: SOURCES },
    (_, s) => `  - id: s${s}\n    title: S${s}\n    url: ${server.url(`/${index}/f/${s}`)}`,
  );
  await writeFile(
    path.join(ws, "feeds.yaml"),
    `settings: {concurrency: 4, timeoutSeconds: 5}\nsources:\n${list.join("\n")}\n`,
  );
  publish(index, 0);
  // The first pull runs to its end and says how long a pull lasts here.
  const first = await pull(ws);
  expect(first.code).toBe(0);
  let held = new Set((await readStore(ws, `seed ${seed}, first pull`)).ids);
  expect(held.size).toBeGreaterThan(0);

  const random = seededRandom(seed);
  let landed = 0;
  const log: string[] = [];
  for (let round = 1; landed < kills && round <= kills * 3; round++) {
    publish(index, round);
    const fromStart = round % 2 === 1;
    // A pull lasts about `first.ms`; kills from the start cover start-up, fetching and writing.
    const afterMs = fromStart
      ? Math.floor(first.ms * (0.3 + random() * 0.8))
      : Math.floor(random() * 25);
    const run = await pull(ws, { afterMs, from: fromStart ? "start" : "last-source" });
    if (run.signal === "SIGKILL") landed++;
    const context = `seed ${seed}, round ${round}, kill ${afterMs} ms after ${fromStart ? "start" : "the last source"} (${run.signal ?? `exit ${run.code}`})`;
    log.push(context);
    const store = await readStore(ws, context);
    expect(new Set(store.ids).size, `${context}: duplicate id`).toBe(store.ids.length);
    expect(new Set(store.links).size, `${context}: duplicate link`).toBe(store.links.length);
    const now = new Set(store.ids);
    const lost = [...held].filter((id) => !now.has(id));
    expect(lost, `${context}: items lost`).toEqual([]);
    held = now;
  }
  expect(landed, log.join("\n")).toBe(kills);

  // A pull that is left to finish completes the store and cleans up after the killed ones.
  const last = await pull(ws);
  expect(last.code, `seed ${seed}, last pull`).toBe(0);
  const final = await readStore(ws, `seed ${seed}, last pull`);
  expect(new Set(final.ids).size).toBe(final.ids.length);
  expect(new Set(final.links).size).toBe(SOURCES * (6 + log.length * 2));
  const leftovers = [
    ...(await readdir(path.join(ws, "veille"))),
    ...(await readdir(path.join(ws, "veille", "items"))),
  ].filter((name) => name.endsWith(".tmp") || name === ".lock");
  expect(leftovers, `seed ${seed}`).toEqual([]);
  return log;
}

describe("a pull killed with SIGKILL", () => {
  it(`${KILLS} times at random moments (seeds ${SEED} and ${SEED + 1}): the store stays whole, without duplicate, and loses nothing`, async () => {
    // Two workspaces side by side, so that both cores work.
    const logs = await Promise.all([lane(0, KILLS / 2), lane(1, KILLS / 2)]);
    expect(logs.flat().filter((line) => line.includes("SIGKILL")).length).toBe(KILLS);
  }, 120_000);
});
