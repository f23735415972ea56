import path from "node:path";
import { defineConfig } from "vitest/config";

const alias = {
  "@": path.resolve(import.meta.dirname),
  // Tests are a server too: `server-only` resolves to its empty module, as under React's server condition.
  "server-only": path.resolve(import.meta.dirname, "node_modules/server-only/empty.js"),
};

/**
 * Two projects, both run by `npm test` (`vitest run`): `unit` (test/unit/, pure code, no database; also
 * `vitest run --project unit` alone) and `db` (everything else in test/, against a real PostgreSQL that
 * the global setup starts).
 */
export default defineConfig({
  resolve: { alias },
  test: {
    // Two files at a time: every file works in databases of its own (cloned from a template), and a
    // file's connections are told apart by their application_name (test/setup/connection-guard.ts).
    fileParallelism: true,
    maxWorkers: 2,
    // The JSON report feeds npm run test:timings (docs/test-timings.md).
    reporters: ["default", ["json", { outputFile: "test-results/vitest.json" }]],
    projects: [
      {
        resolve: { alias },
        test: { name: "unit", include: ["test/unit/**/*.test.ts"], sequence: { groupOrder: 0 } },
      },
      {
        resolve: { alias },
        test: {
          name: "db",
          include: ["test/**/*.test.ts"],
          exclude: ["test/unit/**"],
          sequence: { groupOrder: 1 },
          globalSetup: ["test/setup/global-database.ts"],
          // After each file the server must have as many connections as before it: a pool left open fails loudly.
          setupFiles: ["test/setup/connection-guard.ts"],
          // The suites judge exactness, not latency: on a loaded two-core machine 200 transactions queued on
          // one row can outwait the production limits and answer "busy" (tested on its own in e2e).
          env: { DATABASE_TX_MAX_WAIT_MS: "60000", DATABASE_TX_TIMEOUT_MS: "60000", DATABASE_POOL_TIMEOUT_MS: "60000" },
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
