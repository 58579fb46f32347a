import { namedEntity } from "./text.js";
import { declarationEnd } from "./xml-scan.js";

/**
 * OPML subscription lists, read (import from a feed reader) and written
 * (export of feeds.yaml). Pure: text in, text out.
 *
 * Reading uses a small XML reader of its own rather than a general parser:
 * an OPML file is only elements and attributes, and this reader is strict on
 * structure (a truncated or mangled export is refused with the line where it
 * breaks, never half imported) and liberal on what exporters get wrong in
 * practice (HTML entities such as &eacute;, a bare « & » in an address,
 * attribute names in any case). Nothing a document asks for is ever fetched or
 * expanded: a DOCTYPE is skipped unread, so external entities and entity
 * bombs have no effect.
 */

export interface OpmlFeed {
  title: string;
  xmlUrl: string;
  htmlUrl?: string;
  /**
   * The folders holding the feed, outermost first (["Économie", "REP"]),
   * then the values of its `category` attribute (comma-separated lists of
   * slash-separated paths), without repeats.
   */
  categories: string[];
}

export interface OpmlContent {
  /** The list's own title (<head><title>), when it has one. */
  title?: string;
  /** One entry per address, in the order of the file. */
  feeds: OpmlFeed[];
  /**
   * Outlines whose address was already listed (a feed filed in two folders,
   * as Feedly and Inoreader export it): merged into the first, whose
   * categories gain the second one's.
   */
  duplicates: number;
}

/** Why a file cannot be read as OPML: a French sentence, ending with a period. */
export class OpmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OpmlError";
  }
}

// ---------------------------------------------------------------------------
// XML reading

interface XmlElement {
  name: string;
  /** Attribute names in lower case; the first of two same names wins. */
  attributes: Map<string, string>;
  children: XmlElement[];
  text: string;
  /** Offset of the start tag (its line is counted only for an error message). */
  offset: number;
}

const NAME = /[A-Za-z_:][\w:.-]*/y;
const ATTRIBUTE_NAME = /[^\s=/>"'<]+/y;
const CLOSING_NAME = /[^\s>]+/y;
const MAX_DEPTH = 100;

const XML_ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
};

/**
 * Character and entity references: the five of XML, numeric ones, and the
 * HTML names exporters write by mistake. An unknown name, or a « & » that
 * starts no reference, stays as written.
 */
function decodeReferences(raw: string): string {
  if (!raw.includes("&")) return raw;
  return raw.replace(
    /&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});/g,
    (whole, body: string) => {
      if (body.startsWith("#")) {
        const hex = body[1] === "x" || body[1] === "X";
        const code = Number.parseInt(body.slice(hex ? 2 : 1), hex ? 16 : 10);
        const allowed =
          code === 0x9 ||
          code === 0xa ||
          code === 0xd ||
          (code >= 0x20 && code <= 0xd7ff) ||
          (code >= 0xe000 && code <= 0xfffd) ||
          (code >= 0x10000 && code <= 0x10ffff);
        return allowed ? String.fromCodePoint(code) : "\ufffd";
      }
      return XML_ENTITIES[body] ?? namedEntity(body) ?? whole;
    },
  );
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let at = text.indexOf("\n"); at >= 0 && at < offset; at = text.indexOf("\n", at + 1)) {
    line++;
  }
  return line;
}

const FEED_ROOTS = new Set(["rss", "feed", "rdf:rdf", "rdf"]);

function notOpmlRoot(name: string): OpmlError {
  const lower = name.toLowerCase();
  if (lower === "html") return new OpmlError("c'est une page web (HTML), pas un fichier OPML.");
  if (FEED_ROOTS.has(lower)) {
    return new OpmlError(
      "c'est un flux RSS ou Atom, pas une liste d'abonnements OPML : ajoutez plutôt son adresse comme source.",
    );
  }
  return new OpmlError(
    `l'élément principal du fichier est <${name}> et non <opml> : ce n'est pas un fichier OPML.`,
  );
}

