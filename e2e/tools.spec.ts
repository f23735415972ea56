import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { freePort } from "@/lib/db/embedded";

/**
 * Every command the README names, beside a running `npm start` (they join the PostgreSQL it runs on
 * the data folder) and with nothing running (they start one for themselves and stop it again).
 */

test.describe.configure({ mode: "serial", timeout: 300_000 });

const root = path.resolve(import.meta.dirname, "..");
const dataDir = path.join(root, `${process.env.E2E_DATA_DIR}-tools`);
const postmasterPid = path.join(dataDir, "pg", "postmaster.pid");

function run(command: string, args: string[] = [], env: Record<string, string | undefined> = {}) {
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", command, ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: "", ONCE_DATA_DIR: dataDir, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; output: string }>((resolve) =>
    child.once("exit", (code) => resolve({ code, output })),
  );
  return { child, exited };
}

/** The README's commands, each with what it prints when it worked. */
function tools(appUrl: string): [string, string[], RegExp][] {
  return [
    ["scripts/db-migrate.ts", [], /already applied/],
    ["scripts/db-seed.ts", [], /usersCreated/],
    ["scripts/db-verify.ts", [], /All invariants hold/],
    ["scripts/seed-load.ts", ["--redemptions", "500", "--data-dir", dataDir], /invariant checker: all hold/],
    ["scripts/bench-audit.ts", ["--redemptions", "1000", "--data-dir", dataDir], /CSV export of every redemption/],
    [
      "scripts/api-keys.ts",
      ["create", "--name", "tools", "--scopes", "redeem,checkout"],
      /\nonce_live_\w{12}_[\w-]{43}\n$/,
    ],
    [
      "scripts/race.ts",
      ["--url", appUrl, "--code", "WELCOME10", "--requests", "20", "--users", "5", "--limit", "1"],
      /successes 1 \(limit 1\)/,
    ],
  ];
}

let app: ChildProcess | undefined;

test.afterAll(async () => {
  if (app && app.exitCode === null) {
    const exited = new Promise((resolve) => app!.once("exit", resolve));
    app.kill("SIGTERM");
    await exited;
  }
  await rm(dataDir, { recursive: true, force: true });
});

test("beside a running npm start, every tool joins its database and leaves it running", async () => {
  const port = await freePort();
  const appUrl = `http://127.0.0.1:${port}`;
  const started = run(
    "scripts/start.ts",
    ["--port", String(port), "--data-dir", dataDir, "--reset", "--workers", "1"],
    {
      // The e2e build, reused as it is (same sources, same control route).
      ONCE_DIST_DIR: process.env.E2E_DIST_DIR,
      ONCE_NAIVE_CONTROL: "1",
    },
  );
  app = started.child;
  await expect
    .poll(
      () =>
        fetch(`${appUrl}/api/health`).then(
          (r) => r.status,
          () => 0,
        ),
      { timeout: 180_000 },
    )
    .toBe(200);

  for (const [command, args, worked] of tools(appUrl)) {
    const { code, output } = await run(command, args).exited;
    expect(output, command).not.toMatch(/already running/);
    expect({ command, code, worked: worked.test(output) }, output).toEqual({ command, code: 0, worked: true });
    expect((await fetch(`${appUrl}/api/health`)).status, `the app still serves after ${command}`).toBe(200);
  }

  const exited = new Promise((resolve) => app!.once("exit", resolve));
  app.kill("SIGTERM");
  await exited;
  expect(existsSync(postmasterPid)).toBe(false);
});

test("with nothing running, every database tool starts its own server and stops it again", async () => {
  for (const [command, args, worked] of tools("http://127.0.0.1:1").slice(0, -1)) {
    const { code, output } = await run(command, args).exited;
    expect({ command, code, worked: worked.test(output) }, output).toEqual({ command, code: 0, worked: true });
    expect(existsSync(postmasterPid), `${command} stopped its server`).toBe(false);
  }
  // The race tool attacks a running app; with none it says so instead of failing with a stack trace.
  const { code, output } = await run("scripts/race.ts", ["--url", "http://127.0.0.1:1", "--code", "X"]).exited;
  expect(code).toBe(2);
  expect(output).toContain("cannot reach http://127.0.0.1:1");
});
