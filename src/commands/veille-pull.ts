import path from "node:path";
import { UserError } from "../errors.js";
import { parisDate } from "../paris-time.js";
import { count } from "../ui/count.js";
import { formatTable } from "../ui/table.js";
import { collectSource } from "../veille/collect.js";
import { firstStoreMonth } from "../veille/digest.js";
import { fetchOptionsOf, type Source } from "../veille/feeds.js";
import { limiter } from "../veille/fetch.js";
import { acquireLock, LOCK_FILE } from "../veille/lock.js";
import {
  buildIndex,
  type MergeResult,
  mergeIntoIndex,
  monthItems,
  type StoreIndex,
} from "../veille/merge.js";
import type { Item } from "../veille/normalise.js";
import {
  completeStoreView,
  ITEMS_DIR,
  monthFile,
  monthText,
  readState,
  readStoreView,
  type SourcesState,
  STATE_FILE,
  STORE_DIR,
  type StoreView,
  sameItemKey,
  stateText,
} from "../veille/store.js";
import { currentWeekPeriod } from "../veille/week.js";
import { workspaceRoot } from "../workspace/locate.js";
import { systemReason } from "../workspace/system-errors.js";
import { applyWrites, type PlannedWrite, removeStaleTemps } from "../workspace/write-plan.js";
import type { CommandContext, CommandResult } from "./context.js";
import { loadFeeds, storeFailure, watchSettings } from "./veille-input.js";

export interface VeillePullInput {
  /** --source, repeatable: only these sources. */
  source: string[];
  json: boolean;
  dryRun: boolean;
  /** (Re)write this week's digest at the end (`--no-digest` turns it off). */
  digest: boolean;
}

/** The summary's French status: a source that answered but brought nothing new is « inchangé ». */
function statusFr(status: "ok" | "not-modified" | "error", fresh: number): string {
  return status === "error" ? "erreur" : status === "ok" && fresh > 0 ? "nouveau" : "inchangé";
}

