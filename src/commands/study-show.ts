import { parisDate } from "../paris-time.js";
import { countPlaceholders, requiredFiles } from "../study/check.js";
import { frenchDate } from "../study/dates.js";
import { fingerprint } from "../study/fingerprint.js";
import type { Study } from "../study/schema.js";
import { STAGE_LABELS } from "../study/stages.js";
import { readTextTree } from "../workspace/files.js";
import type { CommandContext, CommandResult } from "./context.js";
import { loadCatalog, readStudy, workspaceRoot } from "./study-access.js";

export interface StudyShowInput {
  id: string;
  json: boolean;
}

const DAY_MS = 86_400_000;

type FileState = "generated" | "edited" | "missing" | "added";

const STATE_FR: Record<FileState, string> = {
  generated: "tel que généré",
  edited: "rédigé",
  missing: "MANQUANT",
  added: "ajouté à la main",
};

export async function runStudyShow(
  context: CommandContext,
  input: StudyShowInput,
): Promise<CommandResult> {
  const root = await workspaceRoot(context);
  const { study, dir } = await readStudy(root, input.id);
  const catalog = await loadCatalog(root);
  const present = await readTextTree(`${root}/${dir}`);
  present.delete("study.yaml");
  const names = [
    ...new Set([...requiredFiles(study), ...Object.keys(study.files), ...present.keys()]),
  ].sort();
  const files = names.map((name) => {
    const text = present.get(name);
    const recorded = study.files[name];
    const state: FileState =
      text === undefined
        ? "missing"
        : recorded === undefined
          ? "added"
          : recorded === fingerprint(text)
            ? "generated"
            : "edited";
    return {
      path: `${dir}/${name}`,
      state,
      placeholders: text === undefined ? 0 : countPlaceholders(text),
    };
  });
  const watch = study.veille ? await recentWatchItems(root, study.veille, context.now()) : [];
  if (input.json) {
    context.output.jsonDocument({ ...study, path: dir, fileStates: files, watchItems: watch });
    return 0;
  }
  const territory = catalog.territories.find((t) => t.id === study.territory);
  const sector = catalog.sectors.find((s) => s.id === study.sector);
  const { output } = context;
  const lines = [
    output.dataColor.bold(`${study.title}${study.example ? " (exemple)" : ""}`),
    `  Identifiant : ${study.id}`,
    `  Territoire  : ${territory ? `${territory.label}${territory.ebe ? ` — EBE ${territory.ebe}` : ""}` : study.territory}`,
    `  Secteur     : ${sector?.label ?? study.sector}`,
    `  Porteur·euse  : ${study.owner}`,
    `  Origine     : ${study.origin || "(non précisée)"}`,
    `  Étape       : ${STAGE_LABELS[study.stage]}`,
    "",
    "Historique :",
    ...study.history.map(
      (entry) =>
        `  ${frenchDate(entry.date)} — ${STAGE_LABELS[entry.stage]}${entry.reason ? ` : ${entry.reason}` : ""}`,
    ),
    "",
    "Fichiers :",
    ...files.map(
      (file) =>
        `  ${file.path}  (${STATE_FR[file.state]}${file.placeholders > 0 ? `, ${file.placeholders} « à compléter »` : ""})`,
    ),
    "",
    `Entretiens : ${study.interviews.length === 0 ? "aucun pour l'instant" : study.interviews.length}`,
    ...study.interviews.map(
      (interview) =>
        `  ${frenchDate(interview.date)} — ${interview.actor}${interview.role ? ` (${interview.role})` : ""} : ${dir}/${interview.file}`,
    ),
    "",
    ...watchLines(study.id, study.veille, watch, context.now()),
  ];
  output.data(lines.join("\n"));
  return 0;
}

/** How far back `study show` looks in the watch. */
const WATCH_DAYS = 30;
const WATCH_SHOWN = 10;

interface WatchItem {
  id: string;
  title: string;
  link: string | null;
  published: string;
  sources: string[];
  tags: string[];
}

/**
 * The watch items of the last WATCH_DAYS days that match what the study
 * follows, newest first. Only the month files of that window are read; a
 * workspace without a watch simply has none.
 */
async function recentWatchItems(
  root: string,
  interest: NonNullable<Study["veille"]>,
  now: Date,
): Promise<WatchItem[]> {
  const [
    { arrivalTime, firstStoreMonth, matchStudy },
    { readAllMonths, StoreError, storeMonths },
    { newestFirst },
  ] = await Promise.all([
    import("../veille/digest.js"),
    import("../veille/store.js"),
    import("../veille/normalise.js"),
  ]);
  const since = now.getTime() - WATCH_DAYS * DAY_MS;
  const first = firstStoreMonth(new Date(since));
  let months: Awaited<ReturnType<typeof readAllMonths>>;
  try {
    months = await readAllMonths(
      root,
      (await storeMonths(root)).filter((month) => month >= first),
    );
  } catch (error) {
    // A damaged store is reported by the watch commands; the dossier is still shown.
    if (error instanceof StoreError) return [];
    throw error;
  }
  return [...months.values()]
    .flat()
    .filter((item) => arrivalTime(item) >= since && matchStudy(item, interest))
    .sort(newestFirst)
    .map((item) => ({
      id: item.id,
      title: item.title,
      link: item.link ?? null,
      published: item.published,
      sources: item.sources,
      tags: item.tags,
    }));
}

function watchLines(
  id: string,
  interest: Study["veille"],
  items: readonly WatchItem[],
  now: Date,
): string[] {
  if (!interest) {
    return [
      "Veille : cette étude ne suit aucun thème (ajoutez à study.yaml, par exemple,",
      "  veille: {topics: [rep-textiles], keywords: [recyclerie]})",
    ];
  }
  if (items.length === 0)
    return [`Veille des ${WATCH_DAYS} derniers jours : rien pour cette étude.`];
  const lines = [`Veille des ${WATCH_DAYS} derniers jours (${items.length}) :`];
  for (const item of items.slice(0, WATCH_SHOWN)) {
    lines.push(`  ${frenchDate(parisDate(new Date(item.published)))} — ${item.title}`);
    lines.push(`    ${item.link ?? item.id}`);
  }
  if (items.length > WATCH_SHOWN) {
    lines.push(
      `  … et ${items.length - WATCH_SHOWN} autres (pile veille list --since ${parisDate(new Date(now.getTime() - WATCH_DAYS * DAY_MS))})`,
    );
  }
  lines.push(`  Pour en garder une dans le dossier : pile veille keep LIEN-OU-ID --study ${id}`);
  return lines;
}