/** The root element, checked to be <opml> as soon as it opens. */
function readXml(text: string): XmlElement {
  const malformed = (offset: number, what: string) =>
    new OpmlError(`XML mal formé ligne ${lineAt(text, offset)} : ${what}.`);
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (pos < text.length) {
    const open = text.indexOf("<", pos);
    const textEnd = open < 0 ? text.length : open;
    if (textEnd > pos) {
      const chunk = text.slice(pos, textEnd);
      const top = stack.at(-1);
      if (top) top.text += decodeReferences(chunk);
      else if (chunk.trim() !== "") {
        if (!root) {
          throw new OpmlError(
            "ce n'est pas un fichier OPML (ni même du XML) : un fichier OPML commence par « <?xml » ou « <opml ».",
          );
        }
        throw malformed(
          pos + chunk.length - chunk.trimStart().length,
          "du texte suit la fin de l'élément <opml>",
        );
      }
    }
    if (open < 0) break;
    pos = open;
    if (text.startsWith("<?", pos)) {
      const end = text.indexOf("?>", pos + 2);
      if (end < 0) throw malformed(pos, "instruction « <? » jamais fermée par « ?> »");
      pos = end + 2;
    } else if (text.startsWith("<!--", pos)) {
      const end = text.indexOf("-->", pos + 4);
      if (end < 0) throw malformed(pos, "commentaire « <!-- » jamais fermé par « --> »");
      pos = end + 3;
    } else if (text.startsWith("<![CDATA[", pos)) {
      const end = text.indexOf("]]>", pos + 9);
      const top = stack.at(-1);
      if (end < 0) throw malformed(pos, "section « <![CDATA[ » jamais fermée par « ]]> »");
      if (!top) throw malformed(pos, "section CDATA hors de tout élément");
      top.text += text.slice(pos + 9, end);
      pos = end + 3;
    } else if (text.startsWith("<!", pos)) {
      // <!DOCTYPE …>: skipped, never read.
      if (root) throw malformed(pos, "déclaration « <! » à l'intérieur du document");
      const end = declarationEnd(text, pos);
      if (end < 0) throw malformed(pos, "déclaration « <!DOCTYPE » jamais fermée");
      pos = end;
    } else if (text.startsWith("</", pos)) {
      CLOSING_NAME.lastIndex = pos + 2;
      const name = CLOSING_NAME.exec(text)?.[0] ?? "";
      let at = pos + 2 + name.length;
      while (at < text.length && /\s/.test(text[at] ?? "")) at++;
      if (name === "" || text[at] !== ">") throw malformed(pos, "balise fermante mal écrite");
      const top = stack.pop();
      if (!top) throw malformed(pos, `balise </${name}> qui ne ferme aucun élément`);
      if (top.name.toLowerCase() !== name.toLowerCase()) {
        throw malformed(
          pos,
          `balise </${name}> alors que l'élément <${top.name}> ouvert ligne ${lineAt(text, top.offset)} n'est pas fermé`,
        );
      }
      pos = at + 1;
    } else {
      const element = readStartTag(text, pos, malformed);
      if (stack.length === 0) {
        if (root) throw malformed(pos, "un second élément suit la fin de l'élément <opml>");
        if (element.element.name.toLowerCase() !== "opml") throw notOpmlRoot(element.element.name);
        root = element.element;
      } else {
        stack.at(-1)?.children.push(element.element);
      }
      if (!element.selfClosing) {
        if (stack.length >= MAX_DEPTH) {
          throw malformed(pos, `plus de ${MAX_DEPTH} éléments imbriqués`);
        }
        stack.push(element.element);
      }
      pos = element.end;
    }
  }
  const unclosed = stack.at(-1);
  if (unclosed) {
    throw new OpmlError(
      `le fichier s'arrête avant la fin : l'élément <${unclosed.name}> ouvert ligne ${lineAt(text, unclosed.offset)} n'est jamais fermé (fichier tronqué ?).`,
    );
  }
  if (!root) {
    throw new OpmlError(
      text.trim() === ""
        ? "le fichier est vide : ce n'est pas un fichier OPML."
        : "le fichier ne contient aucun élément XML : ce n'est pas un fichier OPML.",
    );
  }
  return root;
}

