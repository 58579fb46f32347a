import { isDeepStrictEqual } from "node:util";
import {
  isMap,
  isScalar,
  isSeq,
  type Node,
  Pair,
  parseDocument,
  Scalar,
  stringify,
  YAMLMap,
  YAMLSeq,
} from "yaml";
import { asciiFold, asciiWords, joinWords } from "../ascii-words.js";
import { sourceSchema } from "./feeds.js";

/**
 * Adds sources to the text of a `feeds.yaml` without touching anything else.
 *
 * The file is the user's: it is full of comments, blank lines and quoting
 * choices that a YAML re-serialisation would reflow. So the document is parsed
 * only to find where the `sources:` sequence ends, the new entries are written
 * as text in the style of the existing ones (indentation, blank lines between
 * entries, quoted titles, `tags: [a, b]`), and spliced in: every byte of the
 * original file is kept, in the same order, around one inserted block.
 *
 * Where the new entries go. After the last real entry of the list, and after
 * the comment lines that are indented deeper than its dash (they belong to
 * that entry: a commented-out field, a note on it). Comment lines that follow
 * at the dash's indentation or less are left after the new entries: at the end
 * of the list they are, in practice, a commented-out source kept aside (with
 * its note), or a closing note, or the heading of the next key. A commented-out
 * source is "parked" by the person on purpose; live entries must not be put in
 * the middle of it, and moving it would lose the place they gave it. Pile
 * never splits or moves a comment block. When the list has no entry yet
 * (`sources:`, `sources: []`), the new entries go after the comment lines
 * indented under `sources:`: they are the list's heading (or examples), which
 * stay above the entries as they would in a list written by hand.
 *
 * Pure: no file system, no clock. The caller has already checked the file
 * (parseYamlText with feedsSchema) and the new sources (sourceIdFor, URLs).
 */

export interface NewSource {
  id: string;
  title: string;
  url: string;
  tags?: string[];
  kind?: "feed";
}

/**
 * The file cannot be extended without rewriting it: a YAML syntax error, or a
 * layout pile does not edit (`sources` written as a single value, the whole
 * file as one `{…}`). The message is a French sentence ending with a period,
 * for the person, who can reshape the file by hand.
 */
export class FeedsEditError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FeedsEditError";
  }
}

/** How the existing entries are written, to write the new ones alike. */
interface Style {
  /** Spaces before the dash, relative to the column of the `sources` key. */
  dashIndent: number;
  /** Spaces between the dash and the first key (`- id` → 1). */
  afterDash: number;
  /** Entries separated by a blank line. */
  blankLines: boolean;
  titleQuote: "QUOTE_DOUBLE" | "QUOTE_SINGLE" | "PLAIN";
  flowTags: boolean;
  /** Block tags only: spaces before their dash, relative to the `tags` key. */
  tagsDashIndent: number;
}

/** The shipped feeds.yaml: `  - id:`, blank lines, "quoted titles", tags: [a, b]. */
const DEFAULT_STYLE: Style = {
  dashIndent: 2,
  afterDash: 1,
  blankLines: true,
  titleQuote: "QUOTE_DOUBLE",
  flowTags: true,
  tagsDashIndent: 2,
};

const NULL_SOURCE = /^(?:~|null|Null|NULL)?$/;

/**
 * `text` with `sources` added at the end of its `sources:` list (created if
 * missing), in the file's line endings (LF or CRLF); a file without a final
 * line break still has none. Throws FeedsEditError for a file it cannot
 * extend, and Error (a bug in the caller or here) for an invalid or duplicate
 * new source, or when the result would not read as the old file plus the new
 * sources: that is checked by parsing it again before returning.
 */
