/** What the benchmarks share: a fresh database, bench users and coupons, a closed-loop load driver. */
import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import path from "node:path";
import { type Database, prepareDatabase } from "@/lib/db/bootstrap";
import { adjustCredit } from "@/lib/admin/customers/adjust";
import { adminCreateProduct } from "@/lib/admin/products";
import { createCoupon } from "@/lib/coupons";
import type { CounterChoice, NewCoupon } from "@/lib/coupon-terms";
import type { Db } from "@/lib/db/client";
import { env } from "@/lib/env";

/**
 * The embedded PostgreSQL in .data/<name>, recreated per run; DATABASE_URL when set. Durable like the
 * app's unless `unsafeFast` (the `--unsafe-fast` flag of each benchmark): a throwaway database may trade
 * durability for speed, and the report says which it ran on (durabilityOf).
 */
export async function benchDatabase(name: string, { unsafeFast = false } = {}): Promise<Database> {
  const dataDir = path.resolve(import.meta.dirname, "..", "..", ".data", name);
  if (!env().DATABASE_URL) await rm(dataDir, { recursive: true, force: true });
  return prepareDatabase({ dataDir, unsafeFastForThrowawayData: unsafeFast });
}

/** The durability settings the server really runs with, read from it (also for DATABASE_URL). */
export async function durabilityOf(db: Db): Promise<string> {
  const [settings] = await db.$queryRaw<Record<string, string>[]>`
    SELECT current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS synchronous_commit,
           current_setting('full_page_writes') AS full_page_writes`;
  const off = Object.entries(settings!).flatMap(([name, value]) => (value === "off" ? [name] : []));
  return off.length === 0
    ? "durable (fsync, synchronous_commit and full_page_writes on, as PostgreSQL ships and `npm start` runs)"
    : `UNSAFE: ${off.join(", ")} off (a crash loses acknowledged commits; not what \`npm start\` runs)`;
}

export async function benchUsers(db: Db, count: number): Promise<string[]> {
  const tag = randomUUID().slice(0, 8);
  await db.user.createMany({
    data: Array.from({ length: count }, (_, i) => ({ email: `bench-${tag}-${i}@bench.once`, name: `bench ${i}` })),
  });
  return (await db.user.findMany({ where: { email: { startsWith: `bench-${tag}-` } }, select: { id: true } })).map(
    (u) => u.id,
  );
}

/** Coupons made the way the app makes them (lib/coupons createCoupon), counted where `counter` says. */
export async function benchCoupons(
  db: Db,
  count: number,
  maxRedemptions: number | null,
  counter: CounterChoice = "SINGLE_ROW",
  perUserLimit = 1,
  terms: Partial<NewCoupon> = {},
): Promise<string[]> {
  const tag = randomUUID().replaceAll("-", "").slice(0, 8).toUpperCase();
  const codes = Array.from({ length: count }, (_, i) => `B${tag}${i}`);
  for (let i = 0; i < codes.length; i += 100) {
    await Promise.all(
      codes.slice(i, i + 100).map(async (code) => {
        const created = await createCoupon(db, {
          code,
          valueCents: 100,
          maxRedemptions,
          counter,
          perUserLimit,
          ...terms,
        });
        if (!created.ok) throw new Error(`bench coupon ${code} refused: ${created.reason}`);
      }),
    );
  }
  return codes;
}

/** The admin that bench products and credit are made by, as the admin pages would. */
export async function benchAdmin(db: Db): Promise<string> {
  const admin = await db.user.create({
    data: { email: `bench-admin-${randomUUID().slice(0, 8)}@bench.once`, name: "bench admin", role: "ADMIN" },
  });
  return admin.id;
}

/** A product priced 1.00, made the way the admin makes one: stock-tracked with `stock`, or not tracked (null). */
export async function benchProduct(db: Db, adminId: string, stock: number | null): Promise<string> {
  const sku = `BENCH-${randomUUID().slice(0, 8).toUpperCase()}`;
  const created = await adminCreateProduct(db, adminId, { sku, name: sku, priceCents: 100, stock });
  if (!created.ok) throw new Error(`bench product ${sku} refused: ${created.reason}`);
  return sku;
}

/** Store credit for customers who will place orders, given as an admin adjustment (one ledger entry each). */
export async function fundCustomers(db: Db, adminId: string, userIds: string[], cents: number): Promise<void> {
  for (let i = 0; i < userIds.length; i += 20) {
    await Promise.all(
      userIds.slice(i, i + 20).map(async (customerId) => {
        const funded = await adjustCredit(db, adminId, {
          customerId,
          amountCents: cents,
          reason: "bench credit",
          idempotencyKey: randomUUID(),
        });
        if (!funded.ok) throw new Error(`funding ${customerId} refused: ${funded.reason}`);
      }),
    );
  }
}

export interface Load {
  seconds: number;
  requests: number;
  successes: number;
  errors: Record<string, number>;
  retries: number;
  latencies: number[];
}

/** `total` calls with `concurrency` in flight at any time (a closed loop, like a pool of clients). */
export async function runLoad(
  total: number,
  concurrency: number,
  call: (i: number) => Promise<{ ok: boolean; retries?: number; error?: string }>,
): Promise<Load> {
  const load: Load = { seconds: 0, requests: total, successes: 0, errors: {}, retries: 0, latencies: [] };
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = performance.now();
        const result = await call(i);
        load.latencies.push(performance.now() - t0);
        if (result.ok) load.successes++;
        if (result.error) load.errors[result.error] = (load.errors[result.error] ?? 0) + 1;
        load.retries += result.retries ?? 0;
      }
    }),
  );
  load.seconds = (performance.now() - started) / 1000;
  return load;
}

/**
 * One load run in slices (`rounds`) taken in turn with other loads' slices: `run(start, count)` runs the
 * calls numbered start..start+count-1. Each load's calls and the state they leave are those of one run;
 * only the time is shared out, so loads compared by their ratio meet the same machine speed even when
 * the machine's speed drifts during the benchmark (a shared two-core machine's does, by a quarter).
 */
export async function interleaved<Key>(
  keys: readonly Key[],
  total: number,
  rounds: number,
  run: (key: Key, start: number, count: number) => Promise<Load>,
): Promise<Map<Key, Load>> {
  const merged = new Map<Key, Load>();
  for (let round = 0; round < rounds; round++) {
    const start = Math.floor((round * total) / rounds);
    const count = Math.floor(((round + 1) * total) / rounds) - start;
    // Each round starts one load further on, so no load always runs right after the same other one.
    const turn = round % keys.length;
    for (const key of [...keys.slice(turn), ...keys.slice(0, turn)]) {
      const slice = await run(key, start, count);
      const sum = merged.get(key);
      if (!sum) {
        merged.set(key, slice);
        continue;
      }
      sum.seconds += slice.seconds;
      sum.requests += slice.requests;
      sum.successes += slice.successes;
      sum.retries += slice.retries;
      sum.latencies.push(...slice.latencies);
      for (const [error, n] of Object.entries(slice.errors)) sum.errors[error] = (sum.errors[error] ?? 0) + n;
    }
  }
  return merged;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}
