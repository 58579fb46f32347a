#!/usr/bin/env node
// `npm run bench`: speed and memory figures, written to bench/RESULTS.md.
// Each figure is the median of several runs, with min and max; comparisons
// are ratios measured in the same run. No network.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const runner = path.join(root, "bench", "with-memory.mjs");
const work = mkdtempSync(path.join(os.tmpdir(), "pile-bench-"));
const RUNS = Number(process.env.PILE_BENCH_RUNS ?? 7);

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Runs a command RUNS times; returns wall times (ms) and peak memory (MiB) when measured. */
function measure(label, command, args, options = {}) {
  const times = [];
  const memory = [];
  for (let i = 0; i < (options.runs ?? RUNS); i++) {
    options.before?.();
    const rssFile = path.join(work, `rss-${Math.random().toString(36).slice(2)}.txt`);
    const start = process.hrtime.bigint();
    const result = spawnSync(command, args, {
      cwd: options.cwd ?? work,
      env: { ...process.env, NO_COLOR: "1", CI: "1", PILE_BENCH_RSS: rssFile },
      encoding: "utf8",
      maxBuffer: 1 << 28,
    });
    // A script that times its own work prints {"ms": …}: that figure is kept.
    const ms = options.internal
      ? JSON.parse(result.stdout).ms
      : Number(process.hrtime.bigint() - start) / 1e6;
    if (result.status !== (options.expect ?? 0)) {
      throw new Error(`${label}: exit ${result.status}\n${result.stderr}`);
    }
    times.push(ms);
    try {
      memory.push(Number(readFileSync(rssFile, "utf8").trim()) / 1024);
    } catch {
      // commands not run through with-memory.mjs have no memory figure
    }
  }
  const figure = { label, median: median(times), min: Math.min(...times), max: Math.max(...times) };
  if (memory.length > 0) figure.memory = Math.max(...memory);
  console.error(
    `${label}: ${figure.median.toFixed(0)} ms (min ${figure.min.toFixed(0)}, max ${figure.max.toFixed(0)})`,
  );
  return figure;
}

