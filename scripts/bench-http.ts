/**
 * `npm run bench:http [-- --requests 600 --concurrency 64 --unsafe-fast]`
 *
 * The strategy benchmark's HTTP column: the same load as `npm run bench`, sent as real requests to one
 * `next start` (production build, started here by scripts/start.ts on a fresh embedded PostgreSQL),
 * through POST /api/redemptions with a signed-in session each. Measures the strategies the app can
 * serve: Once on the coupon row, Once in hot-coupon mode, and the naive control (its test-only route,
 * compiled in because this build sets ONCE_NAIVE_CONTROL=1). Prints a table and writes
 * docs/benchmarks-http.md (docs/benchmarks-http-unsafe-fast.md with --unsafe-fast). Asserts nothing
 * about speed.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createDb } from "../lib/db/client";
import { freePort } from "../lib/db/embedded";
import { findViolations } from "../lib/invariants";
import { hashPassword } from "../lib/passwords";
import { benchCoupons, benchDatabase, durabilityOf, type Load, percentile, runLoad } from "./bench/harness";
import { cookieHeader, send } from "./race/http";
import { type Jar, signIn } from "./race/session";

const { values } = parseArgs({
  options: {
    requests: { type: "string", default: "600" },
    concurrency: { type: "string", default: "64" },
    "unsafe-fast": { type: "boolean", default: false },
  },
});
const REQUESTS = Number(values.requests);
const CONCURRENCY = Number(values.concurrency);
const HOT_LIMIT = Math.floor(REQUESTS / 2);
const PASSWORD = "bench-http-password";
const root = path.resolve(import.meta.dirname, "..");

const database = await benchDatabase("bench-http", { unsafeFast: values["unsafe-fast"] });
const db = createDb(database.url, { max: 4 });
const durability = await durabilityOf(db);
console.log(`database: ${durability}`);
const port = await freePort(0);
const base = new URL(`http://127.0.0.1:${port}`);
const app = startApp();

try {
  await waitUntilHealthy();
  const jars = await signedInUsers(REQUESTS);
  const rows: { scenario: string; strategy: string; limit: number; load: Load }[] = [];
  const measure = async (
    scenario: "hot" | "many",
    strategy: string,
    route: string,
    counter: "SINGLE_ROW" | "SLOTS",
  ) => {
    const codes =
      scenario === "hot" ? await benchCoupons(db, 1, HOT_LIMIT, counter) : await benchCoupons(db, REQUESTS, 1, counter);
    const load = await runLoad(REQUESTS, CONCURRENCY, (i) =>
      redeemOverHttp(route, jars[i]!, scenario === "hot" ? codes[0]! : codes[i]!),
    );
    rows.push({ scenario, strategy, limit: scenario === "hot" ? HOT_LIMIT : REQUESTS, load });
    console.log(
      `${scenario.padEnd(5)} ${strategy.padEnd(28)} ${load.successes}/${scenario === "hot" ? HOT_LIMIT : REQUESTS} ok in ${load.seconds.toFixed(1)} s`,
    );
  };
  // Warm-up: every route compiled and the pools open before anything is measured.
  const [warm] = await benchCoupons(db, 1, 1_000_000);
  await runLoad(64, 16, (i) => redeemOverHttp("/api/redemptions", jars[i]!, warm!));

  for (const scenario of ["hot", "many"] as const) {
    await measure(scenario, "Once: guarded updateMany", "/api/redemptions", "SINGLE_ROW");
    await measure(scenario, "Once: hot-coupon slots", "/api/redemptions", "SLOTS");
  }
  // Checked before the naive control runs, whose oversells and lost updates are violations by design.
  const violations = await findViolations(db);
  if (violations.length > 0) console.log("invariant violations after Once's runs:", violations.slice(0, 5));
  const [naiveWarm] = await benchCoupons(db, 1, 1_000_000, "SINGLE_ROW");
  await runLoad(64, 16, (i) => redeemOverHttp("/api/control/naive-redemptions", jars[i]!, naiveWarm!));
  for (const scenario of ["hot", "many"] as const) {
    await measure(scenario, "naive check-then-act", "/api/control/naive-redemptions", "SINGLE_ROW");
  }

  const rate = (load: Load) => load.successes / load.seconds;
  // Requests, not redemptions: the hot coupon sells out halfway, and its refusals are part of its load.
  const requestRate = (load: Load) => load.requests / load.seconds;
  const find = (scenario: string, strategy: string) =>
    rows.find((r) => r.scenario === scenario && r.strategy === strategy)!;
  const many = find("many", "Once: guarded updateMany");
  const table = [
    "| scenario | strategy | successes / limit | redemptions/s | requests/s | p50 ms | p99 ms | errors | requests/s vs Once, many coupons |",
    "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows.map((r) => {
      const errors = Object.values(r.load.errors).reduce((a, b) => a + b, 0);
      const over = r.load.successes > r.limit ? ` (**${r.load.successes - r.limit} over**)` : "";
      return `| ${r.scenario === "hot" ? "one hot coupon" : "many coupons"} | ${r.strategy} | ${r.load.successes} / ${r.limit}${over} | ${rate(r.load).toFixed(0)} | ${(r.load.requests / r.load.seconds).toFixed(0)} | ${percentile(r.load.latencies, 50).toFixed(1)} | ${percentile(r.load.latencies, 99).toFixed(1)} | ${errors} | ${(requestRate(r.load) / requestRate(many.load)).toFixed(2)} |`;
    }),
  ].join("\n");
  const hotRow = find("hot", "Once: guarded updateMany");
  const hotSlots = find("hot", "Once: hot-coupon slots");
  const report = `# Benchmarks over HTTP

Generated by \`npm run bench:http\` on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}),
Node.js ${process.version}, one \`next start\` (production build, default pool of ${process.env.DATABASE_POOL_MAX ?? 10} connections)
on an embedded PostgreSQL, ${durability}, the load generator on the same machine. ${REQUESTS} requests per run, ${CONCURRENCY} in flight,
one signed-in customer per request, a new connection per request. "One hot coupon" has a limit of ${HOT_LIMIT}.

${table}

Once hot / many throughput over HTTP (requests per second): single row ${(requestRate(hotRow.load) / requestRate(many.load)).toFixed(2)}, hot-coupon slots ${(requestRate(hotSlots.load) / requestRate(many.load)).toFixed(2)}.
Invariant violations after Once's runs (checked before the naive control ran): ${violations.length}.

SERIALIZABLE, FOR UPDATE and the raw-SQL baseline are not routes of the app, so they are measured in
process only (docs/benchmarks.md).
`;
  console.log(`\n${table}\n`);
  await mkdir(path.join(root, "docs"), { recursive: true });
  const reportFile = values["unsafe-fast"] ? "benchmarks-http-unsafe-fast.md" : "benchmarks-http.md";
  await writeFile(path.join(root, "docs", reportFile), report);
  console.log(`written to docs/${reportFile}`);
} finally {
  await stopApp(app);
  await db.$disconnect();
  await database.embedded?.stop();
}

function startApp(): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", path.join(root, "scripts", "start.ts"), "--port", String(port)], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      ONCE_DIST_DIR: process.env.ONCE_DIST_DIR ?? ".next-e2e",
      ONCE_NAIVE_CONTROL: "1",
      NEXTAUTH_URL: base.origin,
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
}

async function waitUntilHealthy(): Promise<void> {
  // The first run builds the app (a few minutes on two cores); later runs reuse the build.
  for (let waited = 0; waited < 15 * 60_000; waited += 500) {
    if (app.exitCode !== null) throw new Error("the app exited before it became healthy");
    const ok = await fetch(new URL("/api/health", base), { signal: AbortSignal.timeout(2_000) })
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error("the app did not become healthy");
}

function stopApp(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  return exited;
}

/** Customers created directly (one password hash shared) and signed in through next-auth, a few at a time. */
async function signedInUsers(count: number): Promise<Jar[]> {
  const tag = randomUUID().slice(0, 8);
  const passwordHash = await hashPassword(PASSWORD);
  const emails = Array.from({ length: count }, (_, i) => `http-${tag}-${i}@bench.once`);
  await db.user.createMany({ data: emails.map((email, i) => ({ email, name: `bench ${i}`, passwordHash })) });
  const jars: Jar[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < emails.length) {
        const i = next++;
        const jar = await signIn(base, emails[i]!, PASSWORD);
        if (!jar) throw new Error(`could not sign in ${emails[i]}`);
        jars[i] = jar;
      }
    }),
  );
  return jars;
}

async function redeemOverHttp(route: string, jar: Jar, code: string): Promise<{ ok: boolean; error?: string }> {
  try {
    const response = await send(base, {
      method: "POST",
      path: route,
      headers: { "Content-Type": "application/json", "Idempotency-Key": randomUUID(), Cookie: cookieHeader(jar) },
      body: Buffer.from(JSON.stringify({ code })),
    });
    return { ok: response.status === 201, error: response.status >= 500 ? `HTTP ${response.status}` : undefined };
  } catch (error) {
    return { ok: false, error: `connection: ${(error as Error).message}` };
  }
}
