import { readFileSync } from "node:fs";
import { UserError } from "../errors.js";
import { type FeedsFile, feedsSchema } from "../veille/feeds.js";
import { readTextIfExists } from "../workspace/files.js";
import { parseYamlText } from "../workspace/yaml-file.js";

/** Loading feeds.yaml for the watch commands. */

export async function loadFeeds(root: string): Promise<FeedsFile> {
  const text = await readTextIfExists(root, "feeds.yaml");
  if (text === undefined) {
    throw new UserError("L'espace de travail n'a pas de fichier feeds.yaml.", {
      hint: "Créez-le avec « pile init » (qui ne remplace rien).",
    });
  }
  const parsed = parseYamlText(text, "feeds.yaml", feedsSchema);
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

export function packageInfo(): { version: string; homepage?: string } {
  const text = readFileSync(new URL("../../package.json", import.meta.url), "utf8");
  return JSON.parse(text) as { version: string; homepage?: string };
}
