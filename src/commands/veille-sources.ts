import { parisDate } from "../paris-time.js";
import { count } from "../ui/count.js";
import { formatTable } from "../ui/table.js";
import {
  countBySource,
  type HealthStatus,
  SILENT_AFTER_DAYS,
  type SourceHealth,
  sourcesHealth,
} from "../veille/health.js";
import { readAllMonths, readState } from "../veille/store.js";
import { workspaceRoot } from "../workspace/locate.js";
import type { CommandContext, CommandResult } from "./context.js";
import { loadFeeds, storeFailure } from "./veille-input.js";

export interface VeilleSourcesInput {
  json: boolean;
}

const STATUS_FR: Record<HealthStatus, string> = {
  ok: "en forme",
  error: "en erreur",
  silent: "silencieuse",
  empty: "rien apporté",
  never: "jamais collectée",
  disabled: "désactivée",
};

/** 2026-11-28T10:00:00Z → 28/11/2026 (Paris). */
function frenchDay(iso: string | undefined): string {
  if (iso === undefined) return "—";
  const [year, month, day] = parisDate(new Date(iso)).split("-");
  return `${day}/${month}/${year}`;
}

function sinceNew(row: SourceHealth): string {
  if (row.daysSinceNewItem === undefined) return "jamais";
  if (row.daysSinceNewItem === 0) return "aujourd'hui";
  return `il y a ${row.daysSinceNewItem} j`;
}

export async function runVeilleSources(
  context: CommandContext,
  input: VeilleSourcesInput,
): Promise<CommandResult> {
  const root = await workspaceRoot(context);
  const feeds = await loadFeeds(root, context.env);
  let rows: SourceHealth[];
  try {
    const [state, months] = await Promise.all([readState(root), readAllMonths(root)]);
    rows = sourcesHealth(
      feeds.sources,
      state,
      countBySource([...months.values()].flat()),
      context.now(),
    );
  } catch (error) {
    storeFailure(error);
  }
  if (input.json) {
    context.output.jsonDocument({ silentAfterDays: SILENT_AFTER_DAYS, sources: rows });
    return 0;
  }
  if (rows.length === 0) {
    context.output.info("feeds.yaml ne déclare aucune source.");
    return 0;
  }
  context.output.data(
    formatTable(
      ["Source", "État", "Entrées", "Dernière nouveauté", "Dernier succès", "Échecs"],
      rows.map((row) => [
        row.id,
        STATUS_FR[row.status],
        String(row.items),
        sinceNew(row),
        frenchDay(row.lastSuccess),
        String(row.consecutiveFailures),
      ]),
    ),
  );
  const notes: string[] = [];
  for (const row of rows) {
    if (row.status === "error") {
      notes.push(
        `${row.id} : ${count(row.consecutiveFailures, "échec")} de suite, le dernier le ${frenchDay(row.lastError)} : ${row.lastErrorReason ?? "raison inconnue"}.`,
      );
    }
    if (row.feedUrl) notes.push(`${row.id} : flux trouvé sur la page, ${row.feedUrl}.`);
  }
  if (notes.length > 0) context.output.data(`\n${notes.join("\n")}`);
  const tally = (status: HealthStatus) => rows.filter((row) => row.status === status).length;
  const parts = [
    count(rows.length, "source"),
    `${tally("error")} en erreur`,
    `${count(tally("silent"), "silencieuse")} (rien de nouveau depuis plus de ${SILENT_AFTER_DAYS} jours)`,
    count(tally("disabled"), "désactivée"),
  ];
  context.output.info(`${parts.join(", ")}.`);
  return 0;
}
