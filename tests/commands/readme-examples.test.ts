import { cp, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { offlineFeeds, runPile, shellWords, tempDir } from "../helpers/harness.js";

/**
 * The `pile …` lines of the README's ```sh blocks run in order, as a reader
 * would type them, from a fresh folder; each must succeed.
 */
async function readmeExamples(): Promise<string[][]> {
  const readme = await readFile(new URL("../../README.md", import.meta.url), "utf8");
  const commands: string[][] = [];
  for (const block of readme.matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const line of (block[1] as string).split("\n")) {
      if (!line.startsWith("pile ")) continue;
      commands.push(shellWords(line.slice(5)));
    }
  }
  return commands;
}

describe("the README", () => {
  it("has examples for every command, and each one runs as written", async () => {
    const examples = await readmeExamples();
    const used = new Set(
      examples.map((args) =>
        args[0] === "study" || args[0] === "veille" ? `${args[0]} ${args[1]}` : args[0],
      ),
    );
    expect([...used].sort()).toEqual([
      "init",
      "score",
      "study advance",
      "study check",
      "study interview",
      "study list",
      "study new",
      "study score",
      "study show",
      "veille digest",
      "veille keep",
      "veille list",
      "veille opml",
      "veille pull",
      "veille sources",
    ]);
    let cwd = path.join(await tempDir(), "depot");
    // The README's paths to ../examples/ are those of a workspace made inside the repository.
    await cp(new URL("../../examples", import.meta.url), path.join(cwd, "examples"), {
      recursive: true,
    });
    for (const args of examples) {
      const result = await runPile(args, { cwd });
      expect({ args, code: result.code, stderr: result.stderr }).toEqual({
        args,
        code: 0,
        stderr: expect.any(String),
      });
      if (args[0] === "init" && !args.includes("--dry-run")) {
        cwd = path.join(cwd, args[1] as string);
        // No test reaches the internet: the watch reads the saved sample feeds.
        await offlineFeeds(cwd);
      }
    }
  });
});
