import { randomUUID } from "node:crypto";
import pg from "pg";
import { inject, onTestFinished } from "vitest";
import { type NewCoupon, createCoupon } from "@/lib/coupons";
import { type Command, runCommand } from "@/lib/commands/edge";
import { createDb, type Db } from "@/lib/db/client";
import type { RateLimitSettings } from "@/lib/rate-limits";
import { redeemCoupon } from "@/lib/redemptions";
import { withDatabase } from "./setup/global-database";

/** The race suites need real parallelism on the database side: at least 20 connections. */
export const RACE_POOL_SIZE = 24;

export interface TestDatabase {
  db: Db;
  url: string;
  drop(): Promise<void>;
}

/**
 * A private, freshly migrated database cloned from the suite template, for a whole file: opened in
 * beforeAll, dropped in afterAll. Inside a test, use scenarioDatabase.
 */
export function freshDatabase(poolSize = RACE_POOL_SIZE): Promise<TestDatabase> {
  return createTestDatabase(`TEMPLATE ${inject("testTemplateDatabase")}`, poolSize);
}

/** A fresh database for the running test alone: its pool closed and the database dropped when the test ends, passed or failed. */
export async function scenarioDatabase(poolSize = RACE_POOL_SIZE): Promise<TestDatabase> {
  const database = await freshDatabase(poolSize);
  onTestFinished(() => database.drop());
  return database;
}

/** Another pool on a test's database (an admin's own connection, say), closed when the test ends. */
export function scenarioClient(url: string, poolSize: number): Db {
  const db = createDb(url, { max: poolSize });
  onTestFinished(() => db.$disconnect());
  return db;
}

/** A private database with no schema at all for the running test (the migration runner's), dropped when it ends. */
export async function emptyDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase("", 2);
  onTestFinished(() => database.drop());
  return database;
}

async function createTestDatabase(options: string, poolSize: number): Promise<TestDatabase> {
  const server = new URL(inject("testServerUrl"));
  const name = `once_test_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
  await adminQuery(server, `CREATE DATABASE ${name} ${options}`);
  const url = withDatabase(server, name);
  const db = createDb(url, { max: poolSize });
  return {
    db,
    url,
    async drop() {
      try {
        await db.$disconnect();
      } finally {
        await adminQuery(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      }
    },
  };
}

async function adminQuery(server: URL, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: withDatabase(server, "postgres") });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function makeUsers(db: Db, count: number, prefix = "user"): Promise<string[]> {
  const tag = randomUUID().slice(0, 8);
  const emails = Array.from({ length: count }, (_, i) => `${prefix}-${tag}-${i}@test.once`);
  await db.user.createMany({ data: emails.map((email) => ({ email, name: email })) });
  const users = await db.user.findMany({ where: { email: { in: emails } }, select: { id: true } });
  return users.map((u) => u.id);
}

export async function makeCoupon(db: Db, overrides: Partial<NewCoupon> = {}) {
  const result = await createCoupon(db, {
    code: `T${randomUUID().replaceAll("-", "").slice(0, 12)}`,
    valueCents: 1_000,
    ...overrides,
  });
  if (!result.ok) throw new Error(`test coupon rejected: ${JSON.stringify(result)}`);
  return result.coupon;
}

export const newKey = () => randomUUID();

/** Runs commands as `userId` through their edge (lib/commands/edge.ts), as every entry point does. */
export function actingAs(db: Db, userId: string, settings?: RateLimitSettings, ip = "198.51.100.7") {
  return <Input, Result extends { ok: boolean }>(command: Command<Input, Result>, input: unknown) =>
    runCommand(db, command, { userId, meta: { ip } }, input, settings);
}

/** Customers with store credit, each redeemed through the engine (so the invariants hold from the start). */
export async function makeCustomersWithCredit(db: Db, count: number, creditCents: number): Promise<string[]> {
  const users = await makeUsers(db, count);
  const topUp = await makeCoupon(db, { valueCents: creditCents, maxRedemptions: null });
  for (let i = 0; i < users.length; i += 20) {
    const redeemed = await Promise.all(
      users.slice(i, i + 20).map((userId) => redeemCoupon(db, { userId, code: topUp.code, idempotencyKey: newKey() })),
    );
    if (!redeemed.every((r) => r.ok)) throw new Error("could not give the test customers their credit");
  }
  return users;
}

/**
 * A place where the first `parties` callers wait for each other; later callers pass straight through.
 * Put between a naive control's check and its write, it makes that many transactions read before any of
 * them writes, on any machine. Every one of those callers must reach it (fewer than the pool's
 * connections, all passing the check), or they would wait for ever.
 */
export function meetingPoint(parties: number): () => Promise<void> {
  let arrived = 0;
  let open!: () => void;
  const everyoneHere = new Promise<void>((resolve) => (open = resolve));
  return () => {
    if (++arrived === parties) open();
    return arrived <= parties ? everyoneHere : Promise.resolve();
  };
}

/**
 * A place where the first `parties` callers wait until the clock has passed `instant`; later callers pass
 * straight through. Put between a naive control's check and its write, it makes a check made before the
 * instant write after it, on any machine (a gap alone spans the instant only if the timing happens to).
 */
export function heldPast(instant: Date, parties: number): () => Promise<void> {
  let arrived = 0;
  return async () => {
    if (++arrived > parties) return;
    while (Date.now() <= instant.getTime()) {
      await new Promise((resolve) => setTimeout(resolve, instant.getTime() - Date.now() + 1));
    }
  };
}

/** Starts `count` calls in the same tick and waits for all of them, failures included. */
export async function race<T>(count: number, call: (index: number) => Promise<T>): Promise<PromiseSettledResult<T>[]> {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const calls = Array.from({ length: count }, (_, i) => gate.then(() => call(i)));
  release();
  return Promise.allSettled(calls);
}

export function fulfilled<T>(results: PromiseSettledResult<T>[]): T[] {
  const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
  if (rejected.length > 0) throw new Error(`${rejected.length} calls threw; first: ${String(rejected[0]!.reason)}`);
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}

/** Polls `check` until it holds; fails with `what` after `timeoutMs` (generous: it waits for real retries). */
export async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
