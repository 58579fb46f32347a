import { UserError } from "../errors.js";
import { allTemplateNames, planInterview } from "../study/plan.js";
import { readTextTree } from "../workspace/files.js";
import { loadTemplates } from "../workspace/templates.js";
import { applyWrites } from "../workspace/write-plan.js";
import type { CommandContext, CommandResult } from "./context.js";
import {
  assertSingleLine,
  dateOrToday,
  loadCatalog,
  readStudy,
  templateFailure,
  workspaceRoot,
} from "./study-access.js";

export interface StudyInterviewInput {
  id: string;
  actor?: string | undefined;
  role?: string | undefined;
  date?: string | undefined;
  dryRun: boolean;
  json: boolean;
}

export async function runStudyInterview(
  context: CommandContext,
  input: StudyInterviewInput,
): Promise<CommandResult> {
  const root = await workspaceRoot(context);
  assertSingleLine(input.actor, "--actor");
  assertSingleLine(input.role, "--role");
  const loaded = await readStudy(root, input.id);
  let actor = input.actor?.trim();
  if (!actor) {
    if (!context.interactive || input.actor !== undefined) {
      throw new UserError(
        "Indiquez l'organisation rencontrée avec --actor « … » (sans terminal ou sous CI, pile ne pose pas de questions).",
        {
          hint: `Par exemple : pile study interview ${input.id} --actor "Boulangerie du quartier" --role "gérante"`,
        },
      );
    }
    actor = (
      await context.prompter.input({
        message: "Organisation rencontrée (entreprise, association, service…) :",
        validate: (value) => (value.trim() === "" ? "Indiquez le nom de l'organisation." : true),
      })
    ).trim();
  }
  let role = input.role?.trim();
  if (role === undefined && context.interactive && input.actor === undefined) {
    role = (
      await context.prompter.input({
        message: "Fonction de la personne rencontrée (pas de nom ni de coordonnées ; facultatif) :",
        default: "",
      })
    ).trim();
    assertSingleLine(role, "La fonction");
  }
  if (actor.length > 200)
    throw new UserError(
      "Le nom de l'organisation (--actor) est trop long (200 caractères au plus).",
    );
  const date = dateOrToday(context, input.date);
  const catalog = await loadCatalog(root);
  const templates = await loadTemplates(root, allTemplateNames());
  const existing = new Set((await readTextTree(`${root}/${loaded.dir}`)).keys());
  let plan: ReturnType<typeof planInterview>;
  try {
    plan = planInterview(
      loaded.study,
      loaded.yamlText,
      { actor, date, ...(role ? { role } : {}) },
      existing,
      catalog,
      templates.sources,
    );
  } catch (error) {
    templateFailure(error);
  }
  const file = `${loaded.dir}/${plan.file.path}`;
  if (!input.dryRun) {
    await applyWrites(root, [
      { path: file, content: plan.file.content, mode: "create" },
      { path: `${loaded.dir}/study.yaml`, content: plan.studyYaml, mode: "replace" },
    ]);
  }
  if (input.json) {
    context.output.jsonDocument({ id: input.id, file, ...(input.dryRun ? { dryRun: true } : {}) });
    return 0;
  }
  const { output } = context;
  output.info(
    output.color.green(
      input.dryRun
        ? "Aperçu (rien n'a été écrit) : pile créerait la fiche d'entretien"
        : "Fiche d'entretien créée :",
    ),
  );
  output.data(file);
  output.info(
    "Rappel : notez la fonction de la personne, pas ses coordonnées ; demandez-lui si elle accepte d'être citée dans la note au CLE.",
  );
  return 0;
}
