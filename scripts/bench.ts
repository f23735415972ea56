/**
 * `npm run bench [-- --requests 2000 --concurrency 64 --pool 24 --rounds 4 --unsafe-fast]`
 *
 * Redemption strategies side by side, in process, on this machine, against one real PostgreSQL:
 * (1) one hot coupon whose limit is half the requests, (2) many coupons, one request each. For each:
 * successes against the limit (the naive control oversells), redemptions and requests per second,
 * p50/p99 latency, errors and retries, and the ratio to a raw-SQL baseline of the same transaction.
 * Each scenario's strategies run interleaved: every strategy's requests in `--rounds` slices, taken in
 * turn (harness.ts interleaved), so the ratios hold while the machine's own speed drifts.
 * Prints a table and writes it to docs/benchmarks.md (docs/benchmarks-unsafe-fast.md with --unsafe-fast,
 * so the two sit side by side). Not a test: it asserts nothing about speed.
 */
import { randomUUID } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { createDb } from "../lib/db/client";
import {
  benchCoupons,
  benchDatabase,
  benchUsers,
  durabilityOf,
  interleaved,
  type Load,
  percentile,
  runLoad,
} from "./bench/harness";
import { forUpdate, guarded, naive, rawSql, serializable, type Strategy } from "./bench/strategies";

const { values } = parseArgs({
  options: {
    requests: { type: "string", default: "2000" },
    concurrency: { type: "string", default: "64" },
    pool: { type: "string", default: "24" },
    rounds: { type: "string", default: "4" },
    "unsafe-fast": { type: "boolean", default: false },
  },
});
const REQUESTS = Number(values.requests);
const CONCURRENCY = Number(values.concurrency);
const POOL = Number(values.pool);
const ROUNDS = Number(values.rounds);

const database = await benchDatabase("bench-strategies", { unsafeFast: values["unsafe-fast"] });
// Idle connections are kept: a strategy waits while the others run their slices (up to ~20 s), and
// reconnecting (a SCRAM handshake per connection) would be charged to whichever runs next.
const db = createDb(database.url, { max: POOL, idleTimeoutMillis: 0 });
const durability = await durabilityOf(db);
console.log(`database: ${durability}`);
const pool = new pg.Pool({ connectionString: database.url, max: POOL, idleTimeoutMillis: 0 });
// Idle connections die when PostgreSQL stops at the end; that is not an error of the run.
pool.on("error", () => undefined);

const strategies: Strategy[] = [
  naive(db),
  serializable(db),
  forUpdate(db),
  guarded(db),
  guarded(db, "SLOTS"),
  rawSql(pool),
];
const HOT_LIMIT = Math.floor(REQUESTS / 2);

interface Row {
  strategy: string;
  scenario: string;
  limit: number;
  load: Load;
  /** The one-minute load average just before the run: the machine may be shared. */
  loadAverage: number;
}

/** Every strategy on `scenario`, each on its own users and coupons, interleaved in ROUNDS slices. */
async function measure(scenario: "hot" | "many"): Promise<Row[]> {
  const limit = scenario === "hot" ? HOT_LIMIT : REQUESTS;
  const loadAverage = new Map<Strategy, number>();
  const inputs = new Map<Strategy, { users: string[]; codes: string[] }>();
  for (const strategy of strategies) {
    const users = await benchUsers(db, REQUESTS);
    const codes =
      scenario === "hot"
        ? await benchCoupons(db, 1, HOT_LIMIT, strategy.counter)
        : await benchCoupons(db, REQUESTS, 1, strategy.counter);
    inputs.set(strategy, { users, codes });
  }
  const loads = await interleaved(strategies, REQUESTS, ROUNDS, (strategy, start, count) => {
    if (!loadAverage.has(strategy)) loadAverage.set(strategy, os.loadavg()[0]!);
    const { users, codes } = inputs.get(strategy)!;
    return runLoad(count, CONCURRENCY, (i) =>
      strategy.redeem({
        userId: users[start + i]!,
        code: scenario === "hot" ? codes[0]! : codes[start + i]!,
        idempotencyKey: randomUUID(),
      }),
    );
  });
  return strategies.map((strategy) => ({
    strategy: strategy.name,
    scenario,
    limit,
    load: loads.get(strategy)!,
    loadAverage: loadAverage.get(strategy)!,
  }));
}

// Warm every strategy once (pool connections, Prisma's compiled query shapes) before measuring.
for (const strategy of strategies) {
  const [user] = await benchUsers(db, 1);
  const [code] = await benchCoupons(db, 1, 1_000_000, strategy.counter);
  await strategy.redeem({ userId: user!, code: code!, idempotencyKey: randomUUID() });
}