function readStartTag(
  text: string,
  pos: number,
  malformed: (offset: number, what: string) => OpmlError,
): { element: XmlElement; selfClosing: boolean; end: number } {
  NAME.lastIndex = pos + 1;
  const name = NAME.exec(text)?.[0];
  if (name === undefined) throw malformed(pos, "caractère « < » qui n'ouvre aucune balise");
  const element: XmlElement = {
    name,
    attributes: new Map(),
    children: [],
    text: "",
    offset: pos,
  };
  let at = pos + 1 + name.length;
  for (;;) {
    while (at < text.length && /\s/.test(text[at] ?? "")) at++;
    if (at >= text.length) {
      throw malformed(pos, `balise <${name}> jamais terminée (fichier tronqué ?)`);
    }
    if (text.startsWith("/>", at)) return { element, selfClosing: true, end: at + 2 };
    if (text[at] === ">") return { element, selfClosing: false, end: at + 1 };
    ATTRIBUTE_NAME.lastIndex = at;
    const attribute = ATTRIBUTE_NAME.exec(text)?.[0];
    if (attribute === undefined) throw malformed(at, `attribut mal écrit dans <${name}>`);
    at += attribute.length;
    while (at < text.length && /\s/.test(text[at] ?? "")) at++;
    if (text[at] !== "=") throw malformed(at, `attribut « ${attribute} » sans valeur`);
    at++;
    while (at < text.length && /\s/.test(text[at] ?? "")) at++;
    const quote = text[at];
    if (quote !== '"' && quote !== "'") {
      throw malformed(at, `valeur de l'attribut « ${attribute} » sans guillemets`);
    }
    const close = text.indexOf(quote, at + 1);
    if (close < 0) {
      throw malformed(
        at,
        `valeur de l'attribut « ${attribute} » jamais fermée (fichier tronqué ?)`,
      );
    }
    const raw = text.slice(at + 1, close);
    if (raw.includes("<")) {
      throw malformed(at, `caractère « < » dans la valeur de l'attribut « ${attribute} »`);
    }
    const key = attribute.toLowerCase();
    if (!element.attributes.has(key)) {
      // XML reads a line break or a tab written in a value as a space.
      element.attributes.set(key, decodeReferences(raw.replace(/[\t\n\r]/g, " ")));
    }
    at = close + 1;
  }
}

// ---------------------------------------------------------------------------
// OPML reading

function childNamed(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((child) => child.name.toLowerCase() === name);
}

/** One line of text: control characters out, runs of spaces as one, trimmed. */
function clean(value: string | undefined): string {
  return (value ?? "")
    .replace(/\p{Cc}/gu, " ")
    .replace(/\s+/g, " ")
    .trim()
    .normalize("NFC");
}

/** `category="/Économie/REP,presse"` → Économie, REP, presse. */
function categoryValues(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(",")
    .flatMap((path) => path.split("/"))
    .map(clean)
    .filter((part) => part !== "");
}

export function parseOpml(text: string): OpmlContent {
  const root = readXml(text);
  const body = childNamed(root, "body");
  if (!body) {
    throw new OpmlError(
      "le fichier OPML n'a pas d'élément <body> : il ne contient aucun abonnement.",
    );
  }
  const byUrl = new Map<string, OpmlFeed>();
  let duplicates = 0;
  const visit = (parent: XmlElement, folders: string[]) => {
    for (const outline of parent.children) {
      if (outline.name.toLowerCase() !== "outline") continue;
      const attributes = outline.attributes;
      const label = clean(attributes.get("text")) || clean(attributes.get("title"));
      const xmlUrl = (attributes.get("xmlurl") ?? "").trim();
      if (xmlUrl === "") {
        // A folder: its name is a category of the feeds it holds.
        visit(outline, label === "" ? folders : [...folders, label]);
        continue;
      }
      const categories = [...folders, ...categoryValues(attributes.get("category"))];
      const known = byUrl.get(xmlUrl);
      if (known) {
        duplicates++;
        known.categories = [...new Set([...known.categories, ...categories])];
      } else {
        const htmlUrl = (attributes.get("htmlurl") ?? "").trim();
        byUrl.set(xmlUrl, {
          title: label || xmlUrl,
          xmlUrl,
          ...(htmlUrl === "" ? {} : { htmlUrl }),
          categories: [...new Set(categories)],
        });
      }
      // Some tools put outlines inside a feed's: they are read too.
      visit(outline, folders);
    }
  };
  visit(body, []);
  const head = childNamed(root, "head");
  const title = clean(head ? childNamed(head, "title")?.text : undefined);
  return { ...(title === "" ? {} : { title }), feeds: [...byUrl.values()], duplicates };
}

