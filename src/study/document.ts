import { Document, isMap, isScalar, isSeq, Pair, parseDocument, Scalar, YAMLMap } from "yaml";
import type { HistoryEntry, InterviewEntry, Study } from "./schema.js";

/**
 * Writing `study.yaml`. A new file is made from the Study value in a fixed key
 * order; later changes go through the `yaml` Document API so that the comments
 * and layout a person added survive.
 */

const HEADER = [
  " Fiche de l'étude, lue et tenue à jour par pile.",
  " Clés en anglais (pour les scripts), valeurs en français. Vous pouvez corriger",
  " les valeurs à la main ; « pile study check » vérifie ce fichier.",
  " files : empreinte de chaque fichier tel que pile l'a généré (ne pas modifier).",
].join("\n");

const TO_STRING = { lineWidth: 0, indent: 2 } as const;

const KEY_ORDER: readonly (keyof Study)[] = [
  "id",
  "title",
  "example",
  "territory",
  "sector",
  "origin",
  "owner",
  "created",
  "stage",
  "history",
  "interviews",
  "scores",
  "justifications",
  "templateVersion",
  "files",
];

export function newStudyYaml(study: Study): string {
  const ordered: Record<string, unknown> = {};
  for (const key of KEY_ORDER) {
    const value = study[key];
    if (value !== undefined) ordered[key] = value;
  }
  const document = new Document(ordered);
  document.commentBefore = HEADER;
  return document.toString(TO_STRING);
}

export interface StudyChange {
  stage?: Study["stage"];
  history?: HistoryEntry[];
  interviews?: InterviewEntry[];
  files?: Record<string, string>;
  /** Set or replace these scores (null: unknown). */
  scores?: Record<string, unknown>;
  /** Set these justifications; an empty text removes one. */
  justifications?: Record<string, string>;
}

function appendTo(document: Document, key: string, items: readonly object[]): void {
  const current = document.get(key, true);
  if (isSeq(current)) {
    // `interviews: []` is written in flow style; items read better as a block list.
    if (current.items.length === 0) current.flow = false;
    for (const item of items) current.add(document.createNode(item));
  } else {
    document.set(key, document.createNode([...items]));
  }
}

/**
 * Makes sure a top-level map `key` exists, inserted before `templateVersion`
 * (where a new study.yaml has it) rather than at the end of the file.
 */
function ensureMap(document: Document, key: string): YAMLMap {
  const existing = document.get(key, true);
  if (isMap(existing)) {
    if (existing.items.length === 0) existing.flow = false;
    return existing;
  }
  const map = new YAMLMap();
  const root = document.contents;
  if (isMap(root)) {
    const before = root.items.findIndex(
      (pair) => isScalar(pair.key) && pair.key.value === "templateVersion",
    );
    const pair = new Pair(new Scalar(key), map);
    if (before >= 0) root.items.splice(before, 0, pair);
    else root.items.push(pair);
  } else {
    document.set(key, map);
  }
  return map;
}

/** A score as YAML: objects ({low, likely, high}, {raters}) on one line. */
function scoreNode(document: Document, value: unknown) {
  const node = document.createNode(value);
  if (isMap(node)) {
    node.flow = true;
    for (const pair of node.items) if (isMap(pair.value)) pair.value.flow = true;
  }
  return node;
}

/** Applies a change to the text of a valid study.yaml, keeping its comments. */
export function updateStudyYaml(text: string, change: StudyChange): string {
  const document = parseDocument(text);
  if (change.stage !== undefined) document.set("stage", change.stage);
  if (change.history) appendTo(document, "history", change.history);
  if (change.interviews) appendTo(document, "interviews", change.interviews);
  const files = document.get("files", true);
  if (isMap(files) && files.items.length === 0) files.flow = false;
  for (const [file, print] of Object.entries(change.files ?? {})) {
    document.setIn(["files", file], print);
  }
  if (change.scores && Object.keys(change.scores).length > 0) {
    const scores = ensureMap(document, "scores");
    for (const [criterion, value] of Object.entries(change.scores))
      scores.set(criterion, scoreNode(document, value));
  }
  if (change.justifications) {
    const entries = Object.entries(change.justifications);
    if (entries.some(([, text]) => text !== "")) ensureMap(document, "justifications");
    for (const [criterion, text] of entries) {
      if (text === "") document.deleteIn(["justifications", criterion]);
      else document.setIn(["justifications", criterion], text);
    }
  }
  return document.toString(TO_STRING);
}
