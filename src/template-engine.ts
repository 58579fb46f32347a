import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import path from "node:path";
import type HandlebarsModule from "handlebars";
import runtimeModule from "handlebars/runtime.js";
import { INSTALL_ROOT } from "./install-root.js";

/**
 * Handlebars for pile's two kinds of templates (study dossiers, watch
 * digests), strict (an unknown name is an error) and without HTML escaping
 * (the callers escape what must be).
 *
 * pile's own templates are compiled when pile is built
 * (scripts/precompile-templates.mjs writes dist/precompiled-templates.cjs,
 * keyed by a hash of each source): running one needs only Handlebars' small
 * runtime. Handlebars' compiler (150 KB of code, about 45 ms to load and
 * 10–20 ms per template) is loaded only for a template a workspace has
 * changed, which therefore matches no precompiled one.
 */

type Handlebars = typeof HandlebarsModule;
type TemplateSpecification = Parameters<Handlebars["template"]>[0];
/** Handlebars' runtime: the package's environment without the compiler (its own typing is empty). */
type HandlebarsRuntime = Pick<Handlebars, "create" | "template" | "registerHelper">;
const Runtime = runtimeModule as unknown as HandlebarsRuntime;
export type CompiledTemplate = (context: unknown) => string;
export type PrecompiledSpecs = Record<string, TemplateSpecification>;

/**
 * The options every template is compiled with, at build time or here; frozen,
 * and copied for each compilation: Handlebars adds its defaults to the object
 * it is given, which would change the keys.
 */
export const COMPILE_OPTIONS = Object.freeze({ strict: true, noEscape: true });

/** The key of a source among the precompiled ones (the options are part of it). */
export function templateKey(source: string): string {
  return createHash("sha256")
    .update(`${JSON.stringify(COMPILE_OPTIONS)}\n${source}`)
    .digest("hex");
}

export const PRECOMPILED_FILE = path.join(INSTALL_ROOT, "dist", "precompiled-templates.cjs");

let precompiled: PrecompiledSpecs | undefined;

function precompiledSpecs(): PrecompiledSpecs {
  if (!precompiled) {
    try {
      precompiled = createRequire(import.meta.url)(PRECOMPILED_FILE) as PrecompiledSpecs;
    } catch {
      // Not built (tests run from the sources): every template is compiled here.
      precompiled = {};
    }
  }
  return precompiled;
}

/** Whether a source was compiled when pile was built. */
export function isPrecompiled(source: string): boolean {
  return Object.hasOwn(precompiledSpecs(), templateKey(source));
}

let compiler: Handlebars | undefined;

/**
 * Loads Handlebars' compiler (its own chunk of the bundle) if one of these
 * sources was not precompiled. loadTemplates calls it; a caller that did not
 * still works, the compiler then being required from node_modules.
 */
export async function prepareTemplates(sources: Iterable<string>): Promise<void> {
  if (compiler) return;
  for (const source of sources) {
    if (!isPrecompiled(source)) {
      compiler = (await import("handlebars")).default;
      return;
    }
  }
}

export type HelperSetup = (
  register: (name: string, helper: (...args: never[]) => unknown) => void,
) => void;

/**
 * An isolated environment with its helpers: one runtime for the precompiled
 * templates, one compiler environment (created when the compiler is loaded)
 * for the others. Compiled templates are kept by source.
 */
export class TemplateEngine {
  private runtime: HandlebarsRuntime | undefined;
  private compiling: Handlebars | undefined;
  private readonly cache = new Map<string, CompiledTemplate>();

  constructor(
    private readonly setup: HelperSetup,
    /** The build's precompiled templates (tests give their own). */
    private readonly specs: () => PrecompiledSpecs = precompiledSpecs,
    /** Compiled templates kept at most (the shipped ones and a workspace's: a handful). */
    private readonly maxCached = 16,
  ) {}

  private withHelpers<T extends { registerHelper: Handlebars["registerHelper"] }>(env: T): T {
    this.setup((name, helper) => env.registerHelper(name, helper as never));
    return env;
  }

  /** The template; Handlebars' own errors (syntax, unknown names) come when it runs. */
  compile(source: string): CompiledTemplate {
    const cached = this.cache.get(source);
    if (cached) return cached;
    const specs = this.specs();
    const key = templateKey(source);
    const spec = Object.hasOwn(specs, key) ? specs[key] : undefined;
    let template: CompiledTemplate;
    if (spec) {
      this.runtime ??= this.withHelpers(Runtime.create());
      template = this.runtime.template(spec);
    } else {
      compiler ??= createRequire(import.meta.url)("handlebars") as Handlebars;
      this.compiling ??= this.withHelpers(compiler.create());
      template = this.compiling.compile(source, { ...COMPILE_OPTIONS });
    }
    if (this.cache.size >= this.maxCached) this.cache.clear();
    this.cache.set(source, template);
    return template;
  }
}