export function appendSources(text: string, sources: readonly NewSource[]): string {
  if (sources.length === 0) return text;
  const document = parseDocument(text, { keepSourceTokens: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new FeedsEditError(
      "le fichier contient une erreur de syntaxe YAML : corrigez-la avant d'y ajouter des sources.",
    );
  }
  const before = document.toJS() as Record<string, unknown> | null;
  const oldSources = checkNewSources(before, sources);
  const eol = lineEnding(text);
  const contents = document.contents;
  const hasSourcesKey =
    isMap(contents) &&
    contents.items.some((item) => isScalar(item.key) && item.key.value === "sources");
  if (document.directives?.docEnd && !hasSourcesKey) {
    // A new key written after `...` would start a second document.
    throw new FeedsEditError(
      "le fichier se termine par « ... » (fin de document YAML) : retirez cette ligne pour que pile puisse y ajouter des sources.",
    );
  }
  let result: string;
  if (contents === null || isEmptyScalar(contents)) {
    result = appendSourcesKey(text, 0, DEFAULT_STYLE, sources, eol);
  } else if (isMap(contents) && !contents.flow) {
    result = editMap(text, contents, sources, eol);
  } else {
    throw new FeedsEditError(
      "le fichier doit être une suite de clés (settings, topics, sources), une par ligne.",
    );
  }
  assertAppended(result, before, oldSources, sources);
  return result;
}

function checkNewSources(
  before: Record<string, unknown> | null,
  sources: readonly NewSource[],
): unknown[] {
  const value = before?.sources;
  const oldSources = Array.isArray(value) ? value : [];
  const ids = new Set(
    oldSources.map((source) => (source as { id?: unknown } | null)?.id).filter((id) => id),
  );
  for (const source of sources) {
    const checked = sourceSchema.safeParse(source);
    if (!checked.success) {
      throw new Error(`appendSources: invalid source ${JSON.stringify(source)}`);
    }
    if (ids.has(source.id)) throw new Error(`appendSources: duplicate id ${source.id}`);
    ids.add(source.id);
  }
  return oldSources;
}

/** The file's own line ending (its first one), LF for a file without any. */
function lineEnding(text: string): string {
  const newline = text.indexOf("\n");
  return newline > 0 && text[newline - 1] === "\r" ? "\r\n" : "\n";
}

function isEmptyScalar(node: unknown): boolean {
  return isScalar(node) && node.value === null && node.source === "" && !node.tag && !node.anchor;
}

function editMap(text: string, map: YAMLMap, sources: readonly NewSource[], eol: string): string {
  const pair = map.items.find((item) => isScalar(item.key) && item.key.value === "sources");
  const topics = map.items.find((item) => isScalar(item.key) && item.key.value === "topics");
  const firstKey = map.items[0]?.key;
  const mapColumn = isScalar(firstKey) && firstKey.range ? columnOf(text, firstKey.range[0]) : 0;
  if (!pair) {
    return appendSourcesKey(text, mapColumn, learnStyle(text, topics?.value), sources, eol);
  }
  const key = pair.key as Scalar;
  const keyRange = key.range;
  if (!keyRange) throw new Error("appendSources: key without range");
  const keyColumn = columnOf(text, keyRange[0]);
  const value = pair.value as Node | null;
  const notAList = new FeedsEditError(
    "« sources » doit être une liste d'entrées (« - id: … »), ou rester vide, pour que pile puisse y ajouter des sources.",
  );
  if (isSeq(value) && !value.flow && value.items.length > 0) {
    const style = learnStyle(text, value);
    // One entry tells nothing of blank lines between entries: the topics may.
    if (value.items.length === 1) style.blankLines = learnStyle(text, topics?.value).blankLines;
    return appendToBlock(text, value, style, sources, eol);
  }
  if (isSeq(value) && value.flow && value.items.length > 0) {
    return appendToFlow(text, value, learnStyle(text, topics?.value), sources);
  }
  // An empty list: `sources:`, `sources: ~`, `sources: []`. The value (if
  // any) is removed with the spaces before it; a comment after it stays.
  let removeFrom: number;
  let removeTo: number;
  if (value === null || value === undefined) {
    removeFrom = removeTo = keyRange[1];
  } else if (isScalar(value) && value.value === null && !value.tag && !value.anchor) {
    const range = value.range ?? [keyRange[1], keyRange[1], keyRange[1]];
    if (!NULL_SOURCE.test(text.slice(range[0], range[1]))) throw notAList;
    [removeFrom, removeTo] = [range[0], range[1]];
  } else if (isSeq(value) && value.flow && !value.tag && !value.anchor && value.range) {
    // `[]` (possibly `[ ]`): nothing but blanks between the brackets.
    const [start, end] = value.range;
    if (!/^\[\s*\]$/.test(text.slice(start, end))) throw notAList;
    [removeFrom, removeTo] = [start, end];
  } else {
    throw notAList;
  }
  if (removeFrom !== removeTo) {
    while (removeFrom > 0 && (text[removeFrom - 1] === " " || text[removeFrom - 1] === "\t")) {
      removeFrom--;
    }
  }
  const afterKey = nextLineStart(text, removeTo);
  const insertAt = attachedCommentsEnd(text, afterKey, keyColumn);
  const style = learnStyle(text, topics?.value);
  const lines = entriesLines(sources, style, keyColumn + style.dashIndent);
  // A blank line before the first entry only when it follows heading comments.
  const block = style.blankLines && insertAt === afterKey ? lines.slice(1) : lines;
  return (
    text.slice(0, removeFrom) +
    text.slice(removeTo, insertAt) +
    joinInserted(text, insertAt, block, eol) +
    text.slice(insertAt)
  );
}

/**
 * A new `sources:` key at the end of the file, after a blank line when the
 * file has content. A file without a final line break keeps that convention.
 */
function appendSourcesKey(
  text: string,
  column: number,
  style: Style,
  sources: readonly NewSource[],
  eol: string,
): string {
  const lines = entriesLines(sources, style, column + style.dashIndent);
  const block = [
    ...(text.trim() !== "" && !/(\r?\n)[ \t]*\r?\n$/.test(text) ? [""] : []),
    `${" ".repeat(column)}sources:`,
    ...(style.blankLines ? lines.slice(1) : lines),
  ];
  return text + joinInserted(text, text.length, block, text === "" ? "\n" : eol);
}

/**
 * The inserted text for `lines` placed at `at`: ends with a line break, unless
 * it goes at the very end of a file that does not end with one (then it
 * starts with one).
 */
function joinInserted(text: string, at: number, lines: string[], eol: string): string {
  if (at === text.length && text !== "" && !text.endsWith("\n")) {
    return eol + lines.join(eol);
  }
  return lines.join(eol) + eol;
}

function appendToBlock(
  text: string,
  seq: YAMLSeq,
  style: Style,
  sources: readonly NewSource[],
  eol: string,
): string {
  const last = seq.items.at(-1) as Node | undefined;
  const dashes = dashOffsets(seq);
  const lastDash = dashes.at(-1);
  if (!last?.range || lastDash === undefined) {
    throw new Error("appendSources: sequence item without position");
  }
  const dashColumn = columnOf(text, lastDash);
  let end = last.range[1];
  while (end > last.range[0] && /\s/.test(text[end - 1] ?? "")) end--;
  const insertAt = attachedCommentsEnd(text, nextLineStart(text, end), dashColumn);
  const lines = entriesLines(sources, style, dashColumn);
  return text.slice(0, insertAt) + joinInserted(text, insertAt, lines, eol) + text.slice(insertAt);
}

/** `sources: [{…}, {…}]`: the new entries as flow maps after the last one. */
function appendToFlow(
  text: string,
  seq: YAMLSeq,
  style: Style,
  sources: readonly NewSource[],
): string {
  const last = seq.items.at(-1) as Node | undefined;
  if (!last?.range) throw new Error("appendSources: sequence item without position");
  const at = last.range[1];
  const inserted = sources
    .map((source) => {
      const map = new YAMLMap();
      map.flow = true;
      for (const [key, value] of fields(source, style))
        map.items.push(new Pair(new Scalar(key), value));
      return `, ${stringify(map, { lineWidth: 0, flowCollectionPadding: false }).trimEnd()}`;
    })
    .join("");
  return text.slice(0, at) + inserted + text.slice(at);
}

/**
 * From `from` (a line start), past the blank lines and the comment lines
 * indented deeper than `column`; returns the start of the line after the last
 * such comment (trailing blank lines are not taken), or `from`.
 */
function attachedCommentsEnd(text: string, from: number, column: number): number {
  let at = from;
  let end = from;
  while (at < text.length) {
    const next = nextLineStart(text, at);
    const line = text.slice(at, next).replace(/\r?\n$/, "");
    if (line.trim() !== "") {
      const indent = line.length - line.trimStart().length;
      if (!line.trimStart().startsWith("#") || indent <= column) break;
      end = next;
    }
    at = next;
  }
  return end;
}

/** Offset of the line after the one holding `offset` (or the end of the text). */
function nextLineStart(text: string, offset: number): number {
  const newline = text.indexOf("\n", offset);
  return newline < 0 ? text.length : newline + 1;
}

function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf("\n", offset - 1) + 1);
}

