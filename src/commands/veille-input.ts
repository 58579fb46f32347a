import { UserError } from "../errors.js";
import { packageInfo } from "../package-info.js";
import { type FeedsFile, feedsSchema, resolveSettings, type Settings } from "../veille/feeds.js";
import { StoreError } from "../veille/store.js";
import { readTextIfExists } from "../workspace/files.js";
import { cacheDir, readParsedYaml, rememberParsedYaml } from "../workspace/parsed-yaml-cache.js";

/** Loading feeds.yaml for the watch commands. */

/** feeds.yaml as written (`veille add` and `opml import` splice it). */
export async function readFeedsText(root: string): Promise<string> {
  const text = await readTextIfExists(root, "feeds.yaml");
  if (text === undefined) {
    throw new UserError("L'espace de travail n'a pas de fichier feeds.yaml.", {
      hint: "Créez-le avec « pile init » (qui ne remplace rien).",
    });
  }
  return text;
}

/**
 * feeds.yaml checked, its YAML parsed once per version of the file (the
 * parsed form is kept in pile's cache, and checked again at each use).
 */
export async function parseFeedsText(
  text: string,
  env: Record<string, string | undefined>,
): Promise<FeedsFile> {
  const cache = cacheDir(env);
  const cached = await readParsedYaml(text, cache);
  if (cached !== undefined) {
    const checked = feedsSchema.safeParse(cached);
    if (checked.success) return checked.data;
  }
  // The yaml library is loaded only here (its first parse costs the most).
  const { parseYamlText } = await import("../workspace/yaml-file.js");
  const parsed = parseYamlText(text, "feeds.yaml", feedsSchema);
  if (!parsed.ok) throw parsed.error;
  // An empty file is the empty object the checks saw.
  await rememberParsedYaml(text, parsed.data ?? {}, cache);
  return parsed.value;
}

export async function loadFeeds(
  root: string,
  env: Record<string, string | undefined>,
): Promise<FeedsFile> {
  return parseFeedsText(await readFeedsText(root), env);
}

/** The watch settings of feeds.yaml, the User-Agent naming this version of pile. */
export function watchSettings(feeds: FeedsFile): Settings {
  const { version, homepage } = packageInfo();
  return resolveSettings(feeds, version, homepage);
}

/** A damaged store is the user's to restore: say which file and line. */
export function storeFailure(error: unknown): never {
  if (error instanceof StoreError) {
    throw new UserError(
      error.file.endsWith(".jsonl")
        ? `Les fichiers de la veille sont abîmés : la ligne ${error.line} de ${error.file} n'est pas une entrée valide.`
        : `Les fichiers de la veille sont abîmés : ${error.file} n'a pas la forme attendue.`,
      { hint: `Restaurez-le depuis git (git checkout -- ${error.file}), puis relancez.` },
    );
  }
  throw error;
}
