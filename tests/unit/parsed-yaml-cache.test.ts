import { chmod, readdir, readFile, stat, symlink, utimes, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseFeedsText } from "../../src/commands/veille-input.js";
import {
  cacheDir,
  jsonExact,
  readParsedYaml,
  rememberParsedYaml,
} from "../../src/workspace/parsed-yaml-cache.js";
import { tempDir } from "../helpers/harness.js";

const SHIPPED_FEEDS = path.join(import.meta.dirname, "..", "..", "feeds.yaml");

describe("cacheDir", () => {
  it.each([
    [{ PILE_CACHE_DIR: "/tmp/c" }, "/tmp/c"],
    [{ PILE_CACHE_DIR: "off" }, undefined],
    [{ PILE_CACHE_DIR: "" }, undefined],
    [{ XDG_CACHE_HOME: "/x" }, "/x/pile"],
    [{ PILE_CACHE_DIR: "/tmp/c", XDG_CACHE_HOME: "/x" }, "/tmp/c"],
    // Relative paths are ignored (they would land in the workspace).
    [{ PILE_CACHE_DIR: "cache", HOME: "/home/camille" }, "/home/camille/.cache/pile"],
    [{ XDG_CACHE_HOME: "x", HOME: "/home/camille" }, "/home/camille/.cache/pile"],
    [{ HOME: "/home/camille" }, "/home/camille/.cache/pile"],
    [{ HOME: "relatif", XDG_CACHE_HOME: "x" }, path.join(os.homedir(), ".cache", "pile")],
  ])("%j → %s", (env, expected) => {
    expect(cacheDir(env)).toBe(expected);
  });
});

describe("jsonExact", () => {
  it.each([
    [{ a: [1, "x", true, null, { b: 2.5 }] }, true],
    [[], true],
    [Number.POSITIVE_INFINITY, false],
    [Number.NaN, false],
    [-0, false],
    [{ a: [1, Number.NEGATIVE_INFINITY] }, false],
    [undefined, false],
    [new Date(0), false],
    [new Map(), false],
  ])("%s → %s", (value, expected) => {
    expect(jsonExact(value)).toBe(expected);
  });
});

describe("the parse cache", () => {
  it("gives back what it was given for the same text, nothing for another text", async () => {
    const dir = await tempDir();
    const data = { sources: [{ id: "a", url: "https://exemple.org/flux" }], n: 3 };
    await rememberParsedYaml("texte", data, dir);
    expect(await readParsedYaml("texte", dir)).toEqual(data);
    expect(await readParsedYaml("texte ", dir)).toBeUndefined();
  });

  it("keeps nothing that JSON would change, nor anything when turned off", async () => {
    const dir = await tempDir();
    await rememberParsedYaml("inf", { x: Number.POSITIVE_INFINITY }, dir);
    expect(await readParsedYaml("inf", dir)).toBeUndefined();
    const off = cacheDir({ PILE_CACHE_DIR: "off" });
    await rememberParsedYaml("off", { x: 1 }, off);
    expect(await readParsedYaml("off", off)).toBeUndefined();
    expect(await readParsedYaml("off", cacheDir(process.env))).toBeUndefined();
  });

  it("a damaged entry is a miss, and a cache it cannot write is no error", async () => {
    const dir = await tempDir();
    await rememberParsedYaml("t", { a: 1 }, dir);
    const [name] = await readdir(path.join(dir, "yaml"));
    await writeFile(path.join(dir, "yaml", name as string), '{"a":');
    expect(await readParsedYaml("t", dir)).toBeUndefined();
    // A file where the cache folder should be: writing fails, silently.
    const blocked = path.join(await tempDir(), "fichier");
    await writeFile(blocked, "");
    await expect(rememberParsedYaml("t", { a: 1 }, blocked)).resolves.toBeUndefined();
    expect(await readParsedYaml("t", blocked)).toBeUndefined();
  });

  it("a symbolic link in place of the entries' folder is not used", async () => {
    const dir = await tempDir();
    const elsewhere = await tempDir();
    await chmod(elsewhere, 0o700);
    await symlink(elsewhere, path.join(dir, "yaml"));
    await rememberParsedYaml("t", { a: 1 }, dir);
    expect(await readdir(elsewhere)).toEqual([]);
    expect(await readParsedYaml("t", dir)).toBeUndefined();
  });

  it("a folder others may write to, or not private, is not used", async () => {
    const dir = await tempDir();
    await rememberParsedYaml("t", { a: 1 }, dir);
    expect(await readParsedYaml("t", dir)).toEqual({ a: 1 });
    expect((await stat(path.join(dir, "yaml"))).mode & 0o777).toBe(0o700);
    const [entry] = await readdir(path.join(dir, "yaml"));
    expect((await stat(path.join(dir, "yaml", entry as string))).mode & 0o777).toBe(0o600);
    await chmod(path.join(dir, "yaml"), 0o777);
    expect(await readParsedYaml("t", dir)).toBeUndefined();
    await rememberParsedYaml("u", { b: 2 }, dir);
    expect(await readdir(path.join(dir, "yaml"))).toHaveLength(1);
  });

  it("keeps the 64 most recent entries", async () => {
    const dir = await tempDir();
    for (let n = 0; n < 70; n++) {
      await rememberParsedYaml(`texte ${n}`, { n }, dir);
      // Distinct, increasing modification times, whatever the file system's resolution.
      const files = await readdir(path.join(dir, "yaml"));
      for (const file of files) {
        const entry = JSON.parse(await readFile(path.join(dir, "yaml", file), "utf8")) as {
          n: number;
        };
        await utimes(path.join(dir, "yaml", file), entry.n, entry.n);
      }
    }
    const kept = await readdir(path.join(dir, "yaml"));
    expect(kept).toHaveLength(64);
    expect(await readParsedYaml("texte 69", dir)).toEqual({ n: 69 });
    expect(await readParsedYaml("texte 5", dir)).toBeUndefined();
  });
});

