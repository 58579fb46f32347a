/**
 * The life of a study: pré-étude → faisabilité → préfiguration → lancée, or
 * abandonnée (with a reason) from any stage still open. Each stage adds files,
 * rendered from `templates/study/<stage>/<file>.hbs`.
 */

export const STAGES = [
  "pre-etude",
  "faisabilite",
  "prefiguration",
  "lancee",
  "abandonnee",
] as const;
export type Stage = (typeof STAGES)[number];

/** The main line, in order; `abandonnee` can follow any open stage. */
export const MAIN_LINE: readonly Stage[] = ["pre-etude", "faisabilite", "prefiguration", "lancee"];

export const STAGE_LABELS: Record<Stage, string> = {
  "pre-etude": "Pré-étude",
  faisabilite: "Étude de faisabilité",
  prefiguration: "Préfiguration",
  lancee: "Lancée",
  abandonnee: "Abandonnée",
};

export interface StageFile {
  /** Template path under templates/study/. */
  template: string;
  /** Output path inside the study folder. */
  output: string;
}

export const STAGE_FILES: Record<Stage, readonly StageFile[]> = {
  "pre-etude": [
    { template: "pre-etude/README.md.hbs", output: "README.md" },
    { template: "pre-etude/01-pre-etude.md.hbs", output: "01-pre-etude.md" },
  ],
  faisabilite: [
    { template: "faisabilite/02-faisabilite.md.hbs", output: "02-faisabilite.md" },
    {
      template: "faisabilite/02-note-supplementarite.md.hbs",
      output: "02-note-supplementarite.md",
    },
  ],
  prefiguration: [
    { template: "prefiguration/03-prefiguration.md.hbs", output: "03-prefiguration.md" },
  ],
  lancee: [{ template: "lancee/04-lancement.md.hbs", output: "04-lancement.md" }],
  abandonnee: [{ template: "abandonnee/04-abandon.md.hbs", output: "04-abandon.md" }],
};

export const INTERVIEW_TEMPLATE = "entretien/entretien.md.hbs";
export const INTERVIEW_FOLDER = "entretiens";

/** Bumped when the built-in templates change in a way `study update` must know. */
export const TEMPLATE_VERSION = "1";

export function isStage(value: string): value is Stage {
  return (STAGES as readonly string[]).includes(value);
}

export function isClosed(stage: Stage): boolean {
  return stage === "lancee" || stage === "abandonnee";
}

export type StepResult = { ok: true; stages: Stage[] } | { ok: false; reason: string };

/**
 * The stages to go through to reach `target` from `current` (target included).
 * Without a target, the next stage of the main line. Skipping ahead adds the
 * skipped stages' files too, since each stage's dossier builds on the previous one.
 */
export function stepsTo(current: Stage, target: Stage | undefined): StepResult {
  if (isClosed(current)) {
    return {
      ok: false,
      reason: `l'étude est déjà ${current === "lancee" ? "lancée" : "abandonnée"} et ne change plus d'étape`,
    };
  }
  if (target === "abandonnee") return { ok: true, stages: ["abandonnee"] };
  const from = MAIN_LINE.indexOf(current);
  const to = target === undefined ? from + 1 : MAIN_LINE.indexOf(target);
  if (to <= from) {
    return {
      ok: false,
      reason: `l'étude est à l'étape « ${STAGE_LABELS[current]} » ; on ne revient pas à « ${STAGE_LABELS[target ?? current]} »`,
    };
  }
  return { ok: true, stages: MAIN_LINE.slice(from + 1, to + 1) as Stage[] };
}
