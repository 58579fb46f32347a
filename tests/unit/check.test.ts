import { describe, expect, it } from "vitest";
import {
  checkStudy,
  conflictMarkerLines,
  countPlaceholders,
  requiredFiles,
} from "../../src/study/check.js";
import type { Study } from "../../src/study/schema.js";

const SHA = `sha256:${"0".repeat(64)}`;

function study(overrides: Partial<Study> = {}): Study {
  return {
    id: "2026-11-recyclerie-textile-18e",
    title: "Recyclerie textile",
    territory: "18e",
    sector: "couture-textile",
    origin: "",
    owner: "Camille",
    created: "2026-11-28",
    stage: "pre-etude",
    history: [{ stage: "pre-etude", date: "2026-11-28" }],
    interviews: [],
    templateVersion: "1",
    files: { "README.md": SHA, "01-pre-etude.md": SHA },
    ...overrides,
  };
}

describe("countPlaceholders", () => {
  it.each([
    ["_À compléter._", 1],
    ["à compléter", 1],
    ["A compléter", 1],
    ["a compléter", 1],
    ["à completer", 1],
    ["A COMPLÉTER", 1],
    ["À COMPLETER", 1],
    ["| _À compléter._ | _À compléter._ | à completer |", 3],
    ["_À compléter._\n\ntexte\n\n_À compléter._\n", 2],
    ["", 0],
    ["Tout est rempli.", 0],
    ["compléter", 0],
    ["àcompléter", 0],
    ["à  compléter", 0],
    ["Complété le 28 novembre", 0],
  ])("%j → %i", (text, count) => {
    expect(countPlaceholders(text)).toBe(count);
  });

  it("gives the same count on repeated calls (no global regex state leaks)", () => {
    const text = "à compléter, à compléter";
    expect([countPlaceholders(text), countPlaceholders(text), countPlaceholders(text)]).toEqual([
      2, 2, 2,
    ]);
  });

  // Ordinary French prose where a word merely ends in "a" before "compléter".
  it.each([
    ["La ressourcerie va compléter son offre.", 0],
    ["Cette liste, il faudra la compléter.", 0],
    ["Elle va compléter le tableau : _À compléter._", 1],
  ])("does not count a word ending in « a » before « compléter »: %j → %i", (text, count) => {
    expect(countPlaceholders(text)).toBe(count);
  });
});

describe("conflictMarkerLines", () => {
  it("finds the three lines of a real conflict block", () => {
    const text = [
      "# Titre", // 1
      "<<<<<<< HEAD", // 2
      "notre version", // 3
      "=======", // 4
      "leur version", // 5
      ">>>>>>> feature/faisabilite", // 6
      "suite", // 7
    ].join("\n");
    expect(conflictMarkerLines(text)).toEqual([2, 4, 6]);
  });

  it("does not take a Markdown setext underline outside a conflict for a marker", () => {
    const text = ["Motif de l'abandon", "=======", "", "Texte."].join("\n");
    expect(conflictMarkerLines(text)).toEqual([]);
  });

  it("ignores setext underlines before and after a conflict, not inside", () => {
    const text = [
      "Titre", // 1
      "=======", // 2: heading
      "<<<<<<< ours", // 3
      "a", // 4
      "=======", // 5: marker
      "b", // 6
      ">>>>>>> theirs", // 7
      "Autre titre", // 8
      "=======", // 9: heading again
    ].join("\n");
    expect(conflictMarkerLines(text)).toEqual([3, 5, 7]);
  });

  it.each([
    [">>>>>>> branche-camille", [1]],
    [">>>>>>>", [1]],
    ["<<<<<<<", [1]],
    ["<<<<<<< a\n<<<<<<< b", [1, 2]],
  ])("reports marker line %j", (text, lines) => {
    expect(conflictMarkerLines(text)).toEqual(lines);
  });

  it.each([
    ["<<<<<<<< eight", []],
    [">>>>>>>> eight", []],
    [" <<<<<<< indented", []],
    ["> >>>>>> quote", []],
    ["<<<<<<<x", []],
    ["========", []],
    ["=======", []],
    ["texte <<<<<<< milieu", []],
  ])("ignores %j", (text, lines) => {
    expect(conflictMarkerLines(text)).toEqual(lines);
  });
});

