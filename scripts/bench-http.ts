/**
 * `npm run bench:http [-- --seconds 10 --connections 50,100 --workers 2,1 --db durable,fast --trials 3
 *                      --only redeem,session --skip-strategies --skip-crowd --profile DIR]`
 *
 * Once over HTTP: production builds of the app (`next start`, started here by scripts/start.ts, with
 * the test-only control routes compiled in by ONCE_NAIVE_CONTROL=1) on a fresh embedded PostgreSQL.
 *
 * 1. The denominator: the raw-SQL baseline (scripts/bench/strategies.ts) and Once's engine, in this
 *    process, on the same database, one hot coupon and many coupons.
 * 2. Sustained load with autocannon: keep-alive, 50 and 100 connections, every request its own
 *    Idempotency-Key, signed-in customers taken in turn, against a table of scenarios: /api/health and
 *    the session check (the framework's own cost), then POST /api/redemptions on one hot coupon (row
 *    and slots) and on many coupons. Requests/s, p50/p95/p99 and errors per scenario, medians over
 *    `--trials`; after every run the database is checked (invariants, and as many redemptions as
 *    requests answered 201). `--workers 2,1` repeats the table with `npm start --workers 2`, then 1
 *    (default: `npm start`'s own default, one per core, then 1).
 * 2b. The flash crowd: 1,000 requests from 200 signed-in customers, released together (last-byte sync,
 *    scripts/race/http.ts), on one coupon with 500 uses, counted on the row, in slots and as Automatic
 *    chooses: exactly 500 redeemed, no 5xx, every request answered, the time to the last answer, p50/p99.
 * 3. The strategies the app serves, closed loop with a new connection per request (`--requests`,
 *    `--concurrency`): Once on the coupon row, in hot-coupon mode, and the naive control.
 *
 * Prints the tables and writes docs/benchmarks-http.md. Exits 1 when any invariant is violated;
 * asserts nothing about speed. `--profile DIR` samples the apps' CPU (scripts/bench/cpu-profile.mjs) and writes each run's
 * time window to DIR/windows.json for `scripts/profile-summary.ts --from --to`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import pg from "pg";
import { redeemedTotals } from "../lib/counters";
import type { CounterChoice } from "../lib/coupon-terms";
import { createDb, type Db } from "../lib/db/client";
import { env } from "../lib/env";
import { freePort } from "../lib/db/embedded";
import { findViolations } from "../lib/invariants";
import { hashPassword } from "../lib/passwords";
import { placeOrder } from "../lib/checkout/place-order";
import {
  benchAdmin,
  benchCoupons,
  benchDatabase,
  benchProduct,
  benchUsers,
  durabilityOf,
  fundCustomers,
  type Load,
  percentile,
  runLoad,
} from "./bench/harness";
import { guarded, rawSql, type Strategy } from "./bench/strategies";
import { cpuBetween, cpuSnapshot, type CpuUse } from "./bench/cpu";
import { type SustainedResult, type SustainedScenario, sustain } from "./bench/sustained";
import { RELAXED_LIMITS } from "../e2e/relaxed-limits";
import { burst, cookieHeader, send, serialise } from "./race/http";
import { type Jar, signIn } from "./race/session";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "10" },
    connections: { type: "string", default: "50,100" },
    // `npm start`'s own default (one worker per core), then one worker for comparison.
    workers: { type: "string", default: [...new Set([os.availableParallelism(), 1])].join(",") },
    db: { type: "string", default: "durable" },
    trials: { type: "string", default: "1" },
    "in-process-requests": { type: "string", default: "2000" },
    requests: { type: "string", default: "600" },
    concurrency: { type: "string", default: "64" },
    only: { type: "string" },
    "skip-strategies": { type: "boolean", default: false },
    "skip-crowd": { type: "boolean", default: false },
    profile: { type: "string" },
  },
});
const SECONDS = Number(values.seconds);
const CONNECTIONS = values.connections.split(",").map(Number);
const WORKERS = values.workers.split(",").map(Number);
/** "durable" is what `npm start` runs; "fast" is a throwaway database without fsync, shown beside it. */
type Durability = "durable" | "fast";
const DURABILITIES = values.db.split(",") as Durability[];
const TRIALS = Number(values.trials);
/** Runs only the sustained scenarios whose names contain one of these (comma-separated). */
const ONLY = values.only?.split(",") ?? null;
const IN_PROCESS_REQUESTS = Number(values["in-process-requests"]);
const REQUESTS = Number(values.requests);
const CONCURRENCY = Number(values.concurrency);
const HOT_LIMIT = Math.floor(REQUESTS / 2);
/** Enough that no hot-coupon run can exhaust it: the hot scenarios measure taking uses, not refusing. */
const UNREACHABLE_LIMIT = 100_000_000;
/** The flash crowd (crowds()): requests, from how many customers, on a coupon with how many uses. */
const CROWD_REQUESTS = 1_000;
const CROWD_CUSTOMERS = 200;
const CROWD_USES = 500;
/**
 * Customers taken in turn by the sustained load: twice the connections, so one rarely has two requests in
 * flight; the crowd's customers are among them.
 */
