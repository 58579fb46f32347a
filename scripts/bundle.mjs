// Bundles the compiled CLI (dist/main.js and, through their dynamic imports,
// the command modules) into dist/bundle/, split into chunks so that each
// command still loads only what it uses. Loading a few chunks instead of
// hundreds of small modules (zod alone is several hundred files) is what
// keeps start-up short on Node 20, which has no module compile cache.
// dist/bundle/meta.json tells which source modules each chunk holds (the
// start-up test reads it).
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { build } from "esbuild";

// The precompiled templates come first (scripts/precompile-templates.mjs):
// without them pile would still work, only slower, so their absence must fail the build.
if (!existsSync("dist/precompiled-templates.cjs"))
  throw new Error(
    "dist/precompiled-templates.cjs is missing: run scripts/precompile-templates.mjs",
  );
// Chunk names carry a content hash: clear the old ones, which nothing loads.
rmSync("dist/bundle", { recursive: true, force: true });
const result = await build({
  entryPoints: ["dist/main.js"],
  outdir: "dist/bundle",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // Readable names are kept for --debug stack traces; whitespace and syntax are minified.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: "none",
  metafile: true,
  logLevel: "warning",
  // Bundled CommonJS packages (handlebars, rss-parser, iconv-lite) still call require().
  banner: {
    js: 'import { createRequire as __pileRequire } from "node:module"; const require = __pileRequire(import.meta.url);',
  },
});
writeFileSync("dist/bundle/meta.json", JSON.stringify(result.metafile));
