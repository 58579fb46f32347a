import { parisWallClockToUtc } from "../paris-time.js";

/**
 * Dates found in feeds and scraped pages, to ISO 8601 UTC strings.
 *
 * Feeds write dates in RFC 822 (RSS), ISO 8601 (Atom, `<time datetime>`),
 * and French sites in French ("lun., 23 nov. 2026", "1er mars 2025",
 * "23/11/2026 10:00"). A date or time without a zone is read in
 * Europe/Paris, where the watched sources are. Pure: no clock, and never
 * throws; anything that is not a readable, possible date gives undefined.
 * The weekday, when present, is ignored: feeds get it wrong more often than
 * the date itself.
 */

/** Calendar and clock fields as written; `offset` in minutes east of UTC, undefined = Paris. */
interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  offset: number | undefined;
}

interface Clock {
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const MIDNIGHT: Clock = { hour: 0, minute: 0, second: 0, millisecond: 0 };

/** Older dates are placeholders (the 1970 epoch of a CMS without a date), not news. */
const MIN_YEAR = 1990;

/** Longer strings are prose, not a date field; the bound also keeps the regexps cheap. */
const MAX_LENGTH = 120;

export function parseFeedDate(text: string | undefined): string | undefined {
  if (typeof text !== "string") return undefined;
  const trimmed = text.trim();
  if (trimmed === "" || trimmed.length > MAX_LENGTH) return undefined;
  const parts = parseIso(trimmed) ?? parseWritten(normalise(trimmed));
  return parts ? toIsoString(parts) : undefined;
}

// ---------------------------------------------------------------- ISO 8601

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

function parseIso(text: string): Parts | undefined {
  const match = ISO.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  const offset = zone === undefined ? undefined : numericOffset(zone);
  if (offset === null) return undefined;
  return {
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: Number(hour ?? 0),
    minute: Number(minute ?? 0),
    second: Number(second ?? 0),
    millisecond: milliseconds(fraction),
    offset,
  };
}

/** ".5" → 500, ".123456" → 123: truncated, so that toISOString's output reads back exactly. */
function milliseconds(fraction: string | undefined): number {
  return fraction ? Number(fraction.padEnd(3, "0").slice(0, 3)) : 0;
}

// ------------------------------------------- RFC 822, French, and numeric forms

/**
 * Lowercase, without accents, commas or a trailing "(CET)"-like comment, one
 * space between words: "Lun., 23 Févr. 2026" → "lun. 23 fevr. 2026".
 */
function normalise(text: string): string {
  return (
    text
      // NFKD also turns "1ᵉʳ" into "1er" and no-break spaces into spaces.
      .normalize("NFKD")
      .replace(/\p{M}/gu, "")
      .toLowerCase()
      .replace(/\([^)]*\)\s*$/, "")
      .replace(/,/g, " ")
      .replace(/\s+/g, " ")
      .trim()
  );
}

const WEEKDAY =
  "(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lun|mar|mer|jeu|ven|sam|dim|" +
  "monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)\\.?";

/** Words that may come before a date in a scraped page: "Publié le 23/11/2026". */
const LEAD = `^(?:(?:publie|mis a jour|modifie)\\s+)?(?:le\\s+)?(?:${WEEKDAY}\\s+)?(?:le\\s+)?`;

/** "23 nov. 2026…", "1er mars 2025…", "23-Nov-26…": day, month name, year, then the rest. */
const DAY_MONTH_YEAR = new RegExp(
  `${LEAD}(\\d{1,2})(?:er)?(?: |-)([a-z]+)\\.?(?: |-)(\\d{4}|\\d{2})(.*)$`,
);

/** "November 23 2026…" (the comma is gone): month first, as in English pages. */
const MONTH_DAY_YEAR = new RegExp(`${LEAD}([a-z]+)\\.? (\\d{1,2})(?:st|nd|rd|th)? (\\d{4})(.*)$`);

/** "23/11/2026…", "23.11.26…": always day first, these are French sites. */
const NUMERIC = new RegExp(`${LEAD}(\\d{1,2})([/.-])(\\d{1,2})\\2(\\d{4}|\\d{2})(.*)$`);

function parseWritten(text: string): Parts | undefined {
  let match = DAY_MONTH_YEAR.exec(text);
  if (match) {
    const [, day, month, year, rest] = match;
    return withRest(year, monthNumber(month), day, rest);
  }
  match = MONTH_DAY_YEAR.exec(text);
  if (match) {
    const [, month, day, year, rest] = match;
    return withRest(year, monthNumber(month), day, rest);
  }
  match = NUMERIC.exec(text);
  if (match) {
    const [, day, , month, year, rest] = match;
    return withRest(year, Number(month), day, rest);
  }
  return undefined;
}