const LOAD_USERS = Math.max(CROWD_CUSTOMERS, 2 * Math.max(...CONNECTIONS));
const PASSWORD = "bench-http-password";
/** Credit per ordering customer: 100,000 orders of 1.00, more than any run places. */
const ORDER_CREDIT_CENTS = 10_000_000;
const APP_POOL = env().DATABASE_POOL_MAX;
const root = path.resolve(import.meta.dirname, "..");
const profileDir = values.profile ? path.resolve(values.profile) : null;
if (DURABILITIES.some((d) => d !== "durable" && d !== "fast")) throw new Error("--db takes durable and/or fast");

interface App {
  child: ChildProcess;
  base: URL;
  workers: number;
}
interface Measured extends SustainedResult {
  cpu: CpuUse;
  /** The one-minute load average just before the run: how busy the machine already was. */
  loadAverage: number;
}
/** A rate measured in process, with the load average just before its run. */
interface Rate {
  perSecond: number;
  loadAverage: number;
}
interface SustainedRow extends Measured {
  durability: Durability;
  workers: number;
  trials: number;
  denominator: number | null;
}
interface OrderRow {
  durability: Durability;
  stocked: Rate;
  untracked: Rate;
}
interface InProcessRow {
  durability: Durability;
  strategy: string;
  hot: Rate;
  many: Rate;
}
interface CrowdRow {
  durability: Durability;
  workers: number;
  counter: CounterChoice;
  redeemed: number;
  statuses: Record<string, number>;
  unanswered: number;
  lastAnswerMs: number;
  p50: number;
  p99: number;
  loadAverage: number;
}
interface StrategyRow {
  scenario: "hot" | "many";
  strategy: string;
  limit: number;
  load: Load;
  loadAverage: number;
}

/** The machine is shared: every figure carries the one-minute load average seen just before its run. */
const loadAverage = () => os.loadavg()[0]!;
const failures: string[] = [];
const inProcessRows: InProcessRow[] = [];
const orderRows: OrderRow[] = [];
const sustainedRows: SustainedRow[] = [];
const strategyRows: StrategyRow[] = [];
const crowdRows: CrowdRow[] = [];
const settingsByDurability = new Map<Durability, string>();
const windows: object[] = [];

for (const [index, durability] of DURABILITIES.entries()) {
  const database = await benchDatabase(`bench-http-${durability}`, { unsafeFast: durability === "fast" });
  const db = createDb(database.url, { max: 4 });
  let app: App | null = null;
  try {
    settingsByDurability.set(durability, await durabilityOf(db));
    console.log(`\n== ${durability} database: ${settingsByDurability.get(durability)}`);
    app = await startApp(database.url, WORKERS[0]!, durability);
    const adminId = await benchAdmin(db);
    const load = await signedInUsers(db, app.base, LOAD_USERS);
    await fundCustomers(db, adminId, load.userIds, ORDER_CREDIT_CENTS);
    const loadJars = load.jars;

    const denominators = await inProcess(db, database.url, durability);
    await ordersInProcess(db, database.url, durability, adminId);
    for (const workers of WORKERS) {
      if (app.workers !== workers) {
        await stopApp(app.child);
        app = await startApp(database.url, workers, durability);
      }
      const { base } = app;
      const chosen = sustainedScenarios(db, loadJars, adminId).filter(
        (s) => !ONLY || ONLY.some((o) => s.name.includes(o)),
      );
      for (const scenario of chosen) await sustain(base, await scenario.prepare(), 10, 2); // warm-up: routes, plan cache, pools
      // Trials are taken in turn over the whole table (every row's first, then every row's second, …), so
      // the medians of rows compared with each other (a redemption against /api/health) span the same
      // stretch of time while the machine's own speed drifts.
      const trialsOf = new Map<string, Measured[]>();
      for (let trial = 0; trial < TRIALS; trial++) {
        for (const scenario of chosen) {
          const { name } = scenario;
          for (const connections of CONNECTIONS) {
            const result = await measureRun(db, app, scenario, connections);
            windows.push({
              durability,
              workers,
              scenario: name,
              connections,
              trial,
              served: result.served,
              ...result.window,
            });
            failures.push(
              ...result.problems.map(
                (p) => `${durability}, ${workers} worker(s), ${name}, ${connections} connections: ${p}`,
              ),
            );
            trialsOf.set(`${name}|${connections}`, [...(trialsOf.get(`${name}|${connections}`) ?? []), result]);
            console.log(
              `${durability} x${workers} ${name.padEnd(36)} ${String(connections).padStart(3)} conns  ${result.rate.toFixed(0).padStart(5)}/s  p50 ${result.p50.toFixed(0)} p95 ${result.p95.toFixed(0)} p99 ${result.p99.toFixed(0)} ms  errors ${JSON.stringify(result.errors)}  ${cpuText(result)}${result.problems.length ? `  PROBLEMS (${result.problems.length}): ${result.problems.slice(0, 3).join("; ")}` : ""}`,
            );
          }
        }
      }
      for (const scenario of chosen) {
        for (const connections of CONNECTIONS) {
          sustainedRows.push({
            ...median(trialsOf.get(`${scenario.name}|${connections}`)!),
            durability,
            workers,
            trials: TRIALS,
            denominator: scenario.denominator(denominators),
          });
        }
      }
      if (!values["skip-crowd"]) await crowds(db, app, loadJars, durability);
    }
    // Last: the naive control leaves violations behind by design, which later invariant checks would report.
    if (index === 0 && !values["skip-strategies"]) await strategies(db, app.base);
  } finally {
    if (app) await stopApp(app.child);
    await db.$disconnect();
    await database.embedded?.stop();
  }
}

