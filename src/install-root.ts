import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The folder pile is installed in (the one holding its package.json and
 * templates/), found from this module's own place: it is dist/install-root.js
 * when compiled, a chunk of dist/bundle/ when bundled, src/ under the tests.
 */
function findInstallRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, "package.json")) && existsSync(path.join(dir, "templates")))
      return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error("pile's installation folder was not found");
    dir = parent;
  }
}

export const INSTALL_ROOT = findInstallRoot();
