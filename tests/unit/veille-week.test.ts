import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { parisDate } from "../../src/paris-time.js";
import {
  currentWeekPeriod,
  formatIsoWeek,
  frenchDay,
  frenchDayOf,
  isoWeekMonday,
  isoWeekOf,
  isoWeekOfDay,
  isoWeeksInYear,
  PeriodError,
  parisMidnight,
  parseIsoWeek,
  rangePeriod,
  weekPeriod,
} from "../../src/veille/week.js";

const HOUR = 3_600_000;
const at = (iso: string) => new Date(iso);

describe("parseIsoWeek", () => {
  it.each([
    ["2026-W48", { year: 2026, week: 48 }],
    ["2026-w48", { year: 2026, week: 48 }],
    [" 2026-W01 ", { year: 2026, week: 1 }],
    ["2026-W53", { year: 2026, week: 53 }],
    ["2020-W53", { year: 2020, week: 53 }],
    ["2025-W52", { year: 2025, week: 52 }],
  ])("reads %j", (text, week) => {
    expect(parseIsoWeek(text)).toEqual(week);
  });

  it.each(["2026-48", "2026W48", "26-W48", "2026-W5", "2026-W048", "2026-S48", "", "semaine 48"])(
    "refuses the malformed %j with a French sentence giving an example",
    (text) => {
      expect(() => parseIsoWeek(text)).toThrow(PeriodError);
      expect(() => parseIsoWeek(text)).toThrow(/n'est pas une semaine.*par exemple 2026-W48/);
    },
  );

  it.each([
    ["2025-W53", /l'année 2025 compte 52 semaines, numérotées de 01 à 52/],
    ["2026-W54", /l'année 2026 compte 53 semaines/],
    ["2026-W00", /« 2026-W00 » n'existe pas/],
  ])("refuses %j, a week that does not exist", (text, message) => {
    expect(() => parseIsoWeek(text)).toThrow(message);
  });

  it("round-trips with formatIsoWeek", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 9999 }), fc.integer({ min: 1, max: 53 }), (y, w) => {
        fc.pre(w <= isoWeeksInYear(y));
        const week = { year: y, week: w };
        expect(parseIsoWeek(formatIsoWeek(week))).toEqual(week);
      }),
    );
  });
});

describe("ISO weeks", () => {
  it.each([
    [2026, 53], // starts on a Thursday
    [2020, 53], // leap year starting on a Wednesday
    [2015, 53],
    [2032, 53],
    [2024, 52],
    [2025, 52],
    [2027, 52],
  ])("%i has %i weeks", (year, weeks) => {
    expect(isoWeeksInYear(year)).toBe(weeks);
  });

  it.each([
    ["2026-11-23", "2026-W48"],
    ["2026-11-29", "2026-W48"],
    ["2026-01-01", "2026-W01"], // a Thursday: week 1
    ["2026-12-31", "2026-W53"],
    ["2027-01-03", "2026-W53"], // a Sunday of January, still in 2026's week 53
    ["2027-01-04", "2027-W01"],
    ["2024-12-30", "2025-W01"], // a Monday of December, already in 2025's week 1
    ["2024-12-29", "2024-W52"],
    ["2021-01-03", "2020-W53"],
  ])("%s is in %s", (day, week) => {
    expect(formatIsoWeek(isoWeekOfDay(day))).toBe(week);
  });

  it("Monday of a week", () => {
    expect(isoWeekMonday({ year: 2026, week: 48 })).toBe("2026-11-23");
    expect(isoWeekMonday({ year: 2025, week: 1 })).toBe("2024-12-30");
    expect(isoWeekMonday({ year: 2026, week: 53 })).toBe("2026-12-28");
    expect(isoWeekMonday({ year: 2027, week: 1 })).toBe("2027-01-04");
  });

  it("reads an instant by the calendar in Paris, not in UTC", () => {
    // Winter (UTC+1): Sunday 23:30 Paris is 22:30 UTC, Monday 00:30 Paris is 23:30 UTC on Sunday.
    expect(formatIsoWeek(isoWeekOf(at("2026-11-29T22:30:00Z")))).toBe("2026-W48");
    expect(formatIsoWeek(isoWeekOf(at("2026-11-29T23:30:00Z")))).toBe("2026-W49");
    // Summer (UTC+2): Sunday 23:30 Paris is 21:30 UTC; 22:30 UTC is already Monday in Paris.
    expect(formatIsoWeek(isoWeekOf(at("2026-06-07T21:30:00Z")))).toBe("2026-W23");
    expect(formatIsoWeek(isoWeekOf(at("2026-06-07T22:30:00Z")))).toBe("2026-W24");
    // New Year's Eve: 23:30 UTC on 3 January 2027 is Monday 4 January in Paris.
    expect(formatIsoWeek(isoWeekOf(at("2027-01-03T22:59:59.999Z")))).toBe("2026-W53");
    expect(formatIsoWeek(isoWeekOf(at("2027-01-03T23:00:00Z")))).toBe("2027-W01");
  });
});

