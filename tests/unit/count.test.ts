import { describe, expect, it } from "vitest";
import { count } from "../../src/ui/count.js";

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
