import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { TemplateSources } from "../../src/study/plan.js";
import { allTemplateNames } from "../../src/study/plan.js";

/** The built-in study templates, read once, as the loader would give them. */
export const STUDY_TEMPLATES_DIR = fileURLToPath(
  new URL("../../templates/study/", import.meta.url),
);
export const WORKSPACE_TEMPLATES_DIR = fileURLToPath(
  new URL("../../templates/workspace/", import.meta.url),
);

export function loadStudyTemplates(): TemplateSources {
  return Object.fromEntries(
    allTemplateNames().map((name) => [name, readFileSync(`${STUDY_TEMPLATES_DIR}${name}`, "utf8")]),
  );
}

/** A valid study.yaml; the line numbers in the comments are used by the tests. */
export const STUDY_YAML = [
  "id: 2026-11-recyclerie-textile-18e", // 1
  "title: Recyclerie textile", // 2
  "territory: 18e", // 3
  "sector: couture-textile", // 4
  "origin: Atelier du CLE", // 5
  "owner: Camille", // 6
  "created: 2026-11-28", // 7
  "stage: pre-etude", // 8
  "history:", // 9
  "  - stage: pre-etude", // 10
  "    date: 2026-11-28", // 11
  "interviews: []", // 12
  'templateVersion: "1"', // 13
  "files:", // 14
  `  README.md: sha256:${"a".repeat(64)}`, // 15
  `  01-pre-etude.md: sha256:${"b".repeat(64)}`, // 16
  "",
].join("\n");
