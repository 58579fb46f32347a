import { spawn } from "node:child_process";
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { type FeedServer, rss, startFeedServer } from "../helpers/feed-server.js";
import { tempWorkspace } from "../helpers/harness.js";

/** A pull killed with SIGKILL at random moments never corrupts the store nor loses what it held. */

const BIN = fileURLToPath(new URL("../../bin/pile.js", import.meta.url));
let server: FeedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function feed(source: number, count: number): string {
  return rss(
    Array.from({ length: count }, (_, i) => ({
      title: `Source ${source}, entrée ${i}`,
      link: `https://exemple.org/${source}/${i}`,
      date: `2026-${String(1 + (i % 12)).padStart(2, "0")}-10T10:00:00Z`,
    })),
  );
}

async function storeKeys(ws: string): Promise<string[]> {
  const dir = path.join(ws, "veille", "items");
  const keys: string[] = [];
  for (const file of (await readdir(dir)).filter((f) => f.endsWith(".jsonl"))) {
    for (const line of (await readFile(path.join(dir, file), "utf8")).split("\n")) {
      if (line === "") continue;
      const item = JSON.parse(line) as { link?: string; id: string };
      keys.push(item.link ?? item.id);
    }
  }
  return keys;
}

function run(ws: string, killAfterMs?: number): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, "veille", "pull"], {
      cwd: ws,
      stdio: "ignore",
      env: { ...process.env, CI: "1" },
    });
    if (killAfterMs !== undefined) setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    child.on("close", (code) => resolve(code));
  });
}

describe("a pull killed at any moment", () => {
  it("leaves a valid store, without duplicates, with everything stored before", async () => {
    const SOURCES = 12;
    server = await startFeedServer();
    for (let s = 0; s < SOURCES; s++)
      (server as FeedServer).routes.set(`/f/${s}`, { body: feed(s, 20), delayMs: 15 });
    const ws = await tempWorkspace();
    const list = Array.from(
      { length: SOURCES },
      (_, s) =>
        `  - id: s${s}\n    title: S${s}\n    url: ${(server as FeedServer).url(`/f/${s}`)}`,
    );
    await writeFile(
      path.join(ws, "feeds.yaml"),
      `settings: {concurrency: 4, timeoutSeconds: 5}\nsources:\n${list.join("\n")}\n`,
    );
    expect(await run(ws)).toBe(0);
    let held = new Set(await storeKeys(ws));
    expect(held.size).toBe(SOURCES * 20);

    // Deterministic "random" kill times spread over start-up, fetching and writing.
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 1; round <= 8; round++) {
      // Every round the feeds grow, so that every pull has something to write.
      for (let s = 0; s < SOURCES; s++)
        (server as FeedServer).routes.set(`/f/${s}`, {
          body: feed(s, 20 + round * 5),
          delayMs: 15,
        });
      await run(ws, 60 + Math.floor(next() * 700));
      const keys = await storeKeys(ws);
      expect(new Set(keys).size).toBe(keys.length);
      for (const key of held) expect(keys).toContain(key);
      held = new Set(keys);
    }
    expect(await run(ws)).toBe(0);
    const final = await storeKeys(ws);
    expect(new Set(final).size).toBe(SOURCES * (20 + 8 * 5));
    const leftovers = [
      ...(await readdir(path.join(ws, "veille"))),
      ...(await readdir(path.join(ws, "veille", "items"))),
    ];
    expect(leftovers.filter((name) => name.endsWith(".tmp") || name === ".lock")).toEqual([]);
    JSON.parse(await readFile(path.join(ws, "veille", "sources.json"), "utf8"));
  }, 60_000);
});
