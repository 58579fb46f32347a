import { cp, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { DEFAULT_TERRITORIES, workspaceConfigSchema } from "../../src/study/catalog.js";
import { feedsSchema } from "../../src/veille/feeds.js";
import { offlineFeeds, runPile, shellWords, snapshot, tempDir } from "../helpers/harness.js";

describe("pile init", () => {
  it("makes a workspace: studies/, pile.yaml, feeds.yaml, criteria.yaml, templates/, .gitattributes", async () => {
    const dir = await tempDir();
    const result = await runPile(["init", "equipe", "--json"], { cwd: dir });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      path: "equipe",
      created: [
        "studies/README.md",
        "pile.yaml",
        "criteria.yaml",
        "feeds.yaml",
        "templates/README.md",
        ".gitattributes",
        ".gitignore",
      ],
      kept: [],
    });
    const ws = path.join(dir, "equipe");
    expect(await readFile(path.join(ws, ".gitattributes"), "utf8")).toContain("eol=lf");
    const config = workspaceConfigSchema.parse(
      parse(await readFile(path.join(ws, "pile.yaml"), "utf8")),
    );
    expect(config.territories).toEqual(DEFAULT_TERRITORIES);
    const grid = parse(await readFile(path.join(ws, "criteria.yaml"), "utf8"));
    expect(grid.criteria.map((c: { id: string }) => c.id)).toContain("supplementarite");
    // The shipped watch configuration is valid, REP filières first, and names no bare "REP".
    const feeds = feedsSchema.parse(parse(await readFile(path.join(ws, "feeds.yaml"), "utf8")));
    expect(feeds.topics[0]?.id).toBe("rep-general");
    expect(feeds.sources.length).toBeGreaterThan(10);
    const keywords = feeds.topics.flatMap((t) => t.keywords.map((k) => k.toLowerCase()));
    expect(keywords).not.toContain("rep");
    expect(keywords).not.toContain("dea");
    expect(feeds.sources.filter((s) => s.kind === "html").every((s) => s.enabled === false)).toBe(
      true,
    );
    // The new folder is a workspace: study commands work in it.
    expect((await runPile(["study", "list", "--json"], { cwd: ws })).stdout.trim()).toBe("[]");
  });

  it("never overwrites a file that exists, and completes what is missing", async () => {
    const ws = await tempDir();
    await writeFile(path.join(ws, "feeds.yaml"), "# nos flux\nsources: []\n");
    const result = await runPile(["init", ".", "--json"], { cwd: ws });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).kept).toEqual(["feeds.yaml"]);
    expect(await readFile(path.join(ws, "feeds.yaml"), "utf8")).toBe("# nos flux\nsources: []\n");
    const again = await runPile(["init", "."], { cwd: ws });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("rien à faire");
  });

  it("--dry-run writes nothing", async () => {
    const ws = await tempDir();
    const result = await runPile(["init", "x", "--dry-run"], { cwd: ws });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("+ pile.yaml");
    expect(await snapshot(ws)).toEqual({});
  });

  it("refuses a path that is a file (exit 2)", async () => {
    const ws = await tempDir();
    await writeFile(path.join(ws, "note.txt"), "x");
    const result = await runPile(["init", "note.txt"], { cwd: ws });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("n'est pas un dossier");
  });
});

const COMMANDS = [
  [],
  ["init"],
  ["study"],
  ["study", "new"],
  ["study", "advance"],
  ["study", "interview"],
  ["study", "list"],
  ["study", "show"],
  ["study", "check"],
];

/**
 * The watch commands: their help is checked like the others; their examples
 * need a store or the network, and run in the README test and the watch tests.
 */
const WATCH_COMMANDS = [
  ["veille"],
  ["veille", "pull"],
  ["veille", "list"],
  ["veille", "digest"],
  ["veille", "keep"],
  ["veille", "sources"],
  ["veille", "add"],
  ["veille", "opml"],
  ["veille", "opml", "import"],
  ["veille", "opml", "export"],
  ["score"],
];

describe("help and version", () => {
  it.each([...COMMANDS, ...WATCH_COMMANDS].map((command) => [command.join(" "), command] as const))(
    "pile %s --help is French, has examples and exits 0",
    async (_name, command) => {
      const result = await runPile([...command, "--help"], { cwd: await tempDir() });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("Utilisation :");
      expect(result.stdout).toContain("Exemples :");
      expect(result.stdout).toContain("afficher l'aide");
      expect(result.stdout).not.toMatch(/display help|Usage:|\(default:/);
    },
  );

  it("prints the version of package.json", async () => {
    const pkg = JSON.parse(await readFile(new URL("../../package.json", import.meta.url), "utf8"));
    const result = await runPile(["--version"], { cwd: await tempDir() });
    expect(result).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });

  it.each([
    [["studdy"], "Commande inconnue « studdy ». Vouliez-vous dire study ?"],
    [
      ["study", "new", "--titel", "x"],
      "Option inconnue --titel pour « pile study new ». Vouliez-vous dire --title ?",
    ],
    [["study", "show"], "Argument manquant : ID"],
    [["study", "new", "--title"], "L'option --title attend une valeur"],
    [["study", "show", "a", "b"], "Trop d'arguments"],
  ])("usage error %j → exit 2 in French", async (args, message) => {
    const result = await runPile(args, { cwd: await tempDir() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe("");
  });
});

/** Every example shown in --help runs as documented (so that they never rot). */
describe("the examples of --help", () => {
  async function helpExamples(): Promise<string[][]> {
    const lines: string[] = [];
    for (const command of COMMANDS) {
      const help = (await runPile([...command, "--help"], { cwd: await tempDir() })).stdout;
      for (const match of help.matchAll(/^ {2}\$ pile (.+)$/gm)) lines.push(match[1] as string);
    }
    return lines.map(shellWords);
  }

  it("each example succeeds in a workspace holding the studies it names (interactive ones need a terminal)", async () => {
    const examples = await helpExamples();
    expect(examples.length).toBeGreaterThanOrEqual(12);
    for (const args of examples) {
      const dir = await tempDir();
      await runPile(["init", "."], { cwd: dir });
      await offlineFeeds(dir);
      await cp(new URL("../../examples", import.meta.url), path.join(dir, "examples"), {
        recursive: true,
      });
      const creates = args[0] === "study" && args[1] === "new";
      for (const [title, territory, sector] of creates
        ? []
        : ([
            ["Recyclerie textile", "18e", "couture-textile"],
            ["Légumerie solidaire", "19e", "transformation-alimentaire"],
          ] as const)) {
        await runPile(
          [
            "study",
            "new",
            "--title",
            title,
            "--territory",
            territory,
            "--sector",
            sector,
            "--owner",
            "x",
          ],
          { cwd: dir },
        );
      }
      const result = await runPile(args, { cwd: dir });
      // Without --set or flags, these two need a terminal: without one they must exit 2.
      const interactiveOnly = ["study new", "study score 2026-11-recyclerie-textile-18e"].includes(
        args.join(" "),
      );
      expect({ args, code: result.code, stderr: result.stderr }).toEqual({
        args,
        code: interactiveOnly ? 2 : 0,
        stderr: expect.any(String),
      });
    }
  });
});
