import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { NEW_STUDY_FLAGS, runPile, STUDY_ID, tempWorkspace } from "../helpers/harness.js";
import { messageFlaws, treeDigest } from "../helpers/tree.js";

/**
 * Malformed input, one row each: the command runs in-process on a fresh
 * workspace and must refuse with a French message that says where (file:line:column
 * when there is a line), with exit code 2 (1 for `pile study check`, whose job
 * is to report broken dossiers), without a stack trace, and without changing a
 * single byte of the workspace (every file and folder is fingerprinted before
 * and after).
 */

interface Row {
  /** What is wrong, as a person would say it. */
  name: string;
  /** Make a study first (STUDY_ID). */
  study?: boolean;
  /** Break the workspace: workspace-relative path → new content, or a function of the old one. */
  files?: Record<string, string | Buffer | ((old: string) => string | Buffer)>;
  /** Folders to make (a file name taken by a folder). */
  folders?: string[];
  args: string[];
  /** 2 unless said. */
  code?: number;
  /** `file:line:column` the message must give, or the file alone when there is no line. */
  where: string;
  /** A fragment of the French explanation. */
  says: string;
  /** Also run with --json: stdout is one JSON document with an `error` object. */
  json?: boolean;
}

const study = `studies/${STUDY_ID}/study.yaml`;

/** A small grid with known line numbers. */
const GRID = [
  "scale: {min: 0, max: 5}", // 1
  "criteria:", // 2
  "  - id: supplementarite", // 3
  "    label: Supplémentarité", // 4
  "    weight: 3", // 5
  "    direction: benefit", // 6
  "    veto: {min: 1}", // 7
  "  - id: investissement", // 8
  "    label: Investissement", // 9
  "    weight: 1", // 10
  "    direction: cost", // 11
  "",
].join("\n");

const IDEAS = [
  "ideas:", // 1
  "  - id: recyclerie", // 2
  "    title: Recyclerie textile", // 3
  "    scores:", // 4
  "      supplementarite: 4", // 5
  "  - id: legumerie", // 6
  "    title: Légumerie", // 7
  "    scores:", // 8
  "      supplementarite: 3", // 9
  "",
].join("\n");

/** Replaces one exact line (1-based) of a text. */
function line(number: number, text: string): (old: string) => string {
  return (old) => {
    const lines = old.split("\n");
    lines[number - 1] = text;
    return lines.join("\n");
  };
}

/** Inserts lines after line `number`. */
function after(number: number, ...inserted: string[]): (old: string) => string {
  return (old) => {
    const lines = old.split("\n");
    lines.splice(number, 0, ...inserted);
    return lines.join("\n");
  };
}

/** A YAML file of about 20 MB, valid but for its size. */
const HUGE = `${"# remplissage\n".repeat(1_500_000)}criteria: []\n`;
/** Binary garbage with NUL bytes. */
const BINARY = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0xff, 0xfe,
]);
/** A byte that is not UTF-8 (é in Latin-1), on line 4. */
const latin1 = (text: string) => Buffer.from(text, "latin1");
/** The text with one raw byte (not UTF-8) after the first `marker`. */
function withByte(text: string, marker: string, byte: number): Buffer {
  const at = text.indexOf(marker) + marker.length;
  return Buffer.concat([
    Buffer.from(text.slice(0, at)),
    Buffer.from([byte]),
    Buffer.from(text.slice(at)),
  ]);
}
/** Aliases that expand exponentially (a "billion laughs"). */
const BOMB = [
  "a: &a [x, x, x, x, x, x, x, x, x, x]",
  "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]",
  "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]",
  "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]",
  "criteria: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]",
  "",
].join("\n");

const SCORE = ["study", "score", STUDY_ID, "--set", "supplementarite=4"];
const ADVANCE = ["study", "advance", STUDY_ID, "--date", "2026-12-15"];
const RANK = ["score", "--simulations", "0"];
const IDEAS_RANK = ["score", "--ideas", "idees.yaml", "--simulations", "0"];

