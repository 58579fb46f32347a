import path from "node:path";
import { UserError } from "../errors.js";
import type { Grid } from "../scoring/grid.js";
import type { Catalog } from "../study/catalog.js";
import { checkStudy, type Problem } from "../study/check.js";
import { studySchema } from "../study/schema.js";
import { pathExists, readTextIfExists, readTextTree } from "../workspace/files.js";
import { parseYamlText, type YamlProblem } from "../workspace/yaml-file.js";
import type { CommandContext, CommandResult } from "./context.js";
import { optionalGrid, studyScores } from "./score-input.js";
import { assertStudyExists, loadCatalog, studyFolders, workspaceRoot } from "./study-access.js";

export interface StudyCheckInput {
  ids: string[];
  json: boolean;
}

interface Report {
  id: string;
  path: string;
  errors: Problem[];
  warnings: Problem[];
  placeholders: number;
}

const asProblems = (found: readonly YamlProblem[]): Problem[] =>
  found.map((p) => ({
    level: "error",
    file: "study.yaml",
    line: p.line,
    column: p.column,
    message: p.message,
  }));

/** Scores checked against the grid: unknown criteria, values out of scale (every one, with its line). */
function scoreProblems(grid: Grid | undefined, yamlText: string, file: string): Problem[] {
  if (!grid) return [];
  const checked = studyScores(grid, yamlText, file);
  return checked.ok ? [] : asProblems(checked.problems);
}

/** Territory and sector must be those the workspace declares, or `list --territory` can never find the study. */
function catalogProblems(
  catalog: Catalog,
  parsed: Extract<ReturnType<typeof parseStudy>, { ok: true }>,
): Problem[] {
  const problems: Problem[] = [];
  const at = (key: string) => {
    const node = parsed.document.get(key, true) as { range?: [number, number, number] } | undefined;
    const { line, col } = parsed.lineCounter.linePos(node?.range?.[0] ?? 0);
    return { line, column: col };
  };
  if (!catalog.territories.some((t) => t.id === parsed.value.territory)) {
    problems.push({
      level: "error",
      file: "study.yaml",
      ...at("territory"),
      message: `territoire inconnu « ${parsed.value.territory} » (territoires de l'espace : ${catalog.territories.map((t) => t.id).join(", ")})`,
    });
  }
  if (!catalog.sectors.some((sector) => sector.id === parsed.value.sector)) {
    problems.push({
      level: "error",
      file: "study.yaml",
      ...at("sector"),
      message: `secteur inconnu « ${parsed.value.sector} » (secteurs : ${catalog.sectors.map((sector) => sector.id).join(", ")})`,
    });
  }
  return problems;
}

const parseStudy = (text: string, file: string) => parseYamlText(text, file, studySchema);

async function checkOne(
  root: string,
  id: string,
  grid: Grid | undefined,
  catalog: Catalog,
): Promise<Report> {
  const dir = `studies/${id}`;
  let problems: Problem[];
  let files = new Map<string, string>();
  let yamlText: string | undefined;
  try {
    files = await readTextTree(path.join(root, dir));
    // Read again, strictly: a study.yaml that is not UTF-8 is an error, where its first bad byte is.
    yamlText = await readTextIfExists(root, `${dir}/study.yaml`);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return {
      id,
      path: dir,
      errors: [{ level: "error", file: "study.yaml", message: error.message }],
      warnings: [],
      placeholders: 0,
    };
  }
  if (yamlText === undefined) {
    problems = [{ level: "error", file: "study.yaml", message: "fichier study.yaml manquant" }];
  } else {
    const parsed = parseStudy(yamlText, `${dir}/study.yaml`);
    problems = [
      ...(parsed.ok ? [] : asProblems(parsed.problems)),
      ...checkStudy({
        folder: id,
        study: parsed.ok ? parsed.value : undefined,
        files,
        extra: parsed.ok
          ? [
              ...catalogProblems(catalog, parsed),
              ...scoreProblems(grid, yamlText, `${dir}/study.yaml`),
            ]
          : [],
      }),
    ];
  }
  const errors = problems.filter((p) => p.level === "error");
  const warnings = problems.filter((p) => p.level === "warning");
  return {
    id,
    path: dir,
    errors,
    warnings,
    placeholders: warnings.reduce((sum, p) => sum + (p.count ?? 0), 0),
  };
}

export async function runStudyCheck(
  context: CommandContext,
  input: StudyCheckInput,
): Promise<CommandResult> {
  const root = await workspaceRoot(context);
  let ids = input.ids;
  if (ids.length === 0) {
    ids = [];
    for (const id of await studyFolders(root)) {
      // Any study.yaml counts, even one that cannot be read: check says why.
      if (await pathExists(path.join(root, "studies", id, "study.yaml"))) ids.push(id);
    }
  } else {
    // Unknown ids are bad input (exit 2), reported before anything is checked.
    for (const id of ids) await assertStudyExists(root, id);
  }
  // A broken grid is bad input (exit 2), reported before any dossier.
  const grid = await optionalGrid(context, root);
  const catalog = await loadCatalog(root);
  const reports: Report[] = [];
  for (const id of ids) reports.push(await checkOne(root, id, grid, catalog));
  const errorCount = reports.reduce((sum, r) => sum + r.errors.length, 0);
  const placeholders = reports.reduce((sum, r) => sum + r.placeholders, 0);

  if (input.json) {
    context.output.jsonDocument({
      studies: reports,
      errors: errorCount,
      warnings: reports.reduce((s, r) => s + r.warnings.length, 0),
      placeholders,
    });
    return errorCount > 0 ? 1 : 0;
  }
  const { output } = context;
  for (const report of reports) {
    const status =
      report.errors.length > 0
        ? output.dataColor.red("✗")
        : report.placeholders > 0
          ? output.dataColor.yellow("•")
          : output.dataColor.green("✓");
    output.data(`${status} ${report.id}`);
    for (const problem of [...report.errors, ...report.warnings]) {
      const where = `${report.path}/${problem.file}${problem.line === undefined ? "" : `:${problem.line}${problem.column === undefined ? "" : `:${problem.column}`}`}`;
      const label =
        problem.level === "error"
          ? output.dataColor.red("erreur")
          : output.dataColor.yellow("à faire");
      output.data(`    ${label}  ${where} : ${problem.message}`);
    }
  }
  output.info(
    `${reports.length} dossier${reports.length > 1 ? "s" : ""} vérifié${reports.length > 1 ? "s" : ""} : ` +
      `${errorCount} erreur${errorCount > 1 ? "s" : ""}, ${placeholders} mention${placeholders > 1 ? "s" : ""} « à compléter ».`,
  );
  return errorCount > 0 ? 1 : 0;
}