/** The offsets of the dashes of a block sequence, from its CST. */
function dashOffsets(seq: YAMLSeq): number[] {
  const token = seq.srcToken;
  if (token?.type !== "block-seq") return [];
  return token.items.flatMap(
    (item) => item.start.find((part) => part.type === "seq-item-ind")?.offset ?? [],
  );
}

/** The style of a block sequence's entries (sources, else topics), or the default. */
function learnStyle(text: string, value: unknown): Style {
  if (!isSeq(value) || value.flow || value.items.length === 0) return DEFAULT_STYLE;
  const style = { ...DEFAULT_STYLE };
  const dashes = dashOffsets(value);
  const items = value.items as Node[];
  const firstDash = dashes[0];
  const first = items[0];
  if (firstDash !== undefined && first?.range) {
    const parentColumn = keyColumnBefore(text, firstDash);
    style.dashIndent = Math.max(0, columnOf(text, firstDash) - parentColumn);
    const gap = first.range[0] - firstDash - 1;
    if (gap >= 1 && !text.slice(firstDash, first.range[0]).includes("\n")) style.afterDash = gap;
  }
  if (items.length >= 2) {
    style.blankLines = items.slice(0, -1).some((item, index) => {
      const dash = dashes[index + 1];
      if (!item.range || dash === undefined) return false;
      let end = item.range[1];
      while (end > item.range[0] && /\s/.test(text[end - 1] ?? "")) end--;
      return hasBlankLine(text, nextLineStart(text, end), dash);
    });
  }
  // Titles: the most frequent way of writing them (the latest one on a tie).
  const quoteCounts = new Map<Style["titleQuote"], number>();
  for (const item of items) {
    if (!isMap(item)) continue;
    const title = item.get("title", true);
    if (isScalar(title) && typeof title.value === "string") {
      const quote =
        title.type === "QUOTE_DOUBLE" || title.type === "QUOTE_SINGLE" ? title.type : "PLAIN";
      quoteCounts.set(quote, (quoteCounts.get(quote) ?? 0) + 1);
      if ((quoteCounts.get(quote) ?? 0) >= (quoteCounts.get(style.titleQuote) ?? 0)) {
        style.titleQuote = quote;
      }
    }
    const tags = item.get("tags", true);
    if (isSeq(tags)) {
      style.flowTags = Boolean(tags.flow);
      const tagsKey = item.items.find((pair) => isScalar(pair.key) && pair.key.value === "tags");
      const tagDash = dashOffsets(tags)[0];
      const keyStart = (tagsKey?.key as Scalar | undefined)?.range?.[0];
      if (!tags.flow && tagDash !== undefined && keyStart !== undefined) {
        style.tagsDashIndent = Math.max(0, columnOf(text, tagDash) - columnOf(text, keyStart));
      }
    }
  }
  return style;
}