describe("feeds.yaml through the cache", () => {
  it("the shipped feeds.yaml gives the same value parsed or read back, and is stored once parsed", async () => {
    const text = await readFile(SHIPPED_FEEDS, "utf8");
    const env = { PILE_CACHE_DIR: await tempDir() };
    const first = await parseFeedsText(text, env);
    expect(await readParsedYaml(text, env.PILE_CACHE_DIR)).toEqual(parse(text));
    expect(await parseFeedsText(text, env)).toEqual(first);
    expect(await parseFeedsText(text, { PILE_CACHE_DIR: "off" })).toEqual(first);
  });

  it("a stored entry is what a second run reads, in place of the parse", async () => {
    const env = { PILE_CACHE_DIR: await tempDir() };
    const text = "topics: []\nsources: []\n";
    await rememberParsedYaml(
      text,
      { topics: [{ id: "du-cache", label: "Du cache", keywords: ["x"] }], sources: [] },
      env.PILE_CACHE_DIR,
    );
    expect((await parseFeedsText(text, env)).topics.map((t) => t.id)).toEqual(["du-cache"]);
  });

  it("an empty feeds.yaml is stored as the empty object the checks saw", async () => {
    const env = { PILE_CACHE_DIR: await tempDir() };
    const empty = await parseFeedsText("# rien pour l'instant\n", env);
    expect(await readParsedYaml("# rien pour l'instant\n", env.PILE_CACHE_DIR)).toEqual({});
    expect(await parseFeedsText("# rien pour l'instant\n", env)).toEqual(empty);
  });

  it("an entry the checks refuse goes back through the full parse: the value, or the located error", async () => {
    const text = "settings:\n  concurrency: 4\ntopics: []\nsources: []\n";
    const env = { PILE_CACHE_DIR: await tempDir() };
    await rememberParsedYaml(text, { settings: { concurrency: "beaucoup" } }, env.PILE_CACHE_DIR);
    expect(await parseFeedsText(text, env)).toMatchObject({ settings: { concurrency: 4 } });
    const bad = "settings:\n  concurrency: zéro\ntopics: []\nsources: []\n";
    await rememberParsedYaml(
      bad,
      { settings: { concurrency: "zéro" }, topics: [], sources: [] },
      env.PILE_CACHE_DIR,
    );
    await expect(parseFeedsText(bad, env)).rejects.toThrow(/feeds\.yaml:2:\d+/);
  });

  it("a file YAML refuses is never stored", async () => {
    const env = { PILE_CACHE_DIR: await tempDir() };
    const bad = "sources: [\n";
    await expect(parseFeedsText(bad, env)).rejects.toThrow(/feeds\.yaml:/);
    expect(await readParsedYaml(bad, env.PILE_CACHE_DIR)).toBeUndefined();
  });
});
