import { UserError } from "../errors.js";
import { isValidDate, parisDate } from "../paris-time.js";
import { count } from "../ui/count.js";
import { type Item, newestFirst } from "../veille/normalise.js";
import { readAllMonths, storeMonths } from "../veille/store.js";
import { foldText } from "../veille/tag.js";
import { workspaceRoot } from "../workspace/locate.js";
import type { CommandContext, CommandResult } from "./context.js";
import { storeFailure } from "./veille-input.js";

export interface VeilleListInput {
  since?: string | undefined;
  until?: string | undefined;
  tag?: string | undefined;
  source?: string | undefined;
  search?: string | undefined;
  limit?: string | undefined;
  json: boolean;
}

function day(text: string | undefined, flag: string): string | undefined {
  if (text === undefined || isValidDate(text)) return text;
  throw new UserError(`${flag} attend une date AAAA-MM-JJ qui existe, et non « ${text} ».`);
}

export async function runVeilleList(
  context: CommandContext,
  input: VeilleListInput,
): Promise<CommandResult> {
  const root = await workspaceRoot(context);
  const since = day(input.since, "--since");
  const until = day(input.until, "--until");
  let limit: number | undefined;
  if (input.limit !== undefined) {
    limit = Number(input.limit);
    if (!/^\d+$/.test(input.limit) || limit < 1)
      throw new UserError(`--limit attend un nombre entier positif, et non « ${input.limit} ».`);
  }
  // Only the month files that can hold matching items are read (a day near a
  // month's edge may sit in the neighbouring file: one month of margin).
  const margin = (date: string, delta: number) => {
    const [y, m] = date.split("-").map(Number) as [number, number];
    const d = new Date(Date.UTC(y, m - 1 + delta, 1));
    return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
  };
  const months = (await storeMonths(root)).filter(
    (month) =>
      (since === undefined || month >= margin(since, -1)) &&
      (until === undefined || month <= margin(until, 1)),
  );
  let all: Map<string, Item[]>;
  try {
    all = await readAllMonths(root, months);
  } catch (error) {
    storeFailure(error);
  }
  const search = input.search === undefined ? undefined : foldText(input.search);
  let items = [...all.values()].flat().filter((item) => {
    const date = parisDate(new Date(item.published));
    if (since !== undefined && date < since) return false;
    if (until !== undefined && date > until) return false;
    if (input.tag !== undefined && !item.tags.includes(input.tag)) return false;
    if (input.source !== undefined && !item.sources.includes(input.source)) return false;
    if (search !== undefined && !foldText(`${item.title}\n${item.summary}`).includes(search))
      return false;
    return true;
  });
  items.sort(newestFirst);
  if (limit !== undefined) items = items.slice(0, limit);
  if (input.json) {
    context.output.jsonDocument(
      items.map((item) => ({
        id: item.id,
        title: item.title,
        link: item.link ?? null,
        published: item.published,
        dated: item.dated,
        sources: item.sources,
        tags: item.tags,
        summary: item.summary,
      })),
    );
    return 0;
  }
  if (items.length === 0) {
    context.output.info("Aucune entrée de veille ne correspond.");
    return 0;
  }
  const format = new Intl.DateTimeFormat("fr-FR", {
    timeZone: "Europe/Paris",
    day: "2-digit",
    month: "2-digit",
    year: "numeric",
  });
  for (const item of items) {
    const date = item.dated
      ? format.format(new Date(item.published))
      : `${format.format(new Date(item.published))}*`;
    context.output.data(`${date}  ${item.title}`);
    context.output.data(
      `            ${item.sources.join(", ")}${item.tags.length > 0 ? ` · ${item.tags.join(", ")}` : ""}`,
    );
    if (item.link) context.output.data(`            ${item.link}`);
  }
  context.output.info(
    `${count(items.length, "entrée")}${items.some((i) => !i.dated) ? " ; * : sans date dans le flux, date de première collecte" : ""}.`,
  );
  return 0;
}
