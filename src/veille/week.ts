import { isValidDate, MONTHS_FR, parisDate, parisWallClockToUtc } from "../paris-time.js";

/**
 * ISO 8601 weeks and date ranges in Europe/Paris, for the watch digest. Pure:
 * the current week is asked for with `now` passed in.
 *
 * An ISO week runs from Monday to Sunday; week 1 of a year is the one holding
 * that year's first Thursday, so a week can start in December of the year
 * before (2025-W01 starts on Monday 30 December 2024) and some years have a
 * week 53 (2026, 2032…: those starting on a Thursday, and leap years starting
 * on a Wednesday). A period is a half-open interval of instants [start, end),
 * from 00:00 Paris time on its first day to 00:00 Paris time the day after its
 * last day: the weeks clocks change last 167 h (March) or 169 h (October).
 */

export interface IsoWeek {
  /** The ISO week-numbering year, which may differ from the calendar year of some of its days. */
  year: number;
  week: number;
}

export interface Period {
  /** First instant of the period (00:00 Paris time on its first day), inclusive. */
  start: Date;
  /** First instant after the period (00:00 Paris time the day after its last day), exclusive. */
  end: Date;
  /** First and last days, `YYYY-MM-DD`, in Paris, both inclusive. */
  firstDay: string;
  lastDay: string;
  /** The week, when the period is one. */
  week: IsoWeek | null;
  /** A file-name stem: `2026-W48`, `2026-11-02_2026-11-15`, or `2026-11-02` for a single day. */
  key: string;
  /** Short French name for a title: « semaine 48 de 2026 », « du 2 au 15 novembre 2026 ». */
  name: string;
  /** The French sentence: « semaine 48 de 2026, du lundi 23 au dimanche 29 novembre 2026 ». */
  label: string;
}

/** A week or dates that do not exist; the message is a French sentence the command can show as is. */
export class PeriodError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PeriodError";
  }
}

const DAY_MS = 86_400_000;

// ------------------------------------------------------------- calendar days

/** Days are handled as UTC midnights of their Paris calendar date (no time zone involved). */
function dayNumber(day: string): number {
  const [year, month, date] = day.split("-").map(Number) as [number, number, number];
  const instant = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not read years 0–99 as 1900–1999.
  instant.setUTCFullYear(year, month - 1, date);
  return instant.getTime();
}

function dayText(utcMidnight: number): string {
  const date = new Date(utcMidnight);
  const year = String(date.getUTCFullYear()).padStart(4, "0");
  const month = String(date.getUTCMonth() + 1).padStart(2, "0");
  const day = String(date.getUTCDate()).padStart(2, "0");
  return `${year}-${month}-${day}`;
}

/** 1 = Monday … 7 = Sunday. */
function isoWeekday(utcMidnight: number): number {
  return ((new Date(utcMidnight).getUTCDay() + 6) % 7) + 1;
}

function addDays(day: string, count: number): string {
  return dayText(dayNumber(day) + count * DAY_MS);
}

// ----------------------------------------------------------------- ISO weeks

/** The ISO week of a calendar day (`YYYY-MM-DD`). */
export function isoWeekOfDay(day: string): IsoWeek {
  const midnight = dayNumber(day);
  // The Thursday of the same week decides the year; its rank in that year, the week.
  const thursday = midnight + (4 - isoWeekday(midnight)) * DAY_MS;
  const year = new Date(thursday).getUTCFullYear();
  const januaryFirst = dayNumber(`${String(year).padStart(4, "0")}-01-01`);
  return { year, week: Math.floor((thursday - januaryFirst) / DAY_MS / 7) + 1 };
}

/** The ISO week holding an instant, by the calendar in Paris (Sunday 23:30 Paris is still Sunday). */
export function isoWeekOf(instant: Date): IsoWeek {
  return isoWeekOfDay(parisDate(instant));
}

/** 52 or 53: 28 December is always in the last week of its ISO year. */
export function isoWeeksInYear(year: number): number {
  return isoWeekOfDay(`${String(year).padStart(4, "0")}-12-28`).week;
}

/** `2026-W48`. */
export function formatIsoWeek(week: IsoWeek): string {
  return `${String(week.year).padStart(4, "0")}-W${String(week.week).padStart(2, "0")}`;
}

const WEEK_TEXT = /^(\d{4})-[Ww](\d{2})$/;

/** `2026-W48` (or `2026-w48`) to a week that exists; a PeriodError otherwise. */
export function parseIsoWeek(text: string): IsoWeek {
  const match = WEEK_TEXT.exec(text.trim());
  if (!match) {
    throw new PeriodError(
      `« ${text} » n'est pas une semaine : écrivez l'année, un tiret, W et le numéro de la semaine sur deux chiffres, par exemple 2026-W48.`,
    );
  }
  const year = Number(match[1]);
  const week = Number(match[2]);
  const weeks = isoWeeksInYear(year);
  if (week < 1 || week > weeks) {
    throw new PeriodError(
      `La semaine « ${text} » n'existe pas : l'année ${year} compte ${weeks} semaines, numérotées de 01 à ${weeks}.`,
    );
  }
  return { year, week };
}

