import { UserError } from "../errors.js";
import { allTemplateNames, planAdvance } from "../study/plan.js";
import { isStage, STAGE_LABELS, STAGES, type Stage, stepsTo } from "../study/stages.js";
import { readTextTree } from "../workspace/files.js";
import { loadTemplates } from "../workspace/templates.js";
import { applyWrites, type PlannedWrite } from "../workspace/write-plan.js";
import type { CommandContext, CommandResult } from "./context.js";
import {
  assertSingleLine,
  dateOrToday,
  loadCatalog,
  readStudy,
  templateFailure,
  workspaceRoot,
} from "./study-access.js";

export interface StudyAdvanceInput {
  id: string;
  to?: string | undefined;
  reason?: string | undefined;
  date?: string | undefined;
  dryRun: boolean;
  json: boolean;
}

export async function runStudyAdvance(
  context: CommandContext,
  input: StudyAdvanceInput,
): Promise<CommandResult> {
  const root = await workspaceRoot(context);
  let target: Stage | undefined;
  if (input.to !== undefined) {
    if (!isStage(input.to)) {
      throw new UserError(
        `Étape inconnue : « ${input.to} ». Valeurs possibles : ${STAGES.join(", ")}.`,
      );
    }
    target = input.to;
  }
  assertSingleLine(input.reason, "--reason");
  const loaded = await readStudy(root, input.id);
  // The stage rule first: a closed study is refused whatever the date or reason.
  const steps = stepsTo(loaded.study.stage, target);
  if (!steps.ok) throw new UserError(`Impossible de faire avancer ${input.id} : ${steps.reason}.`);
  let reason = input.reason?.trim();
  if (reason !== undefined && target !== "abandonnee") {
    throw new UserError("--reason ne sert qu'avec --to abandonnee.");
  }
  if (target === "abandonnee" && !reason) {
    if (!context.interactive) {
      throw new UserError("Un abandon garde toujours sa raison : passez --reason « … ».", {
        hint: `Par exemple : pile study advance ${input.id} --to abandonnee --reason "Besoin déjà couvert par un acteur local"`,
      });
    }
    reason = (
      await context.prompter.input({
        message: "Raison de l'abandon :",
        validate: (value) =>
          value.trim() === "" ? "Indiquez la raison, elle sera gardée dans le dossier." : true,
      })
    ).trim();
  }
  const date = dateOrToday(context, input.date);
  const lastDate =
    loaded.study.history[loaded.study.history.length - 1]?.date ?? loaded.study.created;
  if (date < lastDate) {
    throw new UserError(`La date ${date} précède celle de l'étape actuelle (${lastDate}).`, {
      hint: "Passez une date postérieure avec --date AAAA-MM-JJ.",
    });
  }

  const catalog = await loadCatalog(root);
  const templates = await loadTemplates(root, allTemplateNames());
  const existing = new Set((await readTextTree(`${root}/${loaded.dir}`)).keys());
  let plan: ReturnType<typeof planAdvance>;
  try {
    plan = planAdvance(
      loaded.study,
      loaded.yamlText,
      { ...(target ? { target } : {}), date, ...(reason ? { reason } : {}) },
      existing,
      catalog,
      templates.sources,
    );
  } catch (error) {
    templateFailure(error);
  }
  if ("error" in plan) {
    throw new UserError(`Impossible de faire avancer ${input.id} : ${plan.error}.`);
  }

  const writes: PlannedWrite[] = [
    ...plan.create.map((file) => ({
      path: `${loaded.dir}/${file.path}`,
      content: file.content,
      mode: "create" as const,
    })),
    { path: `${loaded.dir}/study.yaml`, content: plan.studyYaml, mode: "replace" },
  ];
  if (!input.dryRun) await applyWrites(root, writes);

  const from = loaded.study.stage;
  const to = plan.stages[plan.stages.length - 1] ?? from;
  const created = plan.create.map((file) => `${loaded.dir}/${file.path}`);
  const kept = plan.kept.map((file) => `${loaded.dir}/${file}`);
  if (input.json) {
    context.output.jsonDocument({
      id: input.id,
      from,
      to,
      stages: plan.stages,
      created,
      kept,
      updated: [`${loaded.dir}/study.yaml`],
      ...(input.dryRun ? { dryRun: true } : {}),
    });
    return 0;
  }
  const { output } = context;
  const prefix = input.dryRun ? "Aperçu (rien n'a été écrit) : " : "";
  output.info(
    output.color.green(
      `${prefix}${input.id} : ${STAGE_LABELS[from]} → ${STAGE_LABELS[to]} (${date})`,
    ),
  );
  for (const file of created) output.data(`  + ${file}`);
  for (const file of kept) output.info(`  = ${file} existe déjà : conservé tel quel`);
  output.data(`  ~ ${loaded.dir}/study.yaml`);
  if (!input.dryRun) {
    output.info(
      `\nÀ relire puis commiter : git add ${loaded.dir} && git commit -m "${STAGE_LABELS[to]} : ${loaded.study.id}"`,
    );
  }
  return 0;
}
