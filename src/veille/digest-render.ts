import { TemplateEngine } from "../template-engine.js";
import { frenchWhole } from "../ui/count.js";
import type { DigestModel } from "./digest.js";

/**
 * Renders a digest model with a Handlebars template (the packaged
 * templates/veille/digest.{md,html}.hbs or a workspace's own). Pure.
 *
 * Everything in the model may come from a feed (titles, summaries, links),
 * or from feeds.yaml (labels, source titles), so nothing reaches a template
 * unescaped: the template is given a copy of the model in which every string
 * is already escaped for the output format, and every field named `link` is
 * a checked, encoded http(s) address or null. A template cannot forget to
 * escape, not even with {{{triple braces}}}; it only adds its own (trusted)
 * text around.
 *
 * Handlebars runs in strict mode (an unknown field is an error, named in
 * French) with its own HTML escaping turned off, since the values are
 * escaped already. The output is deterministic: LF line ends, no trailing
 * spaces, at most one blank line in a row, one final newline.
 */

export type DigestFormat = "md" | "html";

/** A template that does not compile or render; the message is a French sentence. */
export class DigestTemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DigestTemplateError";
  }
}

// ---------------------------------------------------------------- Markdown

/**
 * Markdown metacharacters. Each gets a backslash, which CommonMark allows
 * before any ASCII punctuation:
 * - always, the characters that act anywhere in a line: emphasis and code
 *   (* _ ` ~), links and images ([ ] ( ) !), HTML, autolinks and entities
 *   (< > &), tables (|), math on GitHub ($), e-mail autolinks (@), and the
 *   backslash itself;
 * - a `:` or `.` followed by a non-space: the scheme of "http://x" or
 *   "javascript:x", and the dots of "www.x.fr" or "x.fr", which GitHub and
 *   linkify would turn into links ("Citeo : …" and a final "." stay as written);
 * - at the start of the value, what starts a block when it begins a line:
 *   # (heading), + - (list), = - (setext underline), and the "." of "1." (>,
 *   * and ")" are escaped anyway).
 * Elsewhere `-`, `+`, `#`, `=` are inert, and a backslash in every French
 * compound word (Île-de-France) or sentence would only make the committed
 * file harder to read.
 */
const MARKDOWN_SPECIAL = /[\\`*_[\]()<>!|&~$@]|[:.](?=\S)|^[#+\-=]|(?<=^\d+)\./g;

/** C0 and C1 controls, and the bidirectional overrides, which could disguise a title. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
const BIDI_OVERRIDES = /[\u202A-\u202E\u2066-\u2069]/g;
/** Line breaks of any kind, and tabs: a value is always one line of text. */
const BREAKS = /[\t\n\r\u0085\u2028\u2029]+/g;

/** Anything oneLine would change, besides the ends: most values have none. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const NOT_ONE_LINE = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]| {2}/;

function oneLine(text: string): string {
  if (!NOT_ONE_LINE.test(text)) return text.trim();
  return text
    .replace(CONTROLS, "")
    .replace(BIDI_OVERRIDES, "")
    .replace(BREAKS, " ")
    .replace(/ {2,}/g, " ")
    .trim();
}
/** Plain text as inert Markdown, on one line. */
export function escapeMarkdown(text: string): string {
  return oneLine(text).replace(MARKDOWN_SPECIAL, "\\$&");
}

/**
 * A checked http(s) address, ready for a Markdown link destination `(…)` or
 * an autolink `<…>`: the characters that could end either, or open a link
 * title, are percent-encoded. Anything else gives null.
 */
export function markdownUrl(link: unknown): string | null {
  const href = httpHref(link);
  if (href === null) return null;
  return href.replace(/[()<>\s\\]/g, (character) => percentEncode(character));
}

// -------------------------------------------------------------------- HTML

const HTML_ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Text for an HTML element or a quoted attribute. */
export function escapeHtml(text: string): string {
  return oneLine(text).replace(/[&<>"']/g, (character) => HTML_ENTITIES[character] ?? character);
}

/** A checked http(s) address for an href="…" attribute, or null. */
export function htmlUrl(link: unknown): string | null {
  const href = httpHref(link);
  return href === null ? null : href.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

// -------------------------------------------------------------------- URLs

/** The normalised address when it is absolute http or https (no javascript:, data:, file:…). */
function httpHref(link: unknown): string | null {
  if (typeof link !== "string" || link === "") return null;
  try {
    const url = new URL(link);
    if (url.protocol !== "http:" && url.protocol !== "https:") return null;
    // WHATWG serialisation: no spaces, controls or non-ASCII left, but ( ) ' * [ ] may remain.
    return url.href;
  } catch {
    return null;
  }
}

function percentEncode(character: string): string {
  return [...new TextEncoder().encode(character)]
    .map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, "0")}`)
    .join("");
}

// -------------------------------------------------------------- view model

interface Escaper {
  text: (text: string) => string;
  url: (link: unknown) => string | null;
}

const ESCAPERS: Record<DigestFormat, Escaper> = {
  md: { text: escapeMarkdown, url: markdownUrl },
  html: { text: escapeHtml, url: htmlUrl },
};

/**
 * A deep copy of the model with every string escaped, and every `link` made
 * a safe address or null. Plain objects only: prototypes are not copied.
 * The same strings recur (an item in its section and under several studies,
 * dates, source titles): each is escaped once.
 */