/** Column of the key that owns a block sequence starting with the dash at `dash`. */
function keyColumnBefore(text: string, dash: number): number {
  // The owning key is on the closest line above with a `key:`, at a column
  // not deeper than the dash (a `- id` at column 0 under `sources:` is legal).
  let lineStart = text.lastIndexOf("\n", dash - 1) + 1;
  const dashColumn = dash - lineStart;
  while (lineStart > 0) {
    const previousStart = text.lastIndexOf("\n", lineStart - 2) + 1;
    const line = text.slice(previousStart, lineStart).replace(/\r?\n$/, "");
    const trimmed = line.trimStart();
    const indent = line.length - trimmed.length;
    if (trimmed !== "" && !trimmed.startsWith("#") && indent <= dashColumn) return indent;
    lineStart = previousStart;
  }
  return 0;
}

function hasBlankLine(text: string, from: number, to: number): boolean {
  const lineStart = text.lastIndexOf("\n", to - 1) + 1;
  if (lineStart <= from) return false;
  return text
    .slice(from, lineStart)
    .split("\n")
    .slice(0, -1)
    .some((line) => line.trim() === "");
}

/** The fields of a new entry in the order of the shipped file. */
function fields(source: NewSource, style: Style): [string, Scalar | YAMLSeq][] {
  const title = new Scalar(source.title);
  if (style.titleQuote !== "PLAIN") title.type = style.titleQuote;
  const result: [string, Scalar | YAMLSeq][] = [
    ["id", new Scalar(source.id)],
    ["title", title],
    ["url", new Scalar(source.url)],
  ];
  if (source.tags !== undefined) {
    const tags = new YAMLSeq();
    tags.flow = true;
    tags.items = source.tags.map((tag) => new Scalar(tag));
    result.push(["tags", tags]);
  }
  if (source.kind !== undefined) result.push(["kind", new Scalar(source.kind)]);
  return result;
}

