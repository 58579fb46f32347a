import type { Catalog, Sector, Territory } from "./catalog.js";
import { newStudyYaml, updateStudyYaml } from "./document.js";
import { fingerprint } from "./fingerprint.js";
import { renderTemplate } from "./render.js";
import type { Study } from "./schema.js";
import { slugify, studySlug } from "./slug.js";
import {
  INTERVIEW_FOLDER,
  INTERVIEW_TEMPLATE,
  STAGE_FILES,
  STAGE_LABELS,
  type Stage,
  stepsTo,
  TEMPLATE_VERSION,
} from "./stages.js";

/**
 * Pure planning: answers and template sources in, files out. Nothing here
 * touches the disk or the clock, so the same answers give the same bytes.
 */

/** Template sources by name (`pre-etude/01-pre-etude.md.hbs`), already resolved by the loader. */
export type TemplateSources = Readonly<Record<string, string>>;

export interface NewStudyAnswers {
  title: string;
  territory: Territory;
  sector: Sector;
  origin: string;
  owner: string;
  /** YYYY-MM-DD */
  date: string;
}

export interface PlannedFile {
  /** Path relative to the study folder. */
  path: string;
  content: string;
}

export interface NewStudyPlan {
  id: string;
  /** Workspace-relative folder: `studies/<id>`. */
  dir: string;
  study: Study;
  /** Every file of the new folder, study.yaml last. */
  files: PlannedFile[];
}

export class PlanError extends Error {}

function source(templates: TemplateSources, name: string): string {
  const text = templates[name];
  if (text === undefined) throw new PlanError(`template ${name} was not loaded`);
  return text;
}

function territoryOf(catalog: Catalog, id: string): Territory {
  return (
    catalog.territories.find((t) => t.id === id) ?? { id, label: id, ebe: "", neighbourhoods: [] }
  );
}

function sectorOf(catalog: Catalog, id: string): Sector {
  return catalog.sectors.find((s) => s.id === id) ?? { id, label: id };
}

/**
 * Free text goes into Markdown headings and table cells: a `|` would split a
 * table row, so it is escaped (Markdown shows `\|` as `|`).
 */
export function markdownText(text: string): string {
  return text.replace(/\|/g, "\\|");
}

function studyContext(study: Study, catalog: Catalog) {
  const territory = territoryOf(catalog, study.territory);
  const sector = sectorOf(catalog, study.sector);
  return {
    id: study.id,
    title: markdownText(study.title),
    territory: {
      ...territory,
      label: markdownText(territory.label),
      ebe: markdownText(territory.ebe),
      neighbourhoods: territory.neighbourhoods.map(markdownText),
    },
    sector: { ...sector, label: markdownText(sector.label) },
    origin: markdownText(study.origin),
    owner: markdownText(study.owner),
    created: study.created,
  };
}

function renderStage(
  stage: Stage,
  study: Study,
  catalog: Catalog,
  templates: TemplateSources,
  extra: { date: string; reason?: string },
): PlannedFile[] {
  const context = {
    study: studyContext(study, catalog),
    stage: { id: stage, label: STAGE_LABELS[stage] },
    date: extra.date,
    templateVersion: TEMPLATE_VERSION,
    ...(extra.reason === undefined ? {} : { reason: markdownText(extra.reason) }),
  };
  return STAGE_FILES[stage].map((file) => ({
    path: file.output,
    content: renderTemplate(file.template, source(templates, file.template), context),
  }));
}

/** Titles that leave no letter or digit cannot name a folder. */
export function titleSlugIsEmpty(title: string): boolean {
  return slugify(title) === "";
}

export function planNewStudy(
  answers: NewStudyAnswers,
  catalog: Catalog,
  templates: TemplateSources,
  options: { example?: boolean } = {},
): NewStudyPlan {
  if (titleSlugIsEmpty(answers.title)) throw new PlanError("title has no letter or digit");
  const id = studySlug({
    title: answers.title,
    date: answers.date,
    territory: answers.territory.id,
  });
  const base: Study = {
    id,
    title: answers.title.trim(),
    ...(options.example ? { example: true } : {}),
    territory: answers.territory.id,
    sector: answers.sector.id,
    origin: answers.origin.trim(),
    owner: answers.owner.trim(),
    created: answers.date,
    stage: "pre-etude",
    history: [{ stage: "pre-etude", date: answers.date }],
    interviews: [],
    templateVersion: TEMPLATE_VERSION,
    files: {},
  };
  const files = renderStage("pre-etude", base, catalog, templates, { date: answers.date });
  const study: Study = {
    ...base,
    files: Object.fromEntries(files.map((f) => [f.path, fingerprint(f.content)])),
  };
  return {
    id,
    dir: `studies/${id}`,
    study,
    files: [...files, { path: "study.yaml", content: newStudyYaml(study) }],
  };
}

