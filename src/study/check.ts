import type { Study } from "./schema.js";
import { STAGE_FILES } from "./stages.js";

/**
 * Pure review of one dossier: what the stage requires, leftover placeholders
 * (warnings) and git conflict markers (errors).
 */

export interface Problem {
  level: "error" | "warning";
  /** Path relative to the study folder. */
  file: string;
  line?: number;
  column?: number;
  message: string;
  /** For placeholder warnings: how many are left in the file. */
  count?: number;
}

// Not preceded by a letter: « il va compléter » is prose, not a placeholder.
export const PLACEHOLDER = /(?<![\p{L}\p{N}])[àa] compl[ée]ter/giu;

/** Counts « à compléter » markers, whatever the case and accents. */
export function countPlaceholders(text: string): number {
  return text.match(PLACEHOLDER)?.length ?? 0;
}

/**
 * Lines of an unresolved git merge: `<<<<<<< `, `>>>>>>> ` always; `=======`
 * only between them, since a line of `=` also underlines a Markdown heading.
 */
export function conflictMarkerLines(text: string): number[] {
  const lines = text.split("\n");
  const found: number[] = [];
  let open = false;
  for (const [index, line] of lines.entries()) {
    if (/^<{7}( |$)/.test(line)) {
      open = true;
      found.push(index + 1);
    } else if (/^>{7}( |$)/.test(line)) {
      open = false;
      found.push(index + 1);
    } else if (open && /^={7}$/.test(line)) {
      found.push(index + 1);
    }
  }
  return found;
}

/** Files a study must hold, given the stages it went through and its interviews. */
export function requiredFiles(study: Study): string[] {
  const files = new Set<string>();
  for (const entry of study.history)
    for (const file of STAGE_FILES[entry.stage]) files.add(file.output);
  for (const interview of study.interviews) files.add(interview.file);
  return [...files];
}

export interface CheckInput {
  folder: string;
  /** Undefined when study.yaml itself is invalid: the files are still checked. */
  study: Study | undefined;
  /** Text files of the dossier, by path relative to its folder. */
  files: ReadonlyMap<string, string>;
  /** Additional checks supplied by the command (e.g. scores against the grid). */
  extra?: Problem[];
}

export function checkStudy(input: CheckInput): Problem[] {
  const problems: Problem[] = [];
  const { study } = input;
  if (study && study.id !== input.folder) {
    problems.push({
      level: "error",
      file: "study.yaml",
      message: `l'identifiant « ${study.id} » ne correspond pas au nom du dossier « ${input.folder} »`,
    });
  }
  for (const file of study ? requiredFiles(study) : []) {
    if (!input.files.has(file)) {
      problems.push({
        level: "error",
        file,
        message: "fichier manquant pour l'étape atteinte",
      });
    }
  }
  for (const [file, text] of [...input.files].sort(([a], [b]) => a.localeCompare(b))) {
    for (const line of conflictMarkerLines(text)) {
      problems.push({ level: "error", file, line, message: "marqueur de conflit git non résolu" });
    }
    const left = countPlaceholders(text);
    if (left > 0) {
      problems.push({
        level: "warning",
        file,
        count: left,
        message: `${left} mention${left > 1 ? "s" : ""} « à compléter » restante${left > 1 ? "s" : ""}`,
      });
    }
  }
  return [...problems, ...(input.extra ?? [])];
}