/**
 * The lines of the new entries, each preceded by an empty line when entries
 * are separated by blank lines.
 */
function entriesLines(sources: readonly NewSource[], style: Style, dashColumn: number): string[] {
  const dashPad = " ".repeat(dashColumn);
  const keyPad = " ".repeat(dashColumn + 1 + style.afterDash);
  const lines: string[] = [];
  for (const source of sources) {
    if (style.blankLines) lines.push("");
    for (const [index, [key, value]] of fields(source, style).entries()) {
      const pad = index === 0 ? `${dashPad}-${" ".repeat(style.afterDash)}` : keyPad;
      if (isSeq(value) && !style.flowTags && value.items.length > 0) {
        lines.push(`${pad}${key}:`);
        const tagPad = " ".repeat(keyPad.length + style.tagsDashIndent);
        for (const tag of value.items as Scalar[]) lines.push(`${tagPad}- ${scalarText(tag)}`);
      } else {
        lines.push(`${pad}${key}: ${isSeq(value) ? flowSeqText(value) : scalarText(value)}`);
      }
    }
  }
  return lines;
}

const CONTROL = /[\p{Cc}\u2028\u2029\ufeff]/u;

/**
 * One scalar on one line: plain when YAML (1.2, and 1.1 for other tools:
 * `yes`, `on`) reads it back as the same string, else quoted; always double
 * quoted (with escapes) when it holds a line break or a control character.
 */
