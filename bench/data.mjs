// Deterministic benchmark data: French feed entries (RSS 2.0 and Atom
// documents) and a watch store written straight to its files
// (veille/items/YYYY-MM.jsonl, veille/sources.json). Used by bench/run.mjs.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { prng as generator } from "../dist/scoring/simulate.js";

export { generator };

const pick = (random, list) => list[Math.floor(random() * list.length)];

const SUBJECTS = [
  "L'éco-organisme de la filière textile",
  "Le ministère de la Transition écologique",
  "La métropole du Grand Paris",
  "Une ressourcerie du 18e arrondissement",
  "Le fonds réemploi",
  "L'ADEME",
  "Le réseau des recycleries et ressourceries",
  "Une entreprise à but d'emploi",
  "La région Île-de-France",
  "Un chantier d'insertion",
  "Le conseil départemental",
  "L'expérimentation Territoires zéro chômeur de longue durée",
];
const ACTIONS = [
  "lance un appel à projets pour",
  "publie un décret sur",
  "ouvre une consultation sur",
  "présente son bilan sur",
  "revoit le cahier des charges pour",
  "annonce de nouveaux financements pour",
  "signe une convention sur",
  "fixe de nouveaux objectifs pour",
];
const OBJECTS = [
  "la collecte des textiles d'habillement",
  "le réemploi des éléments d'ameublement",
  "la réparation des équipements électriques et électroniques",
  "les emballages ménagers",
  "les articles de sport et de loisirs",
  "les jouets",
  "les articles de bricolage et de jardin",
  "les produits et matériaux de construction du bâtiment",
  "la lutte contre la destruction des invendus",
  "l'insertion par l'activité économique",
  "les clauses sociales des marchés publics",
  "les structures de l'économie sociale et solidaire",
];
const PLACES = [
  "à Paris",
  "en Seine-Saint-Denis",
  "dans les quartiers prioritaires",
  "en Île-de-France",
  "dans le Val-de-Marne",
  "au niveau national",
  "dans les territoires ruraux",
  "à Montreuil",
];
const SENTENCES = [
  "Les structures de l'économie sociale et solidaire ont jusqu'au 31 janvier pour déposer leur dossier.",
  "Le texte précise les conditions de soutien au réemploi et à la réparation.",
  "Les collectivités sont invitées à se rapprocher de leur référent territorial.",
  "Le barème des soutiens versés aux opérateurs de tri évolue au 1er janvier.",
  "Cette mesure concerne en priorité les recycleries et les ressourceries.",
  "Une réunion d'information est prévue en visioconférence le mois prochain.",
  "Les premiers résultats montrent une hausse des tonnages collectés.",
  "Les entreprises à but d'emploi pourront y répondre en groupement.",
  "Le dispositif s'adresse aussi aux chantiers d'insertion et aux régies de quartier.",
  "Le comité de suivi se réunira avant la fin du trimestre pour en faire le bilan.",
];

/** A French title, about 100 characters. */
export function frenchTitle(random) {
  return `${pick(random, SUBJECTS)} ${pick(random, ACTIONS)} ${pick(random, OBJECTS)} ${pick(random, PLACES)}`;
}

/** A French summary of about `length` characters, whole sentences. */
export function frenchSummary(random, length = 300) {
  const parts = [];
  let size = 0;
  while (size < length) {
    const sentence = pick(random, SENTENCES);
    parts.push(sentence);
    size += sentence.length + 1;
  }
  return parts.join(" ");
}

const escapeXml = (text) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const slugs = new Map();

function slug(text) {
  let known = slugs.get(text);
  if (known === undefined) {
    known = makeSlug(text);
    slugs.set(text, known);
  }
  return known;
}

function makeSlug(text) {
  return text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 60);
}

/** The entries of a large feed, newest first, one every 30 minutes before `end`. */
function feedEntries(count, end, seed) {
  const random = generator(seed);
  return Array.from({ length: count }, (_, i) => {
    const title = frenchTitle(random);
    const date = new Date(end.getTime() - i * 30 * 60_000 - Math.floor(random() * 600_000));
    return {
      i,
      title,
      link: `https://www.exemple-veille.fr/actualites/${date.toISOString().slice(0, 10)}/${slug(title)}-${i}?utm_source=rss&utm_medium=flux`,
      date,
      summary: frenchSummary(random),
      category: pick(random, ["Réemploi", "Insertion", "REP", "Marchés publics", "ESS"]),
    };
  });
}

/** An RSS 2.0 document of `count` items (HTML descriptions, RFC 822 dates). */
export function rssDocument(count, end = new Date(Date.UTC(2026, 10, 27, 17))) {
  const items = feedEntries(count, end, 7).map(
    (e) =>
      `<item><title>${escapeXml(e.title)}</title><link>${escapeXml(e.link)}</link><guid isPermaLink="false">actu-${e.i}</guid><pubDate>${e.date.toUTCString().replace("GMT", "+0000")}</pubDate><dc:creator>Rédaction</dc:creator><category>${escapeXml(e.category)}</category><description>${escapeXml(`<p>${e.summary}</p>`)}</description></item>`,
  );
  return `<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Actualités de la veille</title><link>https://www.exemple-veille.fr/</link><description>Flux de démonstration</description><language>fr</language>\n${items.join("\n")}\n</channel></rss>\n`;
}