/** Monday of an ISO week, `YYYY-MM-DD`. */
export function isoWeekMonday(week: IsoWeek): string {
  // 4 January is always in week 1.
  const fourth = dayNumber(`${String(week.year).padStart(4, "0")}-01-04`);
  const mondayOfWeek1 = fourth - (isoWeekday(fourth) - 1) * DAY_MS;
  return dayText(mondayOfWeek1 + (week.week - 1) * 7 * DAY_MS);
}

// ------------------------------------------------------------------ Paris time

/**
 * The instant Paris clocks show 00:00 on a day. Clocks change at 02:00 and
 * 03:00, never at midnight, so that instant always exists and is unique; the
 * offset is guessed at UTC midnight, then checked at the instant found.
 */
export function parisMidnight(day: string): Date {
  return new Date(parisWallClockToUtc(dayNumber(day)));
}

// ------------------------------------------------------------------ French

const WEEKDAYS_FR = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"];

interface DayParts {
  weekday: string;
  /** « 1er », « 2 »… */
  date: string;
  month: string;
  year: string;
}

function dayParts(day: string): DayParts {
  const midnight = dayNumber(day);
  const date = new Date(midnight);
  const number = date.getUTCDate();
  return {
    weekday: WEEKDAYS_FR[isoWeekday(midnight) - 1] ?? "",
    date: number === 1 ? "1er" : String(number),
    month: MONTHS_FR[date.getUTCMonth()] ?? "",
    year: String(date.getUTCFullYear()),
  };
}

/** Days already written out: a digest names the same few days for thousands of items. */
const frenchDays = new Map<string, string>();

/** `2026-11-23` → « lundi 23 novembre 2026 »; the first of a month is « 1er ». */
export function frenchDay(day: string): string {
  let text = frenchDays.get(day);
  if (text === undefined) {
    const parts = dayParts(day);
    text = `${parts.weekday} ${parts.date} ${parts.month} ${parts.year}`;
    if (frenchDays.size >= 4096) frenchDays.clear();
    frenchDays.set(day, text);
  }
  return text;
}

/** The Paris day of an instant, in French: « lundi 23 novembre 2026 ». */
export function frenchDayOf(instant: Date): string {
  return frenchDay(parisDate(instant));
}

/**
 * « du lundi 23 au dimanche 29 novembre 2026 »: the month and year are said
 * once when both days share them. Without weekdays: « du 23 au 29 novembre 2026 ».
 */
function frenchRange(first: string, last: string, weekdays: boolean): string {
  const a = dayParts(first);
  const b = dayParts(last);
  const left = weekdays ? `${a.weekday} ${a.date}` : a.date;
  const right = weekdays ? `${b.weekday} ${b.date}` : b.date;
  const tail = `${b.month} ${b.year}`;
  if (a.year !== b.year) return `du ${left} ${a.month} ${a.year} au ${right} ${tail}`;
  if (a.month !== b.month) return `du ${left} ${a.month} au ${right} ${tail}`;
  return `du ${left} au ${right} ${tail}`;
}

// ------------------------------------------------------------------ periods

/** The period of an ISO week: Monday 00:00 to the next Monday 00:00, Paris time. */
export function weekPeriod(week: IsoWeek): Period {
  const firstDay = isoWeekMonday(week);
  const lastDay = addDays(firstDay, 6);
  const name = `semaine ${week.week} de ${week.year}`;
  return {
    start: parisMidnight(firstDay),
    end: parisMidnight(addDays(firstDay, 7)),
    firstDay,
    lastDay,
    week: { year: week.year, week: week.week },
    key: formatIsoWeek(week),
    name,
    label: `${name}, ${frenchRange(firstDay, lastDay, true)}`,
  };
}

/** The ISO week holding `now` in Paris, as a period. */
export function currentWeekPeriod(now: Date): Period {
  return weekPeriod(isoWeekOf(now));
}

/**
 * The days from `since` to `until` (`YYYY-MM-DD`, Paris days, both
 * included): `--since 2026-11-02 --until 2026-11-15` covers two full weeks.
 */
export function rangePeriod(since: string, until: string): Period {
  for (const day of [since, until]) {
    if (!isValidDate(day)) {
      throw new PeriodError(
        `« ${day} » n'est pas une date qui existe, écrite AAAA-MM-JJ (par exemple 2026-11-23).`,
      );
    }
  }
  if (since > until) {
    throw new PeriodError(
      `La période commence le ${frenchDay(since)} et finit avant, le ${frenchDay(until)} : la date de début doit précéder la date de fin, ou lui être égale.`,
    );
  }
  const single = since === until;
  const whole = (day: string) => {
    const parts = dayParts(day);
    return `${parts.date} ${parts.month} ${parts.year}`;
  };
  return {
    start: parisMidnight(since),
    end: parisMidnight(addDays(until, 1)),
    firstDay: since,
    lastDay: until,
    week: null,
    key: single ? since : `${since}_${until}`,
    name: single ? whole(since) : frenchRange(since, until, false),
    label: single ? `le ${frenchDay(since)}` : frenchRange(since, until, true),
  };
}
