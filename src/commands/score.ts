import { UserError } from "../errors.js";
import { METHODS, type Method } from "../scoring/methods.js";
import { type Candidate, rankCandidates } from "../scoring/rank.js";
import { formatCsv, formatMarkdown, formatTable } from "../scoring/report.js";
import { DEFAULT_SEED, DEFAULT_SIMULATIONS } from "../scoring/simulate.js";
import { findEntry } from "../study/catalog.js";
import { isStage, STAGES } from "../study/stages.js";
import type { CommandContext, CommandResult } from "./context.js";
import { loadGrid, loadIdeas, studyScores } from "./score-input.js";
import { loadCatalog, readAllStudies, workspaceRoot } from "./study-access.js";

export interface ScoreInput {
  ids: string[];
  territory?: string | undefined;
  stage?: string | undefined;
  ideas?: string | undefined;
  grid?: string | undefined;
  method?: string | undefined;
  simulations?: string | undefined;
  seed?: string | undefined;
  format?: string | undefined;
  json: boolean;
}

const FORMATS = ["table", "md", "csv"] as const;
/** The rank histogram of the simulation holds n² counters. */
const MAX_SIMULATED_IDEAS = 3000;

function integer(text: string | undefined, flag: string, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value > max) {
    throw new UserError(
      `${flag} attend un nombre entier entre 0 et ${new Intl.NumberFormat("fr-FR").format(max)}, et non « ${text} ».`,
    );
  }
  return value;
}

async function studyCandidates(
  context: CommandContext,
  root: string,
  input: ScoreInput,
  grid: Parameters<typeof studyScores>[0],
): Promise<Candidate[]> {
  if (input.stage !== undefined && !isStage(input.stage)) {
    throw new UserError(
      `Étape inconnue : « ${input.stage} ». Valeurs possibles : ${STAGES.join(", ")}.`,
    );
  }
  let territory: string | undefined;
  if (input.territory !== undefined) {
    const catalog = await loadCatalog(root);
    territory = findEntry(catalog.territories, input.territory)?.id;
    if (!territory) {
      throw new UserError(
        `Territoire inconnu : « ${input.territory} ». Valeurs possibles : ${catalog.territories.map((t) => t.id).join(", ")}.`,
      );
    }
  }
  const listings = await readAllStudies(root);
  const known = new Set(listings.map((l) => l.id));
  for (const id of input.ids) {
    if (!known.has(id))
      throw new UserError(`Aucune étude « ${id} » dans studies/.`, {
        hint: "La liste des études : pile study list",
      });
  }
  const candidates: Candidate[] = [];
  let abandoned = 0;
  const unscored: string[] = [];
  for (const listing of listings) {
    if (input.ids.length > 0 && !input.ids.includes(listing.id)) continue;
    // Scores decide a ranking: a study that cannot be read is bad input.
    if (!listing.ok) throw listing.error;
    const { study } = listing;
    if (input.stage !== undefined && study.stage !== input.stage) continue;
    if (territory !== undefined && study.territory !== territory) continue;
    if (input.ids.length === 0 && input.stage === undefined && study.stage === "abandonnee") {
      abandoned++;
      continue;
    }
    const scores = studyScores(grid, listing.yamlText, `${listing.dir}/study.yaml`);
    if (!scores.ok) throw scores.error;
    if (Object.keys(scores.scores).length === 0) {
      unscored.push(study.id);
      continue;
    }
    candidates.push({ id: study.id, title: study.title, scores: scores.scores });
  }
  if (abandoned > 0)
    context.output.info(
      `${abandoned > 1 ? `${abandoned} études abandonnées laissées` : "1 étude abandonnée laissée"} de côté (--stage abandonnee pour les voir).`,
    );
  if (unscored.length > 0) {
    context.output.info(
      `${unscored.length > 1 ? "Pas encore notées" : "Pas encore notée"} : ${unscored.join(", ")} (pile study score ID pour ${unscored.length > 1 ? "les" : "la"} noter).`,
    );
  }
  return candidates;
}

export async function runScore(context: CommandContext, input: ScoreInput): Promise<CommandResult> {
  const method = (input.method ?? "weighted-sum") as Method;
  if (!METHODS.includes(method)) {
    throw new UserError(
      `Méthode inconnue : « ${input.method} ». Valeurs possibles : ${METHODS.join(", ")}.`,
    );
  }
  const format = input.format ?? "table";
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new UserError(
      `Format inconnu : « ${format} ». Valeurs possibles : ${FORMATS.join(", ")}.`,
    );
  }
  const simulations = integer(input.simulations, "--simulations", DEFAULT_SIMULATIONS, 1_000_000);
  const seed = integer(input.seed, "--seed", DEFAULT_SEED, 4_294_967_295);
  if (
    input.ideas !== undefined &&
    (input.ids.length > 0 || input.territory !== undefined || input.stage !== undefined)
  ) {
    throw new UserError(
      "--ideas classe les pistes d'un fichier : il ne se combine pas avec des identifiants d'études, --territory ou --stage.",
    );
  }
  // With both --ideas and --grid, no workspace is needed.
  const root =
    input.ideas !== undefined && input.grid !== undefined
      ? undefined
      : await workspaceRoot(context);
  const { grid } = await loadGrid(context, {
    ...(root ? { root } : {}),
    ...(input.grid ? { file: input.grid } : {}),
  });
  if (method === "topsis" && grid.criteria.some((c) => c.scale.min < 0)) {
    throw new UserError(
      "TOPSIS suppose des notes positives ou nulles : la grille a une échelle qui descend sous 0.",
      {
        hint: "Utilisez la somme pondérée (par défaut) ou une échelle qui commence à 0.",
      },
    );
  }
  let candidates: Candidate[];
  if (input.ideas !== undefined) {
    // Like unscored studies, an idea without any score is set aside, not ranked at the midpoint.
    const ideas = await loadIdeas(context, grid, input.ideas);
    candidates = ideas.filter((idea) => Object.keys(idea.scores).length > 0);
    const unscored = ideas
      .filter((idea) => Object.keys(idea.scores).length === 0)
      .map((idea) => idea.id);
    if (unscored.length > 0) {
      context.output.info(
        `${unscored.length > 1 ? "Pistes sans aucune note, laissées de côté" : "Piste sans aucune note, laissée de côté"} : ${unscored.join(", ")}.`,
      );
    }
  } else {
    candidates = await studyCandidates(context, root as string, input, grid);
  }
  if (method === "weighted-sum" && simulations > 0 && candidates.length > MAX_SIMULATED_IDEAS) {
    throw new UserError(
      `La simulation est limitée à ${MAX_SIMULATED_IDEAS} pistes (${candidates.length} ici).`,
      {
        hint: "Passez --simulations 0 ou filtrez les pistes.",
      },
    );
  }
  const report = rankCandidates(grid, candidates, { method, simulations, seed });
  if (input.json) {
    context.output.jsonDocument(report);
  } else if (format === "md") {
    context.output.data(formatMarkdown(report, grid));
  } else if (format === "csv") {
    context.output.data(formatCsv(report, grid));
  } else {
    context.output.data(formatTable(report, grid));
  }
  return 0;
}
