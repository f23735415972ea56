/**
 * The rate limiter is exact under concurrency and across instances: three Prisma clients with pools
 * of their own stand in for three app instances sharing one PostgreSQL. The same harness run against a
 * check-then-act limiter (test/naive-rate-limit.ts) catches it over-admitting.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "@/lib/db/client";
import {
  type RateLimitSettings,
  addressSubject,
  admitRedeemAttempt,
  admitSignIn,
  admitSignUp,
  consume,
  rateLimitSettings,
  signInWaitSeconds,
} from "@/lib/rate-limits";
import { redeem } from "@/lib/commands/customer";
import { runCommand } from "@/lib/commands/edge";
import type { Db as Database } from "@/lib/db/client";
import { clearRateLimitLock, listRateLimitLocks } from "@/lib/admin/rate-limit-locks";
import { freshDatabase, fulfilled, makeCoupon, makeUsers, race, type TestDatabase } from "./helpers";
import { naiveConsume } from "./naive-rate-limit";

const BURST = 500;
const BUDGET = 50;

let test: TestDatabase;
let instances: Db[];

beforeAll(async () => {
  test = await freshDatabase(10);
  instances = [test.db, createDb(test.url, { max: 10 }), createDb(test.url, { max: 10 })];
});

afterAll(async () => {
  await Promise.all(instances.slice(1).map((db) => db.$disconnect()));
  await test?.drop();
});

/** A redeem attempt through the redeem command's edge, as the route and the form make it. */
function redeemWithinLimits(
  db: Database,
  {
    userId,
    code,
    idempotencyKey,
    meta = {},
  }: { userId: string; code: string; idempotencyKey: string; meta?: { ip?: string } },
  limits: RateLimitSettings,
) {
  return runCommand(db, redeem, { userId, meta }, { code, idempotencyKey }, limits);
}

const settings = (overrides: Partial<Record<string, string>> = {}): RateLimitSettings => rateLimitSettings(overrides);

describe("the limiter", () => {
  it(`${BURST} concurrent consumes over three instances against a budget of ${BUDGET}: exactly ${BUDGET} admitted`, async () => {
    const key = randomUUID();
    const budget = { points: BUDGET, windowSeconds: 600 };
    const results = fulfilled(await race(BURST, (i) => consume(instances[i % 3]!, "redeem-customer", budget, key)));
    expect(results.filter((r) => r.ok)).toHaveLength(BUDGET);
    // Every charge was counted, refused ones included, and each admitted caller saw a distinct total.
    const admittedTotals = results.filter((r) => r.ok).map((r) => r.consumedPoints);
    expect(new Set(admittedTotals).size).toBe(BUDGET);
    const row = await test.db.rateLimit.findUniqueOrThrow({ where: { key: `redeem-customer:${key}` } });
    expect(row.points).toBe(BURST);
  });

  it("control: the same harness catches a check-then-act limiter over-admitting", async () => {
    const key = `naive:${randomUUID()}`;
    const results = fulfilled(await race(BURST, (i) => naiveConsume(instances[i % 3]!, key, BUDGET)));
    expect(results.filter(Boolean).length).toBeGreaterThan(BUDGET);
  });

  it("a refused charge says how long until the window ends", async () => {
    const budget = { points: 1, windowSeconds: 120 };
    const key = randomUUID();
    expect((await consume(test.db, "sign-up-address", budget, key)).ok).toBe(true);
    const refused = await consume(test.db, "sign-up-address", budget, key);
    expect(refused.ok).toBe(false);
    expect(refused.msBeforeNext).toBeGreaterThan(100_000);
    expect(refused.msBeforeNext).toBeLessThanOrEqual(120_000);
  });
});

describe("settings", () => {
  it("has defaults and reads budgets as <points>/<window>", () => {
    const defaults = settings();
    expect(defaults.redeemPerCustomer).toEqual({ points: 60, windowSeconds: 900 });
    expect(defaults.unknownCodeCost).toBe(5);
    expect(settings({ RATE_LIMIT_REDEEM_ADDRESS: "1000 / 2h" }).redeemPerAddress).toEqual({
      points: 1000,
      windowSeconds: 7200,
    });
    expect(settings({ RATE_LIMIT_SIGN_IN_LOCK: "30s" }).signInLockSeconds).toBe(30);
  });

  it("refuses a malformed value by naming the variable", () => {
    expect(() => settings({ RATE_LIMIT_SIGN_UP_ADDRESS: "lots" })).toThrow(/RATE_LIMIT_SIGN_UP_ADDRESS/);
    expect(() => settings({ RATE_LIMIT_REDEEM_CUSTOMER: "0/1m" })).toThrow(/RATE_LIMIT_REDEEM_CUSTOMER/);
  });
});

