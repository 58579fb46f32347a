import {
  type Document,
  isCollection,
  isMap,
  isNode,
  isPair,
  isScalar,
  LineCounter,
  parseDocument,
  visit,
} from "yaml";
import type { z } from "zod";
import { type SourceLocation, UserError } from "../errors.js";
import { readTextIfExists } from "./files.js";

/**
 * YAML + zod, with every problem pointing at file:line:column. parseYamlText is
 * pure: takes the text, returns the value or a UserError (as a value, so that a
 * command such as `study list` can report one broken file and go on with the
 * others); readYamlFile reads the file first.
 */

export type ParseResult<T> =
  | {
      ok: true;
      value: T;
      /** The plain data, before the schema checked (and possibly transformed) it. */
      data: unknown;
      document: Document;
      lineCounter: LineCounter;
    }
  | {
      ok: false;
      /** The first problem, ready to print. */
      error: UserError;
      /** Every problem found, each with its own position; messages without the file name. */
      problems: YamlProblem[];
    };

export interface YamlProblem {
  line: number;
  column: number;
  message: string;
}

/** A YAML file larger than this is refused rather than parsed (a dossier is a few KB). */
export const MAX_YAML_BYTES = 1_000_000;

const YAML_ERRORS_FR: Record<string, string> = {
  BAD_INDENT: "indentation incorrecte",
  DUPLICATE_KEY: "clé en double",
  TAB_AS_INDENT: "tabulation utilisée pour l'indentation (utilisez des espaces)",
  MISSING_CHAR: "caractère manquant (guillemet, crochet ou accolade non fermé ?)",
  MULTILINE_IMPLICIT_KEY: "clé sur plusieurs lignes (un « : » manque-t-il ?)",
  BLOCK_AS_IMPLICIT_KEY: "bloc utilisé comme clé",
  UNEXPECTED_TOKEN: "caractère inattendu",
  BAD_SCALAR_START: "valeur qui commence par un caractère réservé (mettez-la entre guillemets)",
  BAD_ALIAS: "alias invalide",
  ALIAS_PROPS: "alias invalide",
  BAD_DIRECTIVE: "directive YAML invalide",
  BAD_DQ_ESCAPE: "séquence d'échappement invalide entre guillemets",
  MULTIPLE_DOCS: "plusieurs documents dans un même fichier",
  RESOURCE_EXHAUSTION: "trop d'alias (fichier piégé ?)",
  KEY_OVER_1024_CHARS: "clé trop longue",
};

const HINT = "Corrigez le fichier puis relancez la commande.";

function locate(lineCounter: LineCounter, file: string, offset: number): SourceLocation {
  const { line, col } = lineCounter.linePos(offset);
  return { file, line, column: col };
}

function describeLocation(location: SourceLocation): string {
  return `${location.file}:${location.line}:${location.column}`;
}

/**
 * An unclosed quote or bracket is detected at the end of the file; the person
 * must look where it opens. Returns the start of the innermost quoted scalar or
 * flow collection still open at `offset`, with what it is.
 */