const rows: Row[] = [];
for (const scenario of ["hot", "many"] as const) {
  for (const row of await measure(scenario)) {
    rows.push(row);
    console.log(
      `${scenario.padEnd(5)} ${row.strategy.padEnd(32)} ${row.load.successes}/${row.limit} ok in ${row.load.seconds.toFixed(1)} s`,
    );
  }
}

const baseline = (scenario: string) => rows.find((r) => r.scenario === scenario && r.strategy.startsWith("raw SQL"))!;
const rate = (load: Load) => load.successes / load.seconds;
const table = [
  "| scenario | strategy | successes / limit | redemptions/s | requests/s | p50 ms | p99 ms | errors | retries | vs raw SQL | load average |",
  "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ...rows.map((r) => {
    const errors = Object.values(r.load.errors).reduce((a, b) => a + b, 0);
    const over = r.load.successes > r.limit ? ` (**${r.load.successes - r.limit} over**)` : "";
    return `| ${r.scenario === "hot" ? "one hot coupon" : "many coupons"} | ${r.strategy} | ${r.load.successes} / ${r.limit}${over} | ${rate(r.load).toFixed(0)} | ${(r.load.requests / r.load.seconds).toFixed(0)} | ${percentile(r.load.latencies, 50).toFixed(1)} | ${percentile(r.load.latencies, 99).toFixed(1)} | ${errors} | ${r.load.retries} | ${(rate(r.load) / rate(baseline(r.scenario).load)).toFixed(2)} | ${r.loadAverage.toFixed(2)} |`;
  }),
].join("\n");

const once = (scenario: string, strategy: string) =>
  rows.find((r) => r.scenario === scenario && r.strategy === strategy)!.load;
// Requests, not redemptions: the hot coupon sells out halfway, and its refusals are part of its load.
const requestRate = (load: Load) => load.requests / load.seconds;
const manyRate = requestRate(once("many", "Once: guarded updateMany"));
const hotRatios = `single row ${(requestRate(once("hot", "Once: guarded updateMany")) / manyRate).toFixed(2)}, hot-coupon slots ${(requestRate(once("hot", "Once: hot-coupon slots")) / manyRate).toFixed(2)}`;
const report = `# Benchmarks

Generated by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}),
Node.js ${process.version}, PostgreSQL embedded, ${durability}, in process, ${REQUESTS} requests per run with
${CONCURRENCY} in flight over a pool of ${POOL} connections. "One hot coupon" has a limit of ${HOT_LIMIT} (half the
requests); "many coupons" gives every request its own single-use coupon. Every strategy writes the same rows.
A scenario's strategies run interleaved: each one's requests in ${ROUNDS} slices, the strategies' slices taken
in turn, so every strategy (the raw-SQL baseline too) meets the machine at the same speeds; a row's time is
the sum of its slices. "Load average" is the machine's one-minute load average just before each strategy's
first slice (on two cores, above 2 means other work shared the machine).

${table}

Once hot / many throughput (requests per second against Once on many coupons): ${hotRatios}.
\`npm run bench:engine\` measures the same with a limit equal to the requests (no refusals), and
\`npm run bench:http\` the strategies the app serves over HTTP (docs/benchmarks-http.md). The same run on
durable settings (what \`npm start\` runs) writes docs/benchmarks.md; with \`--unsafe-fast\` (no fsync, no
synchronous commit) it writes docs/benchmarks-unsafe-fast.md, so the two sit side by side.

Reading it: the naive control is fast because it is wrong (it oversells the hot coupon). SERIALIZABLE
pays for the same exactness with aborted transactions and retries; FOR UPDATE serialises every
redemption of a coupon behind one row lock held for the whole transaction. Once checks every limit in
the write that consumes it and takes the coupon's use last, so the hot row is locked only from that
UPDATE to COMMIT; in hot-coupon mode that use comes from one of several slots, so redemptions of one
code stop queueing on one row. Once also records every attempt (a redemption's in the statement that
books it, inside its transaction; a refusal's after the rollback), which the other strategies skip. The
raw-SQL baseline runs the engine's statements over pg without an ORM: the gap to it is the cost of
Prisma's query layer on this machine, not of the database. \`npm run bench:engine\` prints the engine's
ratio to this baseline from one run; issue 12's table (in process, over HTTP, one vs two processes)
and its profile are in docs/performance-notes.md §6.
`;
console.log(`\n${table}\n`);
await mkdir(path.resolve(import.meta.dirname, "..", "docs"), { recursive: true });
const reportFile = values["unsafe-fast"] ? "benchmarks-unsafe-fast.md" : "benchmarks.md";
await writeFile(path.resolve(import.meta.dirname, "..", "docs", reportFile), report);
console.log(`written to docs/${reportFile}`);

await db.$disconnect();
await pool.end();
await database.embedded?.stop();
