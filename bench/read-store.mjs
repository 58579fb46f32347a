// Reading a whole watch store with pile's own reader (readAllMonths), in one
// process: the floor of any command that reads every month file. Prints
// {"ms", "items"}; peak memory (KiB) appended to PILE_BENCH_RSS at exit.
import { appendFileSync } from "node:fs";
import { readAllMonths } from "../dist/veille/store.js";

process.on("exit", () => {
  if (process.env.PILE_BENCH_RSS)
    appendFileSync(process.env.PILE_BENCH_RSS, `${process.resourceUsage().maxRSS}\n`);
});

const start = performance.now();
const months = await readAllMonths(process.argv[2]);
const ms = performance.now() - start;
let items = 0;
for (const list of months.values()) items += list.length;
console.log(JSON.stringify({ ms, items }));