const report = renderReport();
console.log(`\n${report}`);
await writeFile(path.join(root, "docs", "benchmarks-http.md"), report);
console.log("written to docs/benchmarks-http.md");
if (profileDir) {
  await writeFile(path.join(profileDir, "windows.json"), JSON.stringify(windows, null, 2));
  console.log(`profiles in ${profileDir}; run windows in ${path.join(profileDir, "windows.json")}`);
}
if (failures.length > 0) {
  console.error(`\nEXACTNESS FAILED (${failures.length}):\n${failures.slice(0, 20).join("\n")}`);
  process.exitCode = 1;
}

// ---------------------------------------------------------------------------------------------
// Scenarios

interface ScenarioDefinition {
  name: string;
  /** Fresh coupons for one run, so each run's redemptions can be counted on their own. */
  prepare(): Promise<SustainedScenario>;
  /** The in-process raw-SQL figure this scenario is compared with, if any. */
  denominator(d: { hot: number; many: number }): number | null;
}

/** The sustained-load table. */
function sustainedScenarios(db: Db, jars: Jar[], adminId: string): ScenarioDefinition[] {
  const cookie = (n: number) => cookieHeader(jars[n % jars.length]!);
  const fixed = (scenario: SustainedScenario): ScenarioDefinition => ({
    name: scenario.name,
    prepare: async () => scenario,
    denominator: () => null,
  });
  const redeeming = (name: string, kind: "hot" | "many", counter: "SINGLE_ROW" | "SLOTS"): ScenarioDefinition => ({
    name,
    denominator: (d) => d[kind],
    async prepare() {
      // Many coupons: enough that concurrent requests rarely share one, each with room for any run.
      const codes = await benchCoupons(db, kind === "hot" ? 1 : 500, UNREACHABLE_LIMIT, counter, 1_000);
      return {
        name,
        expect: 201,
        request: (n) => ({
          method: "POST",
          path: "/api/redemptions",
          headers: { "Content-Type": "application/json", "Idempotency-Key": randomUUID(), Cookie: cookie(n) },
          body: JSON.stringify({ code: codes[n % codes.length] }),
        }),
        verify: (served) => verifyRedemptions(db, codes, served),
      };
    },
  });
  return [
    fixed({
      name: "GET /api/health (two small queries)",
      expect: 200,
      request: () => ({ method: "GET", path: "/api/health" }),
    }),
    fixed({
      name: "session check: cookie (JWT) only",
      expect: 200,
      request: (n) => ({ method: "GET", path: "/api/control/session?read=jwt", headers: { Cookie: cookie(n) } }),
    }),
    fixed({
      name: "session check: cookie + user re-read",
      expect: 200,
      request: (n) => ({ method: "GET", path: "/api/control/session", headers: { Cookie: cookie(n) } }),
    }),
    redeeming("redeem: one hot coupon (row)", "hot", "SINGLE_ROW"),
    redeeming("redeem: one hot coupon (slots)", "hot", "SLOTS"),
    redeeming("redeem: many coupons (row)", "many", "SINGLE_ROW"),
    ordering("checkout: one line, stock not tracked", "untracked"),
    ordering("checkout: one line, one stock-tracked product", "stocked"),
    ordering("checkout: one line + a discount code (many codes)", "discounted"),
  ];

  /** POST /api/orders by funded customers: one line of a 1.00 product, with a 10%-off code when discounted. */
  function ordering(name: string, shape: "untracked" | "stocked" | "discounted"): ScenarioDefinition {
    return {
      name,
      denominator: () => null,
      async prepare() {
        const sku = await benchProduct(db, adminId, shape === "stocked" ? UNREACHABLE_LIMIT : null);
        const codes =
          shape === "discounted"
            ? await benchCoupons(db, 500, null, "SINGLE_ROW", 1_000, {
                kind: "PERCENT_OFF",
                percentOff: 10,
                valueCents: 0,
              })
            : [];
        return {
          name,
          expect: 201,
          request: (n) => ({
            method: "POST",
            path: "/api/orders",
            headers: { "Content-Type": "application/json", "Idempotency-Key": randomUUID(), Cookie: cookie(n) },
            body: JSON.stringify({
              lines: [{ sku, quantity: 1 }],
              ...(codes.length > 0 ? { discountCode: codes[n % codes.length] } : {}),
            }),
          }),
          verify: (served) => verifyOrders(db, sku, served),
        };
      },
    };
  }
}