describe("weekPeriod", () => {
  it("runs from Monday 00:00 to the next Monday 00:00, Paris time, with a French label", () => {
    const period = weekPeriod({ year: 2026, week: 48 });
    expect(period.start.toISOString()).toBe("2026-11-22T23:00:00.000Z");
    expect(period.end.toISOString()).toBe("2026-11-29T23:00:00.000Z");
    expect(period).toMatchObject({
      firstDay: "2026-11-23",
      lastDay: "2026-11-29",
      key: "2026-W48",
      week: { year: 2026, week: 48 },
      name: "semaine 48 de 2026",
      label: "semaine 48 de 2026, du lundi 23 au dimanche 29 novembre 2026",
    });
  });

  it("the week clocks go forward (last Sunday of March) lasts 167 hours", () => {
    const period = weekPeriod({ year: 2026, week: 13 });
    expect(period.start.toISOString()).toBe("2026-03-22T23:00:00.000Z"); // UTC+1
    expect(period.end.toISOString()).toBe("2026-03-29T22:00:00.000Z"); // UTC+2
    expect(period.end.getTime() - period.start.getTime()).toBe(167 * HOUR);
    expect(period.label).toBe("semaine 13 de 2026, du lundi 23 au dimanche 29 mars 2026");
    // Sunday 29 March, 23:30 Paris (summer time) = 21:30 UTC: still this week.
    const lateSunday = at("2026-03-29T21:30:00Z").getTime();
    expect(lateSunday >= period.start.getTime() && lateSunday < period.end.getTime()).toBe(true);
  });

  it("the week clocks go back (last Sunday of October) lasts 169 hours", () => {
    const period = weekPeriod({ year: 2026, week: 43 });
    expect(period.start.toISOString()).toBe("2026-10-18T22:00:00.000Z"); // UTC+2
    expect(period.end.toISOString()).toBe("2026-10-25T23:00:00.000Z"); // UTC+1
    expect(period.end.getTime() - period.start.getTime()).toBe(169 * HOUR);
    // Sunday 25 October, 23:30 Paris (winter time) = 22:30 UTC: still this week.
    expect(formatIsoWeek(isoWeekOf(at("2026-10-25T22:30:00Z")))).toBe("2026-W43");
    expect(formatIsoWeek(isoWeekOf(at("2026-10-25T23:00:00Z")))).toBe("2026-W44");
  });

  it("week 53 of 2026 spans two years", () => {
    const period = weekPeriod({ year: 2026, week: 53 });
    expect(period.start.toISOString()).toBe("2026-12-27T23:00:00.000Z");
    expect(period.end.toISOString()).toBe("2027-01-03T23:00:00.000Z");
    expect(period.label).toBe(
      "semaine 53 de 2026, du lundi 28 décembre 2026 au dimanche 3 janvier 2027",
    );
    expect(period.end.getTime()).toBe(weekPeriod({ year: 2027, week: 1 }).start.getTime());
  });

  it("week 1 of 2025 starts in December 2024", () => {
    const period = weekPeriod({ year: 2025, week: 1 });
    expect(period.start.toISOString()).toBe("2024-12-29T23:00:00.000Z");
    expect(period.label).toBe(
      "semaine 1 de 2025, du lundi 30 décembre 2024 au dimanche 5 janvier 2025",
    );
    expect(weekPeriod({ year: 2024, week: 52 }).end).toEqual(period.start);
  });

  it("names the month twice when the week spans two, and writes « 1er »", () => {
    expect(weekPeriod({ year: 2026, week: 49 }).label).toBe(
      "semaine 49 de 2026, du lundi 30 novembre au dimanche 6 décembre 2026",
    );
    expect(weekPeriod({ year: 2026, week: 23 }).label).toBe(
      "semaine 23 de 2026, du lundi 1er au dimanche 7 juin 2026",
    );
  });

  it("weeks tile time: each instant is in exactly the week isoWeekOf gives", () => {
    const instants = fc.integer({
      min: Date.UTC(1995, 0, 1),
      max: Date.UTC(2100, 0, 1),
    });
    fc.assert(
      fc.property(instants, (time) => {
        const week = isoWeekOf(new Date(time));
        const period = weekPeriod(week);
        expect(time).toBeGreaterThanOrEqual(period.start.getTime());
        expect(time).toBeLessThan(period.end.getTime());
        // The start is midnight in Paris on a Monday: one millisecond earlier is the Sunday before.
        expect(parisDate(period.start)).toBe(period.firstDay);
        expect(period.firstDay).toBe(isoWeekMonday(week));
        expect(frenchDayOf(new Date(period.start.getTime() - 1))).toMatch(/^dimanche /);
        expect(parisDate(period.end)).not.toBe(parisDate(new Date(period.end.getTime() - 1)));
        expect(frenchDayOf(period.start)).toMatch(/^lundi /);
        expect(frenchDayOf(new Date(period.end.getTime() - 1))).toMatch(/^dimanche /);
        const hours = (period.end.getTime() - period.start.getTime()) / HOUR;
        expect([167, 168, 169]).toContain(hours);
      }),
      { numRuns: 500 },
    );
  });

  it("the current week is the one holding now in Paris", () => {
    expect(currentWeekPeriod(at("2026-11-29T23:30:00Z")).key).toBe("2026-W49");
  });
});