function withRest(
  yearText: string | undefined,
  month: number | undefined,
  dayText: string | undefined,
  rest: string | undefined,
): Parts | undefined {
  if (yearText === undefined || month === undefined || dayText === undefined) return undefined;
  const tail = parseTail(rest ?? "");
  if (!tail) return undefined;
  return {
    year: fullYear(yearText),
    month,
    day: Number(dayText),
    ...tail.clock,
    offset: tail.offset,
  };
}

/** RFC 2822's rule for two-digit years: 00–49 are 20xx, 50–99 are 19xx. */
function fullYear(text: string): number {
  const year = Number(text);
  if (text.length === 4) return year;
  return year < 50 ? 2000 + year : 1900 + year;
}

const MONTHS = new Map<string, number>();
for (const [month, names] of [
  [1, "janvier janv jan january"],
  [2, "fevrier fevr fev feb february"],
  [3, "mars mar march"],
  [4, "avril avr apr april"],
  [5, "mai may"],
  [6, "juin jun june"],
  [7, "juillet juil jul july"],
  [8, "aout aou aug august"],
  [9, "septembre sept sep september"],
  [10, "octobre oct october"],
  [11, "novembre nov november"],
  [12, "decembre dec december"],
] as const) {
  for (const name of names.split(" ")) MONTHS.set(name, month);
}

function monthNumber(name: string | undefined): number | undefined {
  return name === undefined ? undefined : MONTHS.get(name);
}

/**
 * What follows the year: nothing, a time ("10:00", "10:00:00", "10 h 30",
 * "10h"), perhaps after "à"/"at"/"-", and a zone ("+0100", "GMT", "PDT"…).
 */
const TAIL =
  /^(?: (?:(?:a|at|-|\|) )?(\d{1,2})(?::(\d{2})(?::(\d{2})(?:\.(\d+))?)?| ?h ?(\d{2})?))?(?: ?([a-z]+(?: ?[+-]\d{1,2}(?::?\d{2})?)?|[+-]\d{2}:?\d{2}))?$/;

interface Tail {
  clock: Clock;
  offset: number | undefined;
}

function parseTail(rest: string): Tail | undefined {
  const match = TAIL.exec(rest);
  if (!match) return undefined;
  const [, hour, colonMinute, second, fraction, hMinute, zone] = match;
  const offset = zone === undefined ? undefined : zoneOffset(zone);
  if (offset === null) return undefined;
  if (hour === undefined) return { clock: MIDNIGHT, offset };
  return {
    clock: {
      hour: Number(hour),
      minute: Number(colonMinute ?? hMinute ?? 0),
      second: Number(second ?? 0),
      millisecond: milliseconds(fraction),
    },
    offset,
  };
}

/** Zone names RFC 822 allows, and those French and British feeds use. */
const NAMED_ZONES: Record<string, number> = {
  z: 0,
  ut: 0,
  utc: 0,
  gmt: 0,
  est: -300,
  edt: -240,
  cst: -360,
  cdt: -300,
  mst: -420,
  mdt: -360,
  pst: -480,
  pdt: -420,
  wet: 0,
  west: 60,
  bst: 60,
  cet: 60,
  cest: 120,
  met: 60,
  mest: 120,
};

/** Minutes east of UTC, or null for a zone we cannot read (better no date than a wrong one). */
function zoneOffset(zone: string): number | null {
  const match = /^([a-z]*) ?([+-].*)?$/.exec(zone);
  if (!match) return null;
  const [, name, numeric] = match;
  if (name && !(name in NAMED_ZONES)) return null;
  const base = name ? (NAMED_ZONES[name] ?? 0) : 0;
  if (numeric === undefined) return base;
  // "GMT+1", "UTC+01:00": only after GMT/UTC does a short number make sense.
  if (name && base !== 0) return null;
  const offset = numericOffset(numeric);
  return offset === null ? null : base + offset;
}

/** "+0100", "+01:00", "-05", "+1" (after GMT), "Z" → minutes east of UTC. */
function numericOffset(text: string): number | null {
  if (/^z$/i.test(text)) return 0;
  const match = /^([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(text);
  if (!match) return null;
  const hours = Number(match[2]);
  const minutes = Number(match[3] ?? 0);
  if (hours > 14 || minutes > 59) return null;
  return (match[1] === "-" ? -1 : 1) * (hours * 60 + minutes);
}

// ------------------------------------------------------------ to an instant

function toIsoString(parts: Parts): string | undefined {
  if (!isPossible(parts)) return undefined;
  const { year, month, day, hour, minute, second, millisecond, offset } = parts;
  const wallClock = Date.UTC(year, month - 1, day, hour, minute, second, millisecond);
  const instant =
    offset === undefined ? parisWallClockToUtc(wallClock) : wallClock - offset * 60_000;
  return new Date(instant).toISOString();
}

function isPossible(parts: Parts): boolean {
  const { year, month, day, hour, minute, second } = parts;
  return (
    year >= MIN_YEAR &&
    year <= 9999 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59
  );
}

function daysInMonth(year: number, month: number): number {
  // Day 0 of the next month is the last day of this one.
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
