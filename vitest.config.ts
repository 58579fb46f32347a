import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    testTimeout: 20_000,
    // Command and end-to-end tests work in their own temporary folders.
    pool: "forks",
  },
});
