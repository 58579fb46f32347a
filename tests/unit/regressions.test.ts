import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { catalogFrom } from "../../src/study/catalog.js";
import { frenchDate } from "../../src/study/dates.js";
import { updateStudyYaml } from "../../src/study/document.js";
import { planAdvance } from "../../src/study/plan.js";
import { renderTemplate } from "../../src/study/render.js";
import { studySchema } from "../../src/study/schema.js";
import { slugify } from "../../src/study/slug.js";
import { loadStudyTemplates, STUDY_YAML } from "./fixtures.js";

/** Small defects found by the unit suite's review, each pinned by a test. */
describe("regressions", () => {
  it.each(["2026-13-01", "2026-02-30"])(
    "frenchDate leaves the impossible date %s as written",
    (text) => {
      expect(frenchDate(text)).toBe(text);
    },
  );

  it.each([
    ["STRAẞE", "strasse"],
    ["Ørsted", "orsted"],
    ["Łódź", "lodz"],
    ["Đorđe", "dorde"],
  ])("slugify transliterates %s", (text, slug) => {
    expect(slugify(text)).toBe(slug);
  });

  it.each([
    ["{{nombre x}}", "beaucoup"],
    ["{{euros x}}", "à chiffrer"],
  ])("%s shows a non-number as written, never NaN", (template, value) => {
    expect(renderTemplate("t", template, { x: value })).toBe(`${value}\n`);
  });

  it("turns an empty files: {} map into a block map when a file is recorded", () => {
    const text = STUDY_YAML.replace(/files:\n[\s\S]*$/, "files: {}\n");
    const updated = updateStudyYaml(text, { files: { "a.md": `sha256:${"c".repeat(64)}` } });
    expect(updated).toContain(`files:\n  a.md: sha256:${"c".repeat(64)}\n`);
  });

  it("planAdvance refuses an abandon without a reason, like the command", () => {
    const study = studySchema.parse(parse(STUDY_YAML));
    const plan = planAdvance(
      study,
      STUDY_YAML,
      { target: "abandonnee", date: "2026-12-01" },
      new Set(),
      catalogFrom(undefined),
      loadStudyTemplates(),
    );
    expect(plan).toEqual({ error: "un abandon garde toujours sa raison" });
  });
});
