import { describe, expect, it } from "vitest";
import { renderTemplate, TemplateError } from "../../src/study/render.js";
import { buildDigest } from "../../src/veille/digest.js";
import { DigestTemplateError, renderDigest } from "../../src/veille/digest-render.js";
import { NOW, W48 } from "../unit/digest-fixtures.js";

/**
 * A template (a workspace may bring its own) cannot reach prototypes, the
 * global object or the process: Handlebars 4.7 refuses prototype properties
 * (`{{constructor}}` renders nothing), and strict mode turns a deeper attempt
 * (`{{constructor.constructor}}`) into a French template error, never a call.
 */

const ESCAPES = [
  "{{constructor}}",
  "{{constructor.constructor}}",
  "{{__proto__}}",
  "{{this.constructor.name}}",
  '{{#with "x"}}{{constructor.constructor "return process"}}{{/with}}',
  "{{#each this}}{{@key}}{{/each}}{{lookup this '__proto__'}}",
  "{{title.constructor.prototype}}",
];

describe("templates cannot reach prototypes", () => {
  it.each(ESCAPES)("a study template with %s fails with a template error", (source) => {
    let thrown: unknown;
    try {
      const text = renderTemplate("essai.md.hbs", source, { title: "Recyclerie" });
      // Rendering may only produce inert text, never a function's source or an object.
      expect(text).not.toMatch(/function|\[object|native code|process/);
    } catch (error) {
      thrown = error;
    }
    if (thrown !== undefined) expect(thrown).toBeInstanceOf(TemplateError);
  });

  it.each(ESCAPES)("a digest template with %s fails with a template error", (source) => {
    const model = buildDigest({
      items: [],
      period: W48,
      topics: [],
      sources: [],
      state: {},
      studies: [],
      now: NOW,
    });
    let thrown: unknown;
    try {
      const text = renderDigest(model, source, "md");
      expect(text).not.toMatch(/function|\[object|native code|process/);
    } catch (error) {
      thrown = error;
    }
    if (thrown !== undefined) expect(thrown).toBeInstanceOf(DigestTemplateError);
  });

  it("leaves Object.prototype untouched after all of them", () => {
    expect(Object.keys(Object.prototype)).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
