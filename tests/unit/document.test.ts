import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { newStudyYaml, updateStudyYaml } from "../../src/study/document.js";
import { type Study, studySchema } from "../../src/study/schema.js";
import { parseYamlText } from "../../src/workspace/yaml-file.js";

const SHA_A = `sha256:${"a".repeat(64)}`;
const SHA_B = `sha256:${"b".repeat(64)}`;
const SHA_C = `sha256:${"c".repeat(64)}`;

const KEY_ORDER = [
  "id",
  "title",
  "example",
  "territory",
  "sector",
  "origin",
  "owner",
  "created",
  "stage",
  "history",
  "interviews",
  "templateVersion",
  "files",
];

function study(overrides: Partial<Study> = {}): Study {
  return {
    id: "2026-11-recyclerie-textile-18e",
    title: "Recyclerie textile",
    territory: "18e",
    sector: "couture-textile",
    origin: "Atelier du CLE",
    owner: "Camille",
    created: "2026-11-28",
    stage: "pre-etude",
    history: [{ stage: "pre-etude", date: "2026-11-28" }],
    interviews: [],
    templateVersion: "1",
    files: { "README.md": SHA_A, "01-pre-etude.md": SHA_B },
    ...overrides,
  };
}

function topLevelKeys(text: string): string[] {
  return text
    .split("\n")
    .map((line) => /^([A-Za-z]+):/.exec(line)?.[1])
    .filter((key): key is string => key !== undefined);
}

function reparsed(text: string): Study {
  const result = parseYamlText(text, "study.yaml", studySchema);
  if (!result.ok) throw result.error;
  return result.value;
}

describe("newStudyYaml", () => {
  const text = newStudyYaml(study());

  it("writes the keys in the fixed order, whatever the order of the value", () => {
    const shuffled = Object.fromEntries(
      Object.entries(study({ example: true })).reverse(),
    ) as Study;
    expect(topLevelKeys(newStudyYaml(shuffled))).toEqual(KEY_ORDER);
    expect(topLevelKeys(text)).toEqual(KEY_ORDER.filter((key) => key !== "example"));
  });

  it("starts with the French header comment", () => {
    const header = text.split("\n").slice(0, 5);
    expect(header).toEqual([
      "# Fiche de l'étude, lue et tenue à jour par pile.",
      "# Clés en anglais (pour les scripts), valeurs en français. Vous pouvez corriger",
      "# les valeurs à la main ; « pile study check » vérifie ce fichier.",
      "# files : empreinte de chaque fichier tel que pile l'a généré (ne pas modifier).",
      "",
    ]);
  });

  it("ends with exactly one newline and uses LF only", () => {
    expect(text.endsWith("\n")).toBe(true);
    expect(text.endsWith("\n\n")).toBe(false);
    expect(text).not.toContain("\r");
  });

  it("writes dates unquoted and the template version as a quoted string", () => {
    expect(text).toContain("\ncreated: 2026-11-28\n");
    expect(text).toContain("\n    date: 2026-11-28\n");
    expect(text).toContain('\ntemplateVersion: "1"\n');
  });

  it("writes lists and maps as blocks, an empty interview list as []", () => {
    expect(text).toContain("\nhistory:\n  - stage: pre-etude\n    date: 2026-11-28\n");
    expect(text).toContain("\ninterviews: []\n");
    expect(text).toContain(`\nfiles:\n  README.md: ${SHA_A}\n  01-pre-etude.md: ${SHA_B}\n`);
  });

  it("parses back with studySchema to the same value", () => {
    expect(reparsed(text)).toEqual(study());
  });

  it("is byte-identical for the same study", () => {
    expect(newStudyYaml(study())).toBe(text);
  });

  it("parses back to the same value whatever the free-text fields hold", () => {
    const freeText = fc.oneof(
      fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 }),
      fc.constantFrom(
        "true",
        "null",
        "~",
        "2026",
        "1e3",
        "0x1F",
        "a: b",
        "# x",
        "- x",
        "'q'",
        '"q"',
        "*a",
        "&a",
        "!t",
        "{a}",
        "[a]",
        "2026-11-28",
        "oui",
        "No",
      ),
    );
    fc.assert(
      fc.property(freeText, freeText, fc.string({ maxLength: 30 }), (title, owner, origin) => {
        const value = study({ title: title.slice(0, 200), owner, origin });
        fc.pre(value.title.length > 0);
        expect(reparsed(newStudyYaml(value))).toEqual(value);
      }),
      { numRuns: 150 },
    );
  });
});