export async function runVeillePull(
  context: CommandContext,
  input: VeillePullInput,
): Promise<CommandResult> {
  const root = await workspaceRoot(context);
  const feeds = await loadFeeds(root, context.env);
  const settings = watchSettings(feeds);
  const known = new Map(feeds.sources.map((source) => [source.id, source]));
  for (const id of input.source) {
    if (!known.has(id)) {
      throw new UserError(
        `Source inconnue : « ${id} ». Sources de feeds.yaml : ${[...known.keys()].join(", ") || "aucune"}.`,
      );
    }
  }
  const sources =
    input.source.length > 0
      ? [...new Set(input.source)].map((id) => known.get(id) as Source)
      : feeds.sources.filter((s) => s.enabled !== false);
  if (sources.length === 0) {
    // Nothing to ask: nothing is written either.
    context.output.info("Aucune source à interroger : rien n'a été fait.");
    if (input.json) context.output.jsonDocument({ sources: [], new: 0 });
    return 0;
  }

  let lock: Awaited<ReturnType<typeof acquireLock>> | undefined;
  try {
    lock = input.dryRun ? undefined : await acquireLock(root);
  } catch (error) {
    throw new UserError(
      `Impossible de prendre le verrou ${LOCK_FILE} : ${systemReason(error)}. Rien n'a été fait.`,
      {
        hint: "Vérifiez les droits et la place disponible, puis relancez.",
        exitCode: 1,
        cause: error,
      },
    );
  }
  if (lock && !lock.ok) {
    throw new UserError(
      `Une autre collecte de la veille est en cours${lock.pid ? ` (processus ${lock.pid})` : ""} : rien n'a été fait.`,
      {
        hint: "Attendez qu'elle se termine, puis relancez « pile veille pull » (si aucune collecte ne tourne, supprimez veille/.lock).",
        exitCode: 1,
      },
    );
  }
  // Ctrl-C during a pull: leave no lock behind (the files are always whole).
  // The one exit outside main.ts: a signal handler has no caller to return a code to.
  const onInterrupt = () => {
    if (lock?.ok) lock.releaseSync();
    process.exit(130);
  };
  if (lock?.ok) process.once("SIGINT", onInterrupt);
  try {
    if (!input.dryRun) {
      // Temporary files of a pull that was killed are not part of the store.
      await removeStaleTemps(path.join(root, ITEMS_DIR));
      await removeStaleTemps(path.join(root, STORE_DIR));
    }
    const now = context.now();
    let state: SourcesState;
    try {
      state = await readState(root);
    } catch (error) {
      storeFailure(error);
    }
    // Overlap the network waits: the parsers load and the store is read while
    // the first requests are in flight.
    const parsers = import("../veille/ingest.js");
    const tagging = import("../veille/tag.js").then(({ compileTopics }) =>
      compileTopics(feeds.topics),
    );
    // Only the keys of most months are read; in full, the months of the
    // current week (its digest follows the pull).
    const digestPeriod = input.digest && !input.dryRun ? currentWeekPeriod(now) : undefined;
    const firstDigestMonth = digestPeriod ? firstStoreMonth(digestPeriod.start) : undefined;
    const stored = readStoreView(root, (onDisk) =>
      firstDigestMonth ? onDisk.filter((month) => month >= firstDigestMonth) : [],
    );
    stored.catch(() => undefined); // awaited (and reported) below
    let done = 0;
    const fetchOptions = fetchOptionsOf(settings, root);
    // At most `concurrency` requests at once; each source is read as soon as
    // its answer is in, while the network slot it held already serves another.
    // Sources between their request and the end of their reading are capped
    // too, so that documents waiting to be read cannot pile up in memory.
    const network = limiter(settings.concurrency);
    const reading = limiter(1);
    const inFlight = limiter(2 * settings.concurrency);
    const outcomes = await Promise.all(
      sources.map(async (source) => {
        const outcome = await inFlight(() =>
          collectSource(source, state[source.id], {
            fetchOptions,
            network,
            reading,
            now,
            ingest: () => parsers.then((module) => module.ingest),
            tagger: () => tagging,
          }),
        );
        done++;
        const found =
          outcome.status === "ok" && outcome.discovered
            ? `flux trouvé sur la page, ${outcome.feedUrl} ; `
            : "";
        const detail =
          outcome.status === "error"
            ? `erreur : ${outcome.reason}`
            : outcome.status === "ok"
              ? `${found}${count(outcome.items.length, "entrée lue", "entrées lues")}`
              : "inchangé (304)";
        context.output.info(`[${done}/${sources.length}] ${source.id} : ${detail}`);
        return outcome;
      }),
    );
    const batches = outcomes.flatMap((o) =>
      o.status === "ok" ? [{ sourceId: o.source.id, items: o.items }] : [],
    );
    const monthOf = (item: Item) => parisDate(new Date(item.published)).slice(0, 7);
    let view: StoreView;
    let index: StoreIndex;
    let merged: MergeResult;
    try {
      view = await stored;
      // The months this pull may change: where the items it brings are held,
      // or would go. Merging needs those whole, and nothing else.
      const touched = batches.flatMap(({ items }) =>
        items.map((item) => view.keys.get(sameItemKey(item)) ?? monthOf(item)),
      );
      await completeStoreView(view, root, touched);
      for (;;) {
        // Months in order: of two copies of a key (a store edited by hand), the later month's wins, as before.
        index = buildIndex(new Map([...view.months].sort(([a], [b]) => (a < b ? -1 : 1))));
        merged = mergeIntoIndex(index, batches, monthOf);
        // A month is only ever rewritten from its whole content: should the key
        // scan have missed a held item (a line edited by hand), read what the
        // merge wants to change, and merge again.
        const unread = [...merged.changedMonths].filter(
          (month) => view.onDisk.includes(month) && !view.months.has(month),
        );
        if (unread.length === 0) break;
        await completeStoreView(view, root, unread);
      }
    } catch (error) {
      storeFailure(error);
    }

    const stamp = now.toISOString();
    for (const outcome of outcomes) {
      const id = outcome.source.id;
      const previous = state[id] ?? { consecutiveFailures: 0 };
      if (outcome.status === "error") {
        state[id] = {
          ...previous,
          lastError: stamp,
          lastErrorReason: outcome.reason,
          consecutiveFailures: previous.consecutiveFailures + 1,
        };
        continue;
      }
      const next = { ...previous, lastSuccess: stamp, consecutiveFailures: 0 };
      delete next.feedUrl;
      if (outcome.feedUrl) next.feedUrl = outcome.feedUrl;
      if (outcome.status === "ok") {
        next.url = outcome.source.url;
        delete next.etag;
        delete next.lastModified;
        delete next.validatorsUrl;
        if (outcome.validators.url && outcome.validators.url !== outcome.source.url) {
          next.validatorsUrl = outcome.validators.url;
        }
        if (outcome.validators.etag) next.etag = outcome.validators.etag;
        if (outcome.validators.lastModified) next.lastModified = outcome.validators.lastModified;
        if ((merged.newBySource.get(id) ?? 0) > 0) next.lastNewItem = stamp;
      }
      state[id] = next;
    }

    const writes: PlannedWrite[] = [...merged.changedMonths].sort().map((month) => ({
      path: monthFile(month),
      content: monthText(monthItems(index, month)),
      mode: view.onDisk.includes(month) ? ("replace" as const) : ("create" as const),
    }));
    writes.push({ path: STATE_FILE, content: stateText(state), mode: "replace" });
    // Month files first, the state last: a pull killed in between re-fetches
    // (the validators were not saved) and finds its items already stored.
    if (!input.dryRun) await applyWrites(root, writes);

    // The weekly routine is one command: the digest of the current week follows
    // the store, built from the items already in memory.
    let digest: string | undefined;
    let digestError: string | undefined;
    if (digestPeriod && firstDigestMonth) {
      const { composeDigest, DIGESTS_DIR, saveDigest } = await import("./veille-digest.js");
      const period = digestPeriod;
      const items = [...index.byKey.values()]
        .filter((entry) => entry.month >= firstDigestMonth)
        .map((entry) => entry.item);
      try {
        const { text } = await composeDigest(root, { feeds, state, items }, period, "md", now);
        await saveDigest(root, `${DIGESTS_DIR}/${period.key}.md`, text, "replace");
        digest = `${DIGESTS_DIR}/${period.key}.md`;
      } catch (error) {
        // The store is written: a broken digest template must not hide that.
        if (!(error instanceof UserError)) throw error;
        digestError = error.message;
        context.output.warn(`La synthèse de la semaine n'a pas été écrite : ${error.message}`);
      }
    }

    const report = outcomes.map((o) => ({
      id: o.source.id,
      status: o.status,
      new: o.status === "ok" ? (merged.newBySource.get(o.source.id) ?? 0) : 0,
      ...(o.status === "error" ? { error: o.reason } : {}),
      ...(o.status === "ok" && o.discovered ? { discovered: o.feedUrl } : {}),
    }));
    const failed = report.filter((r) => r.status === "error").length;
    // Entries read per source: a feed that answers with nothing is said plainly.
    const read = new Map(
      outcomes.flatMap((o) => (o.status === "ok" ? [[o.source.id, o.items.length] as const] : [])),
    );
    if (input.json) {
      context.output.jsonDocument({
        sources: report,
        new: merged.added.length,
        ...(digest ? { digest } : {}),
        ...(digestError ? { digestError } : {}),
        ...(input.dryRun ? { dryRun: true } : {}),
      });
    } else {
      if (report.length > 0) {
        context.output.data(
          formatTable(
            ["Source", "État", "Nouvelles", "Détail"],
            report.map((r) => [
              r.id,
              statusFr(r.status, r.new),
              String(r.new),
              r.error ??
                (r.discovered
                  ? `flux trouvé sur la page : ${r.discovered}`
                  : read.get(r.id) === 0
                    ? "flux vide : aucune entrée"
                    : ""),
            ]),
          ),
        );
      }
      context.output.info(
        `${input.dryRun ? "Aperçu (rien n'a été écrit) : " : ""}${merged.added.length === 0 ? "Aucune nouvelle entrée" : count(merged.added.length, "nouvelle entrée", "nouvelles entrées")} dans la veille${failed > 0 ? ` ; ${count(failed, "source en erreur", "sources en erreur")}` : ""}.`,
      );
      if (digest) context.output.info(`Synthèse de la semaine : ${digest}.`);
      if (input.dryRun)
        context.output.info(
          `Fichiers qui seraient écrits : ${writes.map((w) => w.path).join(", ")}.`,
        );
    }
    return failed > 0 || digestError ? 1 : 0;
  } finally {
    process.removeListener("SIGINT", onInterrupt);
    if (lock?.ok) await lock.release();
  }
}
