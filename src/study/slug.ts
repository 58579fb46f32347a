/**
 * French-aware ASCII slugs. The result only ever holds [a-z0-9-], so a slug can
 * never name a path outside the folder it is joined to.
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

export const MAX_TITLE_SLUG = 50;

export function slugify(text: string, maxLength = MAX_TITLE_SLUG): string {
  const ascii = [...text.normalize("NFKC")]
    .map((char) => LIGATURES[char] ?? char)
    .join("")
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase();
  const words = ascii.split(/[^a-z0-9]+/).filter((word) => word !== "");
  let slug = "";
  for (const word of words) {
    const next = slug === "" ? word : `${slug}-${word}`;
    if (next.length > maxLength) {
      // Cut at a word boundary; a single over-long word is cut hard.
      if (slug === "") slug = word.slice(0, maxLength);
      break;
    }
    slug = next;
  }
  return slug;
}

/** `2026-11-recyclerie-textile-18e`: year and month, title, territory. */
export function studySlug(input: { title: string; date: string; territory: string }): string {
  const title = slugify(input.title);
  const month = input.date.slice(0, 7);
  return `${month}-${title}-${slugify(input.territory, 20)}`;
}
