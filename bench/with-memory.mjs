// Runs the built pile in this process and, at exit, appends its peak resident
// memory (KiB) to the file named by PILE_BENCH_RSS. Used by bench/run.mjs.
import { appendFileSync } from "node:fs";

process.on("exit", () => {
  if (process.env.PILE_BENCH_RSS)
    appendFileSync(process.env.PILE_BENCH_RSS, `${process.resourceUsage().maxRSS}\n`);
});
const { run } = await import("../dist/main.js");
await run();
