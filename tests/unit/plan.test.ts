import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { catalogFrom } from "../../src/study/catalog.js";
import { fingerprint } from "../../src/study/fingerprint.js";
import {
  type AdvancePlan,
  allTemplateNames,
  interviewPath,
  type NewStudyAnswers,
  type NewStudyPlan,
  PlanError,
  type PlannedFile,
  planAdvance,
  planInterview,
  planNewStudy,
} from "../../src/study/plan.js";
import { type Study, studySchema } from "../../src/study/schema.js";
import type { Stage } from "../../src/study/stages.js";
import { parseYamlText } from "../../src/workspace/yaml-file.js";
import { loadStudyTemplates, STUDY_TEMPLATES_DIR } from "./fixtures.js";

const templates = loadStudyTemplates();
const catalog = catalogFrom(undefined);

function territory(id: string) {
  const found = catalog.territories.find((t) => t.id === id);
  if (!found) throw new Error(`no territory ${id}`);
  return found;
}

function sector(id: string) {
  const found = catalog.sectors.find((s) => s.id === id);
  if (!found) throw new Error(`no sector ${id}`);
  return found;
}

const ANSWERS: NewStudyAnswers = {
  title: "Recyclerie textile",
  territory: territory("18e"),
  sector: sector("couture-textile"),
  origin: "Groupe de travail des personnes volontaires",
  owner: "Camille Martin",
  date: "2026-11-28",
};

function file(files: readonly PlannedFile[], path: string): string {
  const found = files.find((f) => f.path === path);
  if (!found) throw new Error(`no planned file ${path} in ${files.map((f) => f.path).join(", ")}`);
  return found.content;
}

function parseStudy(text: string): Study {
  const result = parseYamlText(text, "study.yaml", studySchema);
  if (!result.ok) throw result.error;
  return result.value;
}

function advance(
  plan: { study: Study; yaml: string },
  target: Stage | undefined,
  extra: { reason?: string; existing?: string[] } = {},
) {
  const result = planAdvance(
    plan.study,
    plan.yaml,
    {
      ...(target ? { target } : {}),
      date: "2027-01-15",
      ...(extra.reason ? { reason: extra.reason } : {}),
    },
    new Set(extra.existing ?? []),
    catalog,
    templates,
  );
  if ("error" in result) throw new Error(result.error);
  return result;
}

