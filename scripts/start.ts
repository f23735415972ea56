/**
 * `npm start`: the whole app in one command. Without DATABASE_URL it runs an embedded PostgreSQL
 * (data in .data/, durable settings), applies migrations, seeds the demo data (outside production),
 * builds the app when its sources changed, and serves it with `next start`. Ctrl-C / SIGTERM stop
 * Next.js and PostgreSQL cleanly.
 *
 *   npm start -- [--port 3000] [--data-dir .data] [--dev] [--reset]
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { type Database, prepareDatabase } from "../lib/db/bootstrap";
import { createDb } from "../lib/db/client";
import { env as environment, sessionSecret } from "../lib/env";
import { DEMO_USERS, demoSeedWanted, seedDemoData } from "../lib/seed";

const root = path.resolve(import.meta.dirname, "..");
const { values: args } = parseArgs({
  options: {
    port: { type: "string", default: String(environment().PORT) },
    "data-dir": { type: "string", default: environment().ONCE_DATA_DIR },
    dev: { type: "boolean", default: false },
    reset: { type: "boolean", default: false },
  },
});
const dataDir = path.resolve(root, args["data-dir"]);

let database: Database | null = null;
let next: ChildProcess | null = null;
let stopping = false;

/** Stops Next.js first (it holds the connections), then PostgreSQL, then exits. */
async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  if (next && next.exitCode === null) {
    next.kill("SIGTERM");
    await new Promise((resolve) => next!.once("exit", resolve));
  }
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

  database = await prepareDatabase({ dataDir, port: 54329, log: quietPostgresLog });

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
    // Telemetry would try to reach the internet on every build and start.
    NEXT_TELEMETRY_DISABLED: "1",
  };
  if (!args.dev) await buildIfStale(env);

  next = spawn(process.execPath, [nextBin(), args.dev ? "dev" : "start", "-p", args.port!, "-H", "127.0.0.1"], {
    cwd: root,
    env,
    stdio: "inherit",
  });
  next.once("exit", (code) => void stop(code ?? 1));

  console.log(`\n[once] Once is starting on http://localhost:${args.port}`);
  console.log(
    `[once] database: ${database.embedded ? `embedded PostgreSQL at ${redact(database.url)} (data in ${dataDir})` : redact(database.url)}`,
  );
  if (seedDemo) {
    for (const user of DEMO_USERS)
      console.log(`[once]   ${user.role.toLowerCase().padEnd(8)} ${user.email}  password: ${user.password}`);
  }
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
