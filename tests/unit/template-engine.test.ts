import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
// The build step itself (it needs dist/, which `npm test` builds first).
import { precompiledModule } from "../../scripts/precompile-templates.mjs";
import {
  COMPILE_OPTIONS,
  PRECOMPILED_FILE,
  type PrecompiledSpecs,
  TemplateEngine,
  templateKey,
} from "../../src/template-engine.js";
import { tempDir } from "../helpers/harness.js";

/** Templates that exercise what Handlebars compiles: blocks, helpers, paths, whitespace control, errors. */
const TEMPLATES: Record<string, string> = {
  "plain.hbs": "Bonjour {{name}} !\n",
  "paths.hbs": "{{study.title}} — {{study.territory.ebe}} {{this.name}} {{./name}}",
  "blocks.hbs":
    "{{#if ok}}oui{{else if other}}autre{{else}}non{{/if}} {{#unless ok}}pas ok{{/unless}} {{#with study}}{{title}}{{/with}}",
  "each.hbs":
    "{{#each list}}{{@index}}:{{this}}{{#if @last}}.{{else}}, {{/if}}{{else}}vide{{/each}}\n{{#each map}}{{@key}}={{this}} {{/each}}",
  "helpers.hbs": '{{shout name}} {{join list " / "}} {{#if (gt n 1)}}plusieurs{{/if}}',
  "whitespace.hbs":
    "a\n  {{~#if ok~}}\n  b\n  {{~/if~}}\n  c {{! comment }}{{!-- long -- comment --}}",
  "triple.hbs": "{{{html}}} {{html}} & < > \" '",
  "raw.hbs": "{{{{raw}}}}{{not evaluated}}{{{{/raw}}}}",
  "unknown.hbs": "ligne un\n  {{study.missing}}\n",
  "unknown-helper.hbs": "{{#each list}}\n{{nope this}}\n{{/each}}",
  "unknown-in-block.hbs": "{{#if ok}}\n\n    {{absent}}{{/if}}",
};

const CONTEXT = {
  name: "Léa & <Co>",
  ok: true,
  other: false,
  n: 3,
  html: "<b>gras</b>",
  list: ["a", "b", "c"],
  map: { x: 1, y: 2 },
  study: { title: "Recyclerie", territory: { ebe: "EBE 18" } },
};

function setup(register: (name: string, helper: (...args: never[]) => unknown) => void): void {
  register("shout", (value: unknown) => String(value).toUpperCase());
  register("join", (list: unknown, separator: unknown) =>
    Array.isArray(list) ? list.join(String(separator)) : "",
  );
  register("gt", (a: unknown, b: unknown) => Number(a) > Number(b));
  // raw blocks call their helper with the unparsed text
  register("raw", (options: never) => (options as { fn: () => string }).fn());
}

/** What a run gives: its text, or its error's message and position. */
function outcome(engine: TemplateEngine, source: string): unknown {
  try {
    return { text: engine.compile(source)(CONTEXT) };
  } catch (error) {
    const { message, lineNumber, column } = error as {
      message: string;
      lineNumber?: number;
      column?: number;
    };
    return { message, lineNumber, column };
  }
}

let specs: PrecompiledSpecs;

beforeAll(async () => {
  const dir = await tempDir();
  mkdirSync(path.join(dir, "templates", "sub"), { recursive: true });
  for (const [name, source] of Object.entries(TEMPLATES))
    writeFileSync(path.join(dir, "templates", "sub", name), source);
  const file = path.join(dir, "precompiled.cjs");
  writeFileSync(file, precompiledModule(path.join(dir, "templates")));
  specs = createRequire(import.meta.url)(file) as PrecompiledSpecs;
});

describe("precompiled templates", () => {
  it("the build step compiles every template of the folder, under the run-time key", () => {
    expect(Object.keys(specs).sort()).toEqual(Object.values(TEMPLATES).map(templateKey).sort());
  });

  it.each(Object.keys(TEMPLATES))(
    "%s: the precompiled template gives the same text or the same error as the compiler",
    (name) => {
      const source = TEMPLATES[name] as string;
      const precompiled = new TemplateEngine(setup, () => specs);
      const compiled = new TemplateEngine(setup, () => ({}));
      expect(outcome(precompiled, source)).toEqual(outcome(compiled, source));
    },
  );

  it("a precompiled spec is what runs: the spec found under a source's key decides the text", () => {
    // Another template's spec filed under this source's key: the engine runs it.
    const swapped = {
      [templateKey(TEMPLATES["plain.hbs"] as string)]:
        specs[templateKey(TEMPLATES["triple.hbs"] as string)],
    };
    const engine = new TemplateEngine(setup, () => swapped as PrecompiledSpecs);
    expect(outcome(engine, TEMPLATES["plain.hbs"] as string)).toEqual(
      outcome(new TemplateEngine(setup, () => specs), TEMPLATES["triple.hbs"] as string),
    );
  });

  it("errors keep their position: unknown names report line and column", () => {
    const engine = new TemplateEngine(setup, () => specs);
    expect(outcome(engine, TEMPLATES["unknown.hbs"] as string)).toMatchObject({
      message: expect.stringMatching(/^"missing" not defined/),
      lineNumber: 2,
      column: 4, // Handlebars points at the last part of the path
    });
  });

  it("a source that differs by one character is compiled, not matched", () => {
    const engine = new TemplateEngine(setup, () => specs);
    const changed = `${TEMPLATES["plain.hbs"]} `;
    expect(Object.hasOwn(specs, templateKey(changed))).toBe(false);
    expect(outcome(engine, changed)).toEqual({ text: "Bonjour Léa & <Co> !\n " });
  });

  it("compiling leaves the shared options as they were (Handlebars adds its defaults to the object it gets)", () => {
    const before = JSON.stringify(COMPILE_OPTIONS);
    new TemplateEngine(setup, () => ({})).compile("{{name}} {{#each list}}{{this}}{{/each}}")(
      CONTEXT,
    );
    expect(JSON.stringify(COMPILE_OPTIONS)).toBe(before);
    expect(Object.isFrozen(COMPILE_OPTIONS)).toBe(true);
  });

  it("the build precompiled every shipped template (dist/precompiled-templates.cjs, which npm test builds first)", () => {
    const root = path.join(import.meta.dirname, "..", "..", "templates");
    const shipped = readdirSync(root, { recursive: true, encoding: "utf8" }).filter((name) =>
      name.endsWith(".hbs"),
    );
    expect(shipped.length).toBeGreaterThanOrEqual(10);
    const built = createRequire(import.meta.url)(PRECOMPILED_FILE) as PrecompiledSpecs;
    for (const name of shipped) {
      expect(
        Object.hasOwn(built, templateKey(readFileSync(path.join(root, name), "utf8"))),
        name,
      ).toBe(true);
    }
    expect(Object.keys(built)).toHaveLength(shipped.length);
  });
});
