// The digest of one week, in one process: `node digest-core.mjs WORKSPACE
// YYYY-Www`. Reads the month files the digest needs (timed apart), then builds
// and renders the Markdown digest (composeDigest, the code of `pile veille
// digest`). Prints {"ms" (build and render), "readMs", "items" (of the week)};
// peak memory (KiB) appended to PILE_BENCH_RSS at exit.
import { appendFileSync } from "node:fs";
import * as digestCommand from "../dist/commands/veille-digest.js";
import { loadFeeds } from "../dist/commands/veille-input.js";
import { readAllMonths, readState, storeMonths } from "../dist/veille/store.js";
import { parseIsoWeek, weekPeriod } from "../dist/veille/week.js";
import { digestMonthFilter } from "./digest-months.mjs";

process.on("exit", () => {
  if (process.env.PILE_BENCH_RSS)
    appendFileSync(process.env.PILE_BENCH_RSS, `${process.resourceUsage().maxRSS}\n`);
});

const [root, week] = process.argv.slice(2);
const period = weekPeriod(parseIsoWeek(week));
const feeds = await loadFeeds(root, process.env);
const readStart = performance.now();
const wanted = digestMonthFilter(period);
const months = (await storeMonths(root)).filter(wanted);
const [state, stored] = await Promise.all([readState(root), readAllMonths(root, months)]);
const items = [...stored.values()].flat();
const start = performance.now();
const { model, text } = await digestCommand.composeDigest(
  root,
  { feeds, state, items },
  period,
  "md",
  new Date(),
);
const ms = performance.now() - start;
console.log(
  JSON.stringify({
    ms,
    readMs: start - readStart,
    items: model.counts.items,
    read: items.length,
    bytes: text.length,
  }),
);
