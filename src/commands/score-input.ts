import * as z from "zod";
import { UserError } from "../errors.js";
import { type Grid, gridSchema, resolveGrid } from "../scoring/grid.js";
import { ideasSchemaFor } from "../scoring/ideas.js";
import type { Candidate } from "../scoring/rank.js";
import { type ScoreValue, scoresSchemaFor } from "../scoring/values.js";
import { readTextIfExists, readUserFile } from "../workspace/files.js";
import { parseYamlText, type YamlProblem } from "../workspace/yaml-file.js";
import type { CommandContext } from "./context.js";

/**
 * Loading what the scoring needs: the grid, an ideas file, the scores of a
 * study. Scores are validated against the grid here, with the study's own
 * YAML positions, so that `study/` and `scoring/` stay independent.
 */

export interface LoadedGrid {
  grid: Grid;
  /** As shown to the user. */
  file: string;
}

export async function loadGrid(
  context: CommandContext,
  source: { root?: string; file?: string },
  /** Say on stderr when the weights are rescaled (pile score does; check and study score need not). */
  announce = true,
): Promise<LoadedGrid> {
  let text: string | undefined;
  let file: string;
  if (source.file !== undefined) {
    file = source.file;
    text = await readUserFile(context.cwd, file, "Grille", { utf8: "strict" });
  } else {
    file = "criteria.yaml";
    text = source.root === undefined ? undefined : await readTextIfExists(source.root, file);
    if (text === undefined) {
      throw new UserError("L'espace de travail n'a pas de grille de notation (criteria.yaml).", {
        hint: "Créez-la avec « pile init » (qui ne remplace rien) ou passez --grid FICHIER.",
      });
    }
  }
  const parsed = parseYamlText(text, file, gridSchema);
  if (!parsed.ok) throw parsed.error;
  const grid = resolveGrid(parsed.value);
  if (announce && !grid.weightsSummedToOne) {
    const total = parsed.value.criteria.reduce((sum, c) => sum + c.weight, 0);
    context.output.info(
      `Note : les poids de ${file} (total ${new Intl.NumberFormat("fr-FR").format(total)}) sont ramenés à une somme de 1 : ${grid.criteria
        .map(
          (c) =>
            `${c.id} ${new Intl.NumberFormat("fr-FR", { style: "percent", maximumFractionDigits: 1 }).format(c.weight)}`,
        )
        .join(", ")}.`,
    );
  }
  return { grid, file };
}

export async function loadIdeas(
  context: CommandContext,
  grid: Grid,
  file: string,
): Promise<Candidate[]> {
  const text = await readUserFile(context.cwd, file, "Fichier de pistes", { utf8: "strict" });
  const parsed = parseYamlText(text, file, ideasSchemaFor(grid));
  if (!parsed.ok) throw parsed.error;
  return parsed.value.ideas.map((idea) => ({
    id: idea.id,
    title: idea.title,
    scores: idea.scores,
  }));
}

/** The scores of a study.yaml, checked against the grid; errors point at their line. */
export function studyScores(
  grid: Grid,
  yamlText: string,
  file: string,
):
  | { ok: true; scores: Record<string, ScoreValue> }
  | { ok: false; error: UserError; problems: YamlProblem[] } {
  const parsed = parseYamlText(
    yamlText,
    file,
    z.looseObject({ scores: scoresSchemaFor(grid).optional() }),
  );
  if (!parsed.ok) return parsed;
  return { ok: true, scores: parsed.value.scores ?? {} };
}

/** The workspace's grid when it has one (study check works without). */
export async function optionalGrid(
  context: CommandContext,
  root: string,
): Promise<Grid | undefined> {
  if ((await readTextIfExists(root, "criteria.yaml")) === undefined) return undefined;
  return (await loadGrid(context, { root }, false)).grid;
}
