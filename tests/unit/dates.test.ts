import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { frenchDate, isValidDate, parisDate } from "../../src/study/dates.js";

describe("isValidDate", () => {
  it.each([
    ["2026-11-28", true],
    ["2026-01-01", true],
    ["2026-12-31", true],
    ["2024-02-29", true], // leap year
    ["2000-02-29", true], // divisible by 400
    ["2026-02-28", true],
    ["2026-02-29", false], // not a leap year
    ["1900-02-29", false], // divisible by 100, not by 400
    ["2026-02-30", false],
    ["2026-04-31", false],
    ["2026-06-31", false],
    ["2026-13-01", false],
    ["2026-00-10", false],
    ["2026-01-00", false],
    ["2026-01-32", false],
    ["2026-1-1", false],
    ["2026-01-1", false],
    ["26-11-28", false],
    ["28/11/2026", false],
    ["2026/11/28", false],
    ["20261128", false],
    ["2026-11-28T10:00:00Z", false],
    [" 2026-11-28", false],
    ["2026-11-28\n", false],
    ["", false],
    ["aaaa-bb-cc", false],
  ])("%j → %s", (text, valid) => {
    expect(isValidDate(text)).toBe(valid);
  });

  it("accepts every day a real calendar has, and round-trips through Date", () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date("1970-01-01T00:00:00Z"),
          max: new Date("2999-12-31T00:00:00Z"),
          noInvalidDate: true,
        }),
        (date) => {
          const text = date.toISOString().slice(0, 10);
          expect(isValidDate(text)).toBe(true);
        },
      ),
    );
  });
});

describe("parisDate (Europe/Paris, whatever the machine's time zone)", () => {
  it.each([
    ["2026-11-28T12:00:00Z", "2026-11-28"],
    ["2026-11-28T22:59:59Z", "2026-11-28"], // 23:59:59 in winter time (UTC+1)
    ["2026-11-28T23:00:00Z", "2026-11-29"], // midnight in Paris
    ["2026-11-28T23:30:00Z", "2026-11-29"],
    ["2026-07-14T21:59:59Z", "2026-07-14"], // 23:59:59 in summer time (UTC+2)
    ["2026-07-14T22:00:00Z", "2026-07-15"],
    ["2026-07-14T22:30:00Z", "2026-07-15"],
    // Summer time starts on 2026-03-29 at 01:00 UTC.
    ["2026-03-28T22:59:00Z", "2026-03-28"],
    ["2026-03-28T23:30:00Z", "2026-03-29"],
    ["2026-03-29T00:30:00Z", "2026-03-29"],
    ["2026-03-29T21:59:00Z", "2026-03-29"],
    ["2026-03-29T22:30:00Z", "2026-03-30"],
    // Winter time comes back on 2026-10-25 at 01:00 UTC.
    ["2026-10-24T22:30:00Z", "2026-10-25"],
    ["2026-10-25T22:30:00Z", "2026-10-25"],
    ["2026-10-25T23:00:00Z", "2026-10-26"],
    ["2026-12-31T23:30:00Z", "2027-01-01"],
  ])("%s → %s", (instant, expected) => {
    expect(parisDate(new Date(instant))).toBe(expected);
  });

  it("is always the UTC date of the instant plus one or two hours", () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date("2000-01-01T00:00:00Z"),
          max: new Date("2100-01-01T00:00:00Z"),
          noInvalidDate: true,
        }),
        (now) => {
          const plus = (hours: number) =>
            new Date(now.getTime() + hours * 3_600_000).toISOString().slice(0, 10);
          const paris = parisDate(now);
          expect(isValidDate(paris)).toBe(true);
          expect([plus(1), plus(2)]).toContain(paris);
        },
      ),
    );
  });
});

describe("frenchDate", () => {
  it.each([
    ["2026-11-01", "1er novembre 2026"],
    ["2026-11-02", "2 novembre 2026"],
    ["2026-11-28", "28 novembre 2026"],
    ["2026-08-15", "15 août 2026"],
    ["2026-02-10", "10 février 2026"],
    ["2026-12-25", "25 décembre 2026"],
    ["2027-01-01", "1er janvier 2027"],
    ["2026-07-09", "9 juillet 2026"],
  ])("%s → %s", (iso, french) => {
    expect(frenchDate(iso)).toBe(french);
  });

  it.each([["n/a"], [""], ["28/11/2026"], ["2026-1-1"], ["demain"], ["2026-11-28T10:00:00Z"]])(
    "returns text that is not a YYYY-MM-DD date as is: %j",
    (text) => {
      expect(frenchDate(text)).toBe(text);
    },
  );

  it("names every month in French", () => {
    const months = Array.from({ length: 12 }, (_, i) =>
      frenchDate(`2026-${String(i + 1).padStart(2, "0")}-10`).replace(/^10 | 2026$/g, ""),
    );
    expect(months).toEqual([
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
    ]);
  });
});
