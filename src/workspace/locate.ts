import { stat } from "node:fs/promises";
import path from "node:path";
import { UserError } from "../errors.js";

/** A folder is a workspace when it holds a `studies/` folder. */
export async function isWorkspace(dir: string): Promise<boolean> {
  try {
    return (await stat(path.join(dir, "studies"))).isDirectory();
  } catch {
    return false;
  }
}

export interface LocateInput {
  /** --workspace DIR */
  flag?: string | undefined;
  env: Record<string, string | undefined>;
  cwd: string;
}

/** --workspace, else PILE_WORKSPACE, else the nearest parent folder that is one. */
export async function findWorkspace(input: LocateInput): Promise<string> {
  const explicit = input.flag ?? (input.env.PILE_WORKSPACE || undefined);
  if (explicit !== undefined) {
    const dir = path.resolve(input.cwd, explicit);
    if (await isWorkspace(dir)) return dir;
    const origin = input.flag !== undefined ? "--workspace" : "PILE_WORKSPACE";
    throw new UserError(
      `Le dossier ${explicit} (donné par ${origin}) n'est pas un espace de travail pile : il n'a pas de dossier studies/.`,
      {
        hint: `Créez-en un avec « pile init ${explicit} » ou corrigez le chemin.`,
      },
    );
  }
  let dir = path.resolve(input.cwd);
  for (;;) {
    if (await isWorkspace(dir)) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new UserError(
    "Vous n'êtes dans aucun espace de travail pile (aucun dossier studies/ ici ni dans les dossiers parents).",
    {
      hint: "Placez-vous dans un espace de travail, passez --workspace DOSSIER, ou créez-en un avec « pile init DOSSIER ».",
    },
  );
}

/** The workspace of a command run: its --workspace flag, environment and folder. */
export function workspaceRoot(run: {
  workspaceFlag?: string | undefined;
  env: Record<string, string | undefined>;
  cwd: string;
}): Promise<string> {
  return findWorkspace({ flag: run.workspaceFlag, env: run.env, cwd: run.cwd });
}

/** Path shown to users: relative to the workspace, with forward slashes. */
export function displayPath(root: string, absolute: string): string {
  const relative = path.relative(root, absolute);
  return relative.split(path.sep).join("/") || ".";
}

/**
 * Resolves a workspace-relative path and refuses anything that would land
 * outside the workspace (defence in depth: slugs are already safe).
 */
export function resolveInside(root: string, relative: string): string {
  const absolute = path.resolve(root, relative);
  const base = path.resolve(root);
  if (absolute !== base && !absolute.startsWith(base + path.sep)) {
    throw new UserError(`Chemin refusé : ${relative} sortirait de l'espace de travail.`);
  }
  return absolute;
}
