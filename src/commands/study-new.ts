import path from "node:path";
import { CancelledError, UserError } from "../errors.js";
import { type Catalog, findEntry, type Sector, type Territory } from "../study/catalog.js";
import { isValidDate, parisDate } from "../study/dates.js";
import {
  allTemplateNames,
  type NewStudyAnswers,
  type NewStudyPlan,
  planNewStudy,
  titleSlugIsEmpty,
} from "../study/plan.js";
import { pathExists } from "../workspace/files.js";
import { loadTemplates } from "../workspace/templates.js";
import { createDirectory } from "../workspace/write-plan.js";
import type { CommandContext, CommandResult } from "./context.js";
import {
  assertSingleLine,
  loadCatalog,
  templateFailure,
  unknownValue,
  workspaceRoot,
} from "./study-access.js";

export interface StudyNewInput {
  title?: string | undefined;
  territory?: string | undefined;
  sector?: string | undefined;
  origin?: string | undefined;
  owner?: string | undefined;
  date?: string | undefined;
  yes: boolean;
  dryRun: boolean;
  json: boolean;
}

interface Draft {
  title?: string;
  territory?: Territory;
  sector?: Sector;
  origin?: string;
  owner?: string;
  date?: string;
}

const REQUIRED = [
  { key: "title", flag: "--title", label: "le titre" },
  { key: "territory", flag: "--territory", label: "le territoire" },
  { key: "sector", flag: "--sector", label: "le secteur" },
  { key: "owner", flag: "--owner", label: "le porteur ou la porteuse" },
] as const;

/** « a, b et c » */
function frenchList(items: readonly string[]): string {
  return items.length <= 1
    ? (items[0] ?? "")
    : `${items.slice(0, -1).join(", ")} et ${items[items.length - 1]}`;
}

function titleProblem(title: string): string | undefined {
  if (title.trim() === "") return "Le titre ne peut pas être vide.";
  if (titleSlugIsEmpty(title)) {
    return "Le titre doit contenir au moins une lettre de l'alphabet latin ou un chiffre (il donne son nom au dossier).";
  }
  if (title.length > 200) return "Le titre est trop long (200 caractères au plus).";
  return undefined;
}

/** Validates the flags that were given; unknown values are exit 2 with the valid list. */
function draftFromFlags(input: StudyNewInput, catalog: Catalog): Draft {
  const draft: Draft = {};
  assertSingleLine(input.title, "--title");
  assertSingleLine(input.owner, "--owner");
  assertSingleLine(input.origin, "--origin");
  if (input.title !== undefined) {
    const problem = titleProblem(input.title);
    if (problem) throw new UserError(`${problem} (--title « ${input.title} »)`);
    draft.title = input.title.trim();
  }
  if (input.territory !== undefined) {
    const territory = findEntry(catalog.territories, input.territory);
    if (!territory)
      throw unknownValue("Territoire", input.territory, catalog.territories, "--territory");
    draft.territory = territory;
  }
  if (input.sector !== undefined) {
    const sector = findEntry(catalog.sectors, input.sector);
    if (!sector) throw unknownValue("Secteur", input.sector, catalog.sectors, "--sector");
    draft.sector = sector;
  }
  if (input.origin !== undefined) draft.origin = input.origin.trim();
  if (input.owner !== undefined) {
    if (input.owner.trim() === "")
      throw new UserError("Le nom du porteur ou de la porteuse (--owner) ne peut pas être vide.");
    draft.owner = input.owner.trim();
  }
  if (input.date !== undefined) {
    if (!isValidDate(input.date)) {
      throw new UserError(
        `Date invalide : « ${input.date} ». Attendu : AAAA-MM-JJ, par exemple 2026-11-28.`,
      );
    }
    draft.date = input.date;
  }
  return draft;
}

type Question = "title" | "territory" | "sector" | "origin" | "owner" | "date";

