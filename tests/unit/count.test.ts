import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { count, frenchWhole } from "../../src/ui/count.js";

describe("count", () => {
  it.each([
    [0, "entrée", undefined, "0 entrée"],
    [1, "entrée lue", undefined, "1 entrée lue"],
    [2, "entrée lue", undefined, "2 entrées lues"],
    [3, "nouvelle entrée", undefined, "3 nouvelles entrées"],
    [2, "source en erreur", "sources en erreur", "2 sources en erreur"],
    [5, "flux exporté", "flux exportés", "5 flux exportés"],
  ])("count(%i, %j) in French", (n, singular, plural, expected) => {
    expect(count(n, singular, plural)).toBe(expected);
  });
});

describe("frenchWhole", () => {
  const intl = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 0 });

  it.each([
    [0, "0"],
    [999, "999"],
    [1000, "1\u202f000"],
    [12345.5, "12\u202f346"],
    [-1234567, "-1\u202f234\u202f567"],
    [-0.4, "-0"],
    [1e21, "1\u202f000\u202f000\u202f000\u202f000\u202f000\u202f000\u202f000"],
    [1.5e22, "15\u202f000\u202f000\u202f000\u202f000\u202f000\u202f000\u202f000"],
  ])("%d → %s", (n, text) => {
    expect(frenchWhole(n)).toBe(text);
    expect(frenchWhole(n)).toBe(intl.format(n));
  });

  it("writes every finite number as Intl's French format does", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer(),
          fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e22, max: 1e22 }),
        ),
        (n) => {
          expect(frenchWhole(n)).toBe(intl.format(n));
        },
      ),
      { numRuns: 5000 },
    );
  });
});
