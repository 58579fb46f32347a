import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { renderTemplate, TemplateError } from "../../src/study/render.js";

const NNBSP = "\u202f"; // narrow no-break space: French thousands separator
const NBSP = "\u00a0"; // no-break space: before the euro sign

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to throw");
}

describe("renderTemplate: strict mode", () => {
  it.each([
    ["{{titre}}", {}],
    ["{{study.titre}}", { study: { title: "x" } }],
    ["{{study.territory.label}}", { study: {} }],
    ["{{#each items}}{{nom}}{{/each}}", { items: [{ name: "a" }] }],
  ])("an unknown variable in %j throws a TemplateError naming the template", (source, context) => {
    const error = thrown(() => renderTemplate("pre-etude/01-pre-etude.md.hbs", source, context));
    expect(error).toBeInstanceOf(TemplateError);
    const templateError = error as TemplateError;
    expect(templateError.template).toBe("pre-etude/01-pre-etude.md.hbs");
    expect(templateError.message.startsWith("pre-etude/01-pre-etude.md.hbs : ")).toBe(true);
    expect(templateError.name).toBe("TemplateError");
  });

  it("turns a syntax error into a TemplateError too", () => {
    const error = thrown(() => renderTemplate("broken.hbs", "{{#if a}}sans fin", { a: true }));
    expect(error).toBeInstanceOf(TemplateError);
    expect((error as TemplateError).template).toBe("broken.hbs");
  });

  it("renders known variables, nested paths and built-in blocks", () => {
    const source =
      "{{study.title}}{{#if study.ebe}} ({{study.ebe}}){{/if}}{{#each list}} [{{this}}]{{/each}}";
    expect(
      renderTemplate("t", source, {
        study: { title: "Recyclerie", ebe: "Activ'18" },
        list: [1, 2],
      }),
    ).toBe("Recyclerie (Activ'18) [1] [2]\n");
  });
});

describe("renderTemplate: Markdown output", () => {
  it.each([
    ["&", "Pain & chocolat"],
    ["<", "a < b > c"],
    ["quotes", `L'atelier "Couture"`],
    ["backtick", "`pile`"],
    ["html", "<b>gras</b> &amp;"],
  ])("does not HTML-escape %s", (_name, value) => {
    expect(renderTemplate("t", "{{value}}", { value })).toBe(`${value}\n`);
  });

  it.each([
    ["x", "x\n"],
    ["x\n", "x\n"],
    ["x\n\n\n", "x\n"],
    ["x\r\ny\r\n", "x\ny\n"],
    ["x\ry\r", "x\ny\n"],
    ["x\r\n\r\n\r\n", "x\n"],
    ["", "\n"],
    ["\n\nx", "\n\nx\n"],
  ])("%j → %j", (source, expected) => {
    expect(renderTemplate("t", source, {})).toBe(expected);
  });

  it("normalises CR and CRLF coming from the values, too", () => {
    expect(renderTemplate("t", "{{a}}", { a: "ligne 1\r\nligne 2\rligne 3\r\n\r\n" })).toBe(
      "ligne 1\nligne 2\nligne 3\n",
    );
  });

  it("always ends with exactly one LF and never holds a CR", () => {
    const text = fc.string({
      unit: fc.constantFrom("a", "é", " ", "\n", "\r", "\r\n", "&", "<"),
      maxLength: 40,
    });
    fc.assert(
      fc.property(text, text, (source, value) => {
        // Braces are not in the alphabet, so the source has no mustache of its own.
        const output = renderTemplate("t", `${source}{{value}}${source}`, { value });
        expect(output.endsWith("\n")).toBe(true);
        expect(output.endsWith("\n\n")).toBe(false);
        expect(output).not.toContain("\r");
      }),
    );
  });
});

describe("renderTemplate: helpers", () => {
  it.each([
    ["2026-11-01", "1er novembre 2026"],
    ["2026-08-15", "15 août 2026"],
    ["pas une date", "pas une date"],
  ])("dateFr %s → %s", (date, expected) => {
    expect(renderTemplate("t", "{{dateFr date}}", { date })).toBe(`${expected}\n`);
  });

  it.each([
    [["Charles Hermite", "Valentin-Abeille"], undefined, "Charles Hermite, Valentin-Abeille"],
    [["a", "b", "c"], " / ", "a / b / c"],
    [["seul"], undefined, "seul"],
    [[], undefined, ""],
    ["pas une liste", undefined, ""],
  ])("join %j with %j → %j", (list, separator, expected) => {
    const source = separator === undefined ? "{{join list}}" : `{{join list "${separator}"}}`;
    expect(renderTemplate("t", `[${source}]`, { list })).toBe(`[${expected}]\n`);
  });

  it.each([
    [0, "0"],
    [999, "999"],
    [1234, `1${NNBSP}234`],
    [1234567.891, `1${NNBSP}234${NNBSP}567,89`],
    [-1234.5, `-1${NNBSP}234,5`],
    [0.125, "0,13"],
    ["2500", `2${NNBSP}500`],
  ])("nombre %j → %j", (value, expected) => {
    expect(renderTemplate("t", "{{nombre n}}", { n: value })).toBe(`${expected}\n`);
  });

  it.each([
    [0, `0${NBSP}€`],
    [950, `950${NBSP}€`],
    [1234567, `1${NNBSP}234${NNBSP}567${NBSP}€`],
    [45000.4, `45${NNBSP}000${NBSP}€`],
    [1500.6, `1${NNBSP}501${NBSP}€`],
  ])("euros %j → %j", (value, expected) => {
    expect(renderTemplate("t", "{{euros n}}", { n: value })).toBe(`${expected}\n`);
  });

  it("uses no ordinary space inside numbers and amounts", () => {
    const output = renderTemplate("t", "{{nombre a}}|{{euros b}}", { a: 9876543, b: 9876543 });
    expect(output).not.toContain(" ");
  });
});

describe("renderTemplate: prototype access is blocked", () => {
  beforeEach(() => {
    // Handlebars logs a warning for each denied property; keep the test output clean.
    vi.spyOn(console, "error").mockImplementation(() => {});
    vi.spyOn(console, "warn").mockImplementation(() => {});
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it.each([
    "{{constructor.name}}",
    "{{constructor}}",
    "{{__proto__}}",
    "{{__proto__.constructor.name}}",
    "{{study.constructor.name}}",
    "{{study.__proto__}}",
    "{{lookup this 'constructor'}}",
    "{{lookup (lookup this 'constructor') 'name'}}",
    "{{#with study}}{{constructor.name}}{{/with}}",
    "{{toString}}",
    "{{study.title.constructor.name}}",
  ])("%s never leaks Object or a function source", (source) => {
    let output = "";
    try {
      output = renderTemplate("t", source, { study: { title: "Recyclerie" } });
    } catch (error) {
      expect(error).toBeInstanceOf(TemplateError);
      return;
    }
    expect(output).toBe("\n");
    expect(output).not.toMatch(/Object|String|function|\[native code\]/);
  });
});