async function ask(
  context: CommandContext,
  catalog: Catalog,
  draft: Draft,
  question: Question,
  today: string,
): Promise<void> {
  const { prompter } = context;
  switch (question) {
    case "title":
      draft.title = (
        await prompter.input({
          message: "Titre de la piste d'activité :",
          ...(draft.title ? { default: draft.title } : {}),
          validate: (value) => titleProblem(value) ?? true,
        })
      ).trim();
      break;
    case "territory": {
      const id = await prompter.select({
        message: "Territoire :",
        choices: catalog.territories.map((t) => ({
          value: t.id,
          name: t.ebe ? `${t.label} — ${t.ebe}` : t.label,
        })),
        ...(draft.territory ? { default: draft.territory.id } : {}),
      });
      draft.territory = catalog.territories.find((t) => t.id === id);
      break;
    }
    case "sector": {
      const id = await prompter.select({
        message: "Secteur d'activité :",
        choices: catalog.sectors.map((s) => ({ value: s.id, name: s.label })),
        ...(draft.sector ? { default: draft.sector.id } : {}),
      });
      draft.sector = catalog.sectors.find((s) => s.id === id);
      break;
    }
    case "origin":
      draft.origin = (
        await prompter.input({
          message: "Origine de l'idée (groupe de volontaires, partenaire, veille… ; facultatif) :",
          default: draft.origin ?? "",
        })
      ).trim();
      break;
    case "owner":
      draft.owner = (
        await prompter.input({
          message: "Porteur ou porteuse de l'étude :",
          ...(draft.owner ? { default: draft.owner } : {}),
          validate: (value) => (value.trim() === "" ? "Indiquez un nom." : true),
        })
      ).trim();
      break;
    case "date":
      draft.date = await prompter.input({
        message: "Date de début (AAAA-MM-JJ) :",
        default: draft.date ?? today,
        validate: (value) =>
          isValidDate(value) ? true : "Date attendue au format AAAA-MM-JJ, par exemple 2026-11-28.",
      });
      break;
  }
}

function recap(draft: Draft): string {
  const rows: [string, string][] = [
    ["Titre", draft.title ?? ""],
    [
      "Territoire",
      draft.territory
        ? `${draft.territory.label}${draft.territory.ebe ? ` (${draft.territory.ebe})` : ""}`
        : "",
    ],
    ["Secteur", draft.sector?.label ?? ""],
    ["Origine", draft.origin || "(à préciser dans le dossier)"],
    ["Porteur·euse", draft.owner ?? ""],
    ["Date", draft.date ?? ""],
  ];
  return ["", "Récapitulatif :", ...rows.map(([k, v]) => `  ${`${k} :`.padEnd(14)}${v}`), ""].join(
    "\n",
  );
}

function complete(draft: Draft, today: string): NewStudyAnswers {
  const { title, territory, sector, owner } = draft;
  if (!title || !territory || !sector || !owner) throw new Error("draft is incomplete");
  return { title, territory, sector, owner, origin: draft.origin ?? "", date: draft.date ?? today };
}

async function interactiveAnswers(
  context: CommandContext,
  catalog: Catalog,
  draft: Draft,
  input: StudyNewInput,
  today: string,
  plan: (answers: NewStudyAnswers) => Promise<{ plan: NewStudyPlan; taken: boolean }>,
): Promise<NewStudyPlan> {
  const order: Question[] = ["title", "territory", "sector", "origin", "owner", "date"];
  for (const question of order) {
    if (draft[question] !== undefined) continue;
    // --yes accepts the defaults: only questions without one are asked.
    if (input.yes && (question === "origin" || question === "date")) continue;
    await ask(context, catalog, draft, question, today);
  }
  for (;;) {
    const answers = complete(draft, today);
    const result = await plan(answers);
    if (input.yes && !result.taken) return result.plan;
    context.output.info(recap({ ...draft, date: answers.date }));
    if (result.taken) {
      context.output.warn(
        `le dossier ${result.plan.dir} existe déjà : changez le titre, le territoire ou la date.`,
      );
    } else {
      context.output.info(`Dossier prévu : ${result.plan.dir}/`);
    }
    const choice = await context.prompter.select<"create" | Question | "cancel">({
      message: "Que voulez-vous faire ?",
      choices: [
        ...(result.taken ? [] : [{ value: "create" as const, name: "Créer le dossier" }]),
        { value: "title", name: "Modifier le titre" },
        { value: "territory", name: "Modifier le territoire" },
        { value: "sector", name: "Modifier le secteur" },
        { value: "origin", name: "Modifier l'origine de l'idée" },
        { value: "owner", name: "Modifier le porteur ou la porteuse" },
        { value: "date", name: "Modifier la date" },
        { value: "cancel", name: "Annuler (ne rien écrire)" },
      ],
    });
    if (choice === "create") return result.plan;
    if (choice === "cancel") throw new CancelledError();
    await ask(context, catalog, draft, choice, today);
  }
}

