import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseFeedDate } from "../../src/veille/dates.js";

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe("parseFeedDate: RFC 822 (RSS)", () => {
  it.each([
    ["Mon, 23 Nov 2026 10:00:00 +0100", "2026-11-23T09:00:00.000Z"],
    ["Mon, 23 Nov 2026 10:00:00 +01:00", "2026-11-23T09:00:00.000Z"],
    ["Mon, 23 Nov 2026 10:00:00 -0500", "2026-11-23T15:00:00.000Z"],
    ["Mon, 23 Nov 2026 10:00:00 GMT", "2026-11-23T10:00:00.000Z"],
    ["Mon, 23 Nov 2026 10:00:00 UT", "2026-11-23T10:00:00.000Z"],
    ["Mon, 23 Nov 2026 10:00:00 Z", "2026-11-23T10:00:00.000Z"],
    ["Mon, 23 Nov 2026 10:00:00 EST", "2026-11-23T15:00:00.000Z"],
    ["Thu, 23 Jul 2026 10:00:00 EDT", "2026-07-23T14:00:00.000Z"],
    ["Thu, 23 Jul 2026 10:00:00 PDT", "2026-07-23T17:00:00.000Z"],
    ["Mon, 23 Nov 2026 10:00:00 PST", "2026-11-23T18:00:00.000Z"],
    ["Mon, 23 Nov 2026 10:00:00 CET", "2026-11-23T09:00:00.000Z"],
    ["Thu, 23 Jul 2026 10:00:00 CEST", "2026-07-23T08:00:00.000Z"],
    ["Mon, 23 Nov 2026 10:00:00 GMT+1", "2026-11-23T09:00:00.000Z"],
    ["Mon, 23 Nov 2026 10:00:00 +0100 (CET)", "2026-11-23T09:00:00.000Z"],
    ["Mon, 23 Nov 26 10:00:00 GMT", "2026-11-23T10:00:00.000Z"], // 2-digit year
    ["Fri, 01 Jan 99 00:00:00 GMT", "1999-01-01T00:00:00.000Z"], // 50–99 are 19xx
    ["Mon, 23 Nov 2026 10:00 +0100", "2026-11-23T09:00:00.000Z"], // no seconds
    ["23 Nov 2026 10:00:00 +0100", "2026-11-23T09:00:00.000Z"], // no weekday
    ["Monday, 23 November 2026 10:00:00 GMT", "2026-11-23T10:00:00.000Z"],
    ["Mon, 3 Nov 2025 7:05:09 GMT", "2025-11-03T07:05:09.000Z"], // 1-digit day and hour
    ["23-Nov-2026 10:00:00 GMT", "2026-11-23T10:00:00.000Z"],
    ["Mon, 23 Nov 2026 10:00:00", "2026-11-23T09:00:00.000Z"], // no zone: Paris, winter
    ["Sat, 23 May 2026 10:00:00", "2026-05-23T08:00:00.000Z"], // no zone: Paris, summer
    ["Wed, 23 Nov 2026 10:00:00 GMT", "2026-11-23T10:00:00.000Z"], // wrong weekday: ignored
    ["November 23, 2026", "2026-11-22T23:00:00.000Z"],
    ["Nov 23, 2026 10:00 GMT", "2026-11-23T10:00:00.000Z"],
  ])("%j → %s", (text, expected) => {
    expect(parseFeedDate(text)).toBe(expected);
  });
});

describe("parseFeedDate: ISO 8601 (Atom, <time datetime>)", () => {
  it.each([
    ["2026-11-23T10:00:00Z", "2026-11-23T10:00:00.000Z"],
    ["2026-11-23T10:00:00+01:00", "2026-11-23T09:00:00.000Z"],
    ["2026-11-23T10:00:00+0100", "2026-11-23T09:00:00.000Z"],
    ["2026-11-23T10:00:00+01", "2026-11-23T09:00:00.000Z"],
    ["2026-11-23T10:00:00-03:30", "2026-11-23T13:30:00.000Z"],
    ["2026-11-23T10:00Z", "2026-11-23T10:00:00.000Z"], // no seconds
    ["2026-11-23T10:00:00.5Z", "2026-11-23T10:00:00.500Z"],
    ["2026-11-23T10:00:00.123456Z", "2026-11-23T10:00:00.123Z"], // truncated, not rounded
    ["2026-11-23t10:00:00z", "2026-11-23T10:00:00.000Z"],
    ["2026-11-23 10:00:00", "2026-11-23T09:00:00.000Z"], // no zone: Paris
    ["2026-11-23T10:00", "2026-11-23T09:00:00.000Z"],
    ["2026-07-23T10:00:00", "2026-07-23T08:00:00.000Z"],
    ["2026-11-23", "2026-11-22T23:00:00.000Z"], // date only: midnight in Paris
    ["2026-07-23", "2026-07-22T22:00:00.000Z"],
    ["  2026-11-23T10:00:00Z\n", "2026-11-23T10:00:00.000Z"],
  ])("%j → %s", (text, expected) => {
    expect(parseFeedDate(text)).toBe(expected);
  });
});

