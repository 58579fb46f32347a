import { UserError } from "../errors.js";
import { sourceUrlKey } from "../veille/links.js";
import type { Item } from "../veille/normalise.js";
import {
  alreadyKept,
  appendReference,
  REFERENCES_FILE,
  referenceEntry,
} from "../veille/references.js";
import { readAllMonths } from "../veille/store.js";
import { readTextIfExists } from "../workspace/files.js";
import { applyWrites } from "../workspace/write-plan.js";
import type { CommandContext, CommandResult } from "./context.js";
import { readStudy, workspaceRoot } from "./study-access.js";
import { loadFeeds, storeFailure } from "./veille-input.js";

export interface VeilleKeepInput {
  item: string;
  study?: string | undefined;
  note?: string | undefined;
  dryRun: boolean;
  json: boolean;
}

/** An item by its id or its link (as `veille list` shows it). */
function findItem(items: readonly Item[], wanted: string): Item | undefined {
  const text = wanted.trim();
  // A pasted link matches whatever its scheme (http/https), tracking parameters or final slash.
  const key = /^https?:\/\//i.test(text) ? sourceUrlKey(text) : undefined;
  return items.find(
    (item) =>
      item.id === text ||
      (key !== undefined && item.link !== undefined && sourceUrlKey(item.link) === key),
  );
}

/** `pile veille keep ITEM --study ID`: files a watch item in the study's references. */
export async function runVeilleKeep(
  context: CommandContext,
  input: VeilleKeepInput,
): Promise<CommandResult> {
  if (input.study === undefined) {
    throw new UserError("Il manque l'étude : --study ID.", {
      hint: "Exemple : pile veille keep https://exemple.org/article --study 2026-11-recyclerie-textile-18e",
    });
  }
  if (input.note !== undefined && /[\r\n]/.test(input.note)) {
    throw new UserError("La note (--note) doit tenir sur une ligne.");
  }
  const root = await workspaceRoot(context);
  const { study, dir } = await readStudy(root, input.study);
  const feeds = await loadFeeds(root, context.env);
  let items: Item[];
  try {
    items = [...(await readAllMonths(root)).values()].flat();
  } catch (error) {
    storeFailure(error);
  }
  const item = findItem(items, input.item);
  if (!item) {
    throw new UserError(
      `Aucune entrée de la veille n'a l'identifiant ou le lien « ${input.item} ».`,
      {
        hint: "Copiez le lien affiché par « pile veille list » (ou l'id de « pile veille list --json »).",
      },
    );
  }
  const file = `${dir}/${REFERENCES_FILE}`;
  const current = await readTextIfExists(root, file);
  if (current !== undefined && alreadyKept(current, item)) {
    context.output.info(`Cette entrée est déjà dans ${file} : rien n'a changé.`);
    if (input.json) context.output.jsonDocument({ file, item: item.id, kept: false });
    return 0;
  }
  const titles = new Map(feeds.sources.map((source) => [source.id, source.title]));
  const entry = referenceEntry(item, {
    sources: item.sources.map((id) => titles.get(id) ?? id),
    keptOn: context.now(),
    note: input.note,
  });
  const text = appendReference(current, study.title, entry);
  if (!input.dryRun) {
    await applyWrites(root, [
      { path: file, content: text, mode: current === undefined ? "create" : "replace" },
    ]);
  }
  if (input.json) {
    context.output.jsonDocument({
      file,
      item: item.id,
      kept: true,
      ...(input.dryRun ? { dryRun: true } : {}),
    });
    return 0;
  }
  context.output.data(file);
  context.output.info(
    `${input.dryRun ? "Aperçu (rien n'a été écrit) : l'entrée serait ajoutée" : "Entrée ajoutée"} aux références de l'étude : « ${item.title} ».`,
  );
  return 0;
}
