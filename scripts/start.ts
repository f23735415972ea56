/**
 * `npm start`: the whole app in one command. Without DATABASE_URL it runs an embedded PostgreSQL
 * (data in .data/, durable settings), applies migrations, seeds the demo data (outside production),
 * builds the app when its sources changed, and serves it from one app process per core (Node's
 * cluster: the workers, scripts/start-worker.mjs, share the port). PostgreSQL, the migrations and the
 * build happen once, here in the primary, and so does the webhook worker (lib/webhooks/worker.ts: one
 * per app, not one per process). A worker that dies is replaced, after a pause that grows while
 * it keeps dying. Ctrl-C / SIGTERM stop every worker, then PostgreSQL.
 *
 *   npm start -- [--port 3000] [--data-dir .data] [--workers N] [--dev] [--reset]
 *
 * `--dev` runs one `next dev` (it compiles on demand and cannot share its port).
 */
import { type ChildProcess, spawn } from "node:child_process";
import cluster, { type Worker } from "node:cluster";
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { type Database, prepareDatabase } from "../lib/db/bootstrap";
import { createDb } from "../lib/db/client";
import { embeddedMaxConnections, poolPerProcess } from "../lib/db/pool-size";
import { env as environment, sessionSecret } from "../lib/env";
import { DEMO_USERS, demoSeedWanted, seedDemoData } from "../lib/seed";
import { type WebhookWorker, startWebhookWorker } from "../lib/webhooks/worker";

const root = path.resolve(import.meta.dirname, "..");
const { values: args } = parseArgs({
  options: {
    port: { type: "string", default: String(environment().PORT) },
    "data-dir": { type: "string", default: environment().ONCE_DATA_DIR },
    workers: { type: "string", default: String(environment().WEB_CONCURRENCY ?? os.availableParallelism()) },
    dev: { type: "boolean", default: false },
    reset: { type: "boolean", default: false },
  },
});
const dataDir = path.resolve(root, args["data-dir"]);
const workerCount = args.dev ? 1 : Number(args.workers);
if (!Number.isInteger(workerCount) || workerCount < 1) {
  console.error(`[once] --workers must be a whole number above 0, not "${args.workers}"`);
  process.exit(1);
}

let database: Database | null = null;
let devServer: ChildProcess | null = null;
let webhookWorker: WebhookWorker | null = null;
let stopping = false;

/** Stops the app processes first (they hold the connections), then PostgreSQL, then exits. */
async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  const exits: Promise<unknown>[] = [];
  if (devServer && devServer.exitCode === null) {
    exits.push(new Promise((resolve) => devServer!.once("exit", resolve)));
    devServer.kill("SIGTERM");
  }
  for (const worker of Object.values(cluster.workers ?? {})) {
    if (!worker || worker.isDead()) continue;
    exits.push(new Promise((resolve) => worker.once("exit", resolve)));
    worker.process.kill("SIGTERM");
  }
  await Promise.all(exits);
  // Before PostgreSQL: a delivery in flight finishes and records its answer.
  await webhookWorker?.stop();
  await database?.embedded?.stop();
  process.exit(code);
}

async function main(): Promise<void> {
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
  // The one secret rule (lib/env.ts) runs before anything touches the database or its files: production
  // without a strong secret stops here.
  const configuredSecret = sessionSecret();
  if (args.reset && !environment().DATABASE_URL) await rm(dataDir, { recursive: true, force: true });
  await mkdir(dataDir, { recursive: true });
  const secret = configuredSecret ?? (await developmentSecret());

  const wantedPool = environment().DATABASE_POOL_MAX;
  database = await prepareDatabase({
    dataDir,
    port: 54329,
    maxConnections: embeddedMaxConnections(workerCount, wantedPool),
    log: quietPostgresLog,
  });
  const pool = await poolSize(database.url, wantedPool);

  const seedDemo = demoSeedWanted(environment().ONCE_SEED_DEMO, {
    embedded: database.embedded !== null,
    production: environment().NODE_ENV === "production",
  });
  if (seedDemo) {
    const db = createDb(database.url, { max: 2 });
    const seeded = await seedDemoData(db);
    await db.$disconnect();
    if (seeded.usersCreated + seeded.couponsCreated > 0) {
      console.log(`[once] seeded ${seeded.usersCreated} demo users and ${seeded.couponsCreated} demo coupons`);
    }
  }

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: database.url,
    NEXTAUTH_SECRET: secret,
    NEXTAUTH_URL: environment().NEXTAUTH_URL ?? `http://localhost:${args.port}`,
    DATABASE_POOL_MAX: String(pool),
    // Telemetry would try to reach the internet on every build and start.
    NEXT_TELEMETRY_DISABLED: "1",
  };
  if (args.dev) {
    devServer = spawn(process.execPath, [nextBin(), "dev", "-p", args.port!, "-H", "127.0.0.1"], {
      cwd: root,
      env,
      stdio: "inherit",
    });
    devServer.once("exit", (code) => void stop(code ?? 1));
  } else {
    await buildIfStale(env);
    serveWithWorkers({ ...env, NODE_ENV: "production" });
  }
  webhookWorker = await startWebhookWorker({ databaseUrl: database.url });

  console.log(
    `\n[once] Once is starting on http://localhost:${args.port}` +
      (args.dev ? " (next dev)" : ` with ${workerCount} app process(es), ${pool} database connections each`),
  );
  console.log(
    `[once] database: ${database.embedded ? `embedded PostgreSQL at ${redact(database.url)} (data in ${dataDir})` : redact(database.url)}`,
  );
  if (seedDemo) {
    for (const user of DEMO_USERS)
      console.log(`[once]   ${user.role.toLowerCase().padEnd(8)} ${user.email}  password: ${user.password}`);
  }
}

