import { spawn } from "node:child_process";
import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { PASSWORD_FILE, freePort, startEmbeddedPostgres, useEmbeddedPostgres } from "@/lib/db/embedded";

// Under the project (not /tmp): the postgres OS user must be able to reach the folder when run as root.
const root = path.resolve(import.meta.dirname, "../.data/test/embedded");
afterAll(() => rm(root, { recursive: true, force: true }));

async function answers(url: string): Promise<boolean> {
  return (await query(url, "SELECT 1 AS one"))[0]?.one === 1;
}

async function query(url: string, sql: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

async function durabilitySettings(url: string) {
  const [row] = await query(
    url,
    "SELECT current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS synchronous_commit, current_setting('full_page_writes') AS full_page_writes",
  );
  return row;
}

/**
 * The embedded server in a child process of its own, as `npm start` runs it: `ready` resolves with its
 * URL once it is up and rejects when the process exits first.
 */
function runInChild(dataDir: string, preferredPort = 0) {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "--conditions=react-server",
      path.join(import.meta.dirname, "fixtures/run-embedded.ts"),
      dataDir,
      String(preferredPort),
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      const url = /ready (\S+)/.exec(chunk.toString())?.[1];
      if (url) resolve(url);
    });
    void exited.then(() => reject(new Error(`the server on ${dataDir} exited before it was ready`)));
  });
  return { child, ready, exited };
}

/** Runs the embedded server in a child process and SIGKILLs that process once the server is up. */
async function crashWhileRunning(dataDir: string): Promise<void> {
  const { child, ready, exited } = runInChild(dataDir);
  await ready;
  child.kill("SIGKILL");
  await exited;
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

describe("embedded PostgreSQL settings and login", () => {
  it("is durable unless a throwaway database opts into the fast settings by name", async () => {
    const durable = await startEmbeddedPostgres({ dataDir: path.join(root, "durable"), port: 0 });
    try {
      expect(await durabilitySettings(durable.url)).toEqual({
        fsync: "on",
        synchronous_commit: "on",
        full_page_writes: "on",
      });
    } finally {
      await durable.stop();
    }
    const fast = await startEmbeddedPostgres({
      dataDir: path.join(root, "fast"),
      port: 0,
      unsafeFastForThrowawayData: true,
    });
    try {
      expect(await durabilitySettings(fast.url)).toEqual({
        fsync: "off",
        synchronous_commit: "off",
        full_page_writes: "off",
      });
    } finally {
      await fast.stop();
    }
  });

  it("generates a password per data folder, kept in it readable by its owner only", async () => {
    const [a, b] = [path.join(root, "login-a"), path.join(root, "login-b")];
    const first = await startEmbeddedPostgres({ dataDir: a, port: 0 });
    const second = await startEmbeddedPostgres({ dataDir: b, port: 0 });
    try {
      const passwords = await Promise.all(
        [a, b].map(async (dir) => (await readFile(path.join(dir, PASSWORD_FILE), "utf8")).trim()),
      );
      expect(passwords[0]).toMatch(/^[\w-]{32}$/);
      expect(passwords[0]).not.toBe(passwords[1]);
      expect((await stat(path.join(a, PASSWORD_FILE))).mode & 0o777).toBe(0o600);
      expect(new URL(first.url).password).toBe(passwords[0]);
      // The old fixed login is gone, and another folder's password does not open this one.
      const wrong = new URL(first.url);
      for (const password of ["once", passwords[1]!]) {
        wrong.password = password;
        await expect(answers(wrong.toString())).rejects.toThrow(/password authentication failed/);
      }
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
  });

  it("replaces the fixed login of a folder made before passwords were generated", async () => {
    const dataDir = path.join(root, "legacy");
    const first = await startEmbeddedPostgres({ dataDir, port: 0 });
    await query(first.url, "ALTER ROLE once PASSWORD 'once'");
    await first.stop();
    await rm(path.join(dataDir, PASSWORD_FILE));
    const again = await startEmbeddedPostgres({ dataDir, port: 0 });
    try {
      const password = (await readFile(path.join(dataDir, PASSWORD_FILE), "utf8")).trim();
      expect(password).not.toBe("once");
      expect(await answers(again.url)).toBe(true);
    } finally {
      await again.stop();
    }
  });

  it("lets a tool join the server another process runs on the folder, and leaves it running", async () => {
    const dataDir = path.join(root, "shared");
    const owner = await startEmbeddedPostgres({ dataDir, port: 0 });
    try {
      const tool = await useEmbeddedPostgres({ dataDir });
      expect(tool).toMatchObject({ attached: true, port: owner.port });
      expect(await answers(tool.url)).toBe(true);
      await tool.stop();
      expect(await answers(owner.url)).toBe(true);
    } finally {
      await owner.stop();
    }
    // Nothing running: the tool starts its own server, and stops it.
    const alone = await useEmbeddedPostgres({ dataDir });
    expect(alone.attached).toBe(false);
    expect(await answers(alone.url)).toBe(true);
    await alone.stop();
    await expect(answers(alone.url)).rejects.toThrow();
  });
});

describe("embedded PostgreSQL servers started side by side", () => {
  it("several fresh ones started at once, all preferring one free port, all come up on ports of their own", async () => {
    // Each probes nothing: postgres binds, and the ones that lose the port to another retry on a new one.
    // (Probing first, all of them saw the port free, then initdb ran, and all but one failed to bind.)
    const preferred = await freePort();
    const servers = [0, 1, 2].map((i) => runInChild(path.join(root, `side-by-side-${i}`), preferred));
    try {
      const urls = await Promise.all(servers.map((s) => s.ready));
      expect(new Set(urls.map((url) => new URL(url).port)).size).toBe(servers.length);
      for (const url of urls) expect(await answers(url)).toBe(true);
    } finally {
      // Each is up or gone before it is stopped, so no server is left behind half-started.
      await Promise.allSettled(servers.map((s) => s.ready));
      for (const { child } of servers) child.kill("SIGTERM");
      await Promise.all(servers.map((s) => s.exited));
    }
  });
});
