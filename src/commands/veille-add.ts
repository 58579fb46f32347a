import { UserError } from "../errors.js";
import { count } from "../ui/count.js";
import { collectSource } from "../veille/collect.js";
import { fetchOptionsOf, sourceUrlSchema } from "../veille/feeds.js";
import { sourceIdFor } from "../veille/feeds-edit.js";
import { limiter } from "../veille/fetch.js";
import { sourceUrlKey } from "../veille/links.js";
import { plainText } from "../veille/text.js";
import { readTextIfExists } from "../workspace/files.js";
import { workspaceRoot } from "../workspace/locate.js";
import { applyWrites } from "../workspace/write-plan.js";
import type { CommandContext, CommandResult } from "./context.js";
import { appendToFeeds } from "./veille-append.js";
import { parseFeedsText, readFeedsText, watchSettings } from "./veille-input.js";

export interface VeilleAddInput {
  url: string;
  id?: string | undefined;
  title?: string | undefined;
  tags?: string | undefined;
  dryRun: boolean;
  json: boolean;
}

const ID_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;

/** "a, b" → ["a", "b"], each a valid tag. */
function parseTags(text: string | undefined): string[] {
  if (text === undefined) return [];
  const tags = text
    .split(",")
    .map((tag) => tag.trim())
    .filter((tag) => tag !== "");
  for (const tag of tags) {
    if (!ID_PATTERN.test(tag)) {
      throw new UserError(
        `Étiquette invalide : « ${tag} » (minuscules, chiffres, tirets ou soulignés attendus).`,
        { hint: "Exemple : --tags rep-textiles,appels-a-projets" },
      );
    }
  }
  return [...new Set(tags)];
}

/**
 * `pile veille add URL`: finds the feed (the URL itself, or the one its page
 * advertises), fetches it once to check that it reads, then appends the source
 * to feeds.yaml without touching the rest of the file.
 */
export async function runVeilleAdd(
  context: CommandContext,
  input: VeilleAddInput,
): Promise<CommandResult> {
  const root = await workspaceRoot(context);
  const url = input.url.trim();
  if (!sourceUrlSchema.safeParse(url).success || url.startsWith("file:")) {
    throw new UserError(`Adresse invalide : « ${input.url} ».`, {
      hint: "Donnez l'adresse complète d'un flux ou d'une page, commençant par https:// ou http://.",
    });
  }
  const tags = parseTags(input.tags);
  const text = await readFeedsText(root);
  const feeds = await parseFeedsText(text, context.env);
  const taken = new Set(feeds.sources.map((source) => source.id));
  if (input.id !== undefined) {
    if (!ID_PATTERN.test(input.id)) {
      throw new UserError(
        `Identifiant invalide : « ${input.id} » (minuscules, chiffres, tirets ou soulignés attendus).`,
      );
    }
    if (taken.has(input.id)) {
      throw new UserError(`feeds.yaml a déjà une source « ${input.id} ».`, {
        hint: "Choisissez un autre identifiant avec --id.",
      });
    }
  }
  const present = (candidate: string) =>
    feeds.sources.find((source) => sourceUrlKey(source.url) === sourceUrlKey(candidate));
  const already = present(url);
  if (already) {
    throw new UserError(`Cette adresse est déjà dans feeds.yaml : source « ${already.id} ».`);
  }

  context.output.info(`Vérification de ${url}…`);
  const outcome = await collectSource(
    { id: input.id ?? "nouvelle-source", title: input.title ?? url, url },
    undefined,
    {
      fetchOptions: fetchOptionsOf(watchSettings(feeds), root),
      network: limiter(1),
      reading: limiter(1),
      now: context.now(),
      ingest: () => import("../veille/ingest.js").then((module) => module.ingest),
      tagger: async () => () => [],
    },
  );
  if (outcome.status !== "ok") {
    const reason = outcome.status === "error" ? outcome.reason : "réponse inattendue (304)";
    // An address that is not a feed, or that the server refuses (4xx), is bad input;
    // a network failure or a server error may pass: exit 1, try again later.
    const badInput =
      /^(pas un flux|HTTP 4|adresse|redirection)/.test(reason) || reason.includes("flux signalé");
    throw new UserError(
      `L'adresse ${url} ne peut pas être ajoutée : ${reason}. Rien n'a été écrit.`,
      {
        hint: reason.startsWith("pas un flux")
          ? "Pour une page sans flux, ajoutez à la main dans feeds.yaml une source kind: html avec ses sélecteurs (select)."
          : "Vérifiez l'adresse dans un navigateur, puis relancez.",
        exitCode: badInput ? 2 : 1,
      },
    );
  }
  const feedUrl = outcome.feedUrl ?? url;
  if (outcome.feedUrl) {
    const twin = present(outcome.feedUrl);
    if (twin) {
      throw new UserError(
        `La page signale le flux ${outcome.feedUrl}, déjà dans feeds.yaml : source « ${twin.id} ».`,
      );
    }
  }
  const title = input.title?.trim() || plainText(outcome.title) || new URL(feedUrl).hostname;
  const id = input.id ?? sourceIdFor(title, taken);
  const source = { id, title, url: feedUrl, ...(tags.length > 0 ? { tags } : {}) };
  if (!input.dryRun) {
    // The check took a while: feeds.yaml may have changed meanwhile (another
    // `veille add`, an edit by hand). The source goes into the file as it is now.
    const fresh = await readTextIfExists(root, "feeds.yaml");
    if (fresh !== text) {
      throw new UserError("feeds.yaml a changé pendant la vérification : rien n'a été écrit.", {
        hint: "Relancez la même commande.",
      });
    }
    await applyWrites(root, [
      { path: "feeds.yaml", content: appendToFeeds(text, [source]), mode: "replace" },
    ]);
  } else {
    appendToFeeds(text, [source]);
  }
  if (input.json) {
    context.output.jsonDocument({
      ...source,
      ...(outcome.feedUrl ? { page: url } : {}),
      items: outcome.items.length,
      ...(input.dryRun ? { dryRun: true } : {}),
    });
  } else {
    context.output.data(id);
    if (outcome.feedUrl) context.output.info(`Flux trouvé sur la page : ${outcome.feedUrl}.`);
    context.output.info(
      `${input.dryRun ? "Aperçu (rien n'a été écrit) : la source serait ajoutée" : "Source ajoutée"} à feeds.yaml : « ${title} » (${id}), ${count(outcome.items.length, "entrée lue")} pour vérifier. La prochaine « pile veille pull » la collectera.`,
    );
  }
  return 0;
}