describe("updateStudyYaml", () => {
  const edited = newStudyYaml(study())
    .replace(
      "owner: Camille\n",
      "owner: Camille # à confirmer avec l'EBE\n# Relu en comité le 2 décembre\n",
    )
    .replace("stage: pre-etude\n", "stage: pre-etude # étape en cours\n");

  it("keeps the comments a person added, in the middle and at the end of a line", () => {
    const updated = updateStudyYaml(edited, {
      stage: "faisabilite",
      history: [{ stage: "faisabilite", date: "2027-01-10" }],
      files: { "02-faisabilite.md": SHA_C },
    });
    expect(updated).toContain(
      "\nowner: Camille # à confirmer avec l'EBE\n# Relu en comité le 2 décembre\ncreated: 2026-11-28\n",
    );
    expect(updated).toContain("# Fiche de l'étude, lue et tenue à jour par pile.\n");
    expect(updated).toMatch(/\nstage: faisabilite( # étape en cours)?\n/);
    expect(reparsed(updated).stage).toBe("faisabilite");
  });

  it("appends history entries after the existing ones", () => {
    const updated = updateStudyYaml(edited, {
      stage: "prefiguration",
      history: [
        { stage: "faisabilite", date: "2027-01-10" },
        { stage: "prefiguration", date: "2027-01-10" },
      ],
    });
    expect(reparsed(updated).history).toEqual([
      { stage: "pre-etude", date: "2026-11-28" },
      { stage: "faisabilite", date: "2027-01-10" },
      { stage: "prefiguration", date: "2027-01-10" },
    ]);
    expect(updated).toContain(
      "history:\n  - stage: pre-etude\n    date: 2026-11-28\n  - stage: faisabilite\n    date: 2027-01-10\n  - stage: prefiguration\n    date: 2027-01-10\n",
    );
  });

  it("records an abandon with its reason", () => {
    const updated = updateStudyYaml(edited, {
      stage: "abandonnee",
      history: [
        {
          stage: "abandonnee",
          date: "2026-12-15",
          reason: "Besoin déjà couvert par la ressourcerie",
        },
      ],
    });
    const value = reparsed(updated);
    expect(value.stage).toBe("abandonnee");
    expect(value.history.at(-1)).toEqual({
      stage: "abandonnee",
      date: "2026-12-15",
      reason: "Besoin déjà couvert par la ressourcerie",
    });
  });

  it("switches an empty flow list `interviews: []` to a block list", () => {
    const entry = {
      actor: "Boulangerie Dupont",
      role: "gérante",
      date: "2026-12-01",
      file: "entretiens/2026-12-01-boulangerie-dupont.md",
    };
    const updated = updateStudyYaml(edited, { interviews: [entry] });
    expect(updated).not.toContain("interviews: [");
    expect(updated).toContain(
      "\ninterviews:\n  - actor: Boulangerie Dupont\n    role: gérante\n    date: 2026-12-01\n    file: entretiens/2026-12-01-boulangerie-dupont.md\n",
    );
    expect(reparsed(updated).interviews).toEqual([entry]);
  });

  it("appends to an existing interview list", () => {
    const first = { actor: "A", date: "2026-12-01", file: "entretiens/2026-12-01-a.md" };
    const second = { actor: "B", date: "2026-12-02", file: "entretiens/2026-12-02-b.md" };
    const once = updateStudyYaml(edited, { interviews: [first], files: { [first.file]: SHA_C } });
    const twice = updateStudyYaml(once, { interviews: [second], files: { [second.file]: SHA_C } });
    expect(reparsed(twice).interviews).toEqual([first, second]);
  });

  it("sets files entries, adding new ones and replacing existing ones", () => {
    const updated = updateStudyYaml(edited, {
      files: {
        "02-faisabilite.md": SHA_C,
        "README.md": SHA_C,
        "entretiens/2026-12-01-a.md": SHA_A,
      },
    });
    expect(reparsed(updated).files).toEqual({
      "README.md": SHA_C,
      "01-pre-etude.md": SHA_B,
      "02-faisabilite.md": SHA_C,
      "entretiens/2026-12-01-a.md": SHA_A,
    });
    expect(updated).toContain(
      `\n  02-faisabilite.md: ${SHA_C}\n  entretiens/2026-12-01-a.md: ${SHA_A}\n`,
    );
  });

  it("creates a list or map that is missing", () => {
    const updated = updateStudyYaml("id: x\n", {
      history: [{ stage: "faisabilite", date: "2026-12-01" }],
      files: { "a.md": SHA_A },
    });
    expect(parse(updated)).toEqual({
      id: "x",
      history: [{ stage: "faisabilite", date: "2026-12-01" }],
      files: { "a.md": SHA_A },
    });
  });

  it("leaves the text byte-identical for an empty change", () => {
    expect(updateStudyYaml(edited, {})).toBe(edited);
  });

  it("ends with one newline and keeps the key order", () => {
    const updated = updateStudyYaml(edited, {
      stage: "faisabilite",
      history: [{ stage: "faisabilite", date: "2027-01-10" }],
      files: { "02-faisabilite.md": SHA_C },
    });
    expect(updated.endsWith("\n")).toBe(true);
    expect(updated.endsWith("\n\n")).toBe(false);
    expect(topLevelKeys(updated)).toEqual(KEY_ORDER.filter((key) => key !== "example"));
  });
});