function expectCleanText(content: string): void {
  expect(content).not.toContain("\r");
  expect(content.endsWith("\n")).toBe(true);
  expect(content.endsWith("\n\n")).toBe(false);
  expect(content).not.toContain("/tmp");
  expect(content).not.toContain("/work");
  expect(content).not.toContain("/home");
  expect(content).not.toContain(STUDY_TEMPLATES_DIR);
  expect(content).not.toMatch(/[A-Za-z]:\\/);
  // An absolute POSIX path: a slash at the start of a word followed by a path segment and another slash.
  expect(content).not.toMatch(/(^|[\s`("'])\/[\w.-]+\//m);
}

const newPlan = planNewStudy(ANSWERS, catalog, templates);
const newYaml = file(newPlan.files, "study.yaml");
const atPreEtude = { study: newPlan.study, yaml: newYaml };

describe("fingerprint", () => {
  it.each([
    ["", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
    ["abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
  ])("sha256 of %j", (text, hex) => {
    expect(fingerprint(text)).toBe(`sha256:${hex}`);
  });

  it("hashes the UTF-8 bytes", () => {
    const text = "Économie « circulaire » 🚲";
    expect(fingerprint(text)).toBe(
      `sha256:${createHash("sha256").update(Buffer.from(text, "utf8")).digest("hex")}`,
    );
  });
});

describe("planNewStudy", () => {
  it("names the study and its folder from the title, the month and the territory", () => {
    expect(newPlan.id).toBe("2026-11-recyclerie-textile-18e");
    expect(newPlan.dir).toBe("studies/2026-11-recyclerie-textile-18e");
  });

  it("plans README.md, 01-pre-etude.md and study.yaml last", () => {
    expect(newPlan.files.map((f) => f.path)).toEqual([
      "README.md",
      "01-pre-etude.md",
      "study.yaml",
    ]);
  });

  it("gives byte-identical files for the same answers", () => {
    const again = planNewStudy(
      { ...ANSWERS, territory: { ...ANSWERS.territory } },
      catalogFrom(undefined),
      { ...templates },
    );
    expect(again).toEqual(newPlan);
    for (const [index, planned] of again.files.entries()) {
      expect(
        Buffer.from(planned.content).equals(Buffer.from(newPlan.files[index]?.content ?? "")),
      ).toBe(true);
    }
  });

  it("writes a study.yaml that parses with studySchema and equals the planned study", () => {
    const parsed = parseStudy(newYaml);
    expect(parsed).toEqual(newPlan.study);
    expect(parsed).toMatchObject({
      id: "2026-11-recyclerie-textile-18e",
      title: "Recyclerie textile",
      territory: "18e",
      sector: "couture-textile",
      origin: "Groupe de travail des personnes volontaires",
      owner: "Camille Martin",
      created: "2026-11-28",
      stage: "pre-etude",
      history: [{ stage: "pre-etude", date: "2026-11-28" }],
      interviews: [],
      templateVersion: "1",
    });
    expect(parsed.example).toBeUndefined();
  });

  it("records the sha256 fingerprint of each generated file", () => {
    const parsed = parseStudy(newYaml);
    expect(Object.keys(parsed.files).sort()).toEqual(["01-pre-etude.md", "README.md"]);
    for (const path of ["README.md", "01-pre-etude.md"]) {
      const content = file(newPlan.files, path);
      expect(parsed.files[path]).toBe(fingerprint(content));
      expect(parsed.files[path]).toBe(
        `sha256:${createHash("sha256").update(content, "utf8").digest("hex")}`,
      );
    }
  });

  it.each(["README.md", "01-pre-etude.md", "study.yaml"])(
    "%s uses LF only, ends with one newline, holds no absolute path",
    (path) => {
      expectCleanText(file(newPlan.files, path));
    },
  );

  it("fills the dossier with the answers and the territory's details", () => {
    const readme = file(newPlan.files, "README.md");
    expect(readme.startsWith("# Recyclerie textile\n")).toBe(true);
    expect(readme).toContain("| EBE | Activ'18 |");
    expect(readme).toContain(
      "| Quartiers | Charles Hermite, Valentin-Abeille (La Chapelle Nord) |",
    );
    expect(readme).toContain("| Secteur | Couture et textile |");
    expect(readme).toContain("| Date de création | 28 novembre 2026 |");
    expect(readme).toContain("`2026-11-recyclerie-textile-18e`");
    const preEtude = file(newPlan.files, "01-pre-etude.md");
    expect(preEtude.startsWith("# Pré-étude — Recyclerie textile\n")).toBe(true);
    expect(preEtude).toContain("\nGroupe de travail des personnes volontaires\n");
    expect(preEtude).toContain("Camille Martin");
  });

  it("leaves « à compléter » where the territory has no EBE or neighbourhoods", () => {
    const bare = { id: "lyon-8e", label: "Lyon 8e", ebe: "", neighbourhoods: [] };
    const plan = planNewStudy(
      { ...ANSWERS, territory: bare, origin: "" },
      { ...catalog, territories: [bare] },
      templates,
    );
    const readme = file(plan.files, "README.md");
    expect(readme).toContain("| EBE | _À compléter._ |");
    expect(readme).toContain("| Quartiers | _À compléter._ |");
    expect(plan.id).toBe("2026-11-recyclerie-textile-lyon-8e");
  });

  it("trims the title, origin and owner", () => {
    const plan = planNewStudy(
      { ...ANSWERS, title: "  Recyclerie textile  ", owner: " Camille ", origin: "  " },
      catalog,
      templates,
    );
    expect(plan.study).toMatchObject({ title: "Recyclerie textile", owner: "Camille", origin: "" });
    expect(plan.id).toBe(newPlan.id);
  });

  it("marks an example study", () => {
    const plan = planNewStudy(ANSWERS, catalog, templates, { example: true });
    expect(plan.study.example).toBe(true);
    expect(parseStudy(file(plan.files, "study.yaml")).example).toBe(true);
  });

  it.each([[""], ["   "], ["🚲 !"], ["« — »"]])(
    "refuses a title without letter or digit: %j",
    (title) => {
      expect(() => planNewStudy({ ...ANSWERS, title }, catalog, templates)).toThrow(PlanError);
    },
  );

  it("refuses to plan without a template", () => {
    const { "pre-etude/README.md.hbs": _readme, ...partial } = templates;
    expect(() => planNewStudy(ANSWERS, catalog, partial)).toThrow(/pre-etude\/README\.md\.hbs/);
  });

  it("plans a valid dossier for any title with a letter or digit", () => {
    const title = fc
      .string({ unit: "grapheme", minLength: 1, maxLength: 120 })
      .filter((text) => /[A-Za-z0-9]/.test(text) && text.trim().length <= 200);
    fc.assert(
      fc.property(title, (text) => {
        const plan = planNewStudy({ ...ANSWERS, title: text }, catalog, templates);
        expect(plan.id).toMatch(/^2026-11-[a-z0-9]+(-[a-z0-9]+)*-18e$/);
        expect(parseStudy(file(plan.files, "study.yaml"))).toEqual(plan.study);
        for (const planned of plan.files) expect(planned.content.endsWith("\n")).toBe(true);
      }),
      { numRuns: 40 },
    );
  });
});

describe("planAdvance", () => {
  it("from pré-étude to the next stage adds the two faisabilité files", () => {
    const plan = advance(atPreEtude, undefined);
    expect(plan.stages).toEqual(["faisabilite"]);
    expect(plan.create.map((f) => f.path)).toEqual([
      "02-faisabilite.md",
      "02-note-supplementarite.md",
    ]);
    expect(plan.kept).toEqual([]);
    const study = parseStudy(plan.studyYaml);
    expect(study.stage).toBe("faisabilite");
    expect(study.history).toEqual([
      { stage: "pre-etude", date: "2026-11-28" },
      { stage: "faisabilite", date: "2027-01-15" },
    ]);
    expect(study.files).toEqual({
      ...newPlan.study.files,
      "02-faisabilite.md": fingerprint(file(plan.create, "02-faisabilite.md")),
      "02-note-supplementarite.md": fingerprint(file(plan.create, "02-note-supplementarite.md")),
    });
  });

  it("renders the new stage's title and date", () => {
    const plan = advance(atPreEtude, "faisabilite");
    const text = file(plan.create, "02-faisabilite.md");
    expect(text.startsWith("# Étude de faisabilité — Recyclerie textile\n")).toBe(true);
    expect(text).toContain("**Étape ouverte le** 15 janvier 2027");
  });

  it("skips the files that already exist and returns them in kept", () => {
    const plan = advance(atPreEtude, undefined, { existing: ["02-faisabilite.md", "README.md"] });
    expect(plan.create.map((f) => f.path)).toEqual(["02-note-supplementarite.md"]);
    expect(plan.kept).toEqual(["02-faisabilite.md"]);
    const study = parseStudy(plan.studyYaml);
    expect(study.files["02-faisabilite.md"]).toBeUndefined();
    expect(study.files["02-note-supplementarite.md"]).toBe(
      fingerprint(file(plan.create, "02-note-supplementarite.md")),
    );
  });

  it("lists the skipped stages in order and adds all their files", () => {
    const plan = advance(atPreEtude, "lancee");
    expect(plan.stages).toEqual(["faisabilite", "prefiguration", "lancee"]);
    expect(plan.create.map((f) => f.path)).toEqual([
      "02-faisabilite.md",
      "02-note-supplementarite.md",
      "03-prefiguration.md",
      "04-lancement.md",
    ]);
    const study = parseStudy(plan.studyYaml);
    expect(study.stage).toBe("lancee");
    expect(study.history.map((h) => h.stage)).toEqual([
      "pre-etude",
      "faisabilite",
      "prefiguration",
      "lancee",
    ]);
  });

  it("gives byte-identical plans for the same request", () => {
    expect(advance(atPreEtude, "prefiguration")).toEqual(advance(atPreEtude, "prefiguration"));
  });

  it.each<[string, Stage, Stage | undefined]>([
    ["backwards", "faisabilite", "pre-etude"],
    ["to the same stage", "faisabilite", "faisabilite"],
    ["from a launched study", "lancee", undefined],
    ["from an abandoned study", "abandonnee", "lancee"],
  ])("refuses going %s (returns {error})", (_name, reached, target) => {
    let current = atPreEtude;
    if (reached !== "pre-etude") {
      const moved = advance(
        atPreEtude,
        reached,
        reached === "abandonnee" ? { reason: "raison" } : {},
      );
      current = { study: parseStudy(moved.studyYaml), yaml: moved.studyYaml };
    }
    const result = planAdvance(
      current.study,
      current.yaml,
      { ...(target ? { target } : {}), date: "2027-06-01" },
      new Set(),
      catalog,
      templates,
    );
    expect("error" in result).toBe(true);
    expect("error" in result && result.error).toMatch(/l'étude/);
  });

  it("records the reason of an abandon in the history and in 04-abandon.md", () => {
    const reason = "Besoin déjà couvert par la ressourcerie du quartier & l'atelier <vélo>";
    const plan = advance(atPreEtude, "abandonnee", { reason });
    expect(plan.stages).toEqual(["abandonnee"]);
    expect(plan.create.map((f) => f.path)).toEqual(["04-abandon.md"]);
    const study = parseStudy(plan.studyYaml);
    expect(study.stage).toBe("abandonnee");
    expect(study.history.at(-1)).toEqual({ stage: "abandonnee", date: "2027-01-15", reason });
    const text = file(plan.create, "04-abandon.md");
    expect(text).toContain(`## Motif de l’abandon\n\nMotif enregistré :\n\n${reason}\n`);
    expect(study.files["04-abandon.md"]).toBe(fingerprint(text));
  });

  it("can abandon from every open stage", () => {
    for (const stage of ["faisabilite", "prefiguration"] as const) {
      const moved = advance(atPreEtude, stage);
      const current = { study: parseStudy(moved.studyYaml), yaml: moved.studyYaml };
      const plan = advance(current, "abandonnee", { reason: "modèle économique fragile" });
      expect(
        parseStudy(plan.studyYaml)
          .history.map((h) => h.stage)
          .at(-1),
      ).toBe("abandonnee");
    }
  });

  it("keeps the comments a person added to study.yaml", () => {
    const yaml = newYaml.replace(
      "owner: Camille Martin\n",
      "owner: Camille Martin # référente EBE\n",
    );
    const plan = advance({ study: newPlan.study, yaml }, undefined);
    expect(plan.studyYaml).toContain("owner: Camille Martin # référente EBE\n");
  });

  it("writes clean files", () => {
    const plan: AdvancePlan = advance(atPreEtude, "lancee");
    for (const planned of plan.create) expectCleanText(planned.content);
    expectCleanText(plan.studyYaml);
  });
});