const ROWS: Row[] = [
  // criteria.yaml
  {
    name: "criteria.yaml: unclosed bracket",
    files: { "criteria.yaml": line(4, "    label: [Supplémentarité") },
    args: RANK,
    where: "criteria.yaml:4:12",
    says: "crochet ouvert ici et jamais fermé",
    json: true,
  },
  {
    name: "criteria.yaml: a tab as indentation",
    files: { "criteria.yaml": line(5, "\tweight: 3") },
    args: SCORE,
    study: true,
    where: "criteria.yaml:5:1",
    says: "tabulation",
  },
  {
    name: "criteria.yaml: a negative weight",
    files: { "criteria.yaml": line(5, "    weight: -2") },
    args: RANK,
    where: "criteria.yaml:5:13",
    says: "un poids doit être strictement positif",
    json: true,
  },
  {
    name: "criteria.yaml: a weight that is a word",
    files: { "criteria.yaml": line(5, "    weight: beaucoup") },
    args: SCORE,
    study: true,
    where: "criteria.yaml:5:13",
    says: "doit être un nombre",
  },
  {
    name: "criteria.yaml: a criterion id twice",
    files: { "criteria.yaml": line(8, "  - id: supplementarite") },
    args: RANK,
    where: "criteria.yaml:8:9",
    says: "apparaît deux fois",
  },
  {
    name: "criteria.yaml: an unknown key",
    files: { "criteria.yaml": after(6, "    couleur: bleu") },
    args: RANK,
    where: "criteria.yaml:7:5",
    says: "clé inconnue « couleur »",
  },
  {
    name: "criteria.yaml: a veto outside the scale",
    files: { "criteria.yaml": line(7, "    veto: {min: 9}") },
    args: SCORE,
    study: true,
    where: "criteria.yaml:7:17",
    says: "seuil éliminatoire 9",
  },
  {
    name: "criteria.yaml: no criterion",
    files: { "criteria.yaml": "criteria: []\n" },
    args: RANK,
    where: "criteria.yaml:1:11",
    says: "au moins un critère",
  },
  {
    name: "criteria.yaml: a key written twice",
    files: { "criteria.yaml": after(4, "    label: Doublon") },
    args: RANK,
    where: "criteria.yaml:5:5",
    says: "clé en double",
  },
  {
    name: "criteria.yaml: an unknown direction",
    files: { "criteria.yaml": line(6, "    direction: benefice") },
    args: RANK,
    where: "criteria.yaml:6:16",
    says: "valeurs possibles : benefit, cost",
  },
  {
    name: "criteria.yaml: a level outside the scale",
    files: { "criteria.yaml": after(7, '    levels: {"7": Excellent}') },
    args: SCORE,
    study: true,
    where: "criteria.yaml:8:19",
    says: "le niveau 7 est hors de l'échelle",
  },
  {
    name: "criteria.yaml: 20 MB",
    files: { "criteria.yaml": HUGE },
    args: RANK,
    where: "criteria.yaml",
    says: "trop volumineux",
  },
  {
    name: "criteria.yaml: binary garbage with NUL bytes",
    files: { "criteria.yaml": BINARY },
    args: SCORE,
    study: true,
    where: "criteria.yaml",
    says: "n'est pas un fichier texte",
    json: true,
  },
  {
    name: "criteria.yaml: invalid UTF-8 (saved in Latin-1)",
    files: { "criteria.yaml": latin1(GRID) },
    args: RANK,
    where: "criteria.yaml:4:17",
    says: "UTF-8",
    json: true,
  },
  {
    name: "criteria.yaml: an alias bomb",
    files: { "criteria.yaml": BOMB },
    args: RANK,
    where: "criteria.yaml",
    says: "trop d'alias",
  },
  {
    name: "criteria.yaml: a folder",
    folders: ["criteria.yaml"],
    args: RANK,
    where: "criteria.yaml",
    says: "est un dossier",
  },

  // pile.yaml
  {
    name: "pile.yaml: an unknown key",
    files: { "pile.yaml": "territoires:\n  - id: 13e\n    label: Paris 13e\n" },
    args: NEW_STUDY_FLAGS,
    where: "pile.yaml:1:1",
    says: "clé inconnue « territoires »",
    json: true,
  },
  {
    name: "pile.yaml: a territory id with ../",
    files: { "pile.yaml": "territories:\n  - id: ../x\n    label: Ailleurs\n" },
    args: NEW_STUDY_FLAGS,
    where: "pile.yaml:2:9",
    says: "identifiant en minuscules",
  },
  {
    name: "pile.yaml: the same territory twice",
    files: {
      "pile.yaml":
        "territories:\n  - id: 18e\n    label: Paris 18e\n  - id: 18e\n    label: Encore\n",
    },
    args: NEW_STUDY_FLAGS,
    where: "pile.yaml:4:9",
    says: "apparaît deux fois",
  },
  {
    name: "pile.yaml: territories as a text",
    files: { "pile.yaml": "territories: 13e, 18e\n" },
    args: NEW_STUDY_FLAGS,
    where: "pile.yaml:1:14",
    says: "doit être une liste",
  },
  {
    name: "pile.yaml: unclosed quote",
    files: { "pile.yaml": 'territories:\n  - id: 18e\n    label: "Paris 18e\n' },
    args: NEW_STUDY_FLAGS,
    where: "pile.yaml:3:12",
    says: "guillemet ouvert ici et jamais fermé",
  },

  {
    name: "pile.yaml: a sector without a label",
    files: { "pile.yaml": 'sectors:\n  - id: recyclage\n    label: ""\n' },
    args: NEW_STUDY_FLAGS,
    where: "pile.yaml:3:12",
    says: "ne peut pas être vide",
  },

  {
    name: "pile.yaml: invalid UTF-8",
    files: {
      "pile.yaml": latin1(
        "territories:\n  - id: 18e\n    label: Paris 18e\n    ebe: Activ'18 Créteil\n",
      ),
    },
    args: NEW_STUDY_FLAGS,
    where: "pile.yaml:4:21",
    says: "n'est pas enregistré en UTF-8",
  },

  // feeds.yaml
  {
    name: "feeds.yaml: a javascript: URL",
    files: { "feeds.yaml": "sources:\n  - id: x\n    title: X\n    url: javascript:alert(1)\n" },
    args: ["veille", "pull"],
    where: "feeds.yaml:4:10",
    says: "adresse http:// ou https:// attendue",
    json: true,
  },
  {
    name: "feeds.yaml: a file: URL out of the workspace",
    files: { "feeds.yaml": "sources:\n  - id: x\n    title: X\n    url: file:../../etc/passwd\n" },
    args: ["veille", "pull"],
    where: "feeds.yaml:4:10",
    says: "chemin relatif à l'espace de travail",
  },
  {
    name: "feeds.yaml: the same source twice",
    files: {
      "feeds.yaml":
        "sources:\n  - id: x\n    title: X\n    url: file:a.xml\n  - id: x\n    title: Y\n    url: file:b.xml\n",
    },
    args: ["veille", "pull"],
    where: "feeds.yaml:5:9",
    says: "la source « x » apparaît deux fois",
  },
  {
    name: "feeds.yaml: a concurrency in words",
    files: { "feeds.yaml": "settings:\n  concurrency: huit\nsources: []\n" },
    args: ["veille", "pull"],
    where: "feeds.yaml:2:16",
    says: "doit être un nombre",
  },
  {
    name: "feeds.yaml: an unknown key in a source",
    files: {
      "feeds.yaml":
        "sources:\n  - id: x\n    title: X\n    url: https://exemple.org/flux\n    adresse: https://exemple.org/flux\n",
    },
    args: ["veille", "pull"],
    where: "feeds.yaml:5:5",
    says: "clé inconnue « adresse »",
  },
  {
    name: "feeds.yaml: a tab as indentation",
    files: { "feeds.yaml": "sources:\n  - id: x\n\ttitle: X\n" },
    args: ["veille", "pull"],
    where: "feeds.yaml:3:1",
    says: "tabulation",
  },
  {
    name: "feeds.yaml: NUL bytes",
    files: { "feeds.yaml": "sources:\u0000\u0000\n" },
    args: ["veille", "pull"],
    where: "feeds.yaml",
    says: "n'est pas un fichier texte",
  },
  {
    name: "feeds.yaml: invalid UTF-8",
    files: {
      "feeds.yaml": latin1(
        "sources:\n  - id: x\n    title: Flux de l'ADEME (économie)\n    url: https://exemple.org/flux\n",
      ),
    },
    args: ["veille", "pull"],
    where: "feeds.yaml:3:29",
    says: "n'est pas enregistré en UTF-8",
  },
  {
    name: "feeds.yaml: sources as a map",
    files: { "feeds.yaml": "sources:\n  x: https://exemple.org/flux\n" },
    args: ["veille", "pull"],
    where: "feeds.yaml:2:3",
    says: "doit être une liste",
  },

  {
    name: "feeds.yaml: a source whose file is missing (--dry-run: partial, exit 1)",
    files: {
      "feeds.yaml":
        "sources:\n  - id: absente\n    title: Absente\n    url: file:flux/absent.xml\n",
    },
    args: ["veille", "pull", "--dry-run"],
    code: 1,
    where: "absente",
    says: "fichier introuvable",
  },

  // study.yaml
  {
    name: "study.yaml: an unknown stage",
    study: true,
    files: { [study]: line(13, "stage: terminee") },
    args: ADVANCE,
    where: `${study}:13:8`,
    says: "terminee",
    json: true,
  },
  {
    name: "study.yaml: no title",
    study: true,
    files: { [study]: line(7, "") },
    args: ["study", "interview", STUDY_ID, "--actor", "Retoucherie", "--date", "2026-12-03"],
    where: `${study}:6:1`,
    says: "« title » est obligatoire",
  },
  {
    name: "study.yaml: a creation date that is not a date",
    study: true,
    files: { [study]: line(12, "created: hier") },
    args: ADVANCE,
    where: `${study}:12:10`,
    says: "created",
  },
  {
    name: "study.yaml: unclosed bracket",
    study: true,
    files: { [study]: line(17, "interviews: [") },
    args: ADVANCE,
    where: `${study}:17:13`,
    says: "crochet ouvert ici et jamais fermé",
  },
  {
    name: "study.yaml: git conflict markers",
    study: true,
    files: {
      [study]: line(
        13,
        "<<<<<<< HEAD\nstage: faisabilite\n=======\nstage: pre-etude\n>>>>>>> autre",
      ),
    },
    args: SCORE,
    where: `${study}:13:1`,
    says: "marqueur de conflit git",
  },
  {
    name: "study.yaml: invalid UTF-8",
    study: true,
    files: { [study]: (old) => withByte(old, "Camille Martin", 0xe9) },
    args: SCORE,
    where: `${study}:11:22`,
    says: "UTF-8",
  },
  {
    name: "study.yaml: a score for an unknown criterion",
    study: true,
    files: { [study]: after(17, "scores:", "  inconnu: 3") },
    args: SCORE,
    where: `${study}:19:12`,
    says: "critère inconnu",
    json: true,
  },
  {
    name: "study.yaml: a score out of the scale",
    study: true,
    files: { [study]: after(17, "scores:", "  utilite_territoriale: 9") },
    args: SCORE,
    where: `${study}:19:25`,
    says: "note 9 hors de l'échelle",
  },
  {
    name: "study.yaml: an uncertain score with low above high",
    study: true,
    files: { [study]: after(17, "scores:", "  investissement: {low: 4, likely: 3, high: 2}") },
    args: SCORE,
    where: `${study}:19:19`,
    says: "low ≤ likely ≤ high",
  },
  {
    name: "study.yaml: a score in words",
    study: true,
    files: { [study]: after(17, "scores:", "  utilite_territoriale: quatre") },
    args: SCORE,
    where: `${study}:19:25`,
    says: "une note est un nombre",
  },
  {
    name: "study.yaml: raters without anyone",
    study: true,
    files: { [study]: after(17, "scores:", "  utilite_territoriale: {raters: {}}") },
    args: SCORE,
    where: `${study}:19:34`,
    says: "au moins une personne",
  },
  {
    name: "pile study check: an unknown stage (exit 1)",
    study: true,
    files: { [study]: line(13, "stage: terminee") },
    args: ["study", "check"],
    code: 1,
    where: `${study}:13:8`,
    says: "terminee",
  },
  {
    name: "pile study check: study.yaml in Latin-1 (exit 1)",
    study: true,
    files: { [study]: (old) => withByte(old, "Camille Martin", 0xe9) },
    args: ["study", "check"],
    code: 1,
    where: `${study}:11:22`,
    says: "n'est pas enregistré en UTF-8",
  },
  {
    name: "pile study check: a score out of the scale (exit 1)",
    study: true,
    files: { [study]: after(17, "scores:", "  utilite_territoriale: 9") },
    args: ["study", "check", STUDY_ID],
    code: 1,
    where: `${study}:19:25`,
    says: "hors de l'échelle",
  },

  // --set and --note
  {
    name: "--set: an unknown criterion",
    study: true,
    args: ["study", "score", STUDY_ID, "--set", "inconnu=3"],
    where: "--set",
    says: "Critère inconnu dans --set : « inconnu »",
    json: true,
  },
  {
    name: "--set: a score out of the scale",
    study: true,
    args: ["study", "score", STUDY_ID, "--set", "supplementarite=9"],
    where: "--set supplementarite=9",
    says: "hors de l'échelle",
  },
  {
    name: "--set: a score in words",
    study: true,
    args: ["study", "score", STUDY_ID, "--set", "supplementarite=beaucoup"],
    where: "supplementarite",
    says: "Note illisible",
  },
  {
    name: "--set: no =",
    study: true,
    args: ["study", "score", STUDY_ID, "--set", "supplementarite"],
    where: "--set",
    says: "critère=valeur",
  },
  {
    name: "--set: low above high",
    study: true,
    args: ["study", "score", STUDY_ID, "--set", "investissement=4:3:2"],
    where: "investissement",
    says: "Note illisible",
  },
  {
    name: "--set: Infinity",
    study: true,
    args: ["study", "score", STUDY_ID, "--set", "supplementarite=Infinity"],
    where: "supplementarite",
    says: "Note illisible",
  },
  {
    name: "--note: an unknown criterion",
    study: true,
    args: ["study", "score", STUDY_ID, "--note", "inconnu=Très bien"],
    where: "--note",
    says: "Critère inconnu dans --note",
  },

  // ideas files
  {
    name: "ideas: the same id twice",
    files: { "idees.yaml": line(6, "  - id: recyclerie") },
    args: IDEAS_RANK,
    where: "idees.yaml:6:9",
    says: "la piste « recyclerie » apparaît deux fois",
    json: true,
  },
  {
    name: "ideas: an id with ../",
    files: { "idees.yaml": line(2, "  - id: ../x") },
    args: IDEAS_RANK,
    where: "idees.yaml:2:9",
    says: "identifiant en minuscules",
  },
  {
    name: "ideas: a score for an unknown criterion",
    files: { "idees.yaml": line(9, "      inconnu: 3") },
    args: IDEAS_RANK,
    where: "idees.yaml:9:16",
    says: "critère inconnu",
  },
  {
    name: "ideas: a list instead of ideas:",
    files: { "idees.yaml": "- id: recyclerie\n  title: Recyclerie\n" },
    args: IDEAS_RANK,
    where: "idees.yaml:1:1",
    says: "le document doit être un objet",
  },
  {
    name: "ideas: a score that is true",
    files: { "idees.yaml": line(5, "      supplementarite: true") },
    args: IDEAS_RANK,
    where: "idees.yaml:5:24",
    says: "une note est un nombre",
  },
  {
    name: "ideas: no such file",
    args: ["score", "--ideas", "absentes.yaml"],
    where: "absentes.yaml",
    says: "introuvable",
  },
  {
    name: "ideas: a folder",
    folders: ["idees"],
    args: ["score", "--ideas", "idees"],
    where: "idees",
    says: "c'est un dossier",
  },
  {
    name: "ideas: 20 MB",
    files: { "idees.yaml": HUGE },
    args: IDEAS_RANK,
    where: "idees.yaml",
    says: "trop volumineux",
  },
  {
    name: "ideas: invalid UTF-8",
    files: { "idees.yaml": latin1 },
    args: IDEAS_RANK,
    where: "idees.yaml:7:13",
    says: "UTF-8",
  },

  // flags, ids and paths
  {
    name: '--title "../../.." (no letter)',
    args: NEW_STUDY_FLAGS.map((f) => (f === "Recyclerie textile" ? "../../.." : f)),
    where: "--title",
    says: "au moins une lettre",
    json: true,
  },
  {
    name: "study advance ../x",
    args: ["study", "advance", "../x"],
    where: "../x",
    says: "Identifiant d'étude invalide",
  },
  {
    name: "study score with an id holding a /",
    study: true,
    args: ["study", "score", `studies/${STUDY_ID}`, "--set", "supplementarite=4"],
    where: `studies/${STUDY_ID}`,
    says: "Identifiant d'étude invalide",
  },
  {
    name: "study interview ../../etc",
    args: ["study", "interview", "../../etc", "--actor", "X"],
    where: "../../etc",
    says: "Identifiant d'étude invalide",
  },
  {
    name: "study new: an unknown territory",
    args: NEW_STUDY_FLAGS.map((f) => (f === "18e" ? "99e" : f)),
    where: "--territory",
    says: "Territoire inconnu : « 99e »",
    json: true,
  },
  {
    name: "study new: an unknown sector",
    args: NEW_STUDY_FLAGS.map((f) => (f === "couture-textile" ? "astronautique" : f)),
    where: "--sector",
    says: "Secteur inconnu : « astronautique »",
  },
  {
    name: "study new: 30 February",
    args: NEW_STUDY_FLAGS.map((f) => (f === "2026-11-28" ? "2026-02-30" : f)),
    where: "2026-02-30",
    says: "Date invalide",
  },
  {
    name: "study new: a 300-character title",
    args: NEW_STUDY_FLAGS.map((f) => (f === "Recyclerie textile" ? "Recyclerie ".repeat(30) : f)),
    where: "--title",
    says: "trop long",
  },
  {
    name: "study new: a misspelt option",
    args: [...NEW_STUDY_FLAGS, "--titel", "X"],
    where: "--titel",
    says: "Option inconnue",
  },
  {
    name: "study advance: an unknown stage",
    study: true,
    args: ["study", "advance", STUDY_ID, "--to", "nulle-part"],
    where: "nulle-part",
    says: "Étape inconnue",
  },
  {
    name: "score: a negative number of simulations",
    args: ["score", "--simulations", "-5"],
    where: "--simulations",
    says: "nombre entier",
  },
  {
    name: "score: an unknown method",
    args: ["score", "--method", "magique"],
    where: "magique",
    says: "Méthode inconnue",
  },
  {
    name: "score: an unknown territory",
    args: ["score", "--territory", "99e"],
    where: "99e",
    says: "Territoire inconnu",
  },
  {
    name: "veille pull: an unknown source",
    args: ["veille", "pull", "--source", "inconnue"],
    where: "inconnue",
    says: "Source inconnue",
  },
  {
    name: "--workspace: a folder that does not exist",
    args: ["--workspace", "ailleurs", "study", "list"],
    where: "ailleurs",
    says: "n'est pas un espace de travail pile",
  },
  {
    name: "init: a path that is a file",
    args: ["init", "pile.yaml"],
    where: "pile.yaml",
    says: "n'est pas un dossier",
  },
];

