import path from "node:path";
import { UserError } from "../errors.js";
import { count } from "../ui/count.js";
import { sourceUrlSchema } from "../veille/feeds.js";
import { type NewSource, sourceIdFor } from "../veille/feeds-edit.js";
import { sourceUrlKey } from "../veille/links.js";
import { OpmlError, opmlDocument, opmlExportable, parseOpml } from "../veille/opml.js";
import { assertFreeOutput, readUserBytes } from "../workspace/files.js";
import { workspaceRoot } from "../workspace/locate.js";
import { applyWrites } from "../workspace/write-plan.js";
import type { CommandContext, CommandResult } from "./context.js";
import { appendToFeeds } from "./veille-append.js";
import { parseFeedsText, readFeedsText } from "./veille-input.js";

/** `pile veille opml import FILE` and `pile veille opml export [--out FILE]`. */

/**
 * A reader's folder name as a tag (« Économie circulaire » → economie-circulaire);
 * none when it has no letter or digit (sourceIdFor would then say "source").
 */
function categoryTag(category: string): string[] {
  return /[\p{L}\p{N}]/u.test(category) ? [sourceIdFor(category, new Set())] : [];
}

/** OPML files from older readers may be in Latin-1: decoded like a feed (BOM, XML declaration…). */
async function readOpml(cwd: string, file: string): Promise<string> {
  const bytes = await readUserBytes(cwd, file, "Fichier OPML");
  const { decodeBytes } = await import("../veille/decode.js");
  return decodeBytes(bytes, undefined).text;
}

export interface OpmlImportInput {
  file: string;
  dryRun: boolean;
  json: boolean;
}

export async function runOpmlImport(
  context: CommandContext,
  input: OpmlImportInput,
): Promise<CommandResult> {
  const root = await workspaceRoot(context);
  const opmlText = await readOpml(context.cwd, input.file);
  let feeds: ReturnType<typeof parseOpml>["feeds"];
  try {
    feeds = parseOpml(opmlText).feeds;
  } catch (error) {
    if (error instanceof OpmlError) {
      throw new UserError(`${input.file} : ${error.message}`, {
        hint: "Exportez de nouveau l'abonnement depuis votre lecteur de flux (format OPML).",
      });
    }
    throw error;
  }
  const text = await readFeedsText(root);
  const current = await parseFeedsText(text, context.env);
  const taken = new Set(current.sources.map((source) => source.id));
  const known = new Map(current.sources.map((source) => [sourceUrlKey(source.url), source.id]));
  const added: NewSource[] = [];
  const skipped: { title: string; url: string; reason: string }[] = [];
  for (const feed of feeds) {
    const url = feed.xmlUrl.trim();
    if (!sourceUrlSchema.safeParse(url).success || url.startsWith("file:")) {
      skipped.push({ title: feed.title, url, reason: "adresse invalide" });
      continue;
    }
    const existing = known.get(sourceUrlKey(url));
    if (existing !== undefined) {
      skipped.push({ title: feed.title, url, reason: `déjà présente (${existing})` });
      continue;
    }
    const id = sourceIdFor(feed.title, taken);
    taken.add(id);
    known.set(sourceUrlKey(url), id);
    // Folder names become tags when they make valid ones (« REP » → rep).
    const tags = [...new Set(feed.categories.flatMap(categoryTag))];
    added.push({ id, title: feed.title, url, ...(tags.length > 0 ? { tags } : {}) });
  }
  if (added.length > 0 && !input.dryRun) {
    await applyWrites(root, [
      { path: "feeds.yaml", content: appendToFeeds(text, added), mode: "replace" },
    ]);
  }
  if (input.json) {
    context.output.jsonDocument({
      added: added.map((source) => ({ ...source })),
      skipped,
      ...(input.dryRun ? { dryRun: true } : {}),
    });
    return 0;
  }
  for (const source of added) context.output.data(`${source.id}  ${source.url}`);
  for (const skip of skipped) {
    context.output.info(`Laissée de côté : « ${skip.title} » (${skip.url}) : ${skip.reason}.`);
  }
  const n = added.length;
  context.output.info(
    n === 0
      ? "Aucune nouvelle source : feeds.yaml n'a pas changé."
      : `${input.dryRun ? "Aperçu (rien n'a été écrit) : " : ""}${count(n, "source")} ${input.dryRun ? "seraient ajoutées" : n > 1 ? "ajoutées" : "ajoutée"} à feeds.yaml ; elles seront vérifiées à la prochaine « pile veille pull ».`,
  );
  return 0;
}

export interface OpmlExportInput {
  out?: string | undefined;
  force: boolean;
  dryRun: boolean;
}

export async function runOpmlExport(
  context: CommandContext,
  input: OpmlExportInput,
): Promise<CommandResult> {
  const root = await workspaceRoot(context);
  const feeds = await parseFeedsText(await readFeedsText(root), context.env);
  const document = opmlDocument(feeds.sources, {
    title: "Veille de LA PILE",
    date: context.now(),
  });
  const exported = feeds.sources.filter(opmlExportable).length;
  if (input.out === undefined) {
    context.output.data(document.replace(/\n$/, ""));
  } else {
    const target = path.resolve(context.cwd, input.out);
    await assertFreeOutput(target, input.out, input.force);
    if (!input.dryRun) {
      // The file may be anywhere the user chooses: it is written atomically in its own folder.
      await applyWrites(path.dirname(target), [
        {
          path: path.basename(target),
          content: document,
          mode: input.force ? "replace" : "create",
        },
      ]);
    }
    context.output.info(
      `${input.dryRun ? "Aperçu (rien n'a été écrit) : " : ""}${count(exported, "flux exporté", "flux exportés")} dans ${input.out}.`,
    );
  }
  const left = feeds.sources.length - exported;
  if (left > 0) {
    context.output.info(
      `${count(left, "source non exportée", "sources non exportées")} : pages sans flux (kind: html), sources désactivées ou fichiers de l'espace de travail (file:), qu'un lecteur de flux ne saurait pas suivre.`,
    );
  }
  return 0;
}
