import iconv from "iconv-lite";

/**
 * Bytes of a fetched feed or page to text. Pure: no I/O.
 *
 * Servers and documents often lie about their charset, so the evidence is
 * weighed in this order:
 *   1. a byte order mark, which cannot be there by accident;
 *   2. bytes that are valid UTF-8, which is almost never true of text in a
 *      legacy 8-bit encoding that contains any accented letter;
 *   3. the HTTP `Content-Type` charset;
 *   4. the document's own declaration (`<?xml encoding="…"?>`, or an HTML
 *      `<meta charset>`), read from its first bytes;
 *   5. windows-1252, the encoding of old French sites.
 * A label that names an encoding we do not know, or that says UTF-8 while
 * step 2 has just shown the bytes are not UTF-8, is skipped in favour of the
 * next step.
 */

export interface Decoded {
  text: string;
  /** The encoding that was used: "utf-8", "windows-1252", "utf-16le"… */
  encoding: string;
}

const FALLBACK = "windows-1252";

/** How many leading bytes may hold an XML or HTML declaration (HTML's prescan reads 1024). */
const PRESCAN_BYTES = 1024;

export function decodeBytes(bytes: Uint8Array, contentType?: string): Decoded {
  const bom = byteOrderMark(bytes);
  if (bom)
    return { text: decodeWith(bytes.subarray(bom.length), bom.encoding), encoding: bom.encoding };

  const utf8 = strictUtf8(bytes);
  if (utf8 !== undefined) return { text: utf8, encoding: "utf-8" };

  const encoding =
    usableLabel(httpCharset(contentType), "http") ??
    usableLabel(declaredCharset(bytes), "document") ??
    FALLBACK;
  return { text: decodeWith(bytes, encoding), encoding };
}

interface Bom {
  encoding: string;
  length: number;
}

function byteOrderMark(bytes: Uint8Array): Bom | undefined {
  const [b0, b1, b2] = bytes;
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return { encoding: "utf-8", length: 3 };
  if (b0 === 0xff && b1 === 0xfe) return { encoding: "utf-16le", length: 2 };
  if (b0 === 0xfe && b1 === 0xff) return { encoding: "utf-16be", length: 2 };
  return undefined;
}

/** The text if the bytes are well-formed UTF-8, otherwise undefined. */
function strictUtf8(bytes: Uint8Array): string | undefined {
  try {
    // ignoreBOM keeps a (non-leading) U+FEFF as it is; the leading BOM was handled above.
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

function decodeWith(bytes: Uint8Array, encoding: string): string {
  if (encoding === "utf-8") return new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
  // stripBOM off: the BOM, if any, was already cut off, and a U+FEFF further on is content.
  return iconv.decode(Buffer.from(bytes), encoding, { stripBOM: false });
}

/** `text/xml; charset="ISO-8859-1"` → `ISO-8859-1`. */
function httpCharset(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  return /(?:^|;)\s*charset\s*=\s*["']?([^"';\s,]+)/i.exec(contentType)?.[1];
}

/**
 * The charset a document declares about itself in its first bytes. They are
 * read one byte per character: declarations are ASCII in every encoding that
 * reaches this step (UTF-16 was recognised by its BOM).
 */
function declaredCharset(bytes: Uint8Array): string | undefined {
  const head = String.fromCharCode(...bytes.subarray(0, PRESCAN_BYTES));
  const xml = /^\s*<\?xml\s[^>]*?\bencoding\s*=\s*["']([^"']+)["']/i.exec(head);
  if (xml) return xml[1];
  // HTML pages scraped without a feed: <meta charset="…"> or http-equiv's content="…; charset=…".
  return /<meta\s[^>]*?\bcharset\s*=\s*["']?([^"'\s;/>]+)/i.exec(head)?.[1];
}

/**
 * The encoding to use for a declared label, or undefined to try the next
 * piece of evidence. Labels that browsers map to windows-1252 (WHATWG
 * Encoding Standard) are mapped the same way, because servers that say
 * ISO-8859-1 nearly always send ’ € Œ in the 0x80–0x9F range.
 */
function usableLabel(label: string | undefined, from: "http" | "document"): string | undefined {
  if (!label) return undefined;
  const name = label.trim().toLowerCase();
  if (WINDOWS_1252_LABELS.has(name)) return FALLBACK;
  // UTF-8 was already tried strictly and failed: the label is wrong.
  if (UTF8_LABELS.has(name)) return undefined;
  // A declaration we could read as ASCII is not in a 16- or 32-bit encoding, whatever it says.
  if (from === "document" && /^(?:utf-?(?:16|32)|ucs-?[24])/.test(name)) return undefined;
  return iconv.encodingExists(name) ? name : undefined;
}

const WINDOWS_1252_LABELS = new Set([
  "ansi_x3.4-1968",
  "ascii",
  "cp1252",
  "cp819",
  "csisolatin1",
  "ibm819",
  "iso-8859-1",
  "iso-ir-100",
  "iso8859-1",
  "iso88591",
  "iso_8859-1",
  "iso_8859-1:1987",
  "l1",
  "latin1",
  "us-ascii",
  "windows-1252",
  "x-cp1252",
]);

const UTF8_LABELS = new Set([
  "utf-8",
  "utf8",
  "unicode-1-1-utf-8",
  "unicode11utf8",
  "unicode20utf8",
]);
