/**
 * Calendar dates in Europe/Paris, whatever the machine's time zone (shared by the features).
 *
 * Since 1996 Paris follows the EU rule (directive 2000/84/EC): UTC+2 from the
 * last Sunday of March to the last Sunday of October, both at 01:00 UTC, UTC+1
 * otherwise. Computing that is pure arithmetic, whereas the first Intl
 * formatter with a time zone costs about 30 ms of ICU loading at every start;
 * earlier instants, under other rules, still ask ICU's time-zone database. A
 * test checks the rule against ICU hour by hour around each change, 1996–2100:
 * if the law changes, that test is what fails once Node's tzdata follows.
 */

const HOUR = 3_600_000;

/** The instant of the EU clock change: the last Sunday of a month, 01:00 UTC. */
function lastSundayAt1Utc(year: number, monthIndex: number): number {
  const lastDay = new Date(Date.UTC(year, monthIndex + 1, 0));
  return Date.UTC(year, monthIndex, lastDay.getUTCDate() - lastDay.getUTCDay(), 1);
}

/** Built on first use, for instants before 1996 only. */
let parisClock: Intl.DateTimeFormat | undefined;

/** The offset ICU's time-zone database gives (for the years before the EU rule). */
function icuParisOffset(instant: number): number {
  parisClock ??= new Intl.DateTimeFormat("en-US", {
    timeZone: "Europe/Paris",
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  });
  const whole = Math.floor(instant / 1000) * 1000;
  const fields: Record<string, number> = {};
  for (const part of parisClock.formatToParts(whole)) fields[part.type] = Number(part.value);
  const wallClock = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not read years 0–99 as 1900–1999.
  wallClock.setUTCFullYear(fields.year ?? 0, (fields.month ?? 1) - 1, fields.day ?? 1);
  wallClock.setUTCHours(fields.hour ?? 0, fields.minute ?? 0, fields.second ?? 0);
  return wallClock.getTime() - whole;
}

/** Each year's summer time, [start, end), computed once (a digest asks thousands of times). */
const summers = new Map<number, readonly [number, number]>();

function summerOf(year: number): readonly [number, number] {
  let summer = summers.get(year);
  if (!summer) {
    summer = [lastSundayAt1Utc(year, 2), lastSundayAt1Utc(year, 9)];
    summers.set(year, summer);
  }
  return summer;
}

/** Paris's offset from UTC at an instant, in milliseconds (+1 h in winter, +2 h in summer). */
export function parisOffset(instant: number): number {
  const year = new Date(instant).getUTCFullYear();
  if (!(year >= 1996)) return icuParisOffset(instant);
  const [start, end] = summerOf(year);
  return instant >= start && instant < end ? 2 * HOUR : HOUR;
}

/** `YYYY-MM-DD` of an instant, in Europe/Paris. */
export function parisDate(instant: Date): string {
  const time = instant.getTime();
  if (Number.isNaN(time)) throw new RangeError("Invalid time value");
  return new Date(time + parisOffset(time)).toISOString().slice(0, 10);
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A `YYYY-MM-DD` text naming a day that exists (2026-02-30 does not). */
export function isValidDate(text: string): boolean {
  const match = ISO_DATE.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  );
}

/** Month names, for dates written out in French. */
export const MONTHS_FR = [
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
] as const;

/** `2026-11-01` → `1er novembre 2026`; anything else is returned as it is. */
export function frenchDate(text: string): string {
  const match = ISO_DATE.exec(text);
  if (!match || !isValidDate(text)) return text;
  const day = Number(match[3]);
  const month = MONTHS_FR[Number(match[2]) - 1] ?? match[2];
  return `${day === 1 ? "1er" : day} ${month} ${match[1]}`;
}

/**
 * The instant (ms) at which Paris clocks show a wall-clock time, given as if
 * it were UTC. The offset is guessed at the wall-clock time itself, then
 * checked at the instant found, which settles the days clocks change: a time
 * in the spring gap (02:30 that never happened) moves an hour forward, a time
 * the autumn repeats (02:30 twice) is the second, winter-time one; midnight
 * always exists and is unique.
 */
export function parisWallClockToUtc(wallClock: number): number {
  const guess = wallClock - parisOffset(wallClock);
  return wallClock - parisOffset(guess);
}
