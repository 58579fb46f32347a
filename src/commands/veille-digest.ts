import path from "node:path";
import { UserError } from "../errors.js";
import { count } from "../ui/count.js";
import {
  buildDigest,
  type DigestModel,
  type DigestStudy,
  firstStoreMonth,
} from "../veille/digest.js";
import { type DigestFormat, DigestTemplateError, renderDigest } from "../veille/digest-render.js";
import type { FeedsFile } from "../veille/feeds.js";
import type { Item } from "../veille/normalise.js";
import { readAllMonths, readState, type SourcesState, storeMonths } from "../veille/store.js";
import {
  currentWeekPeriod,
  frenchDay,
  type Period,
  PeriodError,
  parseIsoWeek,
  rangePeriod,
  weekPeriod,
} from "../veille/week.js";
import { assertFreeOutput, readTextIfExists } from "../workspace/files.js";
import { workspaceRoot } from "../workspace/locate.js";
import { loadTemplates } from "../workspace/templates.js";
import { applyWrites } from "../workspace/write-plan.js";
import type { CommandContext, CommandResult } from "./context.js";
import { loadFeeds, storeFailure } from "./veille-input.js";

/**
 * `pile veille digest`, and the digest that `pile veille pull` writes at its
 * end. The studies in progress and what they follow (`veille:` in their
 * study.yaml) are read here and handed to the digest as plain data, so that
 * the watch never imports the studies.
 */

export const DIGESTS_DIR = "veille/digests";

/** The stages of a study still being worked on. */
const IN_PROGRESS = new Set(["pre-etude", "faisabilite", "prefiguration"]);

