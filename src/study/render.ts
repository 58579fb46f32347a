import Handlebars from "handlebars";
import { frenchDate } from "./dates.js";
import { TemplateError } from "./template-error.js";

export { TemplateError };

/**
 * One isolated Handlebars environment for Markdown: strict (an unknown
 * variable is an error, so template typos fail the tests) and without HTML
 * escaping (`&` must stay `&` in Markdown). Prototype access stays forbidden
 * (Handlebars' default since 4.6).
 */

export type TemplateContext = Record<string, unknown>;

const NUMBER_FR = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 2 });
const EUROS_FR = new Intl.NumberFormat("fr-FR", {
  style: "currency",
  currency: "EUR",
  maximumFractionDigits: 0,
});

function createEnvironment(): typeof Handlebars {
  const env = Handlebars.create();
  env.registerHelper("dateFr", (value: unknown) => frenchDate(String(value)));
  // A value that is not a number is shown as written rather than as « NaN ».
  const numeric = (format: Intl.NumberFormat) => (value: unknown) =>
    Number.isFinite(Number(value)) && value !== "" && value !== null
      ? format.format(Number(value))
      : String(value ?? "");
  env.registerHelper("nombre", numeric(NUMBER_FR));
  env.registerHelper("euros", numeric(EUROS_FR));
  env.registerHelper("join", (list: unknown, separator: unknown) =>
    Array.isArray(list) ? list.join(typeof separator === "string" ? separator : ", ") : "",
  );
  return env;
}

const environment = createEnvironment();

/**
 * Handlebars reports in English; its exceptions carry a position
 * (lineNumber, column) for unknown variables, and parse errors state their
 * line in the message. The reason is given in French with that position.
 */
export function templateReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const { lineNumber, column } = (error ?? {}) as { lineNumber?: number; column?: number };
  const unknown = /^"([^"]+)" not defined/.exec(message);
  if (unknown) {
    return `variable inconnue « ${unknown[1]} »${lineNumber === undefined ? "" : ` (ligne ${lineNumber}, colonne ${(column ?? 0) + 1})`}`;
  }
  const parse = /^Parse error on line (\d+)/.exec(message);
  if (parse)
    return `syntaxe Handlebars invalide à la ligne ${parse[1]} (accolade ou bloc {{#…}} mal fermé ?)`;
  if (/partial .* could not be found/.test(message))
    return "les modèles partiels ({{> …}}) ne sont pas pris en charge";
  return `erreur de modèle (${message.split("\n")[0]})`;
}

/** Renders a template source; the output always uses LF and ends with one newline. */
export function renderTemplate(name: string, source: string, context: TemplateContext): string {
  let text: string;
  try {
    const template = environment.compile(source, { strict: true, noEscape: true });
    text = template(context);
  } catch (error) {
    throw new TemplateError(name, templateReason(error));
  }
  return `${text.replace(/\r\n?/g, "\n").replace(/\n+$/, "")}\n`;
}
