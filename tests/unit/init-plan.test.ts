import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { catalogFrom, workspaceConfigSchema } from "../../src/study/catalog.js";
import { planInit, WORKSPACE_FILES } from "../../src/workspace/init-plan.js";
import { parseYamlText } from "../../src/workspace/yaml-file.js";
import { WORKSPACE_TEMPLATES_DIR } from "./fixtures.js";

const sources: Record<string, string> = Object.fromEntries(
  WORKSPACE_FILES.map((f) => [
    f.source,
    readFileSync(`${WORKSPACE_TEMPLATES_DIR}${f.source}`, "utf8"),
  ]),
);

const ALL = [
  "studies/README.md",
  "pile.yaml",
  "criteria.yaml",
  "feeds.yaml",
  "templates/README.md",
  ".gitattributes",
  ".gitignore",
];

describe("planInit", () => {
  it("creates every starter file in an empty folder", () => {
    const plan = planInit(new Set(), sources);
    expect(plan.kept).toEqual([]);
    expect(plan.create.map((f) => f.path)).toEqual(ALL);
    for (const planned of plan.create) {
      const source = WORKSPACE_FILES.find((f) => f.path === planned.path)?.source ?? "";
      expect(planned.content).toBe(sources[source]);
    }
  });

  it.each([
    [["pile.yaml"]],
    [["studies/README.md", ".gitattributes"]],
    [["criteria.yaml", "feeds.yaml", "templates/README.md"]],
    [ALL],
  ])("keeps the existing files %j and creates the others", (existing) => {
    const plan = planInit(new Set(existing), sources);
    expect(plan.kept).toEqual(ALL.filter((path) => existing.includes(path)));
    expect(plan.create.map((f) => f.path)).toEqual(ALL.filter((path) => !existing.includes(path)));
  });

  it("ignores unrelated existing files", () => {
    const plan = planInit(new Set(["README.md", "studies/x/study.yaml"]), sources);
    expect(plan.create).toHaveLength(ALL.length);
  });

  it("does not need the source of a file it keeps", () => {
    const { "pile.yaml": _pile, ...partial } = sources;
    const plan = planInit(new Set(["pile.yaml"]), partial);
    expect(plan.kept).toEqual(["pile.yaml"]);
  });

  it("fails when the source of a file to create is missing", () => {
    const { "feeds.yaml": _feeds, ...partial } = sources;
    expect(() => planInit(new Set(), partial)).toThrow(/feeds\.yaml/);
  });

  it("starts pile.yaml with the same territories as the built-in catalog", () => {
    const result = parseYamlText(sources["pile.yaml"] ?? "", "pile.yaml", workspaceConfigSchema);
    expect(result.ok).toBe(true);
    if (result.ok)
      expect(catalogFrom(result.value).territories).toEqual(catalogFrom(undefined).territories);
  });

  it("asks git for LF line endings", () => {
    expect(sources.gitattributes).toContain("* text=auto eol=lf");
  });
});
