import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      // Tests are a server too: `server-only` resolves to its empty module, as under React's server condition.
      "server-only": path.resolve(import.meta.dirname, "node_modules/server-only/empty.js"),
    },
  },
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/setup/global-database.ts"],
    // The race suites saturate a two-core machine on their own; running files side by side only adds noise.
    fileParallelism: false,
    // The suites judge exactness, not latency: on a loaded two-core machine 200 transactions queued on
    // one row can outwait the production limits and answer "busy" (tested on its own in e2e).
    env: { DATABASE_TX_MAX_WAIT_MS: "60000", DATABASE_TX_TIMEOUT_MS: "60000", DATABASE_POOL_TIMEOUT_MS: "60000" },
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
