import { TemplateEngine } from "../template-engine.js";
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

// Built on first use: loading ICU's French number data costs about 20 ms at
// start-up, and the shipped templates do not call these helpers.
const NUMBER_FR = (): Intl.NumberFormat =>
  new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 2 });
const EUROS_FR = (): Intl.NumberFormat =>
  new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR", maximumFractionDigits: 0 });

const engine = new TemplateEngine((register) => {
  register("dateFr", (value: unknown) => frenchDate(String(value)));
  // A value that is not a number is shown as written rather than as « NaN ».
  const numeric = (create: () => Intl.NumberFormat) => {
    let format: Intl.NumberFormat | undefined;
    return (value: unknown) => {
      if (!Number.isFinite(Number(value)) || value === "" || value === null)
        return String(value ?? "");
      format ??= create();
      return format.format(Number(value));
    };
  };
  register("nombre", numeric(NUMBER_FR));
  register("euros", numeric(EUROS_FR));
  register("join", (list: unknown, separator: unknown) =>
    Array.isArray(list) ? list.join(typeof separator === "string" ? separator : ", ") : "",
  );
});

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
    text = engine.compile(source)(context);
  } catch (error) {
    throw new TemplateError(name, templateReason(error));
  }
  return `${text.replace(/\r\n?/g, "\n").replace(/\n+$/, "")}\n`;
}
