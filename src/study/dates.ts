import { isValidDate } from "../paris-time.js";

/** Calendar dates as `YYYY-MM-DD` strings: no clock times in dossiers. */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export { isValidDate, parisDate } from "../paris-time.js";

const MONTHS_FR = [
  "janvier",
  "février",
  "mars",
  "avril",
  "mai",
  "juin",
  "juillet",
  "août",
  "septembre",
  "octobre",
  "novembre",
  "décembre",
];

/** `2026-11-01` → `1er novembre 2026`. */
export function frenchDate(text: string): string {
  const match = ISO_DATE.exec(text);
  if (!match || !isValidDate(text)) return text;
  const day = Number(match[3]);
  const month = MONTHS_FR[Number(match[2]) - 1] ?? match[2];
  return `${day === 1 ? "1er" : day} ${month} ${match[1]}`;
}
