import { execFileSync } from "node:child_process";
import { defineConfig, devices } from "@playwright/test";
import { CHROMIUM_PATH } from "./e2e/chromium";
import { RELAXED_LIMITS } from "./e2e/relaxed-limits";

/**
 * The app's port: E2E_PORT, else one that is free now. Port and data folder are written back to the
 * environment, which the workers inherit, so they read this config with the same values and the suites'
 * helpers (e2e/support.ts, e2e/cluster.ts) find the same database. (The config is loaded synchronously;
 * a child process asks the kernel for a free port.)
 */
const portGiven = process.env.E2E_PORT !== undefined;
const PORT = Number(
  (process.env.E2E_PORT ??= execFileSync(process.execPath, [
    "-e",
    "const s = require('node:net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })",
  ])
    .toString()
    .trim()),
);
// The server's data folder; the suites' helpers (e2e/support.ts) read it to reach the same database.
// Runs side by side give themselves ports, and so get data folders of their own.
const DATA_DIR = (process.env.E2E_DATA_DIR ??= portGiven ? `.data/e2e-${PORT}` : ".data/e2e");
// Its own build folder: this build contains the test-only naive control route (next.config.js).
// The multi-instance suite starts more servers from the same build.
const DIST_DIR = (process.env.E2E_DIST_DIR ??= process.env.ONCE_DIST_DIR ?? ".next-e2e");

const files = (names: string[]) => names.map((name) => `**/${name}`);
// Files that must have the shared server's database to themselves, or start servers of their own
// (see the projects below).
const EXCLUSIVE = files([
  "race-tool.spec.ts",
  "decided-answer.spec.ts",
  "store-time-zone.spec.ts",
  "api-redemptions.spec.ts",
  "authorization-matrix.spec.ts",
  "tools.spec.ts",
  "start-workers.spec.ts",
]);
// Files that start clusters of their own (e2e/cluster.ts) and fire bursts that take both cores.
const CLUSTERS = files(["multi-instance.spec.ts", "durability.spec.ts", "rate-limits.spec.ts"]);

export default defineConfig({
  testDir: "e2e",
  // The helpers import domain modules marked `server-only`; this config resolves that to its empty module.
  tsconfig: "./tsconfig.e2e.json",
  outputDir: "test-results/e2e",
  fullyParallel: false,
  // Two cores: the browser suites run two files at a time (see projects).
  workers: 2,
  retries: 0,
  timeout: 60_000,
  // The JSON report feeds npm run test:timings (docs/test-timings.md).
  reporter: [
    ["list"],
    ["html", { open: "never", outputFolder: "test-results/e2e-report" }],
    ["json", { outputFile: "test-results/e2e.json" }],
  ],
  use: {
    baseURL: `http://localhost:${PORT}`,
    // A failed test keeps its trace (actions, DOM snapshots, console, network) and a screenshot, but no
    // screencast: recording one for every test, to throw it away when the test passed, cost the shared
    // files a sixth of their CPU (the browser's compositor and its messages to the runner; 2.9 -> 2.5 min).
    trace: { mode: "retain-on-failure", screenshots: false },
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  projects: [
    // Files that share the app's server and database without disturbing each other (each makes its own
    // users, coupons and products), two at a time: most of their time is a browser waiting for a page.
    {
      name: "chromium",
      use: { ...devices["Desktop Chrome"] },
      testIgnore: [...EXCLUSIVE, ...CLUSTERS],
    },
    // Then two streams side by side, each one file at a time, after the shared files and not beside them
    // (as a dependency, the shared files run whenever these do; `--no-deps` runs one of these alone, and a
    // failure among the shared files skips these).
    // The files that must have the shared database to themselves (they fire bursts at it, corrupt data on
    // purpose: the naive controls, repaired before the next file; hold the sessions table, change the
    // store's time zone, or compare the whole database before and after a refused action), and the tools
    // and `npm start` on servers of their own.
    {
      name: "exclusive",
      use: { ...devices["Desktop Chrome"] },
      testMatch: EXCLUSIVE,
      dependencies: ["chromium"],
      workers: 1,
    },
    // Beside them, the files with clusters of their own: run after the exclusive files instead, they left
    // a quarter of the two cores idle (servers starting and stopping, faults healing). They share the
    // clusters' template folder (e2e/cluster.ts), so they run one at a time too.
    {
      name: "clusters",
      use: { ...devices["Desktop Chrome"] },
      testMatch: CLUSTERS,
      dependencies: ["chromium"],
      workers: 1,
    },
  ],
  webServer: {
    // A fresh embedded database per run, with the demo data, served by the production build. Two app
    // processes, as `npm start` runs on two cores: with one, a core sat idle whenever that process was the
    // bottleneck (a quarter of the exclusive files' CPU time, measured; the race tool's bursts took 90-97 s
    // with one process, 76 with two). The suites that need more start their own (multi-instance.spec.ts).
    command: `npx tsx --conditions=react-server scripts/start.ts --port ${PORT} --data-dir ${DATA_DIR} --reset --workers 2`,
    url: `http://localhost:${PORT}/api/health`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: "pipe",
    env: { DATABASE_URL: "", ONCE_DIST_DIR: DIST_DIR, ONCE_NAIVE_CONTROL: "1", ...RELAXED_LIMITS },
  },
});