async function prepare(row: Row): Promise<string> {
  const ws = await tempWorkspace();
  if (row.study) {
    const created = await runPile(NEW_STUDY_FLAGS, { cwd: ws });
    if (created.code !== 0) throw new Error(created.stderr);
  }
  // The scoring rows use the small grid and ideas file above unless they replace them.
  const needsGrid = row.name.startsWith("criteria.yaml") && !row.folders?.includes("criteria.yaml");
  if (needsGrid) await writeFile(path.join(ws, "criteria.yaml"), GRID);
  if (row.name.startsWith("ideas")) await writeFile(path.join(ws, "idees.yaml"), IDEAS);
  for (const folder of row.folders ?? []) {
    await (await import("node:fs/promises")).rm(path.join(ws, folder), { force: true });
    await mkdir(path.join(ws, folder));
  }
  for (const [file, content] of Object.entries(row.files ?? {})) {
    const full = path.join(ws, file);
    const value = typeof content === "function" ? content(await readFile(full, "utf8")) : content;
    await writeFile(full, value);
  }
  return ws;
}

describe("bad input is refused in French, with where, and nothing is written", () => {
  it("has at least 40 rows", () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(40);
  });

  it.for(ROWS)("$name", async (row) => {
    const ws = await prepare(row);
    const before = await treeDigest(ws);
    const result = await runPile(row.args, { cwd: ws });
    const text = `${result.stderr}${result.code === 1 ? result.stdout : ""}`;
    expect(result.code, text).toBe(row.code ?? 2);
    expect(text).toContain(row.where);
    expect(text).toContain(row.says);
    expect(messageFlaws(text, ws)).toEqual([]);
    if ((row.code ?? 2) === 2) expect(result.stdout).toBe("");
    expect(await treeDigest(ws)).toEqual(before);
  });

  it.for(ROWS.filter((row) => row.json))("$name, with --json", async (row) => {
    const ws = await prepare(row);
    const before = await treeDigest(ws);
    const result = await runPile([...row.args, "--json"], { cwd: ws });
    expect(result.code).toBe(row.code ?? 2);
    const document = JSON.parse(result.stdout) as {
      error: { message: string; exitCode: number; file?: string; line?: number; column?: number };
    };
    expect(Object.keys(document)).toEqual(["error"]);
    expect(document.error.exitCode).toBe(row.code ?? 2);
    expect(document.error.message).toContain(row.says);
    expect(messageFlaws(document.error.message, ws)).toEqual([]);
    const located = /^(.+):(\d+):(\d+)$/.exec(row.where);
    if (located) {
      expect(document.error).toMatchObject({
        file: located[1],
        line: Number(located[2]),
        column: Number(located[3]),
      });
    }
    expect(await treeDigest(ws)).toEqual(before);
  });
});

describe("hostile titles stay inside studies/", () => {
  it('--title "../../etc" makes studies/2026-11-etc-18e and nothing else', async () => {
    const ws = await tempWorkspace();
    const before = await treeDigest(ws);
    const flags = NEW_STUDY_FLAGS.map((f) => (f === "Recyclerie textile" ? "../../etc" : f));
    const result = await runPile(flags, { cwd: ws });
    expect(result.code, result.stderr).toBe(0);
    const added = Object.keys(await treeDigest(ws)).filter((p) => !(p in before));
    expect(added.length).toBeGreaterThan(0);
    for (const file of added) expect(file.startsWith("studies/2026-11-etc-18e/")).toBe(true);
  });
});
