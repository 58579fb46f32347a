import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parisDate, parisOffset, parisWallClockToUtc } from "../../src/paris-time.js";

/** What ICU's time-zone database says: the reference the pure EU rule must match. */
const icu = new Intl.DateTimeFormat("en-US", {
  timeZone: "Europe/Paris",
  hourCycle: "h23",
  year: "numeric",
  month: "numeric",
  day: "numeric",
  hour: "numeric",
  minute: "numeric",
  second: "numeric",
});
function icuOffset(instant: number): number {
  const whole = Math.floor(instant / 1000) * 1000;
  const f: Record<string, number> = {};
  for (const part of icu.formatToParts(whole)) f[part.type] = Number(part.value);
  return Date.UTC(f.year ?? 0, (f.month ?? 1) - 1, f.day ?? 1, f.hour, f.minute, f.second) - whole;
}
const icuDate = new Intl.DateTimeFormat("en-CA", {
  timeZone: "Europe/Paris",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
});

const HOUR = 3_600_000;

describe("Paris offset and dates without ICU", () => {
  it("matches ICU every hour of the last days of March and October, 1996–2100", () => {
    let checked = 0;
    for (let year = 1996; year <= 2100; year++) {
      for (const month of [2, 9]) {
        for (let t = Date.UTC(year, month, 24); t < Date.UTC(year, month + 1, 1); t += HOUR) {
          for (const instant of [t, t - 1, t + 1]) {
            expect(parisOffset(instant), new Date(instant).toISOString()).toBe(icuOffset(instant));
          }
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(30_000);
  });

  it("matches ICU on random instants, 1900–2200, offsets and calendar dates", () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2200, 0, 1) }), (t) => {
        expect(parisOffset(t)).toBe(icuOffset(t));
        expect(parisDate(new Date(t))).toBe(icuDate.format(t));
      }),
      { numRuns: 20_000 },
    );
  });

  it.each([
    ["2026-03-29T00:59:59.999Z", "2026-03-29", HOUR],
    ["2026-03-29T01:00:00.000Z", "2026-03-29", 2 * HOUR],
    ["2026-10-25T00:59:59.999Z", "2026-10-25", 2 * HOUR],
    ["2026-10-25T01:00:00.000Z", "2026-10-25", HOUR],
    ["2026-12-31T22:59:59.999Z", "2026-12-31", HOUR],
    ["2026-12-31T23:00:00.000Z", "2027-01-01", HOUR],
    ["1995-06-30T22:30:00.000Z", "1995-07-01", 2 * HOUR],
  ])("%s is %s in Paris", (iso, date, offset) => {
    const instant = new Date(iso);
    expect(parisDate(instant)).toBe(date);
    expect(parisOffset(instant.getTime())).toBe(offset);
  });

  it("refuses an invalid date, like Intl did", () => {
    expect(() => parisDate(new Date(Number.NaN))).toThrow(RangeError);
  });

  it("turns wall-clock times into instants across both changes", () => {
    // 02:30 on 29 March 2026 never happened: it moves an hour forward (03:30 CEST = 01:30 UTC).
    expect(new Date(parisWallClockToUtc(Date.UTC(2026, 2, 29, 2, 30))).toISOString()).toBe(
      "2026-03-29T01:30:00.000Z",
    );
    // 02:30 on 25 October 2026 happened twice: the second, winter-time one.
    expect(new Date(parisWallClockToUtc(Date.UTC(2026, 9, 25, 2, 30))).toISOString()).toBe(
      "2026-10-25T01:30:00.000Z",
    );
    expect(new Date(parisWallClockToUtc(Date.UTC(2026, 10, 28, 0, 0))).toISOString()).toBe(
      "2026-11-27T23:00:00.000Z",
    );
  });
});