describe("rangePeriod", () => {
  it("covers whole Paris days, the last one included", () => {
    const period = rangePeriod("2026-11-02", "2026-11-15");
    expect(period.start.toISOString()).toBe("2026-11-01T23:00:00.000Z");
    expect(period.end.toISOString()).toBe("2026-11-15T23:00:00.000Z");
    expect(period).toMatchObject({
      key: "2026-11-02_2026-11-15",
      week: null,
      name: "du 2 au 15 novembre 2026",
      label: "du lundi 2 au dimanche 15 novembre 2026",
    });
  });

  it("a single day, and the 23-hour day of the spring change", () => {
    const period = rangePeriod("2026-03-29", "2026-03-29");
    expect(period.start.toISOString()).toBe("2026-03-28T23:00:00.000Z");
    expect(period.end.toISOString()).toBe("2026-03-29T22:00:00.000Z");
    expect(period).toMatchObject({
      key: "2026-03-29",
      name: "29 mars 2026",
      label: "le dimanche 29 mars 2026",
    });
  });

  it("across years", () => {
    expect(rangePeriod("2026-12-15", "2027-01-10").name).toBe(
      "du 15 décembre 2026 au 10 janvier 2027",
    );
  });

  it.each([
    ["2026-02-30", "2026-03-01", /« 2026-02-30 » n'est pas une date qui existe/],
    ["2026-11-02", "15/11/2026", /« 15\/11\/2026 » n'est pas une date/],
    ["2026-11-15", "2026-11-02", /la date de début doit précéder la date de fin/],
  ])("refuses %j to %j in French", (since, until, message) => {
    expect(() => rangePeriod(since, until)).toThrow(PeriodError);
    expect(() => rangePeriod(since, until)).toThrow(message);
  });
});

describe("Paris days in French", () => {
  it.each([
    ["2026-11-23", "lundi 23 novembre 2026"],
    ["2026-11-01", "dimanche 1er novembre 2026"],
    ["2027-01-03", "dimanche 3 janvier 2027"],
    ["2026-08-15", "samedi 15 août 2026"],
  ])("%s → %s", (day, french) => {
    expect(frenchDay(day)).toBe(french);
  });

  it("an instant is named by its day in Paris", () => {
    expect(frenchDayOf(at("2026-11-29T23:30:00Z"))).toBe("lundi 30 novembre 2026");
    expect(frenchDayOf(at("2026-11-29T22:30:00Z"))).toBe("dimanche 29 novembre 2026");
  });

  it("midnight in Paris, either side of the clock changes", () => {
    expect(parisMidnight("2026-03-29").toISOString()).toBe("2026-03-28T23:00:00.000Z");
    expect(parisMidnight("2026-03-30").toISOString()).toBe("2026-03-29T22:00:00.000Z");
    expect(parisMidnight("2026-10-25").toISOString()).toBe("2026-10-24T22:00:00.000Z");
    expect(parisMidnight("2026-10-26").toISOString()).toBe("2026-10-25T23:00:00.000Z");
  });
});

describe("independent of the machine's time zone", () => {
  const saved = process.env.TZ;
  afterEach(() => {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  });

  it.each(["America/New_York", "Pacific/Kiritimati", "UTC"])("under TZ=%s", (zone) => {
    process.env.TZ = zone;
    const period = weekPeriod(parseIsoWeek("2026-W53"));
    expect(period.start.toISOString()).toBe("2026-12-27T23:00:00.000Z");
    expect(period.label).toBe(
      "semaine 53 de 2026, du lundi 28 décembre 2026 au dimanche 3 janvier 2027",
    );
    expect(formatIsoWeek(isoWeekOf(at("2026-11-29T22:30:00Z")))).toBe("2026-W48");
  });
});