/** An Atom document of `count` entries (tag: ids, HTML summaries, RFC 3339 dates). */
export function atomDocument(count, end = new Date(Date.UTC(2026, 10, 27, 17))) {
  const entries = feedEntries(count, end, 11).map(
    (e) =>
      `<entry><title>${escapeXml(e.title)}</title><link rel="alternate" type="text/html" href="${escapeXml(e.link)}"/><id>tag:exemple-veille.fr,2026:actu-${e.i}</id><published>${e.date.toISOString()}</published><updated>${e.date.toISOString()}</updated><author><name>Rédaction</name></author><category term="${escapeXml(e.category)}"/><summary type="html">${escapeXml(`<p>${e.summary}</p>`)}</summary></entry>`,
  );
  return `<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr"><title>Actualités de la veille</title><id>tag:exemple-veille.fr,2026:flux</id><updated>${end.toISOString()}</updated><link rel="alternate" href="https://www.exemple-veille.fr/"/>\n${entries.join("\n")}\n</feed>\n`;
}

const WEEK_MS = 7 * 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * Writes a store of `count` items under `root` (veille/items/*.jsonl and
 * veille/sources.json), spread evenly over the `weeks` ISO weeks before
 * `currentWeekStart` (Monday 00:00 Paris time): count / weeks items a week,
 * each first seen within three hours of its publication, from `sources`
 * sources (`sourceUrl(n)` in their state), tagged with 0 to 3 of `topicIds`. Files are written directly, in
 * the store's own format (keys in order, oldest first). Returns the number of
 * items of each month file.
 */
export function writeStore(
  root,
  { count, weeks, currentWeekStart, topicIds, sources, sourceUrl, parisDate },
) {
  const random = generator(20_261_128);
  const perWeek = count / weeks;
  const items = path.join(root, "veille", "items");
  mkdirSync(items, { recursive: true });
  // Items come oldest first: each month file is written as soon as the next month starts.
  const counts = new Map();
  let month;
  let lines = [];
  const flush = () => {
    if (month === undefined) return;
    writeFileSync(path.join(items, `${month}.jsonl`), `${lines.join("\n")}\n`);
    counts.set(month, lines.length);
    lines = [];
  };
  // The Paris day is the same for a whole UTC hour (offsets are whole hours).
  const monthOfHour = new Map();
  const usable = WEEK_MS - 6 * HOUR_MS; // one hour of margin after Monday 00:00, five before the next
  for (let n = 0; n < count; n++) {
    const week = Math.floor(n / perWeek);
    const k = n - week * perWeek;
    const weekStart = currentWeekStart.getTime() - (weeks - week) * WEEK_MS;
    const time = Math.floor(weekStart + HOUR_MS + ((k + 0.5) / perWeek) * usable);
    const published = new Date(time);
    const source = Math.floor(random() * sources);
    const title = frenchTitle(random);
    const summary = frenchSummary(random, 260).slice(0, 299);
    const link = `https://source${source}.exemple.fr/actualites/${published.toISOString().slice(0, 7)}/${slug(title)}-${n}`;
    const tags = [];
    for (let t = Math.floor(random() * 4); t > 0; t--) {
      const tag = pick(random, topicIds);
      if (!tags.includes(tag)) tags.push(tag);
    }
    const itemSources = [`s${source}`];
    if (random() < 0.03) itemSources.push(`s${(source + 1) % sources}`);
    const line = JSON.stringify({
      id: random() < 0.5 ? link : `s${source}:article-${n}`,
      title,
      link,
      published: published.toISOString(),
      dated: true,
      firstSeen: new Date(time + Math.floor(random() * 3 * HOUR_MS)).toISOString(),
      summary,
      sources: itemSources,
      tags,
    });
    const hour = Math.floor(time / HOUR_MS);
    let itemMonth = monthOfHour.get(hour);
    if (itemMonth === undefined) {
      itemMonth = parisDate(published).slice(0, 7);
      monthOfHour.set(hour, itemMonth);
    }
    if (itemMonth !== month) {
      flush();
      month = itemMonth;
    }
    lines.push(line);
  }
  flush();
  const stamp = currentWeekStart.toISOString();
  const state = {};
  for (let s = 0; s < sources; s++) {
    state[`s${s}`] = {
      url: sourceUrl(s),
      etag: `"v${s}"`,
      lastSuccess: stamp,
      consecutiveFailures: 0,
      lastNewItem: stamp,
    };
  }
  const sorted = Object.fromEntries(
    Object.keys(state)
      .sort()
      .map((id) => [id, state[id]]),
  );
  writeFileSync(
    path.join(root, "veille", "sources.json"),
    `${JSON.stringify({ version: 1, sources: sorted }, null, 2)}\n`,
  );
  return counts;
}
