import { readFile } from "node:fs/promises";
import path from "node:path";
import { UserError } from "../errors.js";
import { INSTALL_ROOT } from "../install-root.js";
import { prepareTemplates } from "../template-engine.js";
import { readTextIfExists } from "./files.js";

/**
 * Template sources: a workspace's `templates/` overrides the built-in
 * templates file by file. Once loaded, they are ready to compile.
 */

export const BUILTIN_TEMPLATES = `${path.join(INSTALL_ROOT, "templates")}${path.sep}`;

export interface LoadedTemplates {
  sources: Record<string, string>;
  /** Names taken from the workspace rather than the built-ins. */
  overridden: string[];
}

export async function loadTemplates(
  root: string,
  names: readonly string[],
  area = "study",
): Promise<LoadedTemplates> {
  const sources: Record<string, string> = {};
  const overridden: string[] = [];
  for (const name of names) {
    const relative = `templates/${area}/${name}`;
    const local = await readTextIfExists(root, relative);
    if (local !== undefined) {
      sources[name] = local;
      // The repository is itself a workspace: its templates/ are the built-ins.
      const builtin = await readFile(`${BUILTIN_TEMPLATES}${area}/${name}`, "utf8").catch(
        () => undefined,
      );
      if (builtin !== local) overridden.push(relative);
      continue;
    }
    try {
      sources[name] = await readFile(`${BUILTIN_TEMPLATES}${area}/${name}`, "utf8");
    } catch {
      throw new UserError(
        `Le modèle intégré ${relative} est introuvable : l'installation de pile est incomplète.`,
        {
          hint: "Réinstallez pile (npm ci).",
          exitCode: 1,
        },
      );
    }
  }
  // Handlebars' compiler is loaded only if a template is not one pile compiled when built.
  await prepareTemplates(Object.values(sources));
  return { sources, overridden };
}