describe("parseFeedDate: French", () => {
  it.each([
    ["lun., 23 nov. 2026 10:00:00 +0100", "2026-11-23T09:00:00.000Z"],
    ["mar. 3 mars 2025 14:05", "2025-03-03T13:05:00.000Z"],
    ["23 novembre 2026", "2026-11-22T23:00:00.000Z"], // winter: +01:00
    ["23 juillet 2026", "2026-07-22T22:00:00.000Z"], // summer: +02:00
    ["3 mars 2025", "2025-03-02T23:00:00.000Z"],
    ["1er mars 2025", "2025-02-28T23:00:00.000Z"],
    ["1ᵉʳ mars 2025", "2025-02-28T23:00:00.000Z"],
    ["lundi 23 novembre 2026", "2026-11-22T23:00:00.000Z"],
    ["Lundi 23 Novembre 2026", "2026-11-22T23:00:00.000Z"],
    ["23 NOVEMBRE 2026", "2026-11-22T23:00:00.000Z"],
    ["23\u00A0novembre\u00A02026", "2026-11-22T23:00:00.000Z"],
    ["23/11/2026", "2026-11-22T23:00:00.000Z"],
    ["23.11.2026", "2026-11-22T23:00:00.000Z"],
    ["23/11/26", "2026-11-22T23:00:00.000Z"],
    ["3/7/2026", "2026-07-02T22:00:00.000Z"], // day first: 3 July
    ["23/11/2026 10:00", "2026-11-23T09:00:00.000Z"],
    ["23/11/2026 à 10h", "2026-11-23T09:00:00.000Z"],
    ["le 23 novembre 2026 à 10 h 30", "2026-11-23T09:30:00.000Z"],
    ["Le 23 novembre 2026 à 10h30", "2026-11-23T09:30:00.000Z"],
    ["Publié le 23/11/2026", "2026-11-22T23:00:00.000Z"],
    ["Mis à jour le lundi 23 novembre 2026", "2026-11-22T23:00:00.000Z"],
    ["5 janv. 2026", "2026-01-04T23:00:00.000Z"],
    ["5 janvier 2026", "2026-01-04T23:00:00.000Z"],
    ["5 févr. 2026", "2026-02-04T23:00:00.000Z"],
    ["5 fév. 2026", "2026-02-04T23:00:00.000Z"],
    ["5 fev 2026", "2026-02-04T23:00:00.000Z"],
    ["5 FÉVRIER 2026", "2026-02-04T23:00:00.000Z"],
    ["5 avr. 2026", "2026-04-04T22:00:00.000Z"],
    ["5 mai 2026", "2026-05-04T22:00:00.000Z"],
    ["5 juin 2026", "2026-06-04T22:00:00.000Z"],
    ["5 juil. 2026", "2026-07-04T22:00:00.000Z"],
    ["15 août 2026", "2026-08-14T22:00:00.000Z"],
    ["15 aout 2026", "2026-08-14T22:00:00.000Z"],
    ["5 sept. 2026", "2026-09-04T22:00:00.000Z"],
    ["5 oct. 2026", "2026-10-04T22:00:00.000Z"],
    ["5 nov 2026", "2026-11-04T23:00:00.000Z"],
    ["23 déc. 2026", "2026-12-22T23:00:00.000Z"],
    ["23 Decembre 2026", "2026-12-22T23:00:00.000Z"],
    ["29 février 2024", "2024-02-28T23:00:00.000Z"], // leap year
  ])("%j → %s", (text, expected) => {
    expect(parseFeedDate(text)).toBe(expected);
  });
});

describe("parseFeedDate: Paris clock changes (2026: 29 March and 25 October)", () => {
  it.each([
    ["29 mars 2026", "2026-03-28T23:00:00.000Z"], // midnight is still winter time
    ["29/03/2026 01:59", "2026-03-29T00:59:00.000Z"],
    ["29/03/2026 03:00", "2026-03-29T01:00:00.000Z"], // summer time from 03:00
    ["29/03/2026 02:30", "2026-03-29T01:30:00.000Z"], // never shown: read as 03:30 summer time
    ["25 octobre 2026", "2026-10-24T22:00:00.000Z"], // midnight is still summer time
    ["25/10/2026 01:30", "2026-10-24T23:30:00.000Z"],
    ["25/10/2026 02:30", "2026-10-25T01:30:00.000Z"], // shown twice: the second, winter time
    ["25/10/2026 03:00", "2026-10-25T02:00:00.000Z"],
    ["26 octobre 2026", "2026-10-25T23:00:00.000Z"],
  ])("%j → %s", (text, expected) => {
    expect(parseFeedDate(text)).toBe(expected);
  });
});

