import { UserError } from "../errors.js";
import { findEntry } from "../study/catalog.js";
import { isStage, STAGE_LABELS, STAGES } from "../study/stages.js";
import { formatTable } from "../ui/table.js";
import type { CommandContext, CommandResult } from "./context.js";
import { loadCatalog, readAllStudies, workspaceRoot } from "./study-access.js";

export interface StudyListInput {
  stage?: string | undefined;
  territory?: string | undefined;
  json: boolean;
}

export async function runStudyList(
  context: CommandContext,
  input: StudyListInput,
): Promise<CommandResult> {
  const root = await workspaceRoot(context);
  if (input.stage !== undefined && !isStage(input.stage)) {
    throw new UserError(
      `Étape inconnue : « ${input.stage} ». Valeurs possibles : ${STAGES.join(", ")}.`,
    );
  }
  const catalog = await loadCatalog(root);
  let territory: string | undefined;
  if (input.territory !== undefined) {
    territory = findEntry(catalog.territories, input.territory)?.id;
    if (territory === undefined) {
      throw new UserError(
        `Territoire inconnu : « ${input.territory} ». Valeurs possibles : ${catalog.territories.map((t) => t.id).join(", ")}.`,
      );
    }
  }
  const listings = await readAllStudies(root);
  let broken = 0;
  const rows = [];
  for (const listing of listings) {
    if (!listing.ok) {
      broken++;
      context.output.error(`${listing.error.message} Cette étude est ignorée.`);
      continue;
    }
    const { study } = listing;
    if (input.stage !== undefined && study.stage !== input.stage) continue;
    if (territory !== undefined && study.territory !== territory) continue;
    rows.push({
      id: study.id,
      title: study.title,
      territory: study.territory,
      sector: study.sector,
      stage: study.stage,
      owner: study.owner,
      created: study.created,
      path: listing.dir,
      ...(study.example ? { example: true } : {}),
    });
  }
  if (input.json) {
    context.output.jsonDocument(rows);
  } else if (rows.length === 0) {
    context.output.info(
      listings.length === 0
        ? "Aucune étude pour l'instant : créez-en une avec « pile study new »."
        : "Aucune étude ne correspond à ces filtres.",
    );
  } else {
    context.output.data(
      formatTable(
        ["Identifiant", "Titre", "Étape", "Terr.", "Porteur·euse", "Créée le"],
        rows.map((row) => [
          row.id,
          row.example ? `${row.title} (exemple)` : row.title,
          STAGE_LABELS[row.stage],
          row.territory,
          row.owner,
          row.created,
        ]),
      ),
    );
    context.output.info(`${rows.length} étude${rows.length > 1 ? "s" : ""}.`);
  }
  return broken > 0 ? 1 : 0;
}
