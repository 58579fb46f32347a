/**
 * French text to ASCII words, for identifiers that are also folder names or
 * YAML keys (study ids, watch source ids): accents and ligatures folded, a
 * few signs spelt out. Only [a-z0-9] survives, so an id built from these
 * words can never name a path outside the folder it is joined to.
 */

const LIGATURES: Record<string, string> = {
  œ: "oe",
  Œ: "oe",
  æ: "ae",
  Æ: "ae",
  ß: "ss",
  ẞ: "ss",
  ø: "o",
  Ø: "o",
  ł: "l",
  Ł: "l",
  đ: "d",
  Đ: "d",
  ð: "d",
  þ: "th",
  "&": " et ",
  "€": " euros ",
  "%": " pour cent ",
  "@": " a ",
};

/** Lower-case ASCII folding of a text (« Œuvre & Café » → « oeuvre  et  cafe »). */
export function asciiFold(text: string): string {
  return [...text.normalize("NFKC")]
    .map((char) => LIGATURES[char] ?? char)
    .join("")
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase();
}

/** The [a-z0-9] words of a folded text. */
export function asciiWords(folded: string): string[] {
  return folded.split(/[^a-z0-9]+/).filter((word) => word !== "");
}

/** Words joined by hyphens, cut at a word boundary; a single over-long word is cut hard. */
export function joinWords(words: readonly string[], maxLength: number): string {
  let joined = "";
  for (const word of words) {
    const next = joined === "" ? word : `${joined}-${word}`;
    if (next.length > maxLength) {
      if (joined === "") joined = word.slice(0, maxLength);
      break;
    }
    joined = next;
  }
  return joined;
}