/**
 * Exactness of one run: every request answered 201 committed one redemption (a request cut off when
 * the run ended may have committed without its answer being counted, at most one per connection),
 * and the coupons' counters hold exactly their redemptions.
 */
/**
 * One run of a scenario: fresh coupons, the load, the CPU each party used, then (once the requests cut
 * off at the end have finished on the server) the exactness checks.
 */
async function measureRun(
  db: Db,
  app: App,
  scenario: ScenarioDefinition,
  connections: number,
): Promise<Measured & { problems: string[]; window: { from: string; to: string } }> {
  const before1 = loadAverage();
  const prepared = await scenario.prepare();
  const from = String(process.hrtime.bigint() / 1000n);
  const before = cpuSnapshot();
  const load = await sustain(app.base, prepared, connections, SECONDS);
  const cpu = cpuBetween(before, cpuSnapshot(), [app.child.pid!]);
  const to = String(process.hrtime.bigint() / 1000n);
  await settle(db);
  const problems = [...((await prepared.verify?.(load.served)) ?? []), ...(await violations(db))];
  return { ...load, cpu, loadAverage: before1, problems, window: { from, to } };
}

async function verifyRedemptions(db: Db, codes: string[], served: number): Promise<string[]> {
  const coupons = await db.coupon.findMany({
    where: { code: { in: codes } },
    select: { id: true, redeemedCount: true },
  });
  const ids = coupons.map((c) => c.id);
  const committed = await db.redemption.count({ where: { couponId: { in: ids } } });
  const counted = [...(await redeemedTotals(db, coupons)).values()].reduce((a, b) => a + b, 0);
  const problems: string[] = [];
  if (committed < served || committed > served + Math.max(...CONNECTIONS)) {
    problems.push(`${served} requests answered 201 but ${committed} redemptions committed`);
  }
  if (counted !== committed) problems.push(`the coupons count ${counted} uses for ${committed} redemptions`);
  return problems;
}

/** Every request answered 201 placed one order of the run's product (give or take those cut off at the end). */
async function verifyOrders(db: Db, sku: string, served: number): Promise<string[]> {
  const placed = await db.order.count({ where: { lines: { some: { product: { sku } } } } });
  if (placed >= served && placed <= served + Math.max(...CONNECTIONS)) return [];
  return [`${served} requests answered 201 but ${placed} orders were placed`];
}

async function violations(db: Db): Promise<string[]> {
  return (await findViolations(db)).map((v) => `invariant violated: ${v.invariant}: ${v.detail}`);
}

