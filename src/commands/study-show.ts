import { countPlaceholders, requiredFiles } from "../study/check.js";
import { frenchDate } from "../study/dates.js";
import { fingerprint } from "../study/fingerprint.js";
import { STAGE_LABELS } from "../study/stages.js";
import { readTextTree } from "../workspace/files.js";
import type { CommandContext, CommandResult } from "./context.js";
import { loadCatalog, readStudy, workspaceRoot } from "./study-access.js";

export interface StudyShowInput {
  id: string;
  json: boolean;
}

type FileState = "generated" | "edited" | "missing" | "added";

const STATE_FR: Record<FileState, string> = {
  generated: "tel que généré",
  edited: "rédigé",
  missing: "MANQUANT",
  added: "ajouté à la main",
};

export async function runStudyShow(
  context: CommandContext,
  input: StudyShowInput,
): Promise<CommandResult> {
  const root = await workspaceRoot(context);
  const { study, dir } = await readStudy(root, input.id);
  const catalog = await loadCatalog(root);
  const present = await readTextTree(`${root}/${dir}`);
  present.delete("study.yaml");
  const names = [
    ...new Set([...requiredFiles(study), ...Object.keys(study.files), ...present.keys()]),
  ].sort();
  const files = names.map((name) => {
    const text = present.get(name);
    const recorded = study.files[name];
    const state: FileState =
      text === undefined
        ? "missing"
        : recorded === undefined
          ? "added"
          : recorded === fingerprint(text)
            ? "generated"
            : "edited";
    return {
      path: `${dir}/${name}`,
      state,
      placeholders: text === undefined ? 0 : countPlaceholders(text),
    };
  });
  if (input.json) {
    context.output.jsonDocument({ ...study, path: dir, fileStates: files });
    return 0;
  }
  const territory = catalog.territories.find((t) => t.id === study.territory);
  const sector = catalog.sectors.find((s) => s.id === study.sector);
  const { output } = context;
  const lines = [
    output.dataColor.bold(`${study.title}${study.example ? " (exemple)" : ""}`),
    `  Identifiant : ${study.id}`,
    `  Territoire  : ${territory ? `${territory.label}${territory.ebe ? ` — EBE ${territory.ebe}` : ""}` : study.territory}`,
    `  Secteur     : ${sector?.label ?? study.sector}`,
    `  Porteur·euse  : ${study.owner}`,
    `  Origine     : ${study.origin || "(non précisée)"}`,
    `  Étape       : ${STAGE_LABELS[study.stage]}`,
    "",
    "Historique :",
    ...study.history.map(
      (entry) =>
        `  ${frenchDate(entry.date)} — ${STAGE_LABELS[entry.stage]}${entry.reason ? ` : ${entry.reason}` : ""}`,
    ),
    "",
    "Fichiers :",
    ...files.map(
      (file) =>
        `  ${file.path}  (${STATE_FR[file.state]}${file.placeholders > 0 ? `, ${file.placeholders} « à compléter »` : ""})`,
    ),
    "",
    `Entretiens : ${study.interviews.length === 0 ? "aucun pour l'instant" : study.interviews.length}`,
    ...study.interviews.map(
      (interview) =>
        `  ${frenchDate(interview.date)} — ${interview.actor}${interview.role ? ` (${interview.role})` : ""} : ${dir}/${interview.file}`,
    ),
  ];
  output.data(lines.join("\n"));
  return 0;
}
