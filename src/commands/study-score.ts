import { UserError } from "../errors.js";
import type { Criterion, Grid } from "../scoring/grid.js";
import { rankCandidates } from "../scoring/rank.js";
import {
  describeScore,
  parseTypedScore,
  type ScoreValue,
  scoresSchemaFor,
} from "../scoring/values.js";
import { updateStudyYaml } from "../study/document.js";
import { applyWrites } from "../workspace/write-plan.js";
import type { CommandContext, CommandResult } from "./context.js";
import { loadGrid, studyScores } from "./score-input.js";
import { readStudy, workspaceRoot } from "./study-access.js";

export interface StudyScoreInput {
  id: string;
  set: string[];
  note: string[];
  dryRun: boolean;
  json: boolean;
}

const PERCENT = new Intl.NumberFormat("fr-FR", { style: "percent", maximumFractionDigits: 1 });
const SCORE = new Intl.NumberFormat("fr-FR", {
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
});

function criterionOf(grid: Grid, id: string, flag: string): Criterion {
  const criterion = grid.criteria.find((c) => c.id === id);
  if (!criterion) {
    throw new UserError(
      `Critère inconnu dans ${flag} : « ${id} ». Critères de la grille : ${grid.criteria.map((c) => c.id).join(", ")}.`,
    );
  }
  return criterion;
}

function splitAssignment(text: string, flag: string): [string, string] {
  const at = text.indexOf("=");
  if (at <= 0)
    throw new UserError(
      `${flag} attend critère=valeur, par exemple ${flag} supplementarite=4 ; reçu « ${text} ».`,
    );
  return [text.slice(0, at).trim(), text.slice(at + 1)];
}

/** --set and --note, checked against the grid (unknown criteria, values out of scale: exit 2). */
function fromFlags(grid: Grid, input: StudyScoreInput) {
  const scores: Record<string, ScoreValue> = {};
  for (const assignment of input.set) {
    const [id, text] = splitAssignment(assignment, "--set");
    criterionOf(grid, id, "--set");
    const parsed = parseTypedScore(text);
    if (!parsed.ok) {
      throw new UserError(
        `Note illisible pour « ${id} » : « ${text} ». Attendu : un nombre, « ? » si inconnue, ou bas:probable:haut (par exemple 2:3:4).`,
      );
    }
    const checked = scoresSchemaFor(grid).safeParse({ [id]: parsed.value });
    if (!checked.success) {
      throw new UserError(
        `--set ${assignment} : ${checked.error.issues[0]?.message ?? "note invalide"}.`,
      );
    }
    scores[id] = parsed.value;
  }
  const justifications: Record<string, string> = {};
  for (const assignment of input.note) {
    const [id, text] = splitAssignment(assignment, "--note");
    criterionOf(grid, id, "--note");
    justifications[id] = text.replace(/\s+/g, " ").trim();
  }
  return { scores, justifications };
}

function criterionHeader(criterion: Criterion): string {
  const lines = [
    "",
    `── ${criterion.label} (poids ${PERCENT.format(criterion.weight)}${criterion.veto === undefined ? "" : `, éliminatoire sous ${criterion.veto}`})`,
  ];
  if (criterion.description) lines.push(`   ${criterion.description}`);
  if (criterion.direction === "cost") {
    lines.push(
      "   Attention, critère de coût : une note PLUS HAUTE est MOINS favorable à la piste.",
    );
  }
  for (const level of criterion.levels) lines.push(`   ${level.value} : ${level.text}`);
  return lines.join("\n");
}

