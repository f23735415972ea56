/**
 * `npm run bench:engine [-- --requests 4000 --concurrency 64 --pool 24]`
 *
 * Redemptions per second of the engine, in process, against a real PostgreSQL (embedded in .data/bench,
 * recreated per run, or DATABASE_URL): one hot coupon that every request redeems, and many coupons with
 * one request each. Prints numbers; it asserts only exactness (successes equal to the limit and the
 * invariant checker clean), never speed.
 */
import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { prepareDatabase } from "../lib/db/bootstrap";
import { createDb, type Db } from "../lib/db/client";
import { findViolations } from "../lib/invariants";
import { redeemCoupon } from "../lib/redemptions";

const { values } = parseArgs({
  options: {
    requests: { type: "string", default: "4000" },
    concurrency: { type: "string", default: "64" },
    pool: { type: "string", default: "24" },
  },
});
const REQUESTS = Number(values.requests);
const CONCURRENCY = Number(values.concurrency);
const POOL = Number(values.pool);

const dataDir = path.resolve(import.meta.dirname, "..", ".data", "bench");
if (!process.env.DATABASE_URL) await rm(dataDir, { recursive: true, force: true });
const database = await prepareDatabase({ dataDir });
const db = createDb(database.url, { max: POOL });

async function users(count: number): Promise<string[]> {
  const tag = randomUUID().slice(0, 8);
  const rows = Array.from({ length: count }, (_, i) => ({ email: `bench-${tag}-${i}@bench.once`, name: `bench ${i}` }));
  await db.user.createMany({ data: rows });
  return (await db.user.findMany({ where: { email: { startsWith: `bench-${tag}-` } }, select: { id: true } })).map((u) => u.id);
}

async function coupons(count: number, maxRedemptions: number | null): Promise<string[]> {
  const tag = randomUUID().replaceAll("-", "").slice(0, 8).toUpperCase();
  const codes = Array.from({ length: count }, (_, i) => `B${tag}${i}`);
  await db.coupon.createMany({ data: codes.map((code) => ({ code, valueCents: 100, maxRedemptions })) });
  return codes;
}

interface Run {
  name: string;
  seconds: number;
  successes: number;
  refusals: Record<string, number>;
  latencies: number[];
}

/** Runs `total` redemptions with `CONCURRENCY` in flight at any time. */
async function run(name: string, total: number, request: (i: number) => { userId: string; code: string }): Promise<Run> {
  const latencies: number[] = [];
  const refusals: Record<string, number> = {};
  let successes = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = performance.now();
        const result = await redeemCoupon(db, { ...request(i), idempotencyKey: randomUUID() });
        latencies.push(performance.now() - t0);
        if (result.ok) successes++;
        else refusals[result.reason] = (refusals[result.reason] ?? 0) + 1;
      }
    }),
  );
  return { name, seconds: (performance.now() - started) / 1000, successes, refusals, latencies };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function report(r: Run): string {
  const requests = r.latencies.length;
  return `${r.name.padEnd(38)} ${String(r.successes).padStart(6)} ok  ${(requests / r.seconds).toFixed(0).padStart(6)} requests/s  ${(r.successes / r.seconds).toFixed(0).padStart(6)} redemptions/s  p50 ${percentile(r.latencies, 50).toFixed(1)} ms  p99 ${percentile(r.latencies, 99).toFixed(1)} ms  refusals ${JSON.stringify(r.refusals)}`;
}

async function check(db: Db, run: Run, expected: number) {
  if (run.successes !== expected) throw new Error(`${run.name}: ${run.successes} successes, expected ${expected}`);
  const violations = await findViolations(db);
  if (violations.length > 0) throw new Error(`${run.name}: invariants violated: ${JSON.stringify(violations.slice(0, 5))}`);
}

console.log(`engine benchmark: ${REQUESTS} requests per scenario, ${CONCURRENCY} in flight, pool of ${POOL} connections`);
const people = await users(REQUESTS);

// Warm-up: opens the pool and lets Prisma compile each query shape once.
const warm = await coupons(1, null);
await run("warm-up", Math.min(500, REQUESTS), (i) => ({ userId: people[i]!, code: warm[0]! }));

const hot = await coupons(1, REQUESTS);
const hotRun = await run("one hot coupon (limit = requests)", REQUESTS, (i) => ({ userId: people[i]!, code: hot[0]! }));
await check(db, hotRun, REQUESTS);
console.log(report(hotRun));

const many = await coupons(REQUESTS, 1);
const manyRun = await run("many coupons (one request each)", REQUESTS, (i) => ({ userId: people[i]!, code: many[i]! }));
await check(db, manyRun, REQUESTS);
console.log(report(manyRun));

const limited = await coupons(1, Math.floor(REQUESTS / 4));
const limitedRun = await run("hot coupon, limit = requests / 4", REQUESTS, (i) => ({ userId: people[i]!, code: limited[0]! }));
await check(db, limitedRun, Math.floor(REQUESTS / 4));
console.log(report(limitedRun));

const serial = await coupons(200, 1);
const t0 = performance.now();
const serialLatencies: number[] = [];
for (let i = 0; i < serial.length; i++) {
  const s = performance.now();
  await redeemCoupon(db, { userId: people[i]!, code: serial[i]!, idempotencyKey: randomUUID() });
  serialLatencies.push(performance.now() - s);
}
console.log(
  `${"one at a time (no contention)".padEnd(38)} ${String(serial.length).padStart(6)} ok  ${(serial.length / ((performance.now() - t0) / 1000)).toFixed(0).padStart(6)} redemptions/s  p50 ${percentile(serialLatencies, 50).toFixed(1)} ms`,
);
console.log(`hot / many throughput ratio: ${(hotRun.successes / hotRun.seconds / (manyRun.successes / manyRun.seconds)).toFixed(2)}`);

await db.$disconnect();
await database.embedded?.stop();