describe("parseFeedDate: not dates", () => {
  it.each([
    [undefined],
    [""],
    ["   "],
    ["demain"],
    ["12345"],
    ["NaN"],
    ["31 février 2026"], // impossible
    ["29 février 2025"], // not a leap year
    ["31/04/2026"],
    ["30/02/2026"],
    ["32/01/2026"],
    ["23/13/2026"],
    ["2026-02-30"],
    ["2026-13-01"],
    ["2026-11-23T24:00:00Z"],
    ["2026-11-23T10:60:00Z"],
    ["2026-11-23T10:00:60Z"],
    ["2026-11-23T10:00:00+15:00"], // no such zone
    ["2026-1-5"],
    ["Mon, 23 Nov 2026 10:00:00 XYZ"], // unknown zone: no date rather than a wrong one
    ["Mon, 23 Nov 2026 10:00:00 EST+1"],
    ["Thu, 01 Jan 1970 00:00:00 GMT"], // a CMS's placeholder
    ["1 janvier 1989"],
    ["23 novembre"], // no year
    ["novembre 2026"], // no day
    ["23 brumaire 2026"],
    ["23 novembre 2026 blabla"],
    ["23 nov. 2026 10:00:00 +0100 extra"],
    ["Nov 23, 2026 10:00 AM"], // 12-hour clock is not read rather than misread
    ["le 23 novembre 2026 à"],
    [`23 novembre 2026${" ".repeat(200)}x`],
  ])("%j → undefined", (text) => {
    expect(parseFeedDate(text)).toBeUndefined();
  });
});

describe("parseFeedDate: properties", () => {
  const instants = fc.date({
    min: new Date("1990-01-01T00:00:00.000Z"),
    max: new Date("9999-12-31T23:59:59.999Z"),
    noInvalidDate: true,
  });

  it("reads back every ISO string toISOString writes", () => {
    fc.assert(
      fc.property(instants, (date) => {
        expect(parseFeedDate(date.toISOString())).toBe(date.toISOString());
      }),
    );
  });

  it("reads back every RFC 822 string toUTCString writes (to the second)", () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date("1990-01-01T00:00:00Z"),
          max: new Date("2999-12-31T23:59:59Z"),
          noInvalidDate: true,
        }),
        (date) => {
          const seconds = new Date(Math.floor(date.getTime() / 1000) * 1000);
          expect(parseFeedDate(date.toUTCString())).toBe(seconds.toISOString());
        },
      ),
    );
  });

  const parisWallClock = new Intl.DateTimeFormat("en-CA", {
    timeZone: "Europe/Paris",
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
  });
  const MONTHS = [
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

  it("a French date without time is midnight in Paris, whatever the season", () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date("1990-01-01T12:00:00Z"),
          max: new Date("2100-12-31T12:00:00Z"),
          noInvalidDate: true,
        }),
        (date) => {
          const [year, month, day] = [
            date.getUTCFullYear(),
            date.getUTCMonth() + 1,
            date.getUTCDate(),
          ];
          const text = `${day} ${MONTHS[month - 1]} ${year}`;
          const parsed = parseFeedDate(text);
          expect(parsed).toBeDefined();
          const pad = (n: number) => String(n).padStart(2, "0");
          expect(parisWallClock.format(new Date(parsed ?? ""))).toBe(
            `${year}-${pad(month)}-${pad(day)}, 00:00`,
          );
        },
      ),
    );
  });

  const dateLike = fc
    .array(
      fc.constantFrom(
        "23",
        "1er",
        "nov.",
        "novembre",
        "févr",
        "Mon,",
        "lun.",
        "2026",
        "26",
        "10:00",
        "10:00:00",
        "10",
        "h",
        "30",
        "+0100",
        "+01:00",
        "-05",
        "GMT",
        "gmt+1",
        "Z",
        "T",
        "-",
        "/",
        ".",
        ":",
        ",",
        " ",
        "le",
        "à",
        "(CET)",
        "2026-11-23",
        "99999",
        "é",
        "\u00A0",
        "\u0000",
      ),
      { maxLength: 12 },
    )
    .map((tokens) => tokens.join(""));

  it("never throws, and returns an ISO UTC string or undefined", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: "binary" }), dateLike), (text) => {
        const parsed = parseFeedDate(text);
        if (parsed !== undefined) expect(parsed).toMatch(ISO_UTC);
      }),
    );
  });
});
