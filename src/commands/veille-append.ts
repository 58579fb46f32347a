import { UserError } from "../errors.js";
import { appendSources, FeedsEditError, type NewSource } from "../veille/feeds-edit.js";

/**
 * feeds.yaml with new sources at the end of its list, the rest of the file
 * byte for byte. Shared by `veille add` and `veille opml import`, and kept
 * apart so that the pull never loads the editor.
 */
export function appendToFeeds(text: string, sources: readonly NewSource[]): string {
  try {
    return appendSources(text, sources);
  } catch (error) {
    if (error instanceof FeedsEditError) {
      throw new UserError(`feeds.yaml : ${error.message}`, {
        hint: "Ajoutez la source à la main dans la liste sources: de feeds.yaml.",
      });
    }
    throw error;
  }
}