describe("requiredFiles", () => {
  it("lists the files of the first stage", () => {
    expect(requiredFiles(study()).sort()).toEqual(["01-pre-etude.md", "README.md"]);
  });

  it("adds every stage reached and every interview", () => {
    const reached = study({
      stage: "prefiguration",
      history: [
        { stage: "pre-etude", date: "2026-11-28" },
        { stage: "faisabilite", date: "2027-01-10" },
        { stage: "prefiguration", date: "2027-03-01" },
      ],
      interviews: [
        {
          actor: "Boulangerie Dupont",
          date: "2026-12-01",
          file: "entretiens/2026-12-01-boulangerie-dupont.md",
        },
      ],
    });
    expect(requiredFiles(reached).sort()).toEqual([
      "01-pre-etude.md",
      "02-faisabilite.md",
      "02-note-supplementarite.md",
      "03-prefiguration.md",
      "README.md",
      "entretiens/2026-12-01-boulangerie-dupont.md",
    ]);
  });

  it("requires 04-abandon.md after an abandon", () => {
    const abandoned = study({
      stage: "abandonnee",
      history: [
        { stage: "pre-etude", date: "2026-11-28" },
        { stage: "abandonnee", date: "2026-12-15", reason: "besoin déjà couvert" },
      ],
    });
    expect(requiredFiles(abandoned)).toContain("04-abandon.md");
    expect(requiredFiles(abandoned)).not.toContain("02-faisabilite.md");
  });

  it("lists each file once", () => {
    const twice = study({
      history: [
        { stage: "pre-etude", date: "2026-11-28" },
        { stage: "pre-etude", date: "2026-11-29" },
      ],
    });
    expect(requiredFiles(twice)).toHaveLength(2);
  });
});

describe("checkStudy", () => {
  const complete = new Map([
    ["README.md", "# Recyclerie textile\n"],
    ["01-pre-etude.md", "# Pré-étude\n\nRempli.\n"],
  ]);

  it("finds nothing wrong in a complete dossier", () => {
    expect(
      checkStudy({ folder: "2026-11-recyclerie-textile-18e", study: study(), files: complete }),
    ).toEqual([]);
  });

  it("reports an id that does not match the folder", () => {
    const problems = checkStudy({ folder: "autre-dossier", study: study(), files: complete });
    expect(problems).toEqual([
      {
        level: "error",
        file: "study.yaml",
        message:
          "l'identifiant « 2026-11-recyclerie-textile-18e » ne correspond pas au nom du dossier « autre-dossier »",
      },
    ]);
  });

  it("reports each missing required file as an error", () => {
    const problems = checkStudy({
      folder: "2026-11-recyclerie-textile-18e",
      study: study(),
      files: new Map([["README.md", "ok\n"]]),
    });
    expect(problems).toEqual([
      {
        level: "error",
        file: "01-pre-etude.md",
        message: "fichier manquant pour l'étape atteinte",
      },
    ]);
  });

  it("only checks the files when study.yaml is invalid (study undefined)", () => {
    const files = new Map([
      ["notes.md", "<<<<<<< HEAD\na\n=======\nb\n>>>>>>> x\n"],
      ["01-pre-etude.md", "_À compléter._ et à completer\n"],
    ]);
    const problems = checkStudy({ folder: "n-importe-quoi", study: undefined, files });
    expect(problems).toEqual([
      {
        level: "warning",
        file: "01-pre-etude.md",
        count: 2,
        message: "2 mentions « à compléter » restantes",
      },
      { level: "error", file: "notes.md", line: 1, message: "marqueur de conflit git non résolu" },
      { level: "error", file: "notes.md", line: 3, message: "marqueur de conflit git non résolu" },
      { level: "error", file: "notes.md", line: 5, message: "marqueur de conflit git non résolu" },
    ]);
  });

  it.each([
    [1, "1 mention « à compléter » restante"],
    [2, "2 mentions « à compléter » restantes"],
    [5, "5 mentions « à compléter » restantes"],
  ])("a warning carries count = %i", (count, message) => {
    const files = new Map([...complete, ["01-pre-etude.md", "_À compléter._\n".repeat(count)]]);
    const problems = checkStudy({
      folder: "2026-11-recyclerie-textile-18e",
      study: study(),
      files,
    });
    expect(problems).toEqual([{ level: "warning", file: "01-pre-etude.md", count, message }]);
  });

  it("sorts file problems by path and appends the extra problems last", () => {
    const files = new Map([["b.md", "à compléter\n"], ["a.md", "à compléter\n"], ...complete]);
    const extra = [{ level: "warning" as const, file: "study.yaml", message: "note manquante" }];
    const problems = checkStudy({
      folder: "2026-11-recyclerie-textile-18e",
      study: study(),
      files,
      extra,
    });
    expect(problems.map((p) => p.file)).toEqual(["a.md", "b.md", "study.yaml"]);
  });
});
