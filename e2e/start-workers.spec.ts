import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { freePort } from "@/lib/db/embedded";

/**
 * `npm start --workers 2`: two app processes answer on one port, a killed one is replaced, and Ctrl-C
 * (SIGINT to the primary) leaves no worker and no PostgreSQL behind.
 */

test.describe.configure({ timeout: 300_000 });

const root = path.resolve(import.meta.dirname, "..");
const dataDir = path.join(root, `${process.env.E2E_DATA_DIR}-workers`);

let primary: ChildProcess | undefined;
const pids = new Set<number>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test.afterAll(async () => {
  // Whatever happened above, nothing this test started outlives it.
  if (primary && primary.exitCode === null) {
    const exited = new Promise((resolve) => primary!.once("exit", resolve));
    primary.kill("SIGKILL");
    await exited;
  }
  for (const pid of pids) if (alive(pid)) process.kill(pid, "SIGKILL");
  await rm(dataDir, { recursive: true, force: true });
});

test("two workers share the port, a dead one is replaced, SIGINT stops every process and PostgreSQL", async () => {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  primary = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "--conditions=react-server",
      "scripts/start.ts",
      ...["--port", String(port), "--data-dir", dataDir, "--reset", "--workers", "2"],
    ],
    {
      cwd: root,
      // The e2e build, reused as it is (same sources, same control route).
      env: { ...process.env, DATABASE_URL: "", ONCE_DIST_DIR: process.env.E2E_DIST_DIR, ONCE_NAIVE_CONTROL: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  pids.add(primary.pid!);
  let output = "";
  primary.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  primary.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => primary!.once("exit", resolve));

  /** Workers the primary announced as serving: number → pid. */
  const serving = () =>
    new Map([...output.matchAll(/worker (\d+) \(pid (\d+)\) serving/g)].map((m) => [Number(m[1]), Number(m[2])]));
  // Each request on a connection of its own: the primary deals connections, not requests, to its workers,
  // and a kept-alive connection would stay with one worker.
  const answeringWorkers = async (requests: number) => {
    const seen = new Set<number>();
    for (let i = 0; i < requests; i++) {
      const worker = await new Promise<string | undefined>((resolve, reject) =>
        http
          .get(`${base}/api/health`, { agent: false }, (response) => {
            expect(response.statusCode).toBe(200);
            response.resume().on("end", () => resolve(response.headers["x-once-worker"] as string | undefined));
          })
          .on("error", reject),
      );
      seen.add(Number(worker));
    }
    return seen;
  };

  await expect.poll(() => serving().size, { timeout: 240_000 }).toBe(2);
  for (const pid of serving().values()) pids.add(pid);
  const postgres = Number(readFileSync(path.join(dataDir, "pg", "postmaster.pid"), "utf8").split("\n")[0]);
  pids.add(postgres);
  // The primary hands connections to its workers in turn: a handful of requests reach both.
  expect([...(await answeringWorkers(10))].sort()).toEqual([1, 2]);

  process.kill(serving().get(1)!, "SIGKILL");
  await expect.poll(() => serving().size, { timeout: 120_000 }).toBe(3);
  for (const pid of serving().values()) pids.add(pid);
  expect(output).toMatch(/worker 1 \(pid \d+\) exited \(SIGKILL\); replacing it/);
  expect([...(await answeringWorkers(10))].sort()).toEqual([2, 3]);

  primary.kill("SIGINT");
  expect(await exited).toBe(0);
  for (const pid of pids) expect({ pid, alive: alive(pid) }).toEqual({ pid, alive: false });
});