export interface AdvanceRequest {
  target?: Stage;
  date: string;
  reason?: string;
}

export interface AdvancePlan {
  stages: Stage[];
  /** Files to create, relative to the study folder. */
  create: PlannedFile[];
  /** Files the stage would add but that already exist: left untouched. */
  kept: string[];
  studyYaml: string;
}

export function planAdvance(
  study: Study,
  studyYamlText: string,
  request: AdvanceRequest,
  existing: ReadonlySet<string>,
  catalog: Catalog,
  templates: TemplateSources,
): AdvancePlan | { error: string } {
  const steps = stepsTo(study.stage, request.target);
  if (!steps.ok) return { error: steps.reason };
  if (request.target === "abandonnee" && !request.reason?.trim()) {
    return { error: "un abandon garde toujours sa raison" };
  }
  const create: PlannedFile[] = [];
  const kept: string[] = [];
  for (const stage of steps.stages) {
    const extra =
      stage === "abandonnee"
        ? { date: request.date, reason: request.reason ?? "" }
        : { date: request.date };
    for (const file of renderStage(stage, study, catalog, templates, extra)) {
      if (existing.has(file.path)) kept.push(file.path);
      else create.push(file);
    }
  }
  const history = steps.stages.map((stage) =>
    stage === "abandonnee" && request.reason !== undefined
      ? { stage, date: request.date, reason: request.reason }
      : { stage, date: request.date },
  );
  const last = steps.stages[steps.stages.length - 1] ?? study.stage;
  const studyYaml = updateStudyYaml(studyYamlText, {
    stage: last,
    history,
    files: Object.fromEntries(create.map((f) => [f.path, fingerprint(f.content)])),
  });
  return { stages: steps.stages, create, kept, studyYaml };
}

export interface InterviewRequest {
  actor: string;
  role?: string;
  date: string;
}

export interface InterviewPlan {
  file: PlannedFile;
  studyYaml: string;
}

/** `entretiens/2026-12-01-boulangerie-dupont.md`, with -2, -3… if that name is taken. */
export function interviewPath(actor: string, date: string, existing: ReadonlySet<string>): string {
  const base = `${INTERVIEW_FOLDER}/${date}-${slugify(actor, 40) || "acteur"}`;
  let candidate = `${base}.md`;
  for (let n = 2; existing.has(candidate); n++) candidate = `${base}-${n}.md`;
  return candidate;
}

export function planInterview(
  study: Study,
  studyYamlText: string,
  request: InterviewRequest,
  existing: ReadonlySet<string>,
  catalog: Catalog,
  templates: TemplateSources,
): InterviewPlan {
  const path = interviewPath(request.actor, request.date, existing);
  const context = {
    study: studyContext(study, catalog),
    stage: { id: study.stage, label: STAGE_LABELS[study.stage] },
    date: request.date,
    templateVersion: TEMPLATE_VERSION,
    interview: {
      actor: markdownText(request.actor.trim()),
      role: markdownText(request.role?.trim() ?? ""),
      date: request.date,
    },
  };
  const content = renderTemplate(
    INTERVIEW_TEMPLATE,
    source(templates, INTERVIEW_TEMPLATE),
    context,
  );
  const entry = {
    actor: request.actor.trim(),
    ...(request.role?.trim() ? { role: request.role.trim() } : {}),
    date: request.date,
    file: path,
  };
  const studyYaml = updateStudyYaml(studyYamlText, {
    interviews: [entry],
    files: { [path]: fingerprint(content) },
  });
  return { file: { path, content }, studyYaml };
}

/** Every template a study can need, for the loader. */
export function allTemplateNames(): string[] {
  return [
    ...Object.values(STAGE_FILES).flatMap((files) => files.map((f) => f.template)),
    INTERVIEW_TEMPLATE,
  ];
}
