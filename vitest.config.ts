import os from "node:os";
import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    testTimeout: 20_000,
    // Command and end-to-end tests work in their own temporary folders.
    pool: "forks",
    // pile's parse cache (src/workspace/parsed-yaml-cache.ts) in a temporary
    // folder, never in the home folder of whoever runs the tests.
    // (Entries are keyed by content: one folder serves every run.)
    env: { PILE_CACHE_DIR: path.join(os.tmpdir(), "pile-test-cache") },
  },
});