describe("interviewPath", () => {
  const taken = (...names: string[]) => new Set(names.map((n) => `entretiens/${n}`));

  it.each([
    ["Boulangerie Dupont", new Set<string>(), "entretiens/2026-12-01-boulangerie-dupont.md"],
    [
      "Boulangerie Dupont",
      taken("2026-12-01-boulangerie-dupont.md"),
      "entretiens/2026-12-01-boulangerie-dupont-2.md",
    ],
    [
      "Boulangerie Dupont",
      taken("2026-12-01-boulangerie-dupont.md", "2026-12-01-boulangerie-dupont-2.md"),
      "entretiens/2026-12-01-boulangerie-dupont-3.md",
    ],
    [
      "Boulangerie Dupont",
      taken("2026-12-01-boulangerie-dupont-2.md"),
      "entretiens/2026-12-01-boulangerie-dupont.md",
    ],
    [
      "Boulangerie Dupont",
      taken("2026-12-02-boulangerie-dupont.md"),
      "entretiens/2026-12-01-boulangerie-dupont.md",
    ],
    [
      "Ressourcerie « La Petite Rockette »",
      new Set<string>(),
      "entretiens/2026-12-01-ressourcerie-la-petite-rockette.md",
    ],
    ["🚲", new Set<string>(), "entretiens/2026-12-01-acteur.md"],
    ["", taken("2026-12-01-acteur.md"), "entretiens/2026-12-01-acteur-2.md"],
    ["../../etc/passwd", new Set<string>(), "entretiens/2026-12-01-etc-passwd.md"],
  ])("%j with %j taken → %s", (actor, existing, expected) => {
    expect(interviewPath(actor, "2026-12-01", existing)).toBe(expected);
  });

  it("caps the actor's part at 40 characters", () => {
    const path = interviewPath("Association ".repeat(10), "2026-12-01", new Set());
    const slug = path.replace(/^entretiens\/2026-12-01-/, "").replace(/\.md$/, "");
    expect(slug.length).toBeLessThanOrEqual(40);
    expect(slug).toBe("association-association-association");
  });

  it("never returns a taken name", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 }), (count) => {
        const existing = new Set(["entretiens/2026-12-01-a.md"]);
        for (let n = 2; n < count + 2; n++) existing.add(`entretiens/2026-12-01-a-${n}.md`);
        const path = interviewPath("A", "2026-12-01", existing);
        expect(existing.has(path)).toBe(false);
        expect(path).toBe(
          count === 0 ? "entretiens/2026-12-01-a-2.md" : `entretiens/2026-12-01-a-${count + 2}.md`,
        );
      }),
    );
  });
});

