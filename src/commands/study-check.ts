import type { Grid } from "../scoring/grid.js";
import { checkStudy, type Problem } from "../study/check.js";
import { studySchema } from "../study/schema.js";
import { readTextIfExists, readTextTree } from "../workspace/files.js";
import { parseYamlText } from "../workspace/yaml-file.js";
import type { CommandContext, CommandResult } from "./context.js";
import { optionalGrid, studyScores } from "./score-input.js";
import { assertStudyExists, studyFolders, workspaceRoot } from "./study-access.js";

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

/** Scores checked against the grid: unknown criteria, values out of scale (errors, with their line). */
function scoreProblems(grid: Grid | undefined, yamlText: string, file: string): Problem[] {
  if (!grid) return [];
  const checked = studyScores(grid, yamlText, file);
  if (checked.ok) return [];
  const line = checked.error.location?.line;
  return [
    {
      level: "error",
      file: "study.yaml",
      ...(line === undefined ? {} : { line }),
      message: checked.detail ?? checked.error.message,
    },
  ];
}

async function checkOne(root: string, id: string, grid: Grid | undefined): Promise<Report> {
  const dir = `studies/${id}`;
  const files = await readTextTree(`${root}/${dir}`);
  const yamlText = files.get("study.yaml") ?? (await readTextIfExists(root, `${dir}/study.yaml`));
  let problems: Problem[];
  if (yamlText === undefined) {
    problems = [{ level: "error", file: "study.yaml", message: "fichier study.yaml manquant" }];
  } else {
    const parsed = parseYamlText(yamlText, `${dir}/study.yaml`, studySchema);
    const location = parsed.ok ? undefined : parsed.error.location;
    problems = [
      ...(parsed.ok
        ? []
        : [
            {
              level: "error" as const,
              file: "study.yaml",
              ...(location?.line === undefined ? {} : { line: location.line }),
              message: parsed.error.message,
            },
          ]),
      ...checkStudy({
        folder: id,
        study: parsed.ok ? parsed.value : undefined,
        files,
        extra: parsed.ok ? scoreProblems(grid, yamlText, `${dir}/study.yaml`) : [],
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
      if ((await readTextIfExists(root, `studies/${id}/study.yaml`)) !== undefined) ids.push(id);
    }
  } else {
    // Unknown ids are bad input (exit 2), reported before anything is checked.
    for (const id of ids) await assertStudyExists(root, id);
  }
  // A broken grid is bad input (exit 2), reported before any dossier.
  const grid = await optionalGrid(context, root);
  const reports: Report[] = [];
  for (const id of ids) reports.push(await checkOne(root, id, grid));
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
        ? output.color.red("✗")
        : report.placeholders > 0
          ? output.color.yellow("•")
          : output.color.green("✓");
    output.data(`${status} ${report.id}`);
    for (const problem of [...report.errors, ...report.warnings]) {
      const where = `${report.path}/${problem.file}${problem.line === undefined ? "" : `:${problem.line}`}`;
      const label =
        problem.level === "error" ? output.color.red("erreur") : output.color.yellow("à faire");
      output.data(`    ${label}  ${where} : ${problem.message}`);
    }
  }
  output.info(
    `${reports.length} dossier${reports.length > 1 ? "s" : ""} vérifié${reports.length > 1 ? "s" : ""} : ` +
      `${errorCount} erreur${errorCount > 1 ? "s" : ""}, ${placeholders} mention${placeholders > 1 ? "s" : ""} « à compléter ».`,
  );
  return errorCount > 0 ? 1 : 0;
}