async function fromPrompts(
  context: CommandContext,
  grid: Grid,
  current: Record<string, ScoreValue>,
  notes: Record<string, string>,
) {
  const scores: Record<string, ScoreValue> = {};
  const justifications: Record<string, string> = {};
  for (const criterion of grid.criteria) {
    context.output.info(criterionHeader(criterion));
    const existing = current[criterion.id];
    const { min, max } = criterion.scale;
    const answer = await context.prompter.input({
      message: `Note de ${min} à ${max} (« ? » si inconnue${existing === undefined ? ", Entrée pour passer" : `, Entrée pour garder ${describeScore(existing)}`}) :`,
      validate: (text) => {
        if (text.trim() === "") return true;
        const parsed = parseTypedScore(text);
        if (!parsed.ok) return "Un nombre, « ? », ou bas:probable:haut (par exemple 2:3:4).";
        const checked = scoresSchemaFor(grid).safeParse({ [criterion.id]: parsed.value });
        return checked.success ? true : `Note hors de l'échelle (${min} à ${max}).`;
      },
    });
    if (answer.trim() === "") continue;
    const parsed = parseTypedScore(answer);
    if (!parsed.ok) continue;
    scores[criterion.id] = parsed.value;
    const note = await context.prompter.input({
      message: "Justification en une ligne (facultatif) :",
      default: notes[criterion.id] ?? "",
    });
    justifications[criterion.id] = note.replace(/\s+/g, " ").trim();
  }
  return { scores, justifications };
}

export async function runStudyScore(
  context: CommandContext,
  input: StudyScoreInput,
): Promise<CommandResult> {
  const root = await workspaceRoot(context);
  const { grid } = await loadGrid(context, { root }, false);
  const loaded = await readStudy(root, input.id);
  const file = `${loaded.dir}/study.yaml`;
  const current = studyScores(grid, loaded.yamlText, file);
  if (!current.ok) throw current.error;

  let change: { scores: Record<string, ScoreValue>; justifications: Record<string, string> };
  if (input.set.length > 0 || input.note.length > 0) {
    change = fromFlags(grid, input);
  } else if (context.interactive) {
    change = await fromPrompts(context, grid, current.scores, loaded.study.justifications ?? {});
  } else {
    throw new UserError(
      "Sans terminal (ou sous CI), pile ne pose pas de questions : passez les notes avec --set critère=valeur (et --note critère=texte).",
      {
        hint: `Par exemple : pile study score ${input.id} --set supplementarite=4 --set investissement=2:3:4 --set faisabilite=?. Critères : ${grid.criteria.map((c) => c.id).join(", ")}.`,
      },
    );
  }

  const text = updateStudyYaml(loaded.yamlText, change);
  if (!input.dryRun && text !== loaded.yamlText) {
    await applyWrites(root, [{ path: file, content: text, mode: "replace" }]);
  }
  const scores = { ...current.scores, ...change.scores };
  const report = rankCandidates(
    grid,
    [{ id: loaded.study.id, title: loaded.study.title, scores }],
    {
      method: "weighted-sum",
      simulations: 0,
      seed: 0,
    },
  );
  const ranked = report.ranking[0];
  const eliminated = report.eliminated[0];
  if (input.json) {
    context.output.jsonDocument({
      id: loaded.study.id,
      file,
      scores,
      ...(ranked
        ? { score: ranked.score, incomplete: ranked.incomplete, range: ranked.range }
        : {}),
      ...(eliminated ? { eliminated: eliminated.reasons } : {}),
      ...(input.dryRun ? { dryRun: true } : {}),
    });
    return 0;
  }
  const { output } = context;
  output.info(
    output.color.green(
      input.dryRun
        ? `Aperçu (rien n'a été écrit) : notes de ${loaded.study.id}`
        : `Notes enregistrées dans ${file}`,
    ),
  );
  for (const criterion of grid.criteria) {
    const changed = criterion.id in change.scores ? " (modifiée)" : "";
    output.data(`  ${criterion.label} : ${describeScore(scores[criterion.id])}${changed}`);
  }
  if (ranked) {
    output.info(
      `Score (somme pondérée) : ${SCORE.format(ranked.score)} / 100${ranked.incomplete ? `, incomplet (de ${SCORE.format(ranked.range[0])} à ${SCORE.format(ranked.range[1])} selon les notes manquantes)` : ""}.`,
    );
  }
  if (eliminated) output.warn(`piste écartée : ${eliminated.reasons.join(" ; ")}.`);
  return 0;
}