export async function runStudyNew(
  context: CommandContext,
  input: StudyNewInput,
): Promise<CommandResult> {
  const root = await workspaceRoot(context);
  const catalog = await loadCatalog(root);
  const draft = draftFromFlags(input, catalog);
  const today = parisDate(context.now());

  const templates = await loadTemplates(root, allTemplateNames());
  const makePlan = async (answers: NewStudyAnswers) => {
    try {
      const plan = planNewStudy(answers, catalog, templates.sources);
      return { plan, taken: await pathExists(path.join(root, plan.dir)) };
    } catch (error) {
      templateFailure(error);
    }
  };

  let plan: NewStudyPlan;
  if (context.interactive) {
    plan = await interactiveAnswers(context, catalog, draft, input, today, makePlan);
  } else {
    const missing = REQUIRED.filter(({ key }) => draft[key] === undefined);
    if (missing.length > 0) {
      throw new UserError(
        `Il manque ${frenchList(missing.map((m) => m.label))} : sans terminal (ou sous CI), pile ne pose pas de questions. Passez ${missing.map((m) => m.flag).join(", ")}.`,
        {
          hint: `Par exemple : pile study new --title "Recyclerie textile" --territory 18e --sector couture-textile --owner "Camille Martin". Valeurs de --territory : ${catalog.territories.map((t) => t.id).join(", ")} ; de --sector : ${catalog.sectors.map((s) => s.id).join(", ")}.`,
        },
      );
    }
    const result = await makePlan(complete(draft, today));
    if (result.taken) {
      throw new UserError(`Le dossier ${result.plan.dir} existe déjà : pile ne l'écrase jamais.`, {
        hint: "Choisissez un autre titre, ou faites évoluer l'étude existante avec « pile study advance ».",
      });
    }
    plan = result.plan;
  }

  const files = plan.files.map((file) => `${plan.dir}/${file.path}`);
  if (!input.dryRun) await createDirectory(root, plan.dir, plan.files);
  for (const overridden of templates.overridden)
    context.output.info(`Modèle local utilisé : ${overridden}`);

  if (input.json) {
    context.output.jsonDocument({
      id: plan.id,
      path: plan.dir,
      files,
      ...(input.dryRun ? { dryRun: true } : {}),
    });
    return 0;
  }
  const { color } = context.output;
  if (input.dryRun) {
    context.output.info(color.bold(`Aperçu (rien n'a été écrit) : pile créerait ${plan.dir}/ :`));
    for (const file of files) context.output.data(`  ${file}`);
    return 0;
  }
  context.output.info(
    color.green(`Dossier créé : ${plan.dir}/ (${files.length} fichiers, étape pré-étude)`),
  );
  context.output.data(plan.dir);
  context.output.info(
    [
      "",
      "Pour le faire relire dans une demande de fusion (pull request) :",
      `  git checkout -b etude/${plan.id}`,
      `  git add ${plan.dir}`,
      // The id, not the title: a slug is safe to paste in any shell.
      `  git commit -m "Pré-étude : ${plan.id}"`,
      `  git push -u origin etude/${plan.id}`,
    ].join("\n"),
  );
  return 0;
}
