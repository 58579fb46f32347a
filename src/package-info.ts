import { readFileSync } from "node:fs";

/** pile's own package.json: its version, and its address when it declares one. */
export function packageInfo(): { version: string; homepage?: string } {
  const text = readFileSync(new URL("../package.json", import.meta.url), "utf8");
  return JSON.parse(text) as { version: string; homepage?: string };
}
