import { describe, expect, it } from "vitest";
import { z } from "zod";
import { UserError } from "../../src/errors.js";
import { studySchema } from "../../src/study/schema.js";
import { MAX_YAML_BYTES, parseYamlText } from "../../src/workspace/yaml-file.js";
import { STUDY_YAML } from "./fixtures.js";

const small = z.strictObject({
  name: z.string(),
  count: z.number(),
  kind: z.enum(["atelier", "boutique"]).optional(),
  nested: z.strictObject({ x: z.number() }).optional(),
});

/** The error of a failed parse; fails the test if the parse succeeded. */
function failure(text: string, schema: z.ZodType = small, file = "f.yaml"): UserError {
  const result = parseYamlText(text, file, schema);
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.value)}`);
  expect(result.error).toBeInstanceOf(UserError);
  return result.error;
}

/** The "line:column" the message starts with. */
function position(error: UserError, file = "f.yaml"): string {
  const match = new RegExp(`^${file.replace(".", "\\.")}:(\\d+):(\\d+) : `).exec(error.message);
  if (!match) throw new Error(`message does not start with ${file}:line:column : ${error.message}`);
  expect(error.location).toEqual({ file, line: Number(match[1]), column: Number(match[2]) });
  return `${match[1]}:${match[2]}`;
}

const ENGLISH = /Invalid|expected|received/;

describe("parseYamlText: valid input", () => {
  it("returns the value, the document and the line counter", () => {
    const result = parseYamlText("name: atelier\ncount: 3\n", "f.yaml", small);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toEqual({ name: "atelier", count: 3 });
    expect(result.lineCounter.linePos(14)).toEqual({ line: 2, col: 1 });
    expect(result.document.get("count")).toBe(3);
  });

  it("parses the reference study.yaml with studySchema", () => {
    const result = parseYamlText(STUDY_YAML, "study.yaml", studySchema);
    expect(result.ok && result.value.created).toBe("2026-11-28");
    expect(result.ok && result.value.templateVersion).toBe("1");
  });

  it("keeps an unquoted date as a string (YAML 1.2 core schema)", () => {
    const result = parseYamlText("d: 2026-11-28\n", "f.yaml", z.object({ d: z.string() }));
    expect(result.ok && result.value.d).toBe("2026-11-28");
  });

  it("resolves a legitimate anchor and alias", () => {
    const result = parseYamlText("name: &n atelier\ncount: 1\nkind: *n\n", "f.yaml", small);
    expect(result.ok && result.value.kind).toBe("atelier");
  });
});

describe("parseYamlText: YAML syntax errors point at file:line:column", () => {
  it.each([
    [
      "bad indentation",
      "name: x\ncount: 1\nnested:\n    x: 1\n  y: 2\n",
      "5:1",
      "indentation incorrecte",
    ],
    ["duplicate key", "name: a\ncount: 1\nname: b\n", "3:1", "clé en double"],
    ["tab indentation", "name: a\nnested:\n\tx: 1\n", "3:1", "tabulation"],
    ["several documents", "name: a\n---\nname: b\n", "2:1", "plusieurs documents"],
  ])("%s", (_name, text, where, words) => {
    const error = failure(text);
    expect(position(error)).toBe(where);
    expect(error.message).toContain(words);
    expect(error.message).not.toMatch(ENGLISH);
    expect(error.hint).toBe("Corrigez le fichier puis relancez la commande.");
  });

  it.each([
    [
      "duplicate key in study.yaml",
      STUDY_YAML.replace("territory: 18e\n", "territory: 18e\ntitle: Autre\n"),
      4,
    ],
    ["tab in study.yaml", STUDY_YAML.replace("    date: 2026-11-28", "\tdate: 2026-11-28"), 11],
    [
      "bad indentation in study.yaml",
      STUDY_YAML.replace("    date: 2026-11-28", "   date: 2026-11-28"),
      11,
    ],
  ])("%s → line %i", (_name, text, line) => {
    const error = failure(text, studySchema, "study.yaml");
    expect(position(error, "study.yaml").split(":")[0]).toBe(String(line));
  });

  // The closing quote is missing on line 2: that is where the person must look,
  // not at the end of the file (line 5 does not even exist).
  it.each([
    ["double quote", 'count: 1\nname: "atelier\nkind: atelier\nnested: {x: 1}\n'],
    ["single quote", "count: 1\nname: 'atelier\nkind: atelier\nnested: {x: 1}\n"],
  ])("unclosed %s → the line where the quote opens", (_name, text) => {
    const error = failure(text);
    expect(error.message).toContain("guillemet");
    expect(position(error).split(":")[0]).toBe("2");
  });
});

describe("parseYamlText: unclosed quotes and brackets in study.yaml", () => {
  it.each([
    [
      "double quote, with later quotes in the file",
      STUDY_YAML.replace("title: Recyclerie textile", 'title: "Recyclerie textile'),
      "2:8",
      "guillemet ouvert ici et jamais fermé",
    ],
    [
      "single quote",
      STUDY_YAML.replace("title: Recyclerie textile", "title: 'Recyclerie textile"),
      "2:8",
      "guillemet ouvert ici et jamais fermé",
    ],
    [
      "flow list",
      STUDY_YAML.replace("interviews: []", "interviews: [a, b"),
      "12:13",
      "crochet ouvert ici et jamais fermé",
    ],
    // « accolade » is feminine: « ouverte », « fermée ».
    [
      "flow map",
      STUDY_YAML.replace("origin: Atelier du CLE", "origin: {a: 1"),
      "5:9",
      "accolade ouverte ici et jamais fermée",
    ],
  ])("unclosed %s → where it opens", (_name, text, where, words) => {
    const error = failure(text, studySchema, "study.yaml");
    expect(position(error, "study.yaml")).toBe(where);
    expect(error.message).toContain(words);
  });
});

describe("parseYamlText: schema errors point at the right node, in French", () => {
  it.each([
    [
      "missing top-level key → the document's map",
      "name: a\n",
      "1:1",
      "le champ « count » est obligatoire (un nombre)",
    ],
    [
      "missing nested key → the nested map",
      "name: a\ncount: 1\nnested:\n  y: 2\n",
      "4:3",
      "le champ « nested.x » est obligatoire",
    ],
    [
      "wrong type → the value",
      "name: a\ncount: deux\n",
      "2:8",
      "le champ « count » doit être un nombre, et non « deux »",
    ],
    [
      "unknown key → the key itself",
      "name: a\ncount: 1\nextra: 3\n",
      "3:1",
      "clé inconnue « extra » dans le document",
    ],
    [
      "unknown nested key → the key itself",
      "name: a\ncount: 1\nnested:\n  x: 1\n  zz: 2\n",
      "5:3",
      "clé inconnue « zz » dans « nested »",
    ],
    [
      "enum value → the value, with the allowed values",
      "name: a\ncount: 1\nkind: usine\n",
      "3:7",
      "le champ « kind » vaut « usine » ; valeurs possibles : atelier, boutique",
    ],
  ])("%s", (_name, text, where, words) => {
    const error = failure(text);
    expect(position(error)).toBe(where);
    expect(error.message).toContain(words);
    expect(error.message).not.toMatch(ENGLISH);
  });

  it.each([
    [
      "owner missing → the top-level map",
      STUDY_YAML.replace("owner: Camille\n", ""),
      "1:1",
      "« owner » est obligatoire",
    ],
    [
      "history date missing → the history entry",
      STUDY_YAML.replace("    date: 2026-11-28\n", ""),
      "10:5",
      "« history[0].date » est obligatoire",
    ],
    [
      "title of the wrong type",
      STUDY_YAML.replace("title: Recyclerie textile", "title: 42"),
      "2:8",
      "doit être un texte",
    ],
    [
      "unknown key",
      STUDY_YAML.replace("owner: Camille\n", "owner: Camille\ncolor: rouge\n"),
      "7:1",
      "clé inconnue « color »",
    ],
    [
      "unknown key in a history entry",
      STUDY_YAML.replace("    date: 2026-11-28\n", "    date: 2026-11-28\n    note: x\n"),
      "12:5",
      "clé inconnue « note » dans « history[0] »",
    ],
    [
      "stage not in the enum",
      STUDY_YAML.replace("stage: pre-etude\nhistory", "stage: prefig\nhistory"),
      "8:8",
      "valeurs possibles : pre-etude, faisabilite, prefiguration, lancee, abandonnee",
    ],
    [
      "impossible date",
      STUDY_YAML.replace("created: 2026-11-28", "created: 2026-02-30"),
      "7:10",
      "AAAA-MM-JJ",
    ],
    [
      "quoted impossible date",
      STUDY_YAML.replace("created: 2026-11-28", 'created: "2026-02-30"'),
      "7:10",
      "AAAA-MM-JJ",
    ],
    [
      "bad history date",
      STUDY_YAML.replace("    date: 2026-11-28", "    date: 28/11/2026"),
      "11:11",
      "« history[0].date »",
    ],
    [
      "bad id",
      STUDY_YAML.replace("id: 2026-11-recyclerie-textile-18e", "id: Mon Étude"),
      "1:5",
      "« id » a un format invalide",
    ],
    [
      "empty history",
      STUDY_YAML.replace(/history:\n.*\n.*\n/, "history: []\n"),
      "9:10",
      "au moins un élément",
    ],
    [
      "templateVersion as a number",
      STUDY_YAML.replace('templateVersion: "1"', "templateVersion: 1"),
      "13:18",
      "doit être un texte",
    ],
    [
      "bad fingerprint",
      STUDY_YAML.replace(`README.md: sha256:${"a".repeat(64)}`, "README.md: md5:abc"),
      "15:14",
      "empreinte",
    ],
    [
      "stage that is not the last history entry",
      STUDY_YAML.replace("stage: pre-etude\nhistory", "stage: faisabilite\nhistory"),
      "8:8",
      "ne correspond pas à la dernière entrée de l'historique",
    ],
  ])("study.yaml: %s", (_name, text, where, words) => {
    const error = failure(text, studySchema, "study.yaml");
    expect(position(error, "study.yaml")).toBe(where);
    expect(error.message).toContain(words);
    expect(error.message).not.toMatch(ENGLISH);
  });

  it("counts the other problems", () => {
    const error = failure("");
    expect(error.message).toBe(
      "f.yaml:1:1 : le champ « name » est obligatoire (un texte) (et 1 autre problème).",
    );
    const study = failure("id: x\n", studySchema, "study.yaml");
    expect(study.message).toMatch(/\(et \d+ autres problèmes\)\.$/);
  });

  // zod reports `expected: "record"` for z.record: the word must not reach the user.
  it.each([
    ["files: with no value", STUDY_YAML.replace(/files:\n.*\n.*\n/, "files:\n")],
    ["files as a list", STUDY_YAML.replace(/files:\n.*\n.*\n/, "files: [README.md]\n")],
  ])("%s → a French type name, no English word", (_name, text) => {
    const error = failure(text, studySchema, "study.yaml");
    expect(error.message).toContain("« files »");
    expect(error.message).not.toMatch(/\brecord\b/);
  });

  it.each([
    ["a list", "- a\n- b\n"],
    ["a plain text", "juste du texte\n"],
  ])("a document that is %s is not called « le champ le document »", (_name, text) => {
    const error = failure(text);
    expect(error.message).toContain("objet");
    expect(error.message).not.toContain("le champ le document");
  });
});

describe("parseYamlText: hostile input", () => {
  it("refuses binary content (a NUL byte)", () => {
    const error = failure("name: a\u0000b\ncount: 1\n");
    expect(error.message).toBe(
      "f.yaml n'est pas un fichier texte (il contient des octets binaires).",
    );
    expect(error.location).toEqual({ file: "f.yaml" });
  });

  it("refuses a text over 1,000,000 characters without parsing it", () => {
    expect(MAX_YAML_BYTES).toBe(1_000_000);
    const text = `name: a\ncount: 1\n#${"x".repeat(MAX_YAML_BYTES)}\n`;
    const started = performance.now();
    const error = failure(text);
    expect(error.message).toContain("trop volumineux");
    expect(performance.now() - started).toBeLessThan(500);
  });

  it("accepts a text of exactly the limit", () => {
    const head = "name: a\ncount: 1\n#";
    const text = head + "x".repeat(MAX_YAML_BYTES - head.length);
    expect(text).toHaveLength(MAX_YAML_BYTES);
    expect(parseYamlText(text, "f.yaml", small).ok).toBe(true);
  });

  it("does not hang or crash on a « billion laughs » alias bomb", () => {
    const names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (const [index, name] of names.entries()) {
      if (index === 0) continue;
      const previous = `*${names[index - 1]}`;
      lines.push(`${name}: &${name} [${Array(9).fill(previous).join(",")}]`);
    }
    const started = performance.now();
    const result = parseYamlText(
      `${lines.join("\n")}\n`,
      "bomb.yaml",
      z.record(z.string(), z.unknown()),
    );
    expect(performance.now() - started).toBeLessThan(2000);
    // Refusing the file is the expected outcome; a parse that stays bounded would also be acceptable.
    if (!result.ok) expect(result.error.message).toContain("alias");
    else expect(JSON.stringify(result.value).length).toBeLessThan(MAX_YAML_BYTES);
  });

  // An alias whose anchor does not exist is a typo, not an attack: it should be
  // reported on its own line, not as "too many aliases" at 1:1.
  it("reports an unknown alias on its line, not as an alias bomb", () => {
    const error = failure("name: a\ncount: *compte\n");
    expect(error.message).not.toContain("trop d'alias");
    expect(position(error).split(":")[0]).toBe("2");
  });
});
