/**
 * Feed titles and summaries (HTML fragments, often sloppy) to plain text, and
 * plain text to a short summary. Pure.
 *
 * plainText runs in three steps:
 *   1. strip the markup: comments, CDATA markers, <script>/<style> with their
 *      content, and every tag, up to the end of the input if it is unclosed
 *      (a browser would not show an unfinished tag either);
 *   2. decode character references (&eacute; &#233; &#x2019;);
 *   3. compose to NFC, strip again what step 2 revealed, collapse whitespace.
 * Step 3 exists because some feeds escape their HTML twice: "&lt;p&gt;" in a
 * description is markup, not prose. It replaces what it strips with spaces
 * and never joins two pieces of text, so a second plainText changes nothing:
 * plainText(plainText(x)) === plainText(x).
 *
 * Control characters go too: an ESC in a title would otherwise reach the
 * user's terminal as an escape sequence.
 */

export function plainText(html: string | undefined): string {
  if (!html) return "";
  // NFC before the second strip: composing can turn a character into an ASCII
  // letter (U+212A KELVIN SIGN is "K"), and "<K" must be seen as a tag now, not next time.
  const decoded = decodeEntities(stripMarkup(withoutControls(html))).normalize("NFC");
  return collapseWhitespace(stripEscapedMarkup(decoded));
}

/** C0 and C1 controls and DEL, but not the whitespace ones (tab, newlines), which collapse later. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL = /[\u0000-\u0008\u000E-\u001F\u007F-\u009F]/g;

function withoutControls(text: string): string {
  return text.replace(CONTROL, "");
}

// ------------------------------------------------------------------ markup

/** <br>, and the tags that start a new block: the words on either side must not stick together. */
const BLOCK_TAGS = new Set(
  (
    "address article aside blockquote body br caption dd details dialog div dl dt fieldset figcaption " +
    "figure footer form h1 h2 h3 h4 h5 h6 head header hr html iframe img li main nav ol option p pre " +
    "section summary table tbody td tfoot th thead title tr ul video audio source picture"
  ).split(" "),
);

const COMMENT = /<!--[\s\S]*?(?:-->|$)/g;
const CDATA = /<!\[CDATA\[([\s\S]*?)(?:\]\]>|$)/g;
/** Elements whose content is code, not text. */
const HIDDEN_ELEMENT = /<(script|style|template|noscript)\b[\s\S]*?(?:<\/\1\s*>|$)/gi;
/**
 * A tag: "<" then a letter, "/", "!" or "?", up to the next ">" outside
 * quotes, or to the end. "<" inside the tag is part of it, so "<scr<script>"
 * is one tag. The repetition can only stop at a ">" or at the end, and both
 * complete the match, so it never backtracks: linear on hostile input.
 */
const TAG = /<[a-zA-Z/!?](?:"[^"]*"?|'[^']*'?|[^"'>])*(?:>|$)/g;
const TAG_NAME = /^<\/?([a-zA-Z][a-zA-Z0-9]*)/;

/** Raw markup: inline tags vanish ("l'<em>é</em>té" is one word), block tags become spaces. */
function stripMarkup(html: string): string {
  return html
    .replace(COMMENT, "")
    .replace(CDATA, "$1")
    .replace(HIDDEN_ELEMENT, " ")
    .replace(TAG, (tag) => (isBlockTag(tag) ? " " : ""));
}

function isBlockTag(tag: string): boolean {
  const name = TAG_NAME.exec(tag)?.[1]?.toLowerCase();
  return name !== undefined && BLOCK_TAGS.has(name);
}

/**
 * A complete tag revealed by decoding. Simpler than TAG (no quotes, no "<"
 * inside), so that each scan stops at the next "<" or ">" and a hostile run
 * of unclosed "&lt;a" stays linear.
 */
const ESCAPED_TAG = /<[a-zA-Z/!?][^<>]*>/g;
const TAG_START = /<(?=[a-zA-Z/!?])/g;

/**
 * Markup that was escaped in the source and appeared when decoding. Only
 * complete tags go, each replaced by a space so that nothing is joined (a
 * script's code, if any, stays as text: it is inert). A "<" left before a
 * letter ("a&lt;b") is prose, and gets a space after it so that no later
 * pass can take it for a tag.
 */
function stripEscapedMarkup(text: string): string {
  return text.replace(ESCAPED_TAG, " ").replace(TAG_START, "< ");
}

/** Any run of whitespace is one space, except a lone no-break space, which French typography wants. */
function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, (run) => (run === "\u00A0" || run === "\u202F" ? run : " ")).trim();
}

// -------------------------------------------------------------- references

/**
 * The named references that occur in French text. Unknown names are left as
 * they are: "&foo;" is more likely prose than a character we would guess.
 */
const NAMED: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: "\u00A0",
  shy: "\u00AD",
  laquo: "«",
  raquo: "»",
  lsquo: "‘",
  rsquo: "’",
  sbquo: "‚",
  ldquo: "“",
  rdquo: "”",
  bdquo: "„",
  hellip: "…",
  ndash: "–",
  mdash: "—",
  euro: "€",
  deg: "°",
  copy: "©",
  reg: "®",
  trade: "™",
  middot: "·",
  bull: "•",
  sect: "§",
  para: "¶",
  times: "×",
  divide: "÷",
  plusmn: "±",
  frac12: "½",
  frac14: "¼",
  frac34: "¾",
  sup2: "²",
  sup3: "³",
  ordm: "º",
  ordf: "ª",
  thinsp: "\u2009",
  ensp: "\u2002",
  emsp: "\u2003",
  iexcl: "¡",
  iquest: "¿",
  pound: "£",
  cent: "¢",
  yen: "¥",
  szlig: "ß",
};