/**
 * The pool each app process gets: DATABASE_POOL_MAX unless all processes would not fit under the
 * server's max_connections (lib/db/pool-size.ts; the embedded server was sized to fit already).
 */
async function poolSize(url: string, wanted: number): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ max: string; reserved: string }>(
      "SELECT current_setting('max_connections') AS max, current_setting('superuser_reserved_connections') AS reserved",
    );
    const size = poolPerProcess(workerCount, wanted, {
      maxConnections: Number(rows[0]!.max),
      reservedConnections: Number(rows[0]!.reserved),
    });
    if (!size.ok) throw new Error(size.message);
    if (size.shrunk)
      console.log(
        `[once] ${workerCount} processes × ${wanted} connections would not fit PostgreSQL: ${size.pool} each`,
      );
    return size.pool;
  } finally {
    await client.end();
  }
}

// A worker that dies is replaced after RESTART_MIN_MS, doubling while it keeps dying within STABLE_MS of
// its start (up to RESTART_MAX_MS); a worker that dies before it ever listened, START_FAILURES times in a
// row, means the app cannot start (port taken, broken build): everything stops instead of looping.
const RESTART_MIN_MS = 500;
const RESTART_MAX_MS = 30_000;
const STABLE_MS = 30_000;
const START_FAILURES = 5;

function serveWithWorkers(env: NodeJS.ProcessEnv): void {
  cluster.setupPrimary({
    exec: path.join(root, "scripts", "start-worker.mjs"),
    // Workers are plain Node running Next.js: none of tsx's loaders or the react-server condition.
    execArgv: [],
    args: ["--port", args.port!, "--host", "127.0.0.1"],
  });
  let startFailures = 0;
  const fork = (crashes: number): void => {
    const started = Date.now();
    let listened = false;
    const worker: Worker = cluster.fork(env);
    worker.once("listening", () => {
      listened = true;
      startFailures = 0;
      console.log(`[once] worker ${worker.id} (pid ${worker.process.pid}) serving`);
    });
    worker.once("exit", (code, signal) => {
      if (stopping) return;
      const stable = Date.now() - started >= STABLE_MS;
      if (!listened && ++startFailures >= START_FAILURES) {
        console.error(`[once] app processes keep exiting before they serve (${startFailures} in a row); stopping`);
        void stop(1);
        return;
      }
      const delay = Math.min(RESTART_MAX_MS, RESTART_MIN_MS * 2 ** (stable ? 0 : crashes));
      console.error(
        `[once] worker ${worker.id} (pid ${worker.process.pid}) exited (${signal ?? `code ${code}`}); replacing it in ${delay} ms`,
      );
      setTimeout(() => {
        if (!stopping) fork(stable ? 0 : crashes + 1);
      }, delay);
    });
  };
  for (let i = 0; i < workerCount; i++) fork(0);
}

function nextBin(): string {
  return path.join(root, "node_modules", "next", "dist", "bin", "next");
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]+@/, "//$1:***@");
}

function quietPostgresLog(line: string): void {
  if (/FATAL|PANIC|ERROR/.test(line) && !/the database system is (starting|shutting)/.test(line))
    console.error(`[postgres] ${line}`);
}

/** Outside production the secret is generated once and kept in the data folder; production brings its own. */
async function developmentSecret(): Promise<string> {
  const file = path.join(dataDir, "nextauth-secret");
  if (existsSync(file)) return (await readFile(file, "utf8")).trim();
  const secret = randomBytes(32).toString("base64url");
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

const SOURCE_ENTRIES = [
  "app",
  "components",
  "lib",
  "public",
  "types",
  "proxy.ts",
  "instrumentation.ts",
  "next.config.js",
  "package-lock.json",
  "postcss.config.mjs",
  "tsconfig.json",
];

/** `next build` takes a minute on two cores, so it runs only when the sources differ from the last build. */
async function buildIfStale(env: NodeJS.ProcessEnv): Promise<void> {
  const distDir = path.join(root, environment().ONCE_DIST_DIR);
  const stamp = path.join(distDir, "once-source-hash");
  const hash = await hashSources();
  const built =
    existsSync(path.join(distDir, "BUILD_ID")) && existsSync(stamp) && (await readFile(stamp, "utf8")) === hash;
  if (built) return;
  console.log("[once] building the app (first start, or the sources changed)…");
  const code = await new Promise<number>((resolve) => {
    spawn(process.execPath, [nextBin(), "build"], {
      cwd: root,
      env: { ...env, NODE_ENV: "production" },
      stdio: "inherit",
    }).once("exit", (exitCode) => resolve(exitCode ?? 1));
  });
  if (code !== 0) throw new Error("next build failed; see its output above.");
  await writeFile(stamp, hash);
}

async function hashSources(): Promise<string> {
  const hash = createHash("sha256");
  const visit = async (relative: string): Promise<void> => {
    const full = path.join(root, relative);
    if (!existsSync(full) || relative.startsWith(path.join("lib", "generated"))) return;
    const entries = await readdir(full, { withFileTypes: true }).catch(() => null);
    if (!entries) {
      hash.update(relative).update(await readFile(full));
      return;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name)))
      await visit(path.join(relative, entry.name));
  };
  for (const entry of SOURCE_ENTRIES) await visit(entry);
  // A build with the test-only control route must never be reused as an ordinary one.
  hash.update(`naive-control=${environment().ONCE_NAIVE_CONTROL}`);
  return hash.digest("hex");
}

main().catch((error) => {
  console.error(`[once] ${error instanceof Error ? error.message : String(error)}`);
  void stop(1);
});
