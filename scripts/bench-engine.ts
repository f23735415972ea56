/**
 * `npm run bench:engine [-- --requests 4000 --concurrency 64 --pool 24 --unsafe-fast]`
 *
 * Redemptions and orders per second of the engine, in process, against a real PostgreSQL (embedded in
 * .data/bench, recreated per run, or DATABASE_URL): one hot coupon that every request redeems, many
 * coupons with one request each, and orders (lib/checkout/place-order) of an untracked product and of
 * one stock-tracked product every order decrements. Prints numbers; it asserts only exactness (successes equal to the limit and the
 * invariant checker clean), never speed. The raw-SQL baseline (the same transaction over pg, no ORM,
 * scripts/bench/strategies.ts) runs right before the hot and the many-coupons scenarios on the same
 * database, so the "vs raw SQL" ratio compares figures taken under the same machine load.
 */
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import pg from "pg";
import { createDb } from "../lib/db/client";
import { findViolations } from "../lib/invariants";
import { placeOrder } from "../lib/checkout/place-order";
import { redeemCoupon } from "../lib/redemptions";
import { rawSql } from "./bench/strategies";
import { benchCoupons, benchDatabase, benchUsers, durabilityOf, type Load, percentile, runLoad } from "./bench/harness";

const { values } = parseArgs({
  options: {
    requests: { type: "string", default: "4000" },
    concurrency: { type: "string", default: "64" },
    pool: { type: "string", default: "24" },
    "unsafe-fast": { type: "boolean", default: false },
  },
});
const REQUESTS = Number(values.requests);
const CONCURRENCY = Number(values.concurrency);

const database = await benchDatabase("bench", { unsafeFast: values["unsafe-fast"] });
const db = createDb(database.url, { max: Number(values.pool) });
const pool = new pg.Pool({ connectionString: database.url, max: Number(values.pool) });
// Idle connections die when PostgreSQL stops at the end; that is not an error of the run.
pool.on("error", () => undefined);
const baseline = rawSql(pool);

/** The raw-SQL baseline on fresh coupons of the same shape: the denominator of the next scenario. */
async function rawRate(name: string, coupons: number, limit: number): Promise<number> {
  const codes = await benchCoupons(db, coupons, limit);
  const users = await benchUsers(db, REQUESTS);
  const load = await runLoad(REQUESTS, CONCURRENCY, async (i) => {
    const r = await baseline.redeem({
      userId: users[i]!,
      code: codes[coupons === 1 ? 0 : i]!,
      idempotencyKey: randomUUID(),
    });
    return { ok: r.ok, error: r.error };
  });
  if (load.successes !== REQUESTS) throw new Error(`${name}: ${load.successes} successes, expected ${REQUESTS}`);
  const rate = load.successes / load.seconds;
  console.log(
    `${name.padEnd(38)} ${String(load.successes).padStart(6)} ok  ${rate.toFixed(0).padStart(6)} redemptions/s`,
  );
  return rate;
}

async function scenario(name: string, codes: (i: number) => string, total: number, expected: number): Promise<Load> {
  return measured(
    name,
    expected,
    "redemptions",
    async (i) => {
      const r = await redeemCoupon(db, { userId: people[i]!, code: codes(i), idempotencyKey: randomUUID() });
      return { ok: r.ok, error: !r.ok && r.reason === "busy" ? "busy" : undefined };
    },
    total,
  );
}

/** Orders of one unit of a 1.00 product (tracked with stock for every request, or untracked), one per person. */
async function orderScenario(name: string, stock: number | null): Promise<Load> {
  const sku = `BENCH-${randomUUID().slice(0, 8).toUpperCase()}`;
  await db.product.create({
    data: {
      sku,
      name: sku,
      priceCents: 100,
      stock,
      ...(stock === null ? {} : { stockMovements: { create: { kind: "INITIAL", quantity: stock } } }),
    },
  });
  return measured(name, REQUESTS, "orders", async (i) => {
    const r = await placeOrder(db, { userId: people[i]!, lines: [{ sku, quantity: 1 }], idempotencyKey: randomUUID() });
    return { ok: r.ok, error: r.ok ? undefined : r.reason };
  });
}