/** A deterministic pseudo-random generator, so that the benchmark data never changes. */
function generator(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function scoringData(ideas, criteria) {
  const random = generator(42);
  const grid = ["scale: {min: 0, max: 5}", "criteria:"];
  for (let j = 0; j < criteria; j++) {
    grid.push(
      `  - id: c${j}`,
      `    label: "Critère ${j}"`,
      `    weight: ${1 + Math.floor(random() * 20)}`,
      `    direction: ${j % 5 === 4 ? "cost" : "benefit"}`,
    );
    if (j === 0) grid.push("    veto: {min: 1}");
  }
  const lines = ["ideas:"];
  for (let i = 0; i < ideas; i++) {
    lines.push(`  - id: piste-${i}`, `    title: "Piste ${i}"`, "    scores:");
    for (let j = 0; j < criteria; j++) {
      const r = random();
      const x = 1 + Math.floor(random() * 5);
      if (r < 0.05) lines.push(`      c${j}: null`);
      else if (r < 0.15)
        lines.push(
          `      c${j}: {low: ${Math.max(0, x - 1)}, likely: ${x}, high: ${Math.min(5, x + 1)}}`,
        );
      else if (r < 0.2)
        lines.push(
          `      c${j}: {raters: {a: ${x}, b: ${Math.min(5, x + 1)}, c: ${Math.max(0, x - 2)}}}`,
        );
      else lines.push(`      c${j}: ${x}`);
    }
  }
  writeFileSync(path.join(work, "grille.yaml"), `${grid.join("\n")}\n`);
  writeFileSync(path.join(work, "idees.yaml"), `${lines.join("\n")}\n`);
}

const pile = (args) => [runner, ...args];
const figures = {};

// Start-up: a bare Node start is the floor.
figures.node = measure("node -e 0", process.execPath, ["-e", "0"]);
figures.help = measure("pile --help", process.execPath, [
  path.join(root, "bin", "pile.js"),
  "--help",
]);
const ws = path.join(work, "ws");
mkdirSync(ws);
spawnSync(process.execPath, [path.join(root, "bin", "pile.js"), "init", ws]);
figures.newDry = measure(
  "pile study new --dry-run",
  process.execPath,
  [
    path.join(root, "bin", "pile.js"),
    "study",
    "new",
    "--title",
    "Recyclerie textile",
    "--territory",
    "18e",
    "--sector",
    "couture-textile",
    "--owner",
    "Camille",
    "--dry-run",
  ],
  { cwd: ws },
);

// Scoring: 1 000 ideas × 12 criteria, 10 000 simulations, end to end (YAML included).
scoringData(1000, 12);
figures.scoreCore = measure(
  "notation seule (en mémoire), 1 000 pistes × 12 critères, 10 000 tirages",
  process.execPath,
  [path.join(root, "bench", "score-core.mjs")],
  { internal: true },
);
figures.score = measure(
  "pile score, 1 000 pistes × 12 critères, 10 000 tirages",
  process.execPath,
  pile([
    "score",
    "--ideas",
    "idees.yaml",
    "--grid",
    "grille.yaml",
    "--simulations",
    "10000",
    "--json",
  ]),
);
figures.scoreNoSim = measure(
  "pile score, mêmes données, sans simulation",
  process.execPath,
  pile(["score", "--ideas", "idees.yaml", "--grid", "grille.yaml", "--simulations", "0", "--json"]),
);

// The watch: 100 sources of 50 items, 200 ms of latency on every answer.
const server = spawn(process.execPath, [path.join(root, "bench", "feed-server.mjs")], {
  env: { ...process.env, FEEDS: "100", ITEMS: "50", LATENCY: "200" },
  stdio: ["ignore", "pipe", "inherit"],
});
const port = await new Promise((resolve) =>
  server.stdout.once("data", (chunk) => resolve(Number(String(chunk).trim()))),
);
const watch = path.join(work, "veille-ws");
mkdirSync(watch);
spawnSync(process.execPath, [path.join(root, "bin", "pile.js"), "init", watch]);
// The real topics of the repository's feeds.yaml (tagging is part of the work), 100 local sources.
const { parse, stringify } = await import("yaml");
const topics = parse(readFileSync(path.join(root, "feeds.yaml"), "utf8")).topics;
const sources = Array.from({ length: 100 }, (_, n) => ({
  id: `s${n}`,
  title: `Source ${n}`,
  url: `http://127.0.0.1:${port}/feed/${n}`,
}));
const feedsYaml = (concurrency) =>
  stringify({ settings: { concurrency, timeoutSeconds: 20 }, topics, sources });
writeFileSync(path.join(watch, "feeds.yaml"), feedsYaml(8));
const freshStore = () => rmSync(path.join(watch, "veille"), { recursive: true, force: true });
figures.pullCold = measure(
  "pile veille pull, 100 sources × 50 entrées, 200 ms de latence, premier passage",
  process.execPath,
  pile(["veille", "pull", "--json"]),
  { cwd: watch, before: freshStore },
);
figures.pullWarm = measure(
  "pile veille pull, même travail, deuxième passage (304)",
  process.execPath,
  pile(["veille", "pull", "--json"]),
  { cwd: watch },
);
writeFileSync(path.join(watch, "feeds.yaml"), feedsYaml(1));
figures.pullSerial = measure(
  "pile veille pull, une source à la fois (référence)",
  process.execPath,
  pile(["veille", "pull", "--json"]),
  { cwd: watch, before: freshStore, runs: 1 },
);
server.kill();

rmSync(work, { recursive: true, force: true });

const fmt = (ms) => `${Math.round(ms)} ms`;
const row = (f) =>
  `| ${f.label} | ${fmt(f.median)} | ${fmt(f.min)} | ${fmt(f.max)} | ${f.memory ? `${f.memory.toFixed(0)} Mio` : "—"} |`;
const cpu = os.cpus()[0]?.model ?? "inconnu";
const report = `# Mesures de performance de pile

Produit par \`npm run bench\` le ${new Date().toISOString().slice(0, 10)} ; ${RUNS} exécutions par mesure (médiane, minimum, maximum).

- Machine : ${os.cpus().length} cœurs (${cpu}), ${(os.totalmem() / 2 ** 30).toFixed(0)} Gio de mémoire, ${os.platform()} ${os.release()}
- Node.js : ${process.version}

| Mesure | Médiane | Min | Max | Mémoire max |
|---|---:|---:|---:|---:|
${Object.values(figures).map(row).join("\n")}

## Comparaisons (mesurées dans la même exécution)

- \`pile --help\` / \`node -e 0\` : ${(figures.help.median / figures.node.median).toFixed(2)} (cible : au plus 2,5)
- \`pile study new --dry-run\` / \`node -e 0\` : ${(figures.newDry.median / figures.node.median).toFixed(2)} (cible : au plus 2,5)
- \`pile veille pull\`, 100 sources × 50 entrées à 200 ms de latence, 8 en parallèle : plancher théorique 13 tours × 0,2 s = 2,6 s ; premier passage ${fmt(figures.pullCold.median)}, soit ${(figures.pullCold.median / 2600).toFixed(2)} × le plancher (${((figures.pullCold.median - figures.node.median) / 2600).toFixed(2)} × hors démarrage de Node ; cible : au plus 1,25) ; deuxième passage (304) ${fmt(figures.pullWarm.median)}, soit ${((figures.pullWarm.median - figures.node.median) / 2600).toFixed(2)} × hors démarrage (cible : au plus 1,15) ; une source à la fois : ${fmt(figures.pullSerial.median)}
- Notation de 1 000 pistes × 12 critères avec 10 000 tirages : le calcul seul ${fmt(figures.scoreCore.median)} (cible : moins de 2 s) ; de bout en bout, avec la lecture d'un fichier YAML de 1 000 pistes, ${fmt(figures.score.median)} (dont ${fmt(figures.scoreNoSim.median)} sans la simulation)
`;
const out = path.join(root, "bench", "RESULTS.md");
writeFileSync(out, report);
console.log(report);
console.error(`Rapport écrit dans ${path.relative(process.cwd(), out) || out}`);