describe("client addresses as subjects", () => {
  it("keys IPv4 as is, IPv4-mapped IPv6 as IPv4, and IPv6 by its /64", () => {
    expect(addressSubject("203.0.113.7")).toBe("203.0.113.7");
    expect(addressSubject("::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(addressSubject("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(addressSubject("2001:db8:1:2:ffff::9")).toBe("2001:db8:1:2::/64");
    expect(addressSubject("not an address")).toBeNull();
    expect(addressSubject(null)).toBeNull();
  });
});

describe("redeem attempts", () => {
  it("a burst of unknown-code guesses gets budget / cost of them to the engine, across instances", async () => {
    const [userId] = await makeUsers(test.db, 1);
    const s = settings({ RATE_LIMIT_REDEEM_CUSTOMER: "60/15m", RATE_LIMIT_REDEEM_UNKNOWN_COST: "5" });
    const results = fulfilled(
      await race(200, (i) =>
        redeemWithinLimits(
          instances[i % 3]!,
          { userId: userId!, code: `NOPE${i}`, idempotencyKey: randomUUID(), meta: { ip: "198.51.100.1" } },
          s,
        ),
      ),
    );
    const reachedEngine = results.filter((r) => r.ok || r.reason !== "rate_limited");
    expect(reachedEngine).toHaveLength(12);
    expect(await test.db.redemptionAttempt.count({ where: { userId } })).toBe(12);
    const refused = results.find((r) => !r.ok && r.reason === "rate_limited");
    expect(refused).toMatchObject({ scope: "customer" });
  });

  it("successes cost one point: a customer can redeem many codes while guesses are capped", async () => {
    const [userId] = await makeUsers(test.db, 1);
    const s = settings({ RATE_LIMIT_REDEEM_CUSTOMER: "10/15m", RATE_LIMIT_REDEEM_UNKNOWN_COST: "5" });
    // Each redemption reserves 5 and is refunded 4: the sixth still fits (5 used + 5 reserved = 10).
    for (let i = 0; i < 6; i++) {
      const coupon = await makeCoupon(test.db, { valueCents: 100 });
      const result = await redeemWithinLimits(
        test.db,
        { userId: userId!, code: coupon.code, idempotencyKey: randomUUID() },
        s,
      );
      expect(result.ok).toBe(true);
    }
    // 6 points used, and a guess reserves 5: 11 > 10, refused before the engine sees it.
    const guess = await redeemWithinLimits(test.db, { userId: userId!, code: "NOPE", idempotencyKey: randomUUID() }, s);
    expect(guess).toMatchObject({ ok: false, reason: "rate_limited", scope: "customer" });
  });

  it("the per-address budget holds across customers", async () => {
    const users = await makeUsers(test.db, 20);
    const s = settings({ RATE_LIMIT_REDEEM_ADDRESS: "50/15m", RATE_LIMIT_REDEEM_UNKNOWN_COST: "5" });
    const results = fulfilled(
      await race(100, (i) =>
        admitRedeemAttempt(instances[i % 3]!, { userId: users[i % 20]!, address: "2001:db8:9:9::1" }, s),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(10);
    expect(results.find((r) => !r.ok)).toMatchObject({ scope: "address" });
  });
});

describe("sign-in", () => {
  const s = () =>
    settings({
      RATE_LIMIT_SIGN_IN_ACCOUNT: "8/1h",
      RATE_LIMIT_SIGN_IN_SLOWDOWN_AFTER: "3",
      RATE_LIMIT_SIGN_IN_LOCK: "15m",
    });

  it("waits grow after the slowdown threshold: 0, 0, 0, then 1, 2, 4 seconds", () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => signInWaitSeconds(n, s()))).toEqual([0, 0, 0, 1, 2, 4]);
  });

  it("free failures, then a slowdown, then a lock; a success forgets the failures", async () => {
    const email = `victim-${randomUUID()}@test.once`;
    const attempt = () => admitSignIn(test.db, { email, address: "192.0.2.10" }, s());
    for (let i = 0; i < 4; i++) {
      const admitted = await attempt();
      expect(admitted.ok).toBe(true);
      if (admitted.ok) await admitted.settle(false);
    }
    // The 4th failure opened a 1-second pace window: the 5th attempt right after it is slowed down.
    const slowed = await attempt();
    expect(slowed).toMatchObject({ ok: false, reason: "rate_limited", scope: "account", slowdown: true });
    // Pretend the pace window has passed (rather than sleep through it).
    await test.db.rateLimit.updateMany({
      where: { key: `sign-in-pace:${email}` },
      data: { expire: BigInt(Date.now() - 1) },
    });
    expect((await attempt()).ok).toBe(true);
    // Attempts 7 and 8 are slowed down; the 9th spends the budget of 8 and locks the account.
    await attempt();
    await attempt();
    const locked = await attempt();
    expect(locked).toMatchObject({ ok: false, scope: "account" });
    expect(locked.ok === false && locked.slowdown).toBeFalsy();
    expect(locked.ok === false && locked.retryAfterSeconds).toBeGreaterThan(14 * 60);

    const locks = await listRateLimitLocks(test.db, s());
    expect(locks.find((l) => l.key === `sign-in-account:${email}`)).toMatchObject({ subject: email, budget: 8 });
  });

  it("a success resets the account's failures", async () => {
    const email = `user-${randomUUID()}@test.once`;
    for (let i = 0; i < 3; i++) {
      const admitted = await admitSignIn(test.db, { email }, s());
      if (admitted.ok) await admitted.settle(false);
    }
    const good = await admitSignIn(test.db, { email }, s());
    expect(good.ok).toBe(true);
    if (good.ok) await good.settle(true);
    expect(await test.db.rateLimit.count({ where: { key: { contains: email } } })).toBe(0);
  });

  it("concurrent password guesses at one account: at most the free ones plus one paced one get checked", async () => {
    const email = `burst-${randomUUID()}@test.once`;
    const results = fulfilled(await race(300, (i) => admitSignIn(instances[i % 3]!, { email }, s())));
    expect(results.filter((r) => r.ok)).toHaveLength(4);
  });

  it("the per-address budget counts failures across accounts", async () => {
    const limits = settings({ RATE_LIMIT_SIGN_IN_ADDRESS: "5/1h" });
    const results = [];
    for (let i = 0; i < 7; i++)
      results.push(
        await admitSignIn(test.db, { email: `a${i}-${randomUUID()}@x.test`, address: "192.0.2.77" }, limits),
      );
    expect(results.map((r) => r.ok)).toEqual([true, true, true, true, true, false, false]);
    expect(results[5]).toMatchObject({ scope: "address" });
  });
});

describe("sign-up", () => {
  it("limits accounts per address; invalid forms are refunded", async () => {
    const s = settings({ RATE_LIMIT_SIGN_UP_ADDRESS: "2/1h" });
    const address = "192.0.2.200";
    const invalid = await admitSignUp(test.db, address, s);
    if (invalid.ok) await invalid.settle(false);
    for (let i = 0; i < 2; i++) {
      const admitted = await admitSignUp(test.db, address, s);
      expect(admitted.ok).toBe(true);
      if (admitted.ok) await admitted.settle(true);
    }
    expect(await admitSignUp(test.db, address, s)).toMatchObject({ ok: false, scope: "address" });
  });
});

describe("locks", () => {
  it("an admin lists and clears a lock, recorded in the audit log; clearing lifts it for every instance", async () => {
    const [adminId, userId] = await makeUsers(test.db, 2);
    const s = settings({ RATE_LIMIT_REDEEM_CUSTOMER: "5/15m", RATE_LIMIT_REDEEM_UNKNOWN_COST: "5" });
    expect((await admitRedeemAttempt(instances[0]!, { userId: userId! }, s)).ok).toBe(true);
    expect((await admitRedeemAttempt(instances[1]!, { userId: userId! }, s)).ok).toBe(false);

    const lock = (await listRateLimitLocks(test.db, s)).find((l) => l.subject === userId);
    expect(lock).toMatchObject({ policy: "redeem-customer", budget: 5 });
    expect(lock!.until.getTime()).toBeGreaterThan(Date.now());

    expect(await clearRateLimitLock(test.db, adminId!, lock!.key)).toEqual({ ok: true, cleared: true });
    expect((await admitRedeemAttempt(instances[2]!, { userId: userId! }, s)).ok).toBe(true);
    const audit = await test.db.adminAuditEntry.findFirstOrThrow({ where: { targetId: lock!.key } });
    expect(audit).toMatchObject({ action: "RATE_LIMIT_CLEARED", actorId: adminId, targetType: "rate_limit" });

    const nothing = `redeem-customer:${randomUUID()}`;
    expect(await clearRateLimitLock(test.db, adminId!, nothing)).toEqual({ ok: true, cleared: false });
    expect(await clearRateLimitLock(test.db, adminId!, "bogus:key")).toEqual({ ok: false, reason: "unknown_policy" });
  });
});
