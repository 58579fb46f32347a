// Reading a whole watch store with pile's own readers, in one process: every
// item parsed (readAllMonths: the floor of any command that reads every month
// file), or only each line's key (readStoreKeys: what a pull reads of the
// months it does not change). `node read-store.mjs DIR [keys]`. Prints
// {"ms", "items"}; peak memory (KiB) appended to PILE_BENCH_RSS at exit.
import { appendFileSync } from "node:fs";
import { readAllMonths, readStoreKeys } from "../dist/veille/store.js";

process.on("exit", () => {
  if (process.env.PILE_BENCH_RSS)
    appendFileSync(process.env.PILE_BENCH_RSS, `${process.resourceUsage().maxRSS}\n`);
});

const start = performance.now();
let items = 0;
if (process.argv[3] === "keys") {
  items = (await readStoreKeys(process.argv[2])).size;
} else {
  for (const list of (await readAllMonths(process.argv[2])).values()) items += list.length;
}
const ms = performance.now() - start;
console.log(JSON.stringify({ ms, items }));