function scalarText(scalar: Scalar): string {
  const value = String(scalar.value);
  if (CONTROL.test(value)) return doubleQuoted(value);
  const options = { lineWidth: 0, minContentWidth: 0 };
  const node = new Scalar(value);
  node.type = scalar.type;
  let out = stringify(node, options).trimEnd();
  // Quoted when either YAML would read the plain text as something else:
  // 1.2 (`0o7` is a number) or 1.1 (`yes`, `on`, for other tools).
  if ((node.type === undefined || node.type === "PLAIN") && !/^["']/.test(out)) {
    const legacy = stringify(node, { ...options, version: "1.1" }).trimEnd();
    if (legacy !== out) out = legacy;
  }
  return out.includes("\n") ? doubleQuoted(value) : out;
}

/**
 * A double-quoted scalar on one line, whatever it holds. The yaml library
 * folds a line break in a double-quoted string over two lines, even with
 * lineWidth 0, which a line spliced into feeds.yaml cannot take. A JSON
 * string is a valid YAML double-quoted one; what JSON leaves as it is but
 * YAML does not print (DEL, C1 controls, U+2028, U+2029, BOM) is escaped too.
 */
function doubleQuoted(value: string): string {
  return JSON.stringify(value).replace(
    /[\u007f-\u009f\u2028\u2029\ufeff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

function flowSeqText(seq: YAMLSeq): string {
  return `[${(seq.items as Scalar[]).map((item) => flowScalarText(item)).join(", ")}]`;
}

/** A scalar inside `[…]`: also quoted when it holds one of `,[]{}`. */
function flowScalarText(scalar: Scalar): string {
  const text = scalarText(scalar);
  if (/^["']/.test(text) || !/[,[\]{}]/.test(text)) return text;
  const quoted = new Scalar(String(scalar.value));
  quoted.type = "QUOTE_DOUBLE";
  return scalarText(quoted);
}

/** The result must read as the old file plus the new sources, and nothing else. */
function assertAppended(
  result: string,
  before: Record<string, unknown> | null,
  oldSources: unknown[],
  sources: readonly NewSource[],
): void {
  const reparsed = parseDocument(result, { uniqueKeys: true });
  if (reparsed.errors.length > 0) {
    throw new Error(`appendSources produced invalid YAML: ${reparsed.errors[0]?.message}`);
  }
  const expected = {
    ...(before ?? {}),
    sources: [
      ...oldSources,
      ...sources.map((source) => ({
        id: source.id,
        title: source.title,
        url: source.url,
        ...(source.tags === undefined ? {} : { tags: [...source.tags] }),
        ...(source.kind === undefined ? {} : { kind: source.kind }),
      })),
    ],
  };
  if (!isDeepStrictEqual(reparsed.toJS(), expected)) {
    throw new Error(
      "appendSources: the edited file does not read as the old one plus the new sources",
    );
  }
}

// ---------------------------------------------------------------------------
// Identifiers

export const MAX_SOURCE_ID = 40;

/** ASCII words of a French text: accents and ligatures folded, elisions (l', d') dropped. */
function idWords(text: string): string[] {
  return asciiWords(
    asciiFold(text).replace(/\b(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu)['’]/g, " "),
  );
}

/** `https://www.vie-publique.fr/rss.xml` → vie-publique (no `www.`, no top-level domain). */
function hostWords(text: string): string[] | undefined {
  let host: string;
  try {
    const url = new URL(text.trim());
    if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
    host = url.hostname;
  } catch {
    return undefined;
  }
  const labels = host.replace(/^www\d*\./, "").split(".");
  if (labels.length > 1 && !/^\d+$/.test(labels.at(-1) ?? "")) labels.pop();
  return idWords(labels.join("."));
}

/**
 * A valid source id (/^[a-z0-9][a-z0-9_-]*$/, at most 40 characters) for a
 * title, or for an address (its host): `-2`, `-3`… when taken. When the title
 * gives no letter or digit (« ★ », Chinese), `url` gives the host, else the id
 * is `source`.
 */
export function sourceIdFor(titleOrUrl: string, taken: ReadonlySet<string>, url?: string): string {
  let words = hostWords(titleOrUrl) ?? idWords(titleOrUrl);
  if (words.length === 0 && url !== undefined) words = hostWords(url) ?? [];
  const base = joinWords(words, MAX_SOURCE_ID) || "source";
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const stem = joinWords(words.length > 0 ? words : ["source"], MAX_SOURCE_ID - suffix.length);
    const candidate = `${stem.replace(/-+$/, "")}${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}