describe("planInterview", () => {
  const request = { actor: "  Boulangerie Dupont ", role: " gérante ", date: "2026-12-01" };
  const plan = planInterview(newPlan.study, newYaml, request, new Set(), catalog, templates);

  it("plans the interview file and records it in study.yaml", () => {
    expect(plan.file.path).toBe("entretiens/2026-12-01-boulangerie-dupont.md");
    const study = parseStudy(plan.studyYaml);
    expect(study.interviews).toEqual([
      {
        actor: "Boulangerie Dupont",
        role: "gérante",
        date: "2026-12-01",
        file: "entretiens/2026-12-01-boulangerie-dupont.md",
      },
    ]);
    expect(study.files[plan.file.path]).toBe(fingerprint(plan.file.content));
    expect(study.stage).toBe("pre-etude");
    expect(plan.studyYaml).not.toContain("interviews: []");
  });

  it("renders the actor, role and date", () => {
    expect(plan.file.content.startsWith("# Entretien — Boulangerie Dupont\n")).toBe(true);
    expect(plan.file.content).toContain("| Fonction de la personne rencontrée | gérante |");
    expect(plan.file.content).toContain("| Date | 1er décembre 2026 |");
    expect(plan.file.content).toContain("| Étape du dossier | Pré-étude |");
    expectCleanText(plan.file.content);
    expectCleanText(plan.studyYaml);
  });

  it("leaves the role out of study.yaml and « à compléter » in the file when it is blank", () => {
    const noRole = planInterview(
      newPlan.study,
      newYaml,
      { actor: "Régie de quartier", role: "  ", date: "2026-12-02" },
      new Set(),
      catalog,
      templates,
    );
    expect(parseStudy(noRole.studyYaml).interviews).toEqual([
      {
        actor: "Régie de quartier",
        date: "2026-12-02",
        file: "entretiens/2026-12-02-regie-de-quartier.md",
      },
    ]);
    expect(noRole.file.content).toContain(
      "| Fonction de la personne rencontrée | _À compléter._ |",
    );
  });

  it("takes the next free name and is deterministic", () => {
    const again = planInterview(
      newPlan.study,
      newYaml,
      request,
      new Set([plan.file.path]),
      catalog,
      templates,
    );
    expect(again.file.path).toBe("entretiens/2026-12-01-boulangerie-dupont-2.md");
    expect(again.file.content).toBe(plan.file.content);
    expect(planInterview(newPlan.study, newYaml, request, new Set(), catalog, templates)).toEqual(
      plan,
    );
  });
});

