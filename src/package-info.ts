import { readFileSync } from "node:fs";
import path from "node:path";
import { INSTALL_ROOT } from "./install-root.js";

/** pile's own package.json: its version, and its address when it declares one. */
export function packageInfo(): { version: string; homepage?: string } {
  const text = readFileSync(path.join(INSTALL_ROOT, "package.json"), "utf8");
  return JSON.parse(text) as { version: string; homepage?: string };
}
