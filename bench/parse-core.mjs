// Parsing one large feed document in one process:
//   node parse-core.mjs FILE pile|pile-notag|pile-parse|rss-parser|read
// pile: parseFeed + normaliseItems, with the tagging of the repository's
// feeds.yaml topics; pile-notag: the same without topics; pile-parse:
// parseFeed alone; rss-parser: its bare `new Parser().parseString`; read:
// reading the file only (the memory floor). Prints {"ms", "items"} (ms: the
// parse alone, file already read) and, at exit, appends the peak resident
// memory (KiB) to PILE_BENCH_RSS.
import { appendFileSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

process.on("exit", () => {
  if (process.env.PILE_BENCH_RSS)
    appendFileSync(process.env.PILE_BENCH_RSS, `${process.resourceUsage().maxRSS}\n`);
});

const [file, impl] = process.argv.slice(2);
const text = readFileSync(file, "utf8");
let run;
if (impl === "pile" || impl === "pile-notag") {
  const { parseFeed } = await import("../dist/veille/parse.js");
  const { normaliseItems } = await import("../dist/veille/normalise.js");
  const { compileTopics } = await import("../dist/veille/tag.js");
  const feeds = parse(
    readFileSync(fileURLToPath(new URL("../feeds.yaml", import.meta.url)), "utf8"),
  );
  const tagger = impl === "pile" ? compileTopics(feeds.topics) : () => [];
  const now = new Date();
  run = async () => {
    const feed = await parseFeed(text);
    return normaliseItems({
      feed,
      source: { id: "bench" },
      url: "https://www.exemple-veille.fr/flux.xml",
      now,
      tagger,
    }).length;
  };
} else if (impl === "pile-parse") {
  const { parseFeed } = await import("../dist/veille/parse.js");
  run = async () => (await parseFeed(text)).items.length;
} else if (impl === "rss-parser") {
  const { default: Parser } = await import("rss-parser");
  run = async () => (await new Parser().parseString(text)).items.length;
} else if (impl === "read") {
  run = async () => text.length;
} else {
  throw new Error(`unknown implementation: ${impl}`);
}
const start = performance.now();
const items = await run();
console.log(JSON.stringify({ ms: performance.now() - start, items }));
