#!/usr/bin/env node
// `npm run bench`: speed and memory figures, written to bench/RESULTS.md.
// Each figure is the median of several runs, with min and max; comparisons
// are ratios measured in the same run. No network: the feeds come from a
// local server on 127.0.0.1 (bench/feed-server.mjs).
//
// PILE_BENCH_RUNS sets the number of runs of every figure (by default 7, and
// 3 for the heavy ones: the large store, the breakdowns).
import { spawn, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { atomDocument, generator, rssDocument, writeStore } from "./data.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const runner = path.join(root, "bench", "with-memory.mjs");
const pileBin = path.join(root, "bin", "pile.js");
const work = mkdtempSync(path.join(os.tmpdir(), "pile-bench-"));
const RUNS = Number(process.env.PILE_BENCH_RUNS ?? 7);
const HEAVY_RUNS = Number(process.env.PILE_BENCH_RUNS ?? 3);
const GNU_TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;
const benchStart = Date.now();
// Whatever happens (a check that fails throws), no server is left running and
// no generated data is left behind.
const servers = [];
process.on("exit", () => {
  for (const server of servers) server.kill();
  rmSync(work, { recursive: true, force: true });
});
const loadAtStart = os.loadavg();
const uptimeAtStart = spawnSync("uptime", { encoding: "utf8" }).stdout?.trim();

const fmt = (ms) => `${Math.round(ms)} ms`;
/** 100000 → "100 000" (plain spaces, like the labels). */
const num = (n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, " ");

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Runs a command several times; returns wall times (ms) and peak memory (MiB)
 * when measured: through with-memory.mjs and the in-process scripts (which
 * append their maxRSS to PILE_BENCH_RSS), or through GNU time (`gnuTime`) for
 * programs that are not Node. `after(result, output)` checks each run (it
 * throws when the run did not do the work), `output` being the parsed JSON of
 * an in-process script.
 */
function measure(label, command, args, options = {}) {
  const times = [];
  const memory = [];
  const outputs = [];
  const runs = options.runs ?? RUNS;
  for (let i = 0; i < runs; i++) {
    options.before?.();
    const rssFile = path.join(work, `rss-${Math.random().toString(36).slice(2)}.txt`);
    const [file, argv] =
      options.gnuTime && GNU_TIME
        ? [GNU_TIME, ["-f", "%M", "-o", rssFile, command, ...args]]
        : [command, args];
    const start = process.hrtime.bigint();
    const result = spawnSync(file, argv, {
      cwd: options.cwd ?? work,
      env: {
        ...process.env,
        NO_COLOR: "1",
        CI: "1",
        PILE_BENCH_RSS: rssFile,
        // pile's parse cache in the bench's folder, not in the home folder.
        PILE_CACHE_DIR: path.join(work, "cache"),
        ...options.env,
      },
      encoding: "utf8",
      maxBuffer: 1 << 28,
    });
    const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
    if (result.status !== (options.expect ?? 0)) {
      throw new Error(`${label}: exit ${result.status}\n${result.stderr}`);
    }
    // A script that times its own work prints {"ms": …}: that figure is kept.
    const output = options.internal ? JSON.parse(result.stdout) : undefined;
    options.after?.(result, output);
    times.push(options.internal ? output.ms : elapsed);
    if (output) outputs.push(output);
    try {
      const lines = readFileSync(rssFile, "utf8").trim().split("\n");
      const kib = Number(lines.at(-1));
      if (Number.isFinite(kib)) memory.push(kib / 1024);
    } catch {
      // commands run without a memory probe have no memory figure
    }
  }
  const figure = {
    label,
    runs,
    median: median(times),
    min: Math.min(...times),
    max: Math.max(...times),
    outputs,
  };
  if (memory.length > 0) figure.memory = Math.max(...memory);
  console.error(
    `${label}: ${figure.median.toFixed(0)} ms (min ${figure.min.toFixed(0)}, max ${figure.max.toFixed(0)})${figure.memory ? `, ${figure.memory.toFixed(0)} Mio` : ""}`,
  );
  return figure;
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

/** Starts bench/feed-server.mjs; resolves to its port, its log file and a stop function. */
async function startServer(name, env) {
  const log = path.join(work, `${name}.log`);
  writeFileSync(log, "");
  const server = spawn(process.execPath, [path.join(root, "bench", "feed-server.mjs")], {
    env: { ...process.env, ...env, LOG: log },
    stdio: ["ignore", "pipe", "inherit"],
  });
  servers.push(server);
  const port = await new Promise((resolve) =>
    server.stdout.once("data", (chunk) => resolve(Number(String(chunk).trim()))),
  );
  return {
    port,
    /** Counts the answers logged since the last reset, then empties the log. */
    requests() {
      const lines = readFileSync(log, "utf8").split("\n").filter(Boolean);
      writeFileSync(log, "");
      const counts = { total: lines.length, ok: 0, notModified: 0, conditional: 0, other: 0 };
      for (const line of lines) {
        const [status, , etag, since] = line.split(" ");
        if (status === "200") counts.ok++;
        else if (status === "304") counts.notModified++;
        else counts.other++;
        if (etag !== "-" || since !== "-") counts.conditional++;
      }
      return counts;
    },
    stop: () => server.kill(),
  };
}

const pile = (args) => [runner, ...args];
const figures = {};

// ------------------------------------------------------------ start-up, scoring

// Start-up: a bare Node start is the floor.
figures.node = measure("node -e 0", process.execPath, ["-e", "0"]);
figures.help = measure("pile --help", process.execPath, [pileBin, "--help"]);
const ws = path.join(work, "ws");
mkdirSync(ws);
spawnSync(process.execPath, [pileBin, "init", ws]);
figures.newDry = measure(
  "pile study new --dry-run",
  process.execPath,
  [
    pileBin,
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

// ------------------------------------------------- the watch: pile and newsboat

// 100 sources of 50 items, 200 ms of latency on every answer.
const server = await startServer("serveur-200ms", { FEEDS: "100", ITEMS: "50", LATENCY: "200" });
const watch = path.join(work, "veille-ws");
mkdirSync(watch);
spawnSync(process.execPath, [pileBin, "init", watch]);
// The real topics of the repository's feeds.yaml (tagging is part of the work), 100 local sources.
const { parse, stringify } = await import("yaml");
const topics = parse(readFileSync(path.join(root, "feeds.yaml"), "utf8")).topics;
const sources = Array.from({ length: 100 }, (_, n) => ({
  id: `s${n}`,
  title: `Source ${n}`,
  url: `http://127.0.0.1:${server.port}/feed/${n}`,
}));
const feedsYaml = (concurrency) =>
  stringify({ settings: { concurrency, timeoutSeconds: 20 }, topics, sources });
writeFileSync(path.join(watch, "feeds.yaml"), feedsYaml(8));
const freshStore = () => rmSync(path.join(watch, "veille"), { recursive: true, force: true });
/** Every source asked once, each answered `status` (a benchmark of a failing run is worthless). */
const allAnswered = (label, counts, field) => {
  if (counts.total !== 100 || counts[field] !== 100)
    throw new Error(`${label}: réponses inattendues du serveur ${JSON.stringify(counts)}`);
};
const pulled = (label, result, expected) => {
  const added = JSON.parse(result.stdout).new;
  if (added !== expected)
    throw new Error(`${label}: ${added} nouvelles entrées, ${expected} attendues`);
};
const pileRequests = { cold: [], warm: [] };
// feeds.yaml has been seen before, as at every pull but the first after an
// edit: its parsed form is in pile's cache. (Measured without it below.)
spawnSync(process.execPath, [pileBin, "veille", "sources"], {
  cwd: watch,
  env: { ...process.env, PILE_CACHE_DIR: path.join(work, "cache") },
});
/** A first pass into an empty store: every source answers 200, 5 000 new items. */
const firstPass = (label, flags, options = {}, log = undefined) =>
  measure(label, process.execPath, pile(["veille", "pull", ...flags, "--json"]), {
    cwd: watch,
    ...options,
    before: () => {
      freshStore();
      server.requests();
    },
    after: (result) => {
      const counts = server.requests();
      log?.push(counts);
      allAnswered(label, counts, "ok");
      pulled(label, result, 5000);
    },
  });
/** A pass right after another: every source answers 304. */
const passAgain = (label, flags, log = undefined) =>
  measure(label, process.execPath, pile(["veille", "pull", ...flags, "--json"]), {
    cwd: watch,
    before: () => server.requests(),
    after: () => {
      const counts = server.requests();
      log?.push(counts);
      allAnswered(label, counts, "notModified");
    },
  });
figures.pullCold = firstPass(
  "pile veille pull, 100 sources × 50 entrées, 200 ms de latence, premier passage",
  [],
  {},
  pileRequests.cold,
);
figures.pullWarm = passAgain(
  "pile veille pull, même travail, deuxième passage (304)",
  [],
  pileRequests.warm,
);
figures.pullWarmNoDigest = passAgain(
  "pile veille pull --no-digest, même travail que newsboat, deuxième passage (304)",
  ["--no-digest"],
);
figures.pullColdNoDigest = firstPass(
  "pile veille pull --no-digest, premier passage (le travail de newsboat)",
  ["--no-digest"],
);
figures.pullColdNoCache = firstPass(
  "pile veille pull, premier passage, feeds.yaml jamais vu (sans cache de lecture)",
  [],
  { runs: HEAVY_RUNS, env: { PILE_CACHE_DIR: "off" } },
);

// newsboat on the same URLs, headless (`-x reload`), 8 reload threads like pile's concurrency.
const newsboatVersion = spawnSync("newsboat", ["-v"], { encoding: "utf8" });
const newsboat = newsboatVersion.status === 0 ? newsboatVersion.stdout.split("\n")[0] : undefined;
const nbRequests = { cold: [], second: [], warm: [] };
/** ETags in newsboat's cache after its first and second passes (read with sqlite3, when installed). */
const nbEtags = {};
if (newsboat) {
  const nb = path.join(work, "newsboat");
  mkdirSync(path.join(nb, "home"), { recursive: true });
  writeFileSync(path.join(nb, "urls"), `${sources.map((s) => s.url).join("\n")}\n`);
  // -x reload never asks anything; the settings below match pile's (8 at once,
  // 20 s timeout, one try) and keep every article (max-items 0).
  writeFileSync(
    path.join(nb, "config"),
    [
      "reload-threads 8",
      "download-timeout 20",
      "download-retries 1",
      "max-items 0",
      "confirm-exit no",
      "history-limit 0",
      "",
    ].join("\n"),
  );
  const nbArgs = (command) => ["-C", "config", "-u", "urls", "-c", "cache.db", "-x", command];
  // HOME in the temporary folder: nothing of the user's ~/.newsboat is read or written.
  const nbEnv = { HOME: path.join(nb, "home") };
  const unread = () => {
    const result = spawnSync("newsboat", nbArgs("print-unread"), {
      cwd: nb,
      env: { ...process.env, ...nbEnv },
      encoding: "utf8",
    });
    return result.stdout.trim();
  };
  const storedEtags = () => {
    const result = spawnSync(
      "sqlite3",
      [path.join(nb, "cache.db"), "select count(*) from rss_feed where etag != ''"],
      { encoding: "utf8" },
    );
    return result.status === 0 ? Number(result.stdout.trim()) : undefined;
  };
  const freshCache = () => {
    rmSync(path.join(nb, "cache.db"), { force: true });
    rmSync(path.join(nb, "cache.db.lock"), { force: true });
    server.requests();
  };
  figures.nbCold = measure(
    "newsboat -x reload, même travail, premier passage (cache vide)",
    "newsboat",
    nbArgs("reload"),
    {
      cwd: nb,
      env: nbEnv,
      gnuTime: true,
      before: freshCache,
      after: () => {
        const counts = server.requests();
        nbRequests.cold.push(counts);
        allAnswered("newsboat, premier passage", counts, "ok");
        // newsboat exits 0 even when every feed failed: its cache says what it stored.
        const stored = unread();
        if (stored !== "5000 unread articles")
          throw new Error(`newsboat, premier passage : « ${stored} », 5000 articles attendus`);
        nbEtags.first = storedEtags();
      },
    },
  );
  // The pass right after the first: what newsboat sends with what it just stored.
  figures.nbSecond = measure(
    "newsboat -x reload, deuxième passage (juste après le premier)",
    "newsboat",
    nbArgs("reload"),
    {
      cwd: nb,
      env: nbEnv,
      gnuTime: true,
      runs: 1,
      before: () => server.requests(),
      after: () => {
        const counts = server.requests();
        nbRequests.second.push(counts);
        nbEtags.second = storedEtags();
        if (counts.total !== 100) throw new Error(`newsboat : ${JSON.stringify(counts)}`);
      },
    },
  );
  figures.nbWarm = measure(
    "newsboat -x reload, passages suivants (régime établi)",
    "newsboat",
    nbArgs("reload"),
    {
      cwd: nb,
      env: nbEnv,
      gnuTime: true,
      before: () => server.requests(),
      after: () => {
        const counts = server.requests();
        nbRequests.warm.push(counts);
        if (counts.total !== 100 || counts.other > 0)
          throw new Error(`newsboat : ${JSON.stringify(counts)}`);
        const stored = unread();
        if (stored !== "5000 unread articles")
          throw new Error(`newsboat, passage suivant : « ${stored} », 5000 articles attendus`);
      },
    },
  );
}

writeFileSync(path.join(watch, "feeds.yaml"), feedsYaml(1));
figures.pullSerial = measure(
  "pile veille pull, une source à la fois (référence)",
  process.execPath,
  pile(["veille", "pull", "--json"]),
  {
    cwd: watch,
    before: freshStore,
    runs: 1,
    after: (result) => pulled("pile, une source à la fois", result, 5000),
  },
);
server.stop();

// --------------------------------------------------------- large feed documents

const documents = {
  rss: path.join(work, "flux-5000.rss.xml"),
  atom: path.join(work, "flux-5000.atom.xml"),
};
writeFileSync(documents.rss, rssDocument(5000));
writeFileSync(documents.atom, atomDocument(5000));
const parseCore = path.join(root, "bench", "parse-core.mjs");
const parsed = (label) => (_result, output) => {
  if (output.items !== 5000) throw new Error(`${label}: ${output.items} entrées, 5000 attendues`);
};
const parseFigures = (kind, name) => {
  const file = documents[kind];
  const size = `${(readFileSync(file).length / 2 ** 20).toFixed(1).replace(".", ",")} Mio`;
  const figure = (impl, label, runs, check = true) =>
    measure(label, process.execPath, [parseCore, file, impl], {
      internal: true,
      runs,
      ...(check ? { after: parsed(label) } : {}),
    });
  return {
    size,
    pile: figure(
      "pile",
      `pile, ${name} de 5 000 entrées (${size}) : parseFeed + normaliseItems`,
      RUNS,
    ),
    pileNoTag: figure(
      "pile-notag",
      `pile, même flux : parseFeed + normaliseItems sans thèmes`,
      HEAVY_RUNS,
    ),
    pileParse: figure("pile-parse", `pile, même flux : parseFeed seul`, HEAVY_RUNS),
    rssParser: figure("rss-parser", `rss-parser seul, même flux : new Parser().parseString`, RUNS),
    read: figure(
      "read",
      `même flux, lecture du fichier seule (mémoire de référence)`,
      HEAVY_RUNS,
      false,
    ),
  };
};
const parsing = {
  rss: parseFigures("rss", "flux RSS 2.0"),
  atom: parseFigures("atom", "flux Atom"),
};

// ------------------------------------------------------------ the store's size

const { parisDate } = await import("../dist/paris-time.js");
const { currentWeekPeriod, formatIsoWeek, isoWeekOf, parseIsoWeek, weekPeriod } = await import(
  "../dist/veille/week.js"
);
const { digestMonthFilter } = await import("./digest-months.mjs");
const storeServer = await startServer("serveur-magasin", {
  FEEDS: "100",
  ITEMS: "50",
  FRESH: "50",
  LATENCY: "0",
});
const now = new Date();
const thisWeek = currentWeekPeriod(now);
const lastWeekKey = formatIsoWeek(isoWeekOf(new Date(thisWeek.start.getTime() - 86_400_000)));
const weekAgo = parisDate(new Date(now.getTime() - 7 * 86_400_000));
const WEEKS = 100;
const readStoreScript = path.join(root, "bench", "read-store.mjs");
const digestCore = path.join(root, "bench", "digest-core.mjs");
const stores = {};
for (const size of [10_000, 100_000]) {
  const dir = path.join(work, `magasin-${size}`);
  mkdirSync(dir);
  spawnSync(process.execPath, [pileBin, "init", dir]);
  const storeSources = [
    ...Array.from({ length: 100 }, (_, n) => ({
      id: `s${n}`,
      title: `Source ${n}`,
      url: `http://127.0.0.1:${storeServer.port}/feed/${n}`,
    })),
    { id: "nouvelles", title: "Nouvelles", url: `http://127.0.0.1:${storeServer.port}/fresh` },
  ];
  writeFileSync(
    path.join(dir, "feeds.yaml"),
    stringify({ settings: { concurrency: 8, timeoutSeconds: 20 }, topics, sources: storeSources }),
  );
  const built = Date.now();
  const months = writeStore(dir, {
    count: size,
    weeks: WEEKS,
    currentWeekStart: thisWeek.start,
    topicIds: topics.map((topic) => topic.id),
    sources: 100,
    sourceUrl: (n) => `http://127.0.0.1:${storeServer.port}/feed/${n}`,
    parisDate,
  });
  const buildMs = Date.now() - built;
  const pristine = path.join(work, `magasin-${size}-origine`);
  cpSync(path.join(dir, "veille"), pristine, { recursive: true });
  const restore = () => {
    rmSync(path.join(dir, "veille"), { recursive: true, force: true });
    cpSync(pristine, path.join(dir, "veille"), { recursive: true });
  };
  const bytes = [...months.keys()].reduce(
    (sum, month) => sum + readFileSync(path.join(pristine, "items", `${month}.jsonl`)).length,
    0,
  );
  const n = num(size);
  const store = { size, months, buildMs, bytes };
  store.read = measure(
    `magasin de ${n} entrées : lecture du magasin entier seule (readAllMonths, en mémoire)`,
    process.execPath,
    [readStoreScript, dir],
    {
      internal: true,
      runs: HEAVY_RUNS,
      after: (_result, output) => {
        if (output.items !== size) throw new Error(`lecture : ${output.items} entrées`);
      },
    },
  );
  store.keys = measure(
    `magasin de ${n} entrées : lecture des seules clés des entrées (readStoreKeys, en mémoire)`,
    process.execPath,
    [readStoreScript, dir, "keys"],
    {
      internal: true,
      runs: HEAVY_RUNS,
      after: (_result, output) => {
        // Keys are links (or ids): the generated store has no duplicate.
        if (output.items !== size) throw new Error(`clés : ${output.items} entrées`);
      },
    },
  );
  store.pull = measure(
    `magasin de ${n} entrées : pile veille pull d'une source de 50 nouvelles entrées (--no-digest)`,
    process.execPath,
    pile(["veille", "pull", "--source", "nouvelles", "--no-digest", "--json"]),
    {
      cwd: dir,
      runs: HEAVY_RUNS,
      before: () => {
        restore();
        storeServer.requests();
      },
      after: (result) => {
        pulled(`pull, magasin de ${n}`, result, 50);
        const counts = storeServer.requests();
        if (counts.total !== 1 || counts.ok !== 1)
          throw new Error(`pull, magasin de ${n} : ${JSON.stringify(counts)}`);
      },
    },
  );
  // From here on, the store holds the 50 new items of the last pull.
  store.listed = [];
  store.list = measure(
    `magasin de ${n} entrées : pile veille list --since ${weekAgo} --json`,
    process.execPath,
    pile(["veille", "list", "--since", weekAgo, "--json"]),
    {
      cwd: dir,
      runs: HEAVY_RUNS,
      after: (result) => store.listed.push(JSON.parse(result.stdout).length),
    },
  );
  store.digested = [];
  store.digest = measure(
    `magasin de ${n} entrées : pile veille digest --week ${thisWeek.key} (semaine des nouvelles entrées)`,
    process.execPath,
    pile(["veille", "digest", "--week", thisWeek.key, "--json"]),
    {
      cwd: dir,
      runs: HEAVY_RUNS,
      after: (result) => store.digested.push(JSON.parse(result.stdout).counts.items),
    },
  );
  // What each command reads: the whole store for pull (its index of held items),
  // the months around the dates asked for list and digest.
  const margin = (date, delta) => {
    const [y, m] = date.split("-").map(Number);
    const d = new Date(Date.UTC(y, m - 1 + delta, 1));
    return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
  };
  const fresh = parisDate(now).slice(0, 7);
  const count = (keep) =>
    [...months].reduce((sum, [month, items]) => sum + (keep(month) ? items : 0), 0) +
    (keep(fresh) ? 50 : 0);
  const inDigest = digestMonthFilter(thisWeek);
  store.readBy = {
    all: size,
    // The pull parses in full only the month its new items go to; it reads the keys of all.
    pull: count((month) => month === fresh),
    list: count((month) => month >= margin(weekAgo, -1)),
    digest: count(inDigest),
  };
  if (size === 100_000) {
    // A full past week of 1 000 items, over the 100 000.
    store.readBy.digestWeek = count(digestMonthFilter(weekPeriod(parseIsoWeek(lastWeekKey))));
    store.weekDigested = [];
    store.digestWeek = measure(
      `pile veille digest --week ${lastWeekKey}, semaine de 1 000 entrées, magasin de 100 000`,
      process.execPath,
      pile(["veille", "digest", "--week", lastWeekKey, "--json"]),
      {
        cwd: dir,
        runs: HEAVY_RUNS,
        after: (result) => store.weekDigested.push(JSON.parse(result.stdout).counts.items),
      },
    );
    store.digestCore = measure(
      "même synthèse, construction et rendu seuls (en mémoire, magasin déjà lu)",
      process.execPath,
      [digestCore, dir, lastWeekKey],
      { internal: true, runs: HEAVY_RUNS },
    );
  }
  stores[size] = store;
}
storeServer.stop();

rmSync(work, { recursive: true, force: true });

// --------------------------------------------------------------------- report

const x = (ratio) => ratio.toFixed(2).replace(".", ",");
const mio = (value) => (value ? `${value.toFixed(0)} Mio` : "—");
const row = (f) =>
  `| ${f.label} | ${f.runs} | ${fmt(f.median)} | ${fmt(f.min)} | ${fmt(f.max)} | ${mio(f.memory)} |`;
const table = (list) =>
  [
    "| Mesure | Exécutions | Médiane | Min | Max | Mémoire max |",
    "|---|---:|---:|---:|---:|---:|",
    ...list.filter(Boolean).map(row),
  ].join("\n");
const uniq = (values) =>
  [...new Set(values)].map((v) => (typeof v === "number" ? num(v) : v)).join(" / ");
const countsText = (list) =>
  `${uniq(list.map((c) => c.total))} requêtes, ${uniq(list.map((c) => c.ok))} réponses 200, ${uniq(list.map((c) => c.notModified))} réponses 304, ${uniq(list.map((c) => c.conditional))} requêtes conditionnelles (If-None-Match ou If-Modified-Since)`;
const cpu = os.cpus()[0]?.model ?? "inconnu";
const loadAtEnd = os.loadavg();
const load = (l) => l.map((v) => v.toFixed(2).replace(".", ",")).join(" ; ");
const minutes = ((Date.now() - benchStart) / 60_000).toFixed(1).replace(".", ",");
const small = stores[10_000];
const large = stores[100_000];
const growth = (key) => large[key].median / small[key].median;
const nbFloor = 2600;

const secondPass = nbRequests.second[0];
const newsboatSection = `${table([figures.pullCold, figures.pullColdNoDigest, figures.pullColdNoCache, figures.nbCold, figures.pullWarm, figures.pullWarmNoDigest, figures.nbSecond, figures.nbWarm])}

${
  newsboat
    ? `${newsboat}, lancé sans interface (\`newsboat -x reload\`, configuration temporaire : \`reload-threads 8\` comme la concurrence de pile, \`download-timeout 20\`, \`download-retries 1\`, \`max-items 0\` ; \`-C config -u urls -c cache.db\`, HOME temporaire), sur les 100 mêmes adresses du même serveur local${GNU_TIME ? " ; mémoire mesurée par GNU time (`%M`)" : ""}.`
    : "newsboat absent : apt-get install newsboat"
} Ce que le serveur a reçu, à chaque exécution :

- pile, premier passage : ${countsText(pileRequests.cold)} ; 5 000 nouvelles entrées rangées à chaque fois
- pile, passages suivants : ${countsText(pileRequests.warm)}${
  newsboat
    ? `
- newsboat, premier passage (cache vide) : ${countsText(nbRequests.cold)} ; \`newsboat -x print-unread\` après chaque passage : 5 000 articles (newsboat sort avec le code 0 même quand aucun flux n'a pu être lu : c'est son cache qui prouve le travail)${nbEtags.first === undefined ? "" : ` ; ETag enregistrés dans son cache (table rss_feed, lue avec sqlite3) : ${nbEtags.first} sur 100`}
- newsboat, deuxième passage : ${countsText(nbRequests.second)}${nbEtags.second === undefined ? "" : ` ; ETag enregistrés ensuite : ${nbEtags.second} sur 100`}${secondPass.conditional === 0 && nbEtags.first === 0 ? ` — le premier passage de newsboat n'enregistre pas les ETag (selon le signalement du défaut, il tente de les écrire avant d'avoir créé la ligne du flux dans son cache) : le deuxième passage n'envoie donc aucune requête conditionnelle, et les ETag ne servent qu'à partir du troisième (défaut connu de newsboat : https://github.com/newsboat/newsboat/issues/2734)` : ""}
- newsboat, passages suivants : ${countsText(nbRequests.warm)}`
    : ""
}`;

const newsboatComparison = newsboat
  ? `
- pile / newsboat, même travail (100 sources × 50 entrées, 200 ms de latence, 8 en parallèle ; cible : pile plus rapide, soit un rapport inférieur à 1) : premier passage ${x(figures.pullCold.median / figures.nbCold.median)} (${fmt(figures.pullCold.median)} contre ${fmt(figures.nbCold.median)}, synthèse comprise ; ${x(figures.pullColdNoDigest.median / figures.nbCold.median)} sans elle ; ${x(figures.pullColdNoCache.median / figures.nbCold.median)} avec un feeds.yaml jamais vu) ; passages avec 304 ${x(figures.pullWarm.median / figures.nbWarm.median)} (${fmt(figures.pullWarm.median)} contre ${fmt(figures.nbWarm.median)}, synthèse de la semaine comprise, que newsboat ne fait pas ; sans elle, ${x(figures.pullWarmNoDigest.median / figures.nbWarm.median)}) ; deuxième passage de newsboat, sans requêtes conditionnelles : ${fmt(figures.nbSecond.median)} ; newsboat au premier passage : ${x(figures.nbCold.median / nbFloor)} × le plancher de 2,6 s ; mémoire max : pile ${mio(figures.pullCold.memory)}, newsboat ${mio(figures.nbCold.memory)}`
  : "\n- newsboat absent : apt-get install newsboat";

const parseLine = (name, p) =>
  `- ${name} de 5 000 entrées (${p.size}) : pile (parseFeed + normaliseItems, thèmes de feeds.yaml compris) / rss-parser seul : ${x(p.pile.median / p.rssParser.median)} en temps (${fmt(p.pile.median)} contre ${fmt(p.rssParser.median)} ; parseFeed seul ${fmt(p.pileParse.median)}, soit ${x(p.pileParse.median / p.rssParser.median)} × rss-parser ; normaliseItems environ ${fmt(p.pile.median - p.pileParse.median)}, dont environ ${fmt(p.pile.median - p.pileNoTag.median)} pour les thèmes) ; mémoire max ${mio(p.pile.memory)} contre ${mio(p.rssParser.memory)} (${mio(p.read.memory)} pour Node seul avec le fichier lu)`;

const storeLine = (key, name, readBy) => {
  const ratio = growth(key);
  const read = large.readBy[readBy] / small.readBy[readBy];
  return `- ${name} : ${fmt(small[key].median)} à 10 000 entrées, ${fmt(large[key].median)} à 100 000, soit ${x(ratio)} × pour un magasin 10 × plus grand (${ratio <= 10 ? "pas plus vite que le magasin" : "plus vite que le magasin"}) ; entrées lues : ${num(small.readBy[readBy])} puis ${num(large.readBy[readBy])} (${x(read)} ×)`;
};

const report = `# Mesures de performance de pile

Produit par \`npm run bench\` le ${new Date().toISOString().slice(0, 10)} ; chaque mesure est la médiane de plusieurs exécutions (nombre indiqué), avec le minimum et le maximum : ${RUNS} par défaut, ${HEAVY_RUNS} pour les mesures lourdes (grand magasin, décompositions) ; \`PILE_BENCH_RUNS\` fixe ce nombre pour toutes. Durée totale : ${minutes} min.

- Machine : ${os.cpus().length} cœurs (${cpu}), ${(os.totalmem() / 2 ** 30).toFixed(0)} Gio de mémoire, ${os.platform()} ${os.release()}
- Node.js : ${process.version}
- Charge de la machine (moyenne sur 1, 5 et 15 min) : ${load(loadAtStart)} au début, ${load(loadAtEnd)} à la fin (\`uptime\` au début : ${uptimeAtStart ?? "indisponible"}) ; d'autres travaux tournaient en même temps : les durées absolues en pâtissent, les rapports mesurés dans la même exécution moins
- Aucun accès au réseau : les flux viennent d'un serveur local sur 127.0.0.1 (bench/feed-server.mjs)
- Mémoire max : pic de mémoire résidente du processus (maxRSS), Node compris

## Démarrage et notation

${table([figures.node, figures.help, figures.newDry, figures.scoreCore, figures.score, figures.scoreNoSim])}

## Collecte de la veille : pile et newsboat

${newsboatSection}

${table([figures.pullSerial])}

## Lecture de grands flux (5 000 entrées)

Flux générés de façon déterministe (titres et résumés en français d'environ 300 caractères, dates, liens) ; durée de l'analyse seule, fichier déjà lu, un processus par exécution.

${table([
  parsing.rss.pile,
  parsing.rss.pileNoTag,
  parsing.rss.pileParse,
  parsing.rss.rssParser,
  parsing.rss.read,
  parsing.atom.pile,
  parsing.atom.pileNoTag,
  parsing.atom.pileParse,
  parsing.atom.rssParser,
  parsing.atom.read,
])}

## Taille du magasin : 10 000 et 100 000 entrées

Magasins générés de façon déterministe, écrits directement dans leurs fichiers (${small.months.size} fichiers mensuels ; ${(small.bytes / 2 ** 20).toFixed(1).replace(".", ",")} Mio en ${small.buildMs} ms, puis ${(large.bytes / 2 ** 20).toFixed(1).replace(".", ",")} Mio en ${large.buildMs} ms) : ${num(10_000 / WEEKS)} puis ${num(100_000 / WEEKS)} entrées par semaine sur les ${WEEKS} semaines ISO précédant la semaine en cours, 100 sources, dates relatives à l'horloge réelle. La collecte ajoute les 50 entrées d'une source locale (publiées dans l'heure, sans latence) à un magasin remis à l'identique avant chaque exécution ; list et digest portent ensuite sur ce magasin (50 entrées de plus). list a renvoyé ${uniq(small.listed)} puis ${uniq(large.listed)} entrées ; la synthèse de la semaine en cours compte ${uniq(small.digested)} puis ${uniq(large.digested)} entrées.

${table([small.read, large.read, small.keys, large.keys, small.pull, large.pull, small.list, large.list, small.digest, large.digest])}

## Synthèse d'une semaine de 1 000 entrées, magasin de 100 000

${table([large.digestWeek, large.digestCore])}

La synthèse compte ${uniq(large.weekDigested)} entrées ; elle lit les ${uniq(large.digestCore.outputs.map((o) => o.read))} entrées des fichiers mensuels proches de la semaine, en ${fmt(median(large.digestCore.outputs.map((o) => o.readMs)))} (médiane, mesurée dans le processus en mémoire) ; texte Markdown de ${uniq(large.digestCore.outputs.map((o) => `${Math.round(o.bytes / 1024)} Kio`))}.

## Comparaisons (mesurées dans la même exécution)

- \`pile --help\` / \`node -e 0\` : ${x(figures.help.median / figures.node.median)} (cible : au plus 2,5)
- \`pile study new --dry-run\` / \`node -e 0\` : ${x(figures.newDry.median / figures.node.median)} (cible : au plus 2,5)
- \`pile veille pull\`, 100 sources × 50 entrées à 200 ms de latence, 8 en parallèle : plancher théorique 13 tours × 0,2 s = 2,6 s ; premier passage ${fmt(figures.pullCold.median)}, soit ${x(figures.pullCold.median / nbFloor)} × le plancher (${x((figures.pullCold.median - figures.node.median) / nbFloor)} × hors démarrage de Node ; cible : au plus 1,25), dont la synthèse de la semaine, ici de 5 000 entrées ; sans elle (\`--no-digest\`) ${fmt(figures.pullColdNoDigest.median)}, soit ${x((figures.pullColdNoDigest.median - figures.node.median) / nbFloor)} × ; deuxième passage (304) ${fmt(figures.pullWarm.median)}, soit ${x((figures.pullWarm.median - figures.node.median) / nbFloor)} × hors démarrage (cible : au plus 1,15), dont la synthèse de la semaine (5 000 entrées) ; sans elle (\`--no-digest\`) ${fmt(figures.pullWarmNoDigest.median)}, soit ${x((figures.pullWarmNoDigest.median - figures.node.median) / nbFloor)} × ; premier passage avec un feeds.yaml jamais vu (sa lecture n'est pas encore en cache) ${fmt(figures.pullColdNoCache.median)}, soit ${x((figures.pullColdNoCache.median - figures.node.median) / nbFloor)} × ; une source à la fois : ${fmt(figures.pullSerial.median)}${newsboatComparison}
- Notation de 1 000 pistes × 12 critères avec 10 000 tirages : le calcul seul ${fmt(figures.scoreCore.median)} (cible : moins de 2 s) ; de bout en bout, avec la lecture d'un fichier YAML de 1 000 pistes, ${fmt(figures.score.median)} (dont ${fmt(figures.scoreNoSim.median)} sans la simulation)
${parseLine("Flux RSS 2.0", parsing.rss)}
${parseLine("Flux Atom", parsing.atom)}
- Magasin 10 × plus grand (100 000 entrées contre 10 000), durée de bout en bout, démarrage de Node compris (cible : un coût qui ne croît pas plus vite que le magasin, rapport au plus 10) :
  ${storeLine("read", "lecture du magasin entier seule (readAllMonths)", "all")}
  ${storeLine("keys", "lecture des seules clés de toutes les entrées (readStoreKeys)", "all")}
  ${storeLine("pull", "`pile veille pull` de 50 nouvelles entrées", "pull")} ; pour reconnaître les entrées déjà connues, cette commande lit les clés de tout le magasin (${fmt(small.keys.median)} puis ${fmt(large.keys.median)}, contre ${fmt(small.read.median)} puis ${fmt(large.read.median)} pour tout lire), et n'analyse en entier que les mois qu'elle modifie (les « entrées lues » ci-contre) : c'est la lecture des clés qui croît encore avec le magasin
  ${storeLine("list", `\`pile veille list --since ${weekAgo}\``, "list")} ; ne lit que les mois autour de la date : son coût suit le nombre d'entrées par mois, pas la taille totale du magasin
  ${storeLine("digest", `\`pile veille digest --week ${thisWeek.key}\``, "digest")} ; ne lit que les fichiers mensuels proches de la semaine : même remarque
- Synthèse d'une semaine de 1 000 entrées sur un magasin de 100 000 : ${fmt(large.digestWeek.median)} de bout en bout (démarrage de Node et lecture de ${num(large.readBy.digestWeek)} entrées compris), dont ${fmt(large.digestCore.median)} pour la construction et le rendu seuls (cible : nettement moins d'une seconde)
`;
const out = path.join(root, "bench", "RESULTS.md");
writeFileSync(out, report);
console.log(report);
console.error(`Rapport écrit dans ${path.relative(process.cwd(), out) || out}`);
