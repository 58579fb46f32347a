import { describe, expect, it, vi } from "vitest";
import { withPlan } from "../helpers/fs-faults.js";
import { offlineFeeds, runPile, tempWorkspace } from "../helpers/harness.js";
import { messageFlaws, treeDigest } from "../helpers/tree.js";

/** Faults around the watch's lock and its first pull (bugs in src/veille/lock.ts). */

vi.mock("node:fs/promises", async (importOriginal) =>
  (await import("../helpers/fs-faults.js")).withFaults(await importOriginal()),
);

describe("pile veille pull when the disk fails around the lock", () => {
  it("a full disk while the lock is written leaves no veille/.lock behind", async () => {
    const ws = await tempWorkspace();
    await offlineFeeds(ws);
    expect((await runPile(["veille", "pull"], { cwd: ws })).code).toBe(0);
    const before = await treeDigest(ws);
    // Operation 1 is open(veille/.lock), operation 2 writes the pid into it.
    const { result, seen } = await withPlan({ root: ws, mode: "one", at: 2, code: "ENOSPC" }, () =>
      runPile(["veille", "pull"], { cwd: ws }),
    );
    expect(seen[1]).toMatchObject({ op: "handle.writeFile", path: "veille/.lock", failed: true });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("disque plein");
    expect(messageFlaws(result.stderr, ws)).toEqual([]);
    expect(await treeDigest(ws)).toEqual(before);
  });

  it("a first pull that cannot write its store leaves no empty veille/ folder", async () => {
    const ws = await tempWorkspace();
    await offlineFeeds(ws);
    const before = await treeDigest(ws);
    const { result } = await withPlan(
      // Operation 1 makes veille/ for the lock; operation 2 is the first of the store's.
      { root: ws, mode: "one", at: 2, code: "ENOSPC", ignore: /^veille\/\.lock$/ },
      () => runPile(["veille", "pull"], { cwd: ws }),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("disque plein");
    expect(await treeDigest(ws)).toEqual(before);
  });
});