/** Studies in progress, with what they follow in the watch. Invalid dossiers are left out (`study check` reports them). */
export async function studiesForDigest(root: string): Promise<DigestStudy[]> {
  const { readAllStudies } = await import("./study-access.js");
  let listings: Awaited<ReturnType<typeof readAllStudies>>;
  try {
    listings = await readAllStudies(root);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  return listings.flatMap((listing) =>
    listing.ok && IN_PROGRESS.has(listing.study.stage)
      ? [
          {
            id: listing.study.id,
            title: listing.study.title,
            stage: listing.study.stage,
            ...(listing.study.veille ? { veille: listing.study.veille } : {}),
          },
        ]
      : [],
  );
}

/** The digest's text from the workspace's template, or the packaged one. */
export async function renderDigestText(
  root: string,
  model: DigestModel,
  format: DigestFormat,
): Promise<string> {
  const name = `digest.${format}.hbs`;
  const { sources } = await loadTemplates(root, [name], "veille");
  try {
    return renderDigest(model, sources[name] as string, format);
  } catch (error) {
    if (error instanceof DigestTemplateError) {
      // The message names « le modèle de la synthèse de veille »: say which file it is.
      const message = error.message.replace(
        /^Le modèle de la synthèse de veille/,
        `Le modèle templates/veille/${name}`,
      );
      throw new UserError(message, {
        hint: "Corrigez ce modèle, ou supprimez-le pour revenir au modèle fourni avec pile.",
      });
    }
    throw error;
  }
}

export interface DigestData {
  feeds: FeedsFile;
  state: SourcesState;
  /** Items of the store that may belong to the period (more is fine). */
  items: readonly Item[];
}

/** Builds and renders the digest of a period. */
export async function composeDigest(
  root: string,
  data: DigestData,
  period: Period,
  format: DigestFormat,
  now: Date,
): Promise<{ model: DigestModel; text: string }> {
  const model = buildDigest({
    items: data.items,
    period,
    topics: data.feeds.topics,
    sources: data.feeds.sources,
    state: data.state,
    studies: await studiesForDigest(root),
    now,
  });
  return { model, text: await renderDigestText(root, model, format) };
}

/**
 * Writes a digest where it belongs, unless the file already holds these
 * exact bytes (regenerating an unchanged digest touches nothing).
 */
export async function saveDigest(
  root: string,
  file: string,
  text: string,
  mode: "create" | "replace",
): Promise<boolean> {
  const current = await readTextIfExists(root, file);
  if (current === text) return false;
  await applyWrites(root, [{ path: file, content: text, mode }]);
  return true;
}

export interface VeilleDigestInput {
  week?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  format?: string | undefined;
  out?: string | undefined;
  force: boolean;
  dryRun: boolean;
  json: boolean;
}

function periodOf(input: VeilleDigestInput, now: Date): Period {
  try {
    if (input.week !== undefined) {
      if (input.since !== undefined || input.until !== undefined) {
        throw new UserError("Choisissez --week ou bien --since et --until, pas les deux.");
      }
      return weekPeriod(parseIsoWeek(input.week));
    }
    if (input.since !== undefined || input.until !== undefined) {
      if (input.since === undefined || input.until === undefined) {
        throw new UserError("--since et --until vont ensemble : donnez les deux dates.", {
          hint: "Exemple : pile veille digest --since 2026-11-01 --until 2026-11-30",
        });
      }
      return rangePeriod(input.since, input.until);
    }
    return currentWeekPeriod(now);
  } catch (error) {
    if (error instanceof PeriodError) throw new UserError(error.message);
    throw error;
  }
}

/** « semaine 48 de 2026 », « période du 2 au 15 novembre 2026 », « journée du lundi 2 novembre 2026 ». */
function periodName(period: Period): string {
  if (period.week) return period.name;
  return period.firstDay === period.lastDay
    ? `journée du ${frenchDay(period.firstDay)}`
    : `période ${period.name}`;
}

export async function runVeilleDigest(
  context: CommandContext,
  input: VeilleDigestInput,
): Promise<CommandResult> {
  const format = input.format ?? "md";
  if (format !== "md" && format !== "html") {
    throw new UserError(`Format inconnu : « ${format} ». Valeurs possibles : md, html.`);
  }
  const now = context.now();
  const period = periodOf(input, now);
  const root = await workspaceRoot(context);
  const feeds = await loadFeeds(root, context.env);
  const first = firstStoreMonth(period.start);
  let data: DigestData;
  try {
    const months = (await storeMonths(root)).filter((month) => month >= first);
    const [state, stored] = await Promise.all([readState(root), readAllMonths(root, months)]);
    data = { feeds, state, items: [...stored.values()].flat() };
  } catch (error) {
    storeFailure(error);
  }
  const { model, text } = await composeDigest(root, data, period, format, now);

  const toStdout = input.out === "-";
  let shown: string | undefined;
  let written = false;
  if (!toStdout) {
    if (input.out === undefined) {
      shown = `${DIGESTS_DIR}/${period.key}.${format}`;
      if (!input.dryRun) written = await saveDigest(root, shown, text, "replace");
    } else {
      // A file the user names may be anywhere; it is never replaced without --force.
      const target = path.resolve(context.cwd, input.out);
      shown = input.out;
      await assertFreeOutput(target, input.out, input.force);
      if (!input.dryRun) {
        written = await saveDigest(
          path.dirname(target),
          path.basename(target),
          text,
          input.force ? "replace" : "create",
        );
      }
    }
  }
  if (input.json) {
    context.output.jsonDocument({
      digest: shown ?? null,
      ...(toStdout ? { text } : {}),
      written,
      period: {
        key: period.key,
        label: period.label,
        start: period.start.toISOString(),
        end: period.end.toISOString(),
      },
      counts: model.counts,
      ...(input.dryRun ? { dryRun: true } : {}),
    });
    return 0;
  }
  if (toStdout) {
    context.output.data(text.replace(/\n$/, ""));
  } else {
    context.output.data(shown as string);
  }
  const items = model.counts.items;
  context.output.info(
    `${input.dryRun ? "Aperçu (rien n'a été écrit) : synthèse" : "Synthèse"} de la ${periodName(period)} : ${items === 0 ? "aucune entrée" : count(items, "entrée")}${!input.dryRun && !toStdout && !written ? " (inchangée)" : ""}.`,
  );
  return 0;
}