// ---------------------------------------------------------------------------
// OPML writing

export interface OpmlSource {
  id: string;
  title: string;
  url: string;
  tags?: string[];
  kind?: string;
  enabled?: boolean;
}

/**
 * Whether a source goes into an exported OPML: a feed (not a page read with
 * selectors, kind: html, which no feed reader can follow), enabled (a source
 * kept with enabled: false is one pile does not follow; its address is often
 * unverified), with an http(s) address (a file: address is a path in the
 * workspace, meaningless to another program).
 */
export function opmlExportable(source: OpmlSource): boolean {
  return source.kind !== "html" && source.enabled !== false && /^https?:\/\//i.test(source.url);
}

/** Characters XML 1.0 cannot hold, even as references. */
const NOT_XML =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function escapeText(value: string): string {
  return value
    .replace(NOT_XML, "\ufffd")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
}

function escapeAttribute(value: string): string {
  return escapeText(value)
    .replace(/"/g, "&quot;")
    .replace(/\t/g, "&#9;")
    .replace(/\n/g, "&#10;")
    .replace(/\r/g, "&#13;");
}

function feedOutline(source: OpmlSource, indent: string): string {
  const title = escapeAttribute(source.title);
  const tags = source.tags ?? [];
  const category = tags.length > 0 ? ` category="${escapeAttribute(tags.join(","))}"` : "";
  return `${indent}<outline type="rss" text="${title}" title="${title}" xmlUrl="${escapeAttribute(source.url)}"${category}/>`;
}

/**
 * An OPML 2.0 subscription list of the sources (see opmlExportable for those
 * left out), UTF-8, LF, same input → same bytes.
 *
 * Layout: one folder per first tag, in the order the tags first appear in
 * feeds.yaml, each holding its sources in the file's order; sources without a
 * tag come after the folders, at the top level. Feed readers (Feedly,
 * Inoreader, NetNewsWire, Thunderbird) all turn a top-level outline into a
 * folder, and most know only one level: a flat list of fifty feeds would be
 * harder to read, and nested folders would be flattened differently by each.
 * Every tag is also in the `category` attribute (« officiel,emploi »), so that
 * importing the file back (parseOpml) gives each source all its tags.
 */
export function opmlDocument(
  sources: readonly OpmlSource[],
  options: { title: string; date: Date },
): string {
  if (Number.isNaN(options.date.getTime())) throw new Error("opmlDocument: invalid date");
  const folders = new Map<string, OpmlSource[]>();
  const loose: OpmlSource[] = [];
  for (const source of sources.filter(opmlExportable)) {
    const tag = source.tags?.[0];
    if (tag === undefined) {
      loose.push(source);
      continue;
    }
    const list = folders.get(tag) ?? [];
    list.push(source);
    folders.set(tag, list);
  }
  const body: string[] = [];
  for (const [tag, list] of folders) {
    const name = escapeAttribute(tag);
    body.push(`    <outline text="${name}" title="${name}">`);
    for (const source of list) body.push(feedOutline(source, "      "));
    body.push("    </outline>");
  }
  for (const source of loose) body.push(feedOutline(source, "    "));
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<opml version="2.0">',
    "  <head>",
    `    <title>${escapeText(options.title)}</title>`,
    `    <dateCreated>${options.date.toUTCString()}</dateCreated>`,
    "    <docs>https://opml.org/spec2.opml</docs>",
    "  </head>",
    ...(body.length === 0 ? ["  <body/>"] : ["  <body>", ...body, "  </body>"]),
    "</opml>",
  ];
  return `${lines.join("\n")}\n`;
}