describe("guidance volume", () => {
  it("lists every template the loader must read", () => {
    expect(allTemplateNames().sort()).toEqual([
      "abandonnee/04-abandon.md.hbs",
      "entretien/entretien.md.hbs",
      "faisabilite/02-faisabilite.md.hbs",
      "faisabilite/02-note-supplementarite.md.hbs",
      "lancee/04-lancement.md.hbs",
      "pre-etude/01-pre-etude.md.hbs",
      "pre-etude/README.md.hbs",
      "prefiguration/03-prefiguration.md.hbs",
    ]);
  });

  it("pre-étude, faisabilité, préfiguration and one interview give ≥ 25 headings and ≥ 1,500 words", () => {
    const toPrefiguration = advance(atPreEtude, "prefiguration");
    const interview = planInterview(
      newPlan.study,
      newYaml,
      { actor: "Boulangerie", date: "2026-12-01" },
      new Set(),
      catalog,
      templates,
    );
    const documents: NewStudyPlan["files"] = [
      ...newPlan.files.filter((f) => f.path.endsWith(".md")),
      ...toPrefiguration.create,
      interview.file,
    ];
    expect(documents.map((d) => d.path)).toEqual([
      "README.md",
      "01-pre-etude.md",
      "02-faisabilite.md",
      "02-note-supplementarite.md",
      "03-prefiguration.md",
      "entretiens/2026-12-01-boulangerie.md",
    ]);
    const text = documents.map((d) => d.content).join("\n");
    const headings = text
      .split("\n")
      .filter((line) => line.startsWith("## ") || line.startsWith("### "));
    const words = text.split(/\s+/).filter((word) => /\p{L}/u.test(word));
    expect(headings.length).toBeGreaterThanOrEqual(25);
    expect(words.length).toBeGreaterThanOrEqual(1500);
    // Each main stage document brings guidance of its own.
    for (const path of [
      "01-pre-etude.md",
      "02-faisabilite.md",
      "03-prefiguration.md",
      "entretiens/2026-12-01-boulangerie.md",
    ]) {
      const own = file(documents, path)
        .split("\n")
        .filter((line) => /^#{2,3} /.test(line));
      expect(own.length, path).toBeGreaterThanOrEqual(5);
    }
  });
});