function escapedView(model: unknown, escaper: Escaper): unknown {
  const texts = new Map<string, string>();
  const text = (value: string): string => {
    let escaped = texts.get(value);
    if (escaped === undefined) {
      escaped = escaper.text(value);
      texts.set(value, escaped);
    }
    return escaped;
  };
  const urls = new Map<unknown, string | null>();
  const url = (value: unknown): string | null => {
    let escaped = urls.get(value);
    if (escaped === undefined) {
      escaped = escaper.url(value);
      urls.set(value, escaped);
    }
    return escaped;
  };
  const copy = (value: unknown, key?: string): unknown => {
    if (key === "link") return url(value);
    if (typeof value === "string") return text(value);
    if (Array.isArray(value)) return value.map((entry) => copy(entry));
    if (value !== null && typeof value === "object") {
      const source = value as Record<string, unknown>;
      const result: Record<string, unknown> = {};
      for (const name of Object.keys(source)) result[name] = copy(source[name], name);
      return result;
    }
    return value;
  };
  return copy(model);
}

// --------------------------------------------------------------- Handlebars

const engine = new TemplateEngine((register) => {
  // {{nombre counts.items}} → « 1 000 » (French grouping, with a narrow no-break space).
  register("nombre", (value: unknown) =>
    typeof value === "number" && Number.isFinite(value) ? frenchWhole(value) : String(value),
  );
  // {{plural counts.items "entrée" "entrées"}}: French agreement, singular for 0 and 1.
  register("plural", (count: unknown, one: unknown, many: unknown) =>
    String(Math.abs(Number(count)) >= 2 ? many : one),
  );
  // {{join sources ", "}}: the values are escaped already, the separator is the template's.
  register("join", (list: unknown, separator: unknown) =>
    Array.isArray(list) ? list.join(typeof separator === "string" ? separator : ", ") : "",
  );
  // {{#if (gt failures 1)}}: a comparison, for wording.
  register("gt", (a: unknown, b: unknown) => Number(a) > Number(b));
});

/**
 * The whole path written in the template where Handlebars reports a missing
 * name: it names only the last part ("label" of "periode.label").
 */
function writtenPath(
  templateText: string,
  name: string,
  lineNumber: number | undefined,
  column: number | undefined,
): string {
  if (lineNumber === undefined || column === undefined) return name;
  const line = templateText.split(/\r\n?|\n/)[lineNumber - 1] ?? "";
  const path = /^[\w@./-]+/.exec(line.slice(column))?.[0];
  return path?.endsWith(name) ? path : name;
}

/** Handlebars' English errors as one French sentence, naming the field and its place. */
function templateMessage(error: unknown, templateText: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const { lineNumber, column } = (error ?? {}) as { lineNumber?: number; column?: number };
  const where =
    lineNumber === undefined ? "" : ` (ligne ${lineNumber}, colonne ${(column ?? 0) + 1})`;
  const unknown = /^"([^"]+)" not defined/.exec(message);
  if (unknown) {
    const field = writtenPath(templateText, unknown[1] ?? "", lineNumber, column);
    // Strict mode reports an unknown helper the same way as an unknown field.
    return `Le modèle de la synthèse de veille utilise « ${field} »${where}, qui n'est ni un champ de la synthèse ni une fonction connue (nombre, plural, join, gt, et if, unless, each, with de Handlebars) : corrigez ce nom ou retirez-le du modèle.`;
  }
  const parse = /^Parse error on line (\d+)/.exec(message);
  if (parse) {
    return `Le modèle de la synthèse de veille est mal écrit à la ligne ${parse[1]} : une accolade ou un bloc {{#…}} n'est pas refermé.`;
  }
  if (/partial .* could not be found/.test(message)) {
    return "Le modèle de la synthèse de veille utilise un modèle partiel ({{> …}}), ce que pile ne prend pas en charge.";
  }
  return `Le modèle de la synthèse de veille ne peut pas être appliqué : ${message.split("\n")[0]}.`;
}

/** LF, no trailing spaces, no run of blank lines, no leading blank line, one final newline. */
function tidy(text: string): string {
  const kept: string[] = [];
  for (let line of text.replace(/\r\n?/g, "\n").split("\n")) {
    const last = line.charCodeAt(line.length - 1);
    if (last === 32 || last === 9) line = line.replace(/[ \t]+$/, "");
    if (line === "" && (kept.length === 0 || kept[kept.length - 1] === "")) continue;
    kept.push(line);
  }
  if (kept[kept.length - 1] === "") kept.pop();
  return `${kept.join("\n")}\n`;
}

/**
 * The digest's text, from a template's text (compiled once, then reused).
 * Throws DigestTemplateError, with a French message, when the template does
 * not compile or uses a field the model does not have.
 */
export function renderDigest(
  model: DigestModel,
  templateText: string,
  format: DigestFormat,
): string {
  const escaper = ESCAPERS[format];
  if (!escaper) throw new Error(`unknown digest format: ${String(format)}`);
  const view = escapedView(model, escaper);
  let text: string;
  try {
    // A BOM left by an editor would otherwise start the digest.
    text = engine.compile(templateText.replace(/^\uFEFF/, ""))(view);
  } catch (error) {
    throw new DigestTemplateError(templateMessage(error, templateText));
  }
  return tidy(text);
}