async function measured(
  name: string,
  expected: number,
  unit: "redemptions" | "orders",
  call: Parameters<typeof runLoad>[2],
  total = REQUESTS,
): Promise<Load> {
  const load = await runLoad(total, CONCURRENCY, call);
  if (load.successes !== expected)
    throw new Error(`${name}: ${load.successes} successes, expected ${expected} (${JSON.stringify(load.errors)})`);
  const violations = await findViolations(db);
  if (violations.length > 0) throw new Error(`${name}: invariants violated: ${JSON.stringify(violations.slice(0, 5))}`);
  console.log(
    `${name.padEnd(38)} ${String(load.successes).padStart(6)} ok  ${(load.requests / load.seconds).toFixed(0).padStart(6)} requests/s  ${(load.successes / load.seconds).toFixed(0).padStart(6)} ${unit}/s  p50 ${percentile(load.latencies, 50).toFixed(1)} ms  p99 ${percentile(load.latencies, 99).toFixed(1)} ms`,
  );
  return load;
}

console.log(
  `engine benchmark: ${REQUESTS} requests per scenario, ${CONCURRENCY} in flight, pool of ${values.pool} connections`,
);
console.log(`database: ${await durabilityOf(db)}`);
const people = await benchUsers(db, REQUESTS);
// Warm-up: opens the pool and lets Prisma compile each query shape once.
const [warm] = await benchCoupons(db, 1, null);
await scenario("warm-up", () => warm!, Math.min(500, REQUESTS), Math.min(500, REQUESTS));

try {
  const [warmRaw] = await benchCoupons(db, 1, null);
  await runLoad(200, CONCURRENCY, async (i) =>
    baseline.redeem({ userId: people[i]!, code: warmRaw!, idempotencyKey: randomUUID() }),
  );
  const rawHot = await rawRate("raw SQL baseline (pg), one hot coupon", 1, REQUESTS);
  const [hot] = await benchCoupons(db, 1, REQUESTS);
  const hotLoad = await scenario("one hot coupon, single row", () => hot!, REQUESTS, REQUESTS);
  const [hotSlots] = await benchCoupons(db, 1, REQUESTS, "SLOTS");
  const slotsLoad = await scenario("one hot coupon, hot-coupon slots", () => hotSlots!, REQUESTS, REQUESTS);
  const rawMany = await rawRate("raw SQL baseline (pg), many coupons", REQUESTS, 1);
  const many = await benchCoupons(db, REQUESTS, 1);
  const manyLoad = await scenario("many coupons (one request each)", (i) => many[i]!, REQUESTS, REQUESTS);
  const [limited] = await benchCoupons(db, 1, Math.floor(REQUESTS / 4), "SLOTS");
  await scenario("hot slots, limit = requests / 4", () => limited!, REQUESTS, Math.floor(REQUESTS / 4));

  // Every person holds credit from the redemptions above (1.00 each), enough for these 1.00 orders.
  const ordersUntracked = await orderScenario("orders, untracked product", null);
  const ordersHot = await orderScenario("orders, one stock-tracked product", REQUESTS);

  const serial = await benchCoupons(db, 200, 1);
  const t0 = performance.now();
  const latencies: number[] = [];
  for (let i = 0; i < serial.length; i++) {
    const s = performance.now();
    await redeemCoupon(db, { userId: people[i]!, code: serial[i]!, idempotencyKey: randomUUID() });
    latencies.push(performance.now() - s);
  }
  console.log(
    `${"one at a time (no contention)".padEnd(38)} ${String(serial.length).padStart(6)} ok  ${(serial.length / ((performance.now() - t0) / 1000)).toFixed(0).padStart(6)} requests/s  p50 ${percentile(latencies, 50).toFixed(1)} ms`,
  );
  const rate = (load: Load) => load.successes / load.seconds;
  console.log(
    `hot / many throughput: single row ${(rate(hotLoad) / rate(manyLoad)).toFixed(2)}, slots ${(rate(slotsLoad) / rate(manyLoad)).toFixed(2)}`,
  );

  console.log(
    `orders / redemptions (many coupons): untracked ${(rate(ordersUntracked) / rate(manyLoad)).toFixed(2)}, hot stock row ${(rate(ordersHot) / rate(manyLoad)).toFixed(2)}`,
  );
  console.log(
    `vs raw SQL: hot ${(rate(hotLoad) / rawHot).toFixed(2)} (slots ${(rate(slotsLoad) / rawHot).toFixed(2)}), many ${(rate(manyLoad) / rawMany).toFixed(2)}`,
  );
} finally {
  await db.$disconnect();
  await pool.end();
  await database.embedded?.stop();
}
