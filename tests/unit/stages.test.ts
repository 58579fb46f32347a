import { describe, expect, it } from "vitest";
import {
  isClosed,
  isStage,
  MAIN_LINE,
  STAGE_FILES,
  STAGES,
  type Stage,
  stepsTo,
} from "../../src/study/stages.js";

type Row = [current: Stage, target: Stage | undefined, expected: Stage[] | "refused"];

const TABLE: Row[] = [
  // pré-étude
  ["pre-etude", undefined, ["faisabilite"]],
  ["pre-etude", "pre-etude", "refused"],
  ["pre-etude", "faisabilite", ["faisabilite"]],
  ["pre-etude", "prefiguration", ["faisabilite", "prefiguration"]],
  ["pre-etude", "lancee", ["faisabilite", "prefiguration", "lancee"]],
  ["pre-etude", "abandonnee", ["abandonnee"]],
  // faisabilité
  ["faisabilite", undefined, ["prefiguration"]],
  ["faisabilite", "pre-etude", "refused"],
  ["faisabilite", "faisabilite", "refused"],
  ["faisabilite", "prefiguration", ["prefiguration"]],
  ["faisabilite", "lancee", ["prefiguration", "lancee"]],
  ["faisabilite", "abandonnee", ["abandonnee"]],
  // préfiguration
  ["prefiguration", undefined, ["lancee"]],
  ["prefiguration", "pre-etude", "refused"],
  ["prefiguration", "faisabilite", "refused"],
  ["prefiguration", "prefiguration", "refused"],
  ["prefiguration", "lancee", ["lancee"]],
  ["prefiguration", "abandonnee", ["abandonnee"]],
  // closed stages refuse everything
  ...[undefined, ...STAGES].flatMap((target): Row[] => [
    ["lancee", target, "refused"],
    ["abandonnee", target, "refused"],
  ]),
];

describe("stepsTo", () => {
  it("covers every (current, target) pair", () => {
    expect(TABLE).toHaveLength(STAGES.length * (STAGES.length + 1));
  });

  it.each(TABLE)("%s → %s : %j", (current, target, expected) => {
    const result = stepsTo(current, target);
    if (expected === "refused") {
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason).not.toBe("");
    } else {
      expect(result).toEqual({ ok: true, stages: expected });
    }
  });

  it.each([
    ["lancee", "l'étude est déjà lancée et ne change plus d'étape"],
    ["abandonnee", "l'étude est déjà abandonnée et ne change plus d'étape"],
  ] as const)("explains in French why a %s study does not move", (current, reason) => {
    expect(stepsTo(current, "abandonnee")).toEqual({ ok: false, reason });
  });

  it("names both stages in French when going backwards", () => {
    expect(stepsTo("prefiguration", "pre-etude")).toEqual({
      ok: false,
      reason: "l'étude est à l'étape « Préfiguration » ; on ne revient pas à « Pré-étude »",
    });
  });

  it("names the current stage when asked to stay", () => {
    const result = stepsTo("faisabilite", "faisabilite");
    expect(result.ok ? "" : result.reason).toContain("« Étude de faisabilité »");
  });
});

describe("stage helpers", () => {
  it.each([
    ["pre-etude", true],
    ["lancee", true],
    ["abandonnee", true],
    ["abandon", false],
    ["Pre-etude", false],
    ["", false],
  ])("isStage(%j) = %s", (value, expected) => {
    expect(isStage(value)).toBe(expected);
  });

  it.each([
    ["pre-etude", false],
    ["faisabilite", false],
    ["prefiguration", false],
    ["lancee", true],
    ["abandonnee", true],
  ] as const)("isClosed(%s) = %s", (stage, closed) => {
    expect(isClosed(stage)).toBe(closed);
  });

  it("keeps the main line in order", () => {
    expect(MAIN_LINE).toEqual(["pre-etude", "faisabilite", "prefiguration", "lancee"]);
  });

  it("gives each stage its own output files", () => {
    const outputs = STAGES.flatMap((stage) => STAGE_FILES[stage].map((file) => file.output));
    expect(new Set(outputs).size).toBe(outputs.length);
    for (const stage of STAGES) {
      for (const file of STAGE_FILES[stage])
        expect(file.template.startsWith(`${stage}/`)).toBe(true);
    }
  });
});
