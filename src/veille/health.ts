import type { Item } from "./normalise.js";
import type { SourcesState } from "./store.js";

/**
 * The health of each source, for `pile veille sources`: what the state file
 * remembers (last success, last error, consecutive failures, last new item)
 * and what the store holds. Pure: the store's counts and `now` are passed in.
 */

/** A source that has brought nothing new for this long is « silencieuse ». */
export const SILENT_AFTER_DAYS = 30;

const DAY_MS = 24 * 60 * 60 * 1000;

/** never: not collected yet; empty: collected, but it has never brought an item. */
export type HealthStatus = "ok" | "error" | "silent" | "empty" | "never" | "disabled";

export interface SourceHealth {
  id: string;
  title: string;
  url: string;
  kind: "feed" | "html";
  enabled: boolean;
  status: HealthStatus;
  lastSuccess?: string;
  lastError?: string;
  lastErrorReason?: string;
  consecutiveFailures: number;
  /** The feed that autodiscovery found on the source's page, when it did. */
  feedUrl?: string;
  /** Items in the store that this source brought. */
  items: number;
  /** When the source last brought an item the store did not hold. */
  lastNewItem?: string;
  /** Whole days since then; undefined when it never brought anything. */
  daysSinceNewItem?: number;
}

export interface StoreCounts {
  items: number;
  /** The latest `firstSeen` among them: stands in for a state that predates `lastNewItem`. */
  latestFirstSeen?: string;
}

/** Counts per source id, in one pass over the store. */
export function countBySource(items: Iterable<Item>): Map<string, StoreCounts> {
  const counts = new Map<string, StoreCounts>();
  for (const item of items) {
    for (const id of item.sources) {
      const entry = counts.get(id) ?? { items: 0 };
      entry.items++;
      if (entry.latestFirstSeen === undefined || item.firstSeen > entry.latestFirstSeen)
        entry.latestFirstSeen = item.firstSeen;
      counts.set(id, entry);
    }
  }
  return counts;
}

export function sourcesHealth(
  sources: readonly {
    id: string;
    title: string;
    url: string;
    kind?: "feed" | "html" | undefined;
    enabled?: boolean | undefined;
  }[],
  state: SourcesState,
  counts: ReadonlyMap<string, StoreCounts>,
  now: Date,
): SourceHealth[] {
  return sources.map((source) => {
    // What the state remembers of another address (feeds.yaml changed) is not this source's.
    const recorded = state[source.id];
    const entry = recorded?.url === undefined || recorded.url === source.url ? recorded : undefined;
    const stored = counts.get(source.id);
    const lastNewItem = entry?.lastNewItem ?? stored?.latestFirstSeen;
    const days =
      lastNewItem === undefined
        ? undefined
        : Math.max(0, Math.floor((now.getTime() - Date.parse(lastNewItem)) / DAY_MS));
    const enabled = source.enabled !== false;
    const failures = entry?.consecutiveFailures ?? 0;
    const status: HealthStatus = !enabled
      ? "disabled"
      : failures > 0
        ? "error"
        : entry?.lastSuccess === undefined
          ? "never"
          : days === undefined
            ? "empty"
            : days > SILENT_AFTER_DAYS
              ? "silent"
              : "ok";
    return {
      id: source.id,
      title: source.title,
      url: source.url,
      kind: source.kind ?? "feed",
      enabled,
      status,
      ...(entry?.lastSuccess ? { lastSuccess: entry.lastSuccess } : {}),
      ...(entry?.lastError ? { lastError: entry.lastError } : {}),
      ...(entry?.lastErrorReason ? { lastErrorReason: entry.lastErrorReason } : {}),
      consecutiveFailures: failures,
      ...(entry?.feedUrl ? { feedUrl: entry.feedUrl } : {}),
      items: stored?.items ?? 0,
      ...(lastNewItem ? { lastNewItem } : {}),
      ...(days !== undefined ? { daysSinceNewItem: days } : {}),
    };
  });
}
