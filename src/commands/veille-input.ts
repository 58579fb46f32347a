import { UserError } from "../errors.js";
import { packageInfo } from "../package-info.js";
import { type FeedsFile, feedsSchema, resolveSettings, type Settings } from "../veille/feeds.js";
import { StoreError } from "../veille/store.js";
import { readTextIfExists } from "../workspace/files.js";
import { parseYamlText } from "../workspace/yaml-file.js";

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

export function parseFeedsText(text: string): FeedsFile {
  const parsed = parseYamlText(text, "feeds.yaml", feedsSchema);
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

export async function loadFeeds(root: string): Promise<FeedsFile> {
  return parseFeedsText(await readFeedsText(root));
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
