import { mkdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { UserError } from "../errors.js";
import { pathExists } from "../workspace/files.js";
import { planInit, WORKSPACE_FILES } from "../workspace/init-plan.js";
import { displayPath } from "../workspace/locate.js";
import { systemReason } from "../workspace/system-errors.js";
import { BUILTIN_TEMPLATES } from "../workspace/templates.js";
import { applyWrites } from "../workspace/write-plan.js";
import type { CommandContext, CommandResult } from "./context.js";

export interface InitInput {
  dir: string;
  dryRun: boolean;
  json: boolean;
}

export async function runInit(context: CommandContext, input: InitInput): Promise<CommandResult> {
  const root = path.resolve(context.cwd, input.dir);
  const rootStat = await stat(root).catch(() => undefined);
  if (rootStat && !rootStat.isDirectory()) {
    throw new UserError(`${input.dir} existe et n'est pas un dossier.`, {
      hint: "Choisissez un autre chemin.",
    });
  }
  const existing = new Set<string>();
  for (const file of WORKSPACE_FILES)
    if (await pathExists(path.join(root, file.path))) existing.add(file.path);
  const sources: Record<string, string> = {};
  for (const file of WORKSPACE_FILES) {
    sources[file.source] = await readFile(
      path.join(BUILTIN_TEMPLATES, "workspace", file.source),
      "utf8",
    );
  }
  const plan = planInit(existing, sources);
  if (!input.dryRun) {
    if (!rootStat) {
      try {
        await mkdir(root, { recursive: true });
      } catch (error) {
        throw new UserError(
          `Impossible de créer le dossier ${input.dir} : ${systemReason(error)}.`,
          {
            hint: "Vérifiez le chemin et les droits.",
          },
        );
      }
    }
    await applyWrites(
      root,
      plan.create.map((file) => ({ ...file, mode: "create" as const })),
    );
  }
  const shown = displayPath(context.cwd, root);
  if (input.json) {
    context.output.jsonDocument({
      path: shown,
      created: plan.create.map((file) => file.path),
      kept: plan.kept,
      ...(input.dryRun ? { dryRun: true } : {}),
    });
    return 0;
  }
  const { output } = context;
  if (plan.create.length === 0) {
    output.info(`${shown} est déjà un espace de travail complet : rien à faire.`);
    return 0;
  }
  output.info(
    output.color.green(
      input.dryRun
        ? `Aperçu (rien n'a été écrit) : pile créerait dans ${shown} :`
        : `Espace de travail prêt dans ${shown} :`,
    ),
  );
  for (const file of plan.create) output.data(`  + ${file.path}`);
  for (const file of plan.kept) output.info(`  = ${file} existe déjà : conservé tel quel`);
  if (!input.dryRun) {
    output.info(`\nÉtape suivante : ${shown === "." ? "" : `cd ${shown} && `}pile study new`);
  }
  return 0;
}
