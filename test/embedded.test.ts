import { spawn } from "node:child_process";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "@/lib/db/embedded";

// Under the project (not /tmp): the postgres OS user must be able to reach the folder when run as root.
const root = path.resolve(import.meta.dirname, "../.data/test/embedded");
afterAll(() => rm(root, { recursive: true, force: true }));

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query("SELECT 1 AS one");
  await client.end();
  return rows[0]?.one === 1;
}

/** Runs the embedded server in a child process and SIGKILLs that process once the server is up. */
async function crashWhileRunning(dataDir: string): Promise<void> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(import.meta.dirname, "fixtures/run-embedded.ts"), dataDir],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("ready") && resolve());
    child.once("exit", (code) => reject(new Error(`fixture exited early with ${code}`)));
  });
  child.kill("SIGKILL");
  await new Promise((resolve) => child.once("exit", resolve));
}

describe("embedded PostgreSQL after a crash", () => {
  it("starts again after the app was SIGKILLed and left its server orphaned", async () => {
    const dataDir = path.join(root, "orphan");
    await crashWhileRunning(dataDir);
    const database = await startEmbeddedPostgres({ dataDir, port: 0 });
    try {
      expect(await answers(database.url)).toBe(true);
    } finally {
      await database.stop();
    }
  });

  it("starts again when a stale postmaster.pid names a PID that another process now has", async () => {
    const dataDir = path.join(root, "stale");
    const first = await startEmbeddedPostgres({ dataDir, port: 0 });
    await first.stop();
    // This test's own PID: alive, but not a postgres; postgres alone would refuse to start.
    await writeFile(path.join(dataDir, "postmaster.pid"), `${process.pid}\n${dataDir}\n`);
    const database = await startEmbeddedPostgres({ dataDir, port: 0 });
    try {
      expect(await answers(database.url)).toBe(true);
    } finally {
      await database.stop();
    }
  });

  it("refuses clearly when another live instance runs on the same data folder", async () => {
    const dataDir = path.join(root, "busy");
    await mkdir(root, { recursive: true });
    const running = await startEmbeddedPostgres({ dataDir, port: 0 });
    try {
      await expect(startEmbeddedPostgres({ dataDir, port: 0 })).rejects.toThrow(
        /already running on .* for another process/,
      );
    } finally {
      await running.stop();
    }
  });
});
