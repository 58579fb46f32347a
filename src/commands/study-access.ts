import { readdir } from "node:fs/promises";
import path from "node:path";
import { UserError } from "../errors.js";
import { type Catalog, catalogFrom, workspaceConfigSchema } from "../study/catalog.js";
import { isValidDate, parisDate } from "../study/dates.js";
import { type Study, studySchema } from "../study/schema.js";
import { TemplateError } from "../study/template-error.js";
import { readTextIfExists } from "../workspace/files.js";
import { workspaceRoot } from "../workspace/locate.js";
import { readYamlFile } from "../workspace/yaml-file.js";

// Every study command starts here; the watch commands import it from workspace/locate.ts.
export { workspaceRoot };

import { parseYamlText } from "../workspace/yaml-file.js";
import type { CommandContext } from "./context.js";

/** What the study commands share: finding the workspace, its catalog and its studies. */

export async function loadCatalog(root: string): Promise<Catalog> {
  const result = await readYamlFile(root, "pile.yaml", workspaceConfigSchema);
  if (result === undefined) return catalogFrom(undefined);
  if (!result.ok) throw result.error;
  return catalogFrom(result.value);
}

/** A date flag, or today in Europe/Paris. */
export function dateOrToday(context: CommandContext, flag: string | undefined): string {
  if (flag === undefined) return parisDate(context.now());
  if (!isValidDate(flag)) {
    throw new UserError(
      `Date invalide : « ${flag} ». Attendu : AAAA-MM-JJ, par exemple 2026-11-28.`,
    );
  }
  return flag;
}

const STUDY_ID = /^[a-z0-9][a-z0-9-]{0,120}$/;

export interface LoadedStudy {
  id: string;
  /** Workspace-relative folder. */
  dir: string;
  yamlText: string;
  study: Study;
}

/** Refuses an id that is not a study of the workspace (bad input, exit 2). */
export async function assertStudyExists(
  root: string,
  id: string,
): Promise<{ dir: string; yamlText: string }> {
  // Ids are folder names made by pile: anything else (../, /, spaces) is refused
  // before it can reach a path.
  if (!STUDY_ID.test(id)) {
    throw new UserError(
      `Identifiant d'étude invalide : « ${id} ». Un identifiant ne contient que des minuscules, des chiffres et des tirets.`,
      {
        hint: "La liste des études : pile study list",
      },
    );
  }
  const dir = `studies/${id}`;
  const yamlText = await readTextIfExists(root, `${dir}/study.yaml`);
  if (yamlText === undefined) {
    const known = await studyFolders(root);
    const close = known.filter((name) => name.includes(id) || id.includes(name)).slice(0, 3);
    throw new UserError(`Aucune étude « ${id} » dans ${path.basename(root)}/studies.`, {
      hint:
        close.length > 0
          ? `Vouliez-vous dire : ${close.join(", ")} ?`
          : "La liste des études : pile study list",
    });
  }
  return { dir, yamlText };
}

export async function readStudy(root: string, id: string): Promise<LoadedStudy> {
  const { dir, yamlText } = await assertStudyExists(root, id);
  const result = parseYamlText(yamlText, `${dir}/study.yaml`, studySchema);
  if (!result.ok) throw result.error;
  return { id, dir, yamlText, study: result.value };
}

/** Study folders (those holding a study.yaml are read by the callers), sorted. */
export async function studyFolders(root: string): Promise<string[]> {
  const entries = await readdir(path.join(root, "studies"), { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith("."))
    .map((entry) => entry.name)
    .sort();
}

export type StudyListing =
  | { id: string; dir: string; ok: true; study: Study; yamlText: string }
  | { id: string; dir: string; ok: false; error: UserError };

/** Every study of the workspace; an invalid study.yaml is returned as an error, not thrown. */
export async function readAllStudies(root: string): Promise<StudyListing[]> {
  const listings: StudyListing[] = [];
  for (const id of await studyFolders(root)) {
    const dir = `studies/${id}`;
    let text: string | undefined;
    try {
      text = await readTextIfExists(root, `${dir}/study.yaml`);
    } catch (error) {
      // One unreadable study (a folder named study.yaml, no permission) never hides the others.
      if (!(error instanceof UserError)) throw error;
      listings.push({ id, dir, ok: false, error });
      continue;
    }
    if (text === undefined) continue;
    const result = parseYamlText(text, `${dir}/study.yaml`, studySchema);
    listings.push(
      result.ok
        ? { id, dir, ok: true, study: result.value, yamlText: text }
        : { id, dir, ok: false, error: result.error },
    );
  }
  return listings;
}

/** Lists the valid values, for an unknown territory or sector. */
export function unknownValue(
  what: string,
  typed: string,
  valid: readonly { id: string; label: string }[],
  flag: string,
): UserError {
  return new UserError(
    `${what} inconnu : « ${typed} ». Valeurs possibles : ${valid.map((v) => v.id).join(", ")}.`,
    {
      hint: `Passez l'une de ces valeurs à ${flag}${what === "Territoire" ? " (ou déclarez le territoire dans pile.yaml)" : ""}.`,
    },
  );
}

/** A broken (local) template is the user's to fix: say which one and why. */
export function templateFailure(error: unknown): never {
  if (error instanceof TemplateError) {
    throw new UserError(`Le modèle ${error.template} est invalide : ${error.reason}`, {
      hint: "Corrigez ce modèle dans templates/ (ou supprimez-le pour revenir au modèle intégré).",
    });
  }
  throw error;
}

/**
 * Free text typed by a person (title, owner, origin, organisation…) must stay
 * on one line: a line break or a control character would break the dossier's
 * headings and tables and the terminal listings.
 */
export function assertSingleLine(value: string | undefined, flag: string): void {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is looked for
  if (value !== undefined && /[\u0000-\u001f\u007f]/.test(value)) {
    throw new UserError(`${flag} ne peut contenir ni retour à la ligne ni caractère de contrôle.`, {
      hint: "Écrivez le texte sur une seule ligne.",
    });
  }
}