// Accented letters, both cases: &eacute; &Eacute; …
for (const [name, lower] of Object.entries({
  aacute: "á",
  agrave: "à",
  acirc: "â",
  auml: "ä",
  atilde: "ã",
  aring: "å",
  eacute: "é",
  egrave: "è",
  ecirc: "ê",
  euml: "ë",
  iacute: "í",
  igrave: "ì",
  icirc: "î",
  iuml: "ï",
  oacute: "ó",
  ograve: "ò",
  ocirc: "ô",
  ouml: "ö",
  otilde: "õ",
  oslash: "ø",
  uacute: "ú",
  ugrave: "ù",
  ucirc: "û",
  uuml: "ü",
  yacute: "ý",
  yuml: "ÿ",
  ccedil: "ç",
  ntilde: "ñ",
})) {
  NAMED[name] = lower;
  NAMED[name.charAt(0).toUpperCase() + name.slice(1)] = lower.toUpperCase();
}
// The ligatures capitalise two letters: &AElig; &OElig;.
Object.assign(NAMED, { aelig: "æ", AElig: "Æ", oelig: "œ", OElig: "Œ" });

/**
 * Numeric references 128–159 name windows-1252 characters in old pages
 * (&#146; for ’), as browsers read them (HTML spec, "numeric character
 * reference end state").
 */
const WINDOWS_1252_C1: Record<number, number> = {
  128: 0x20ac,
  130: 0x201a,
  131: 0x0192,
  132: 0x201e,
  133: 0x2026,
  134: 0x2020,
  135: 0x2021,
  136: 0x02c6,
  137: 0x2030,
  138: 0x0160,
  139: 0x2039,
  140: 0x0152,
  142: 0x017d,
  145: 0x2018,
  146: 0x2019,
  147: 0x201c,
  148: 0x201d,
  149: 0x2022,
  150: 0x2013,
  151: 0x2014,
  152: 0x02dc,
  153: 0x2122,
  154: 0x0161,
  155: 0x203a,
  156: 0x0153,
  158: 0x017e,
  159: 0x0178,
};

/**
 * A reference, preceded by any number of escaped ampersands: feeds that
 * escape twice write "&amp;eacute;" for "&eacute;". Reading the whole chain
 * at once (rather than one level per pass) is what makes decoding a fixed
 * point: its output holds no reference a second decoding would read.
 */
const REFERENCE =
  /&((?:amp;|#0*38;|#[xX]0*26;)*)(#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);/g;

/** The character of an HTML named entity (`eacute` → é), if it is one pile knows. */
export function namedEntity(name: string): string | undefined {
  return Object.hasOwn(NAMED, name) ? NAMED[name] : undefined;
}

function decodeEntities(text: string): string {
  return text.replace(REFERENCE, (whole, ampersands: string, body: string) => {
    const decoded = decodeReference(body);
    if (decoded !== undefined) return decoded;
    // Unknown name: keep it, but with the escaped ampersands read as one "&".
    return ampersands ? `&${body};` : whole;
  });
}

function decodeReference(body: string): string | undefined {
  if (!body.startsWith("#")) return Object.hasOwn(NAMED, body) ? NAMED[body] : undefined;
  const hex = body[1] === "x" || body[1] === "X";
  const code = Number.parseInt(body.slice(hex ? 2 : 1), hex ? 16 : 10);
  return String.fromCodePoint(codePointOf(code));
}

/**
 * The character &#code; stands for: windows-1252's for 128–159, U+FFFD (as
 * browsers show) for surrogates and numbers beyond Unicode, and also for
 * control characters, which must not reach a terminal.
 */
function codePointOf(code: number): number {
  const c1 = WINDOWS_1252_C1[code];
  if (c1 !== undefined) return c1;
  if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return 0xfffd;
  return isControl(code) ? 0xfffd : code;
}

/** The code points CONTROL removes from raw text. */
function isControl(code: number): boolean {
  return code <= 0x08 || (code >= 0x0e && code <= 0x1f) || (code >= 0x7f && code <= 0x9f);
}

// ----------------------------------------------------------------- shorten

const ELLIPSIS = "…";

/** Below this share of `max`, cutting at a space loses too much: cut inside the word instead. */
const MIN_KEPT_SHARE = 0.6;

/**
 * At most `max` UTF-16 code units (the ellipsis included), cut after a whole
 * word when one ends late enough, never between the two halves of a
 * surrogate pair (an emoji, a rare CJK character).
 */
export function shorten(text: string, max = 300): string {
  const limit = Math.floor(max);
  if (text.length <= limit) return text;
  if (!(limit >= 1)) return ""; // also NaN
  let cut = limit - ELLIPSIS.length;
  if (isHighSurrogate(text.charCodeAt(cut - 1))) cut -= 1;
  const head = text.slice(0, cut);
  const nextIsSpace = /\s/.test(text.charAt(cut));
  const lastSpace = head.search(/\s\S*$/);
  const kept = nextIsSpace || lastSpace < cut * MIN_KEPT_SHARE ? head : head.slice(0, lastSpace);
  return kept.replace(/[\s,;:–—-]+$/, "") + ELLIPSIS;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
