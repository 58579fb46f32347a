/** `module.exports = { key: spec, … }` for every .hbs file under a folder (see the .mjs). */
export function precompiledModule(templatesDir: string): string;
