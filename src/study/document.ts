import { Document, isMap, isSeq, parseDocument } from "yaml";
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
  return document.toString(TO_STRING);
}