function openedAt(document: Document, offset: number): { start: number; what: string } | undefined {
  let found: { start: number; what: string } | undefined;
  visit(document, (_key, node) => {
    if (!isNode(node) || !node.range) return;
    const [start, end] = node.range;
    if (start >= offset || end < offset) return;
    let what: string | undefined;
    if (isScalar(node) && (node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE")) {
      what = "guillemet ouvert ici et jamais fermé";
    } else if (isCollection(node) && node.flow) {
      what = isMap(node)
        ? "accolade ouverte ici et jamais fermée"
        : "crochet ouvert ici et jamais fermé";
    }
    if (what && (!found || start > found.start)) found = { start, what };
  });
  return found;
}

/** The first alias whose anchor does not exist (`*nom` without `&nom` before it). */
function unresolvedAlias(document: Document): { start: number; name: string } | undefined {
  let found: { start: number; name: string } | undefined;
  visit(document, {
    Alias(_key, node) {
      if (found || node.resolve(document) !== undefined) return;
      found = { start: node.range?.[0] ?? 0, name: node.source };
    },
  });
  return found;
}

/** Finds the source offset of the deepest existing node on `path`. */
function offsetOf(document: Document, path: readonly PropertyKey[], keyOf?: string): number {
  let node: unknown = document.contents;
  let offset = 0;
  const rangeStart = (value: unknown) =>
    isNode(value) && value.range ? value.range[0] : undefined;
  offset = rangeStart(node) ?? 0;
  const steps = keyOf === undefined ? path : [...path, keyOf];
  for (const [index, step] of steps.entries()) {
    if (!isNode(node) || !("items" in node)) break;
    const items = (node as { items: unknown[] }).items;
    let next: unknown;
    if (isMap(node)) {
      const pair = items.find(
        (item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(step),
      );
      if (!isPair(pair)) break;
      // For an unknown key, point at the key itself; otherwise at the value.
      const isLast = index === steps.length - 1;
      if (isLast && keyOf !== undefined) return rangeStart(pair.key) ?? offset;
      next = pair.value ?? pair.key;
      offset = rangeStart(pair.value) ?? rangeStart(pair.key) ?? offset;
    } else if (typeof step === "number") {
      next = items[step];
      offset = rangeStart(next) ?? offset;
    } else break;
    node = next;
  }
  return offset;
}

function fieldName(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "le document";
  const text = path
    .map((step, i) =>
      typeof step === "number" ? `[${step}]` : i === 0 ? String(step) : `.${String(step)}`,
    )
    .join("");
  return `« ${text} »`;
}

function shown(value: unknown): string {
  if (typeof value === "string")
    return `« ${value.length > 60 ? `${value.slice(0, 57)}…` : value} »`;
  if (value === null) return "une valeur vide";
  if (Array.isArray(value)) return "une liste";
  if (typeof value === "object") return "un objet";
  return String(value);
}

const TYPES_FR: Record<string, string> = {
  string: "un texte",
  number: "un nombre",
  boolean: "vrai ou faux (true / false)",
  array: "une liste",
  object: "un objet (des clés et des valeurs)",
  record: "un objet (des clés et des valeurs)",
  map: "un objet (des clés et des valeurs)",
  int: "un nombre entier",
  bigint: "un nombre entier",
  nan: "un nombre",
  date: "une date",
};

/** zod's own (English) messages; any other message was written in French by a schema. */
const ZOD_DEFAULT = /^(Invalid|Too (small|big)|Expected|Unrecognized)/;

/** One French sentence for one zod issue. */
export function describeIssue(issue: z.core.$ZodIssue): string {
  const where = fieldName(issue.path);
  const input = (issue as { input?: unknown }).input;
  if (
    (issue.code === "too_small" || issue.code === "too_big") &&
    !ZOD_DEFAULT.test(issue.message)
  ) {
    return issue.path.length === 0 ? issue.message : `${where} : ${issue.message}`;
  }
  switch (issue.code) {
    case "invalid_type": {
      const expected = TYPES_FR[issue.expected] ?? issue.expected;
      if (issue.path.length === 0)
        return `le document doit être ${expected}, et non ${shown(input)}`;
      if (input === undefined) return `le champ ${where} est obligatoire (${expected})`;
      return `le champ ${where} doit être ${expected}, et non ${shown(input)}`;
    }
    case "invalid_value":
      return `le champ ${where} vaut ${shown(input)} ; valeurs possibles : ${issue.values.map((v) => String(v)).join(", ")}`;
    case "unrecognized_keys":
      return `clé inconnue ${issue.keys.map((k) => `« ${k} »`).join(", ")} dans ${where === "le document" ? "le document" : where}`;
    case "too_small":
      return issue.origin === "array" || issue.origin === "set"
        ? `le champ ${where} doit contenir au moins ${Number(issue.minimum) === 1 ? "un élément" : `${String(issue.minimum)} éléments`}`
        : issue.origin === "string"
          ? `le champ ${where} ne peut pas être vide`
          : `le champ ${where} doit être supérieur ou égal à ${String(issue.minimum)}`;
    case "too_big":
      return issue.origin === "string"
        ? `le champ ${where} est trop long (au plus ${String(issue.maximum)} caractères)`
        : issue.origin === "array"
          ? `le champ ${where} contient trop d'éléments (au plus ${String(issue.maximum)})`
          : `le champ ${where} doit être inférieur ou égal à ${String(issue.maximum)}`;
    case "invalid_format":
      return `le champ ${where} a un format invalide (${shown(input)})${issue.message && !issue.message.startsWith("Invalid") ? ` : ${issue.message}` : ""}`;
    default:
      // Custom refinements carry their own French message.
      return issue.message.startsWith("Invalid")
        ? `le champ ${where} est invalide`
        : `${where === "le document" ? "" : `${where} : `}${issue.message}`;
  }
}

export function parseYamlText<S extends z.ZodType>(
  text: string,
  file: string,
  schema: S,
): ParseResult<z.infer<S>> {
  if (text.length > MAX_YAML_BYTES) {
    return {
      ok: false,
      error: new UserError(
        `${file} est trop volumineux (plus de 1 Mo) pour un fichier YAML de pile.`,
        {
          hint: "Vérifiez qu'il s'agit du bon fichier.",
          location: { file },
        },
      ),
      problems: [{ line: 1, column: 1, message: "fichier trop volumineux (plus de 1 Mo)" }],
    };
  }
  if (text.includes("\u0000")) {
    return {
      ok: false,
      error: new UserError(
        `${file} n'est pas un fichier texte (il contient des octets binaires).`,
        {
          hint: "Restaurez-le depuis git (git checkout -- FICHIER) ou recréez-le.",
          location: { file },
        },
      ),
      problems: [{ line: 1, column: 1, message: "pas un fichier texte (octets binaires)" }],
    };
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const syntax = document.errors[0];
  if (syntax) {
    // An unfinished git merge breaks the syntax: say so rather than describe the symptom.
    const conflict = /^(<{7}|>{7})( |$)/m.exec(text);
    const opening = conflict ? undefined : openedAt(document, syntax.pos[0]);
    const location = locate(lineCounter, file, conflict?.index ?? opening?.start ?? syntax.pos[0]);
    const what = conflict
      ? "marqueur de conflit git : la fusion n'est pas terminée (gardez la bonne version et retirez les lignes <<<<<<<, ======= et >>>>>>>)"
      : (opening?.what ?? YAML_ERRORS_FR[syntax.code] ?? "syntaxe YAML invalide");
    return {
      ok: false,
      error: new UserError(`${describeLocation(location)} : ${what}.`, { hint: HINT, location }),
      problems: [{ line: location.line ?? 1, column: location.column ?? 1, message: what }],
    };
  }
  const alias = unresolvedAlias(document);
  if (alias) {
    const location = locate(lineCounter, file, alias.start);
    const message = `alias inconnu « *${alias.name} » (aucune ancre « &${alias.name} » avant lui)`;
    return {
      ok: false,
      error: new UserError(`${describeLocation(location)} : ${message}.`, { hint: HINT, location }),
      problems: [{ line: location.line ?? 1, column: location.column ?? 1, message }],
    };
  }
  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: 100 });
  } catch {
    const location = { file, line: 1, column: 1 };
    return {
      ok: false,
      error: new UserError(`${file} : trop d'alias YAML (fichier piégé ?).`, {
        hint: HINT,
        location,
      }),
      problems: [{ line: 1, column: 1, message: "trop d'alias YAML (fichier piégé ?)" }],
    };
  }
  const result = schema.safeParse(data ?? {}, { reportInput: true });
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const keyOf = issue.code === "unrecognized_keys" ? issue.keys[0] : undefined;
      const location = locate(lineCounter, file, offsetOf(document, issue.path, keyOf));
      return {
        line: location.line ?? 1,
        column: location.column ?? 1,
        message: describeIssue(issue),
      };
    });
    const first = problems[0];
    if (!first) throw new Error("zod reported a failure without issues");
    const location = { file, line: first.line, column: first.column };
    const more = problems.length - 1;
    const suffix =
      more > 0 ? ` (et ${more} autre${more > 1 ? "s" : ""} problème${more > 1 ? "s" : ""})` : "";
    return {
      ok: false,
      error: new UserError(`${describeLocation(location)} : ${first.message}${suffix}.`, {
        hint: HINT,
        location,
      }),
      problems,
    };
  }
  return { ok: true, value: result.data, data, document, lineCounter };
}

/** Parses a YAML file of the workspace; `undefined` when it does not exist. */
export async function readYamlFile<S extends z.ZodType>(
  root: string,
  relative: string,
  schema: S,
): Promise<ParseResult<z.infer<S>> | undefined> {
  const text = await readTextIfExists(root, relative);
  if (text === undefined) return undefined;
  return parseYamlText(text, relative, schema);
}