/** Waits until requests cut off at the end of a run have finished on the server (no other backend busy). */
async function settle(db: Db): Promise<void> {
  for (let waited = 0; waited < 60_000; waited += 100) {
    const [row] = await db.$queryRaw<{ busy: number }[]>`
      SELECT count(*)::int AS busy FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid() AND state IS DISTINCT FROM 'idle'`;
    if (row?.busy === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("the server still had transactions open a minute after the load stopped");
}

/** CPU per served request of the app and of PostgreSQL, and the cores the load generator and others used. */
function cpuText(r: Measured): string {
  const perRequest = (seconds: number) => ((1000 * seconds) / Math.max(1, r.served)).toFixed(2);
  return `app ${perRequest(r.cpu.apps)} ms/req, PostgreSQL ${perRequest(r.cpu.postgres)} ms/req, generator ${(r.cpu.generator / r.seconds).toFixed(2)} cores, others ${(r.cpu.others / r.seconds).toFixed(2)} cores, load ${r.loadAverage.toFixed(2)}`;
}

function rateText(r: Rate): string {
  return `${r.perSecond.toFixed(0)}/s (load ${r.loadAverage.toFixed(2)})`;
}

function median(trials: Measured[]): Measured {
  const mid = <T>(xs: T[], by: (x: T) => number) => [...xs].sort((a, b) => by(a) - by(b))[Math.floor(xs.length / 2)]!;
  const byRate = mid(trials, (t) => t.rate);
  return {
    ...byRate,
    p50: mid(trials, (t) => t.p50).p50,
    p95: mid(trials, (t) => t.p95).p95,
    p99: mid(trials, (t) => t.p99).p99,
  };
}

// ---------------------------------------------------------------------------------------------
// The flash crowd

/**
 * A code posted to a crowd that presses Redeem in the same second: CROWD_REQUESTS requests from
 * CROWD_CUSTOMERS signed-in customers (each may use the code CROWD_REQUESTS / CROWD_CUSTOMERS times, so
 * only the coupon's CROWD_USES limit refuses), every connection open and every request sent but its last
 * byte, then all released together. Exact: CROWD_USES answered 201 and committed, the rest refused
 * without a 5xx, every request answered.
 */
async function crowds(db: Db, app: App, jars: Jar[], durability: Durability): Promise<void> {
  const customers = jars.slice(0, CROWD_CUSTOMERS);
  for (const counter of ["SINGLE_ROW", "SLOTS", "AUTO"] as const) {
    const [code] = await benchCoupons(db, 1, CROWD_USES, counter, CROWD_REQUESTS / CROWD_CUSTOMERS);
    const requests = Array.from({ length: CROWD_REQUESTS }, (_, i) =>
      serialise(app.base, {
        method: "POST",
        path: "/api/redemptions",
        headers: {
          "Content-Type": "application/json",
          "Idempotency-Key": randomUUID(),
          Cookie: cookieHeader(customers[i % customers.length]!),
        },
        body: Buffer.from(JSON.stringify({ code })),
      }),
    );
    const before1 = loadAverage();
    const result = await burst(app.base, requests);
    const statuses: Record<string, number> = {};
    for (const response of result.responses) {
      const status = response.status === "fulfilled" ? String(response.value.status) : "no answer";
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
    const answered = result.answeredMs.filter((ms): ms is number => ms !== undefined);
    const redeemed = await db.redemption.count({ where: { coupon: { code } } });
    const row: CrowdRow = {
      durability,
      workers: app.workers,
      counter,
      redeemed,
      statuses,
      unanswered: CROWD_REQUESTS - answered.length,
      lastAnswerMs: Math.max(...answered),
      p50: percentile(answered, 50),
      p99: percentile(answered, 99),
      loadAverage: before1,
    };
    crowdRows.push(row);
    const where = `${durability}, ${app.workers} worker(s), crowd on ${counter}`;
    if (redeemed !== CROWD_USES || statuses["201"] !== CROWD_USES)
      failures.push(`${where}: ${statuses["201"] ?? 0} answered 201, ${redeemed} redeemed, limit ${CROWD_USES}`);
    if (row.unanswered > 0 || Object.keys(statuses).some((s) => s.startsWith("5")))
      failures.push(`${where}: ${JSON.stringify(statuses)}`);
    failures.push(...(await violations(db)).map((p) => `${where}: ${p}`));
    console.log(
      `${durability} x${app.workers} crowd ${counter.padEnd(10)} ${redeemed}/${CROWD_USES} redeemed  last answer ${(row.lastAnswerMs / 1000).toFixed(2)} s  p50 ${row.p50.toFixed(0)} p99 ${row.p99.toFixed(0)} ms  ${JSON.stringify(statuses)}  load ${before1.toFixed(2)}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// In process: the denominator

async function inProcess(db: Db, url: string, durability: Durability): Promise<{ hot: number; many: number }> {
  const pool = new pg.Pool({ connectionString: url, max: 24 });
  // Idle connections die when PostgreSQL stops at the end; that is not an error of the run.
  pool.on("error", () => undefined);
  const engineDb = createDb(url, { max: 24 });
  try {
    const rates: Record<string, { hot: Rate; many: Rate }> = {};
    for (const strategy of [rawSql(pool), guarded(engineDb)]) {
      const rate = async (kind: "hot" | "many"): Promise<Rate> => {
        const users = await benchUsers(db, IN_PROCESS_REQUESTS);
        const codes = await benchCoupons(
          db,
          kind === "hot" ? 1 : IN_PROCESS_REQUESTS,
          kind === "hot" ? IN_PROCESS_REQUESTS : 1,
        );
        const before1 = loadAverage();
        const load = await runStrategy(strategy, users, (i) => codes[kind === "hot" ? 0 : i]!);
        if (load.successes !== IN_PROCESS_REQUESTS)
          failures.push(`${strategy.name} in process, ${kind}: ${load.successes}/${IN_PROCESS_REQUESTS} redeemed`);
        return { perSecond: load.successes / load.seconds, loadAverage: before1 };
      };
      const [warm] = await benchCoupons(db, 1, null);
      await runStrategy(strategy, await benchUsers(db, 200), () => warm!); // opens the pool, compiles the queries
      const measured = { hot: await rate("hot"), many: await rate("many") };
      rates[strategy.name] = measured;
      inProcessRows.push({ durability, strategy: strategy.name, ...measured });
      console.log(
        `${durability} in process  ${strategy.name.padEnd(28)} hot ${rateText(measured.hot)}  many ${rateText(measured.many)}`,
      );
    }
    failures.push(...(await violations(db)).map((p) => `${durability}, in process: ${p}`));
    const baseline = rates["raw SQL baseline (pg)"]!;
    return { hot: baseline.hot.perSecond, many: baseline.many.perSecond };
  } finally {
    await engineDb.$disconnect();
    await pool.end();
  }
}

/**
 * Orders per second in process, beside the redemption figures: placeOrder (lib/checkout/place-order.ts)
 * for one line of a 1.00 product, by 200 funded customers in turn, on one stock-tracked product (every
 * order takes the same stock row) and on a product whose stock is not tracked.
 */
async function ordersInProcess(db: Db, url: string, durability: Durability, adminId: string): Promise<void> {
  const engineDb = createDb(url, { max: 24 });
  try {
    const customers = await benchUsers(db, 200);
    await fundCustomers(db, adminId, customers, ORDER_CREDIT_CENTS);
    const rate = async (stock: number | null): Promise<Rate> => {
      const sku = await benchProduct(db, adminId, stock);
      const before1 = loadAverage();
      const load = await runLoad(IN_PROCESS_REQUESTS, 64, async (i) => {
        const placed = await placeOrder(engineDb, {
          userId: customers[i % customers.length]!,
          lines: [{ sku, quantity: 1 }],
          idempotencyKey: randomUUID(),
        });
        return placed.ok ? { ok: true } : { ok: false, error: placed.reason };
      });
      if (load.successes !== IN_PROCESS_REQUESTS)
        failures.push(
          `orders in process: ${load.successes}/${IN_PROCESS_REQUESTS} placed (${JSON.stringify(load.errors)})`,
        );
      return { perSecond: load.successes / load.seconds, loadAverage: before1 };
    };
    await rate(null); // warm-up: opens the pool, caches the query plans
    const row = { durability, stocked: await rate(UNREACHABLE_LIMIT), untracked: await rate(null) };
    orderRows.push(row);
    console.log(
      `${durability} in process  Once: place order             one stocked product ${rateText(row.stocked)}  stock not tracked ${rateText(row.untracked)}`,
    );
    failures.push(...(await violations(db)).map((p) => `${durability}, orders in process: ${p}`));
  } finally {
    await engineDb.$disconnect();
  }
}

function runStrategy(strategy: Strategy, users: string[], code: (i: number) => string): Promise<Load> {
  return runLoad(users.length, 64, (i) =>
    strategy.redeem({ userId: users[i]!, code: code(i), idempotencyKey: randomUUID() }),
  );
}

// ---------------------------------------------------------------------------------------------
// Closed loop, one new connection per request: the strategies the app serves

async function strategies(db: Db, base: URL): Promise<void> {
  const { jars } = await signedInUsers(db, base, REQUESTS);
  const measure = async (
    scenario: "hot" | "many",
    strategy: string,
    route: string,
    counter: "SINGLE_ROW" | "SLOTS",
  ) => {
    const codes =
      scenario === "hot" ? await benchCoupons(db, 1, HOT_LIMIT, counter) : await benchCoupons(db, REQUESTS, 1, counter);
    const before1 = loadAverage();
    const load = await runLoad(REQUESTS, CONCURRENCY, (i) =>
      redeemOverHttp(base, route, jars[i]!, scenario === "hot" ? codes[0]! : codes[i]!),
    );
    strategyRows.push({
      scenario,
      strategy,
      limit: scenario === "hot" ? HOT_LIMIT : REQUESTS,
      load,
      loadAverage: before1,
    });
    console.log(
      `closed loop ${scenario.padEnd(5)} ${strategy.padEnd(28)} ${load.successes}/${scenario === "hot" ? HOT_LIMIT : REQUESTS} ok in ${load.seconds.toFixed(1)} s`,
    );
  };
  for (const scenario of ["hot", "many"] as const) {
    await measure(scenario, "Once: guarded updateMany", "/api/redemptions", "SINGLE_ROW");
    await measure(scenario, "Once: hot-coupon slots", "/api/redemptions", "SLOTS");
  }
  // Checked before the naive control runs, whose oversells and lost updates are violations by design.
  failures.push(...(await violations(db)).map((p) => `closed loop: ${p}`));
  const [naiveWarm] = await benchCoupons(db, 1, 1_000_000, "SINGLE_ROW");
  await runLoad(64, 16, (i) => redeemOverHttp(base, "/api/control/naive-redemptions", jars[i]!, naiveWarm!));
  for (const scenario of ["hot", "many"] as const) {
    await measure(scenario, "naive check-then-act", "/api/control/naive-redemptions", "SINGLE_ROW");
  }
}

async function redeemOverHttp(
  base: URL,
  route: string,
  jar: Jar,
  code: string,
): Promise<{ ok: boolean; error?: string }> {
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

// ---------------------------------------------------------------------------------------------
// The apps

/** `npm start --workers N` on the bench database; the app's processes are everything under the child. */
async function startApp(databaseUrl: string, workers: number, durability: Durability): Promise<App> {
  const port = await freePort();
  const base = new URL(`http://127.0.0.1:${port}`);
  const profile = profileDir ? path.join(profileDir, `${durability}-workers${workers}`) : null;
  if (profile) await mkdir(profile, { recursive: true });
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "--conditions=react-server",
      path.join(root, "scripts", "start.ts"),
      ...["--port", String(port), "--workers", String(workers)],
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        ONCE_DIST_DIR: process.env.ONCE_DIST_DIR ?? ".next-e2e",
        ONCE_NAIVE_CONTROL: "1",
        NEXTAUTH_URL: base.origin,
        // Every request comes from one address and a few hundred customers: with the default budgets the
        // run would measure 429s. The limits stay on (each redeem still pays its rate-limit statement).
        ...RELAXED_LIMITS,
        ...(profile
          ? {
              NODE_OPTIONS:
                `${process.env.NODE_OPTIONS ?? ""} --import ${path.join(root, "scripts", "bench", "cpu-profile.mjs")}`.trim(),
              ONCE_CPU_PROFILE_DIR: profile,
            }
          : {}),
      },
      stdio: ["ignore", "inherit", "pipe"],
    },
  );
  forwardWithoutCutOffNoise(child);
  // The first run builds the app (a few minutes on two cores); later runs reuse the build.
  for (let waited = 0; waited < 15 * 60_000; waited += 500) {
    if (child.exitCode !== null) throw new Error("the app exited before it became healthy");
    const ok = await fetch(new URL("/api/health", base), { signal: AbortSignal.timeout(2_000) })
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return { child, base, workers };
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error("the app did not become healthy");
}

/**
 * A sustained run ends by closing its connections, requests in flight included, and Next.js logs each
 * of those as a four-line "Error: aborted … ECONNRESET" block: dropped here, everything else passes.
 */
function forwardWithoutCutOffNoise(child: ChildProcess): void {
  let skip = 0;
  createInterface({ input: child.stderr! }).on("line", (line) => {
    if (line.includes("Error: aborted")) skip = 4;
    if (skip > 0) {
      skip--;
      return;
    }
    process.stderr.write(`${line}\n`);
  });
}

function stopApp(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  return exited;
}

/** Customers created directly (one password hash shared) and signed in through next-auth, a few at a time. */
async function signedInUsers(db: Db, base: URL, count: number): Promise<{ jars: Jar[]; userIds: string[] }> {
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
  const users = await db.user.findMany({ where: { email: { in: emails } }, select: { id: true } });
  return { jars, userIds: users.map((u) => u.id) };
}

// ---------------------------------------------------------------------------------------------
// The report

function renderReport(): string {
  const fmt = (x: number) => x.toFixed(0);
  const errors = (e: Record<string, number>) =>
    Object.entries(e)
      .map(([k, v]) => `${v} ${k}`)
      .join(", ") || "0";
  const load = (x: number) => x.toFixed(2);
  const rateCell = (r: Rate) => `${fmt(r.perSecond)} | ${load(r.loadAverage)}`;
  const inProcessTable = [
    "| database | strategy | one hot coupon, redemptions/s | load average | many coupons, redemptions/s | load average |",
    "| --- | --- | ---: | ---: | ---: | ---: |",
    ...inProcessRows.map((r) => `| ${r.durability} | ${r.strategy} | ${rateCell(r.hot)} | ${rateCell(r.many)} |`),
  ].join("\n");
  const orderTable = [
    "| database | one line, one stock-tracked product, orders/s | load average | one line, stock not tracked, orders/s | load average |",
    "| --- | ---: | ---: | ---: | ---: |",
    ...orderRows.map((r) => `| ${r.durability} | ${rateCell(r.stocked)} | ${rateCell(r.untracked)} |`),
  ].join("\n");
  const sustainedTable = [
    "| database | `npm start` workers | scenario | connections | requests/s | p50 ms | p95 ms | p99 ms | errors | vs in-process raw SQL | app CPU ms/request | PostgreSQL CPU ms/request | load generator, other work (cores) | load average |",
    "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | --- | ---: |",
    ...sustainedRows.map((r) => {
      const perRequest = (seconds: number) => ((1000 * seconds) / Math.max(1, r.served)).toFixed(2);
      return `| ${r.durability} | ${r.workers} | ${r.scenario} | ${r.connections} | ${fmt(r.rate)} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.p99)} | ${errors(r.errors)} | ${r.denominator ? (r.rate / r.denominator).toFixed(2) : ""} | ${perRequest(r.cpu.apps)} | ${perRequest(r.cpu.postgres)} | ${(r.cpu.generator / r.seconds).toFixed(2)}, ${(r.cpu.others / r.seconds).toFixed(2)} | ${load(r.loadAverage)} |`;
    }),
  ].join("\n");
  const crowdTable = [
    "| database | `npm start` workers | counted | redeemed / uses | answers | time to the last answer, s | p50 ms | p99 ms | load average |",
    "| --- | ---: | --- | --- | --- | ---: | ---: | ---: | ---: |",
    ...crowdRows.map(
      (r) =>
        `| ${r.durability} | ${r.workers} | ${r.counter} | ${r.redeemed} / ${CROWD_USES} | ${Object.entries(r.statuses)
          .map(([status, n]) => `${n}× ${status}`)
          .join(
            ", ",
          )} | ${(r.lastAnswerMs / 1000).toFixed(2)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${load(r.loadAverage)} |`,
    ),
  ].join("\n");
  const rate = (load: Load) => load.successes / load.seconds;
  const requestRate = (load: Load) => load.requests / load.seconds;
  const many = strategyRows.find((r) => r.scenario === "many" && r.strategy === "Once: guarded updateMany");
  const strategyTable = [
    "| scenario | strategy | successes / limit | redemptions/s | requests/s | p50 ms | p99 ms | errors | requests/s vs Once, many coupons | load average |",
    "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...strategyRows.map((r) => {
      const errorCount = Object.values(r.load.errors).reduce((a, b) => a + b, 0);
      const over = r.load.successes > r.limit ? ` (**${r.load.successes - r.limit} over**)` : "";
      return `| ${r.scenario === "hot" ? "one hot coupon" : "many coupons"} | ${r.strategy} | ${r.load.successes} / ${r.limit}${over} | ${fmt(rate(r.load))} | ${fmt(requestRate(r.load))} | ${percentile(r.load.latencies, 50).toFixed(1)} | ${percentile(r.load.latencies, 99).toFixed(1)} | ${errorCount} | ${many ? (requestRate(r.load) / requestRate(many.load)).toFixed(2) : ""} | ${load(r.loadAverage)} |`;
    }),
  ].join("\n");
  const settings = [...settingsByDurability].map(([d, s]) => `- ${d}: ${s}`).join("\n");
  return `# Benchmarks over HTTP

Generated by \`${["npm run bench:http", ...(process.argv.length > 2 ? ["--", ...process.argv.slice(2)] : [])].join(" ")}\` on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}),
Node.js ${process.version}; the load generator, the app and PostgreSQL share this machine. Beside every
figure, the one-minute load average seen just before its run (on two cores, above 2 means other work
shared the machine). Embedded PostgreSQL, as the server reported it:

${settings}

"durable" is what users run (every commit flushed); "fast" (no fsync) only ever backs throwaway databases.

## In process (the denominator)

Same database, ${IN_PROCESS_REQUESTS} requests per run, 64 in flight over a pool of 24 connections; one hot coupon with a
limit equal to the requests, and many coupons with one request each.

${inProcessTable}

Orders in process, beside them: \`placeOrder\` for one line of a 1.00 product, ${IN_PROCESS_REQUESTS} orders by 200 funded
customers in turn, 64 in flight (the order's key, stock, order, lines and the credit debit in one transaction).

${orderTable}

## Sustained load (autocannon)

Production build, \`npm start --workers N\` (Node cluster, one port) with a pool of ${APP_POOL} connections per process; keep-alive connections, ${SECONDS} s per
run after a 2 s warm-up, median of ${TRIALS} run(s) (with several, every row's first run, then every row's second, …); every request carries its own Idempotency-Key and the
cookie of one of ${LOAD_USERS} signed-in customers, taken in turn. Hot coupons have room for every request
(per-customer limit 1,000); "many coupons" spreads the requests over 500. With several workers, the
cluster's primary hands each new connection to the next worker. The
session checks are a test-build-only route (app/api/control/session) that does what every signed-in
request does first: decode the session cookie, then re-read the user. After every run the database
passed the invariant checker and held one redemption or order per 201. Checkout orders are one line of
a 1.00 product, paid with store credit the customers were given before the runs.${failures.length ? ` **Exactness failures: ${failures.length}.**` : ""}

${sustainedTable}

## The flash crowd

${CROWD_REQUESTS} requests from ${CROWD_CUSTOMERS} of the signed-in customers (each allowed ${CROWD_REQUESTS / CROWD_CUSTOMERS} uses), one coupon with
${CROWD_USES} uses: every connection opened and every request sent but its last byte, then all released together.
Times are from the release to each whole answer, in the same run as the rows above (\`GET /api/health\`
is the framework's floor). AUTO is the counter an admin's "Automatic" picks for this limit.

${crowdTable}

## Closed loop, a new connection per request

${REQUESTS} requests per run, ${CONCURRENCY} in flight, one signed-in customer per request. "One hot coupon" has a limit of ${HOT_LIMIT}.
SERIALIZABLE and FOR UPDATE are not routes of the app; they are measured in process only (docs/benchmarks.md).

${strategyTable}
`;
}
