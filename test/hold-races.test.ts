/**
 * Two-phase holds under concurrency (lib/holds), against a real PostgreSQL (pool of 24): hundreds of
 * holds, captures, releases, expiry sweeps and refunds fired at once, each scenario on a database of its
 * own, dropped in finally, with lib/invariants.ts run after every burst, in both counter modes. The
 * limit scenarios also run against a naive check-then-act hold written below, and there the test
 * asserts the same harness catches it: more granted than allowed, or the invariants broken.
 */
import { afterAll, describe, expect, it } from "vitest";
import { naiveTakeCouponUse } from "@/lib/controls/naive";
import type { Db } from "@/lib/db/client";
import type { CounterMode } from "@/lib/generated/prisma/client";
import { createHold, type CreateHoldResult } from "@/lib/holds/create-hold";
import { expireHolds } from "@/lib/holds/expiry";
import { captureHold, refundHold, releaseHold, type SettleResult } from "@/lib/holds/settle-hold";
import { findViolations } from "@/lib/invariants";
import { freshDatabase, makeCoupon, makeCustomersWithCredit, makeUsers, meetingPoint, newKey, race } from "./helpers";

const COUNTERS: CounterMode[] = ["SINGLE_ROW", "SLOTS"];
/** How many naive callers read before any writes: more than any limit below, fewer than the pool. */
const NAIVE_OVERLAP = 12;
const T0 = new Date("2027-03-01T12:00:00.000Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

const summary: string[] = [];
afterAll(() => console.log(`\nhold race results\n${summary.join("\n")}`));

async function withDatabase<T>(work: (db: Db) => Promise<T>): Promise<T> {
  const { db, drop } = await freshDatabase();
  try {
    return await work(db);
  } finally {
    await drop();
  }
}

type Answer = { ok: true } | { ok: false; reason: string };

function tally(results: PromiseSettledResult<Answer>[]) {
  const reasons: Record<string, number> = {};
  for (const result of results) {
    // A throw is named with its message: a race that throws is a bug to be read, not a count.
    const reason =
      result.status === "rejected"
        ? `thrown: ${String(result.reason).slice(0, 300)}`
        : result.value.ok
          ? "ok"
          : result.value.reason;
    reasons[reason] = (reasons[reason] ?? 0) + 1;
  }
  return reasons;
}

const violationsOf = async (db: Db) => (await findViolations(db)).map((v) => `${v.invariant}: ${v.detail}`);

/** The uses a coupon's counters hold, wherever they are counted. */
async function counted(db: Db, couponId: string): Promise<number> {
  const [row] = await db.$queryRaw<{ uses: number }[]>`
    SELECT (c.redeemed_count + coalesce((SELECT sum(used) FROM coupon_counter_slots WHERE coupon_id = c.id), 0))::int AS uses
    FROM coupons c WHERE c.id = ${couponId}::uuid`;
  return row!.uses;
}

const discountCode = (maxRedemptions: number, counter: CounterMode) => ({
  kind: "AMOUNT_OFF" as const,
  valueCents: 500,
  maxRedemptions,
  counter,
});

// ---------------------------------------------------------------------------------------------
// The control: a hold written the naive way, check then act

/**
 * A hold as most engines would write it: the code's use taken by the naive check-then-act control
 * (lib/controls/naive.ts), the balance read, checked in code and written back as read minus the credit,
 * with its ledger entry. Each step is what createHold does with one guarded write instead.
 */
async function naiveCreateHold(
  db: Db,
  input: { userId: string; code: string | null; subtotalCents: number; creditCents: number },
  checked: () => Promise<void>,
): Promise<Answer> {
  try {
    return await db.$transaction(
      async (tx) => {
        const user = await tx.user.findUniqueOrThrow({ where: { id: input.userId } });
        const write = async (coupon: { id: string; valueCents: number } | null): Promise<Answer> => {
          if (user.balanceCents < input.creditCents) return { ok: false, reason: "insufficient_credit" };
          await tx.user.update({ where: { id: user.id }, data: { liveOrders: user.liveOrders + 1 } });
          const hold = await tx.hold.create({
            data: {
              userId: input.userId,
              couponId: coupon?.id ?? null,
              idempotencyKey: newKey(),
              subtotalCents: input.subtotalCents,
              discountCents: coupon ? Math.min(coupon.valueCents, input.subtotalCents) : 0,
              creditCents: input.creditCents,
              createdAt: T0,
              expiresAt: at(900),
            },
          });
          if (input.creditCents > 0) {
            const balanceCents = user.balanceCents - input.creditCents;
            await tx.user.update({ where: { id: user.id }, data: { balanceCents } });
            await tx.ledgerEntry.create({
              data: {
                userId: user.id,
                amountCents: -input.creditCents,
                balanceAfterCents: balanceCents,
                kind: "HOLD",
                holdId: hold.id,
              },
            });
          }
          return { ok: true };
        };
        if (!input.code) {
          await checked();
          await new Promise((resolve) => setTimeout(resolve, 20));
          return write(null);
        }
        const use = await naiveTakeCouponUse(tx, { code: input.code, userId: input.userId, now: T0 }, write, {
          checked,
        });
        return use.ok ? use.value : use;
      },
      { maxWait: 60_000, timeout: 60_000 },
    );
  } catch (error) {
    return { ok: false, reason: `error: ${(error as Error).message.split("\n").at(-1)}` };
  }
}

// ---------------------------------------------------------------------------------------------
// Limits consumed by the hold itself

interface LimitScenario {
  label: string;
  holds: number;
  maxRedemptions: number;
}

const LIMITS: LimitScenario[] = [
  { label: "300 holds on a single-use code", holds: 300, maxRedemptions: 1 },
  { label: "300 holds on a 10-use code", holds: 300, maxRedemptions: 10 },
];

type Engine = "engine" | "naive";

async function limitBurst(engine: Engine, counter: CounterMode, scenario: LimitScenario) {
  return withDatabase(async (db) => {
    const users = await makeUsers(db, scenario.holds);
    const coupon = await makeCoupon(db, discountCode(scenario.maxRedemptions, counter));
    const meet = meetingPoint(NAIVE_OVERLAP);
    const results = await race<Answer>(scenario.holds, (i) =>
      engine === "engine"
        ? createHold(db, {
            userId: users[i]!,
            code: coupon.code,
            subtotalCents: 2_000,
            idempotencyKey: newKey(),
            now: T0,
          })
        : naiveCreateHold(db, { userId: users[i]!, code: coupon.code, subtotalCents: 2_000, creditCents: 0 }, meet),
    );
    const reasons = tally(results);
    const granted = reasons.ok ?? 0;
    const violations = await violationsOf(db);
    if (granted > scenario.maxRedemptions)
      violations.push(`${granted} holds granted, ${scenario.maxRedemptions} allowed`);
    const live = await db.hold.count({ where: { couponId: coupon.id, status: "HELD" } });
    summary.push(
      `${engine.padEnd(7)} ${counter.padEnd(10)} ${scenario.label.padEnd(32)} granted=${granted} limit=${scenario.maxRedemptions} held rows=${live} counted=${await counted(db, coupon.id)} violations=${violations.length} ${JSON.stringify(reasons)}`,
    );
    return { granted, reasons, violations, live, counted: await counted(db, coupon.id) };
  });
}

describe.each(COUNTERS)("holds consume a code's uses exactly (%s)", (counter) => {
  it.each(LIMITS)("$label: exactly $maxRedemptions", async (scenario) => {
    const report = await limitBurst("engine", counter, scenario);
    expect(report).toEqual({
      granted: scenario.maxRedemptions,
      reasons: { ok: scenario.maxRedemptions, exhausted: scenario.holds - scenario.maxRedemptions },
      violations: [],
      live: scenario.maxRedemptions,
      counted: scenario.maxRedemptions,
    });
  });
});

describe("held credit", () => {
  it("200 holds against a balance that affords 10: exactly 10, the balance the sum of its ledger", async () => {
    await withDatabase(async (db) => {
      const [userId] = await makeCustomersWithCredit(db, 1, 10_000);
      const results = await race<Answer>(200, () =>
        createHold(db, {
          userId: userId!,
          subtotalCents: 1_500,
          creditCents: 1_000,
          idempotencyKey: newKey(),
          now: T0,
        }),
      );
      const reasons = tally(results);
      expect(reasons).toEqual({ ok: 10, insufficient_credit: 190 });
      expect(await db.user.findUniqueOrThrow({ where: { id: userId! } })).toMatchObject({
        balanceCents: 0,
        liveOrders: 10,
      });
      expect(await violationsOf(db)).toEqual([]);

      // Every one of them expires at once: the credit comes back exactly once each.
      expect(await expireHolds(db, at(901), 3)).toEqual({ expired: 10, failed: 0 });
      expect(await expireHolds(db, at(902))).toEqual({ expired: 0, failed: 0 });
      expect(await db.user.findUniqueOrThrow({ where: { id: userId! } })).toMatchObject({
        balanceCents: 10_000,
        liveOrders: 0,
      });
      expect(await violationsOf(db)).toEqual([]);
      summary.push(
        `engine  credit     200 holds of 1000 against 10000       granted=${reasons.ok} limit=10 ${JSON.stringify(reasons)}`,
      );
    });
  });
});

describe("the same idempotency key", () => {
  it.each(COUNTERS)("50 concurrent holds with one key make one hold (%s)", async (counter) => {
    await withDatabase(async (db) => {
      const [userId] = await makeCustomersWithCredit(db, 1, 10_000);
      const coupon = await makeCoupon(db, discountCode(5, counter));
      const key = newKey();
      const request = {
        userId: userId!,
        code: coupon.code,
        subtotalCents: 3_000,
        creditCents: 1_000,
        idempotencyKey: key,
        now: T0,
      };
      const results = await race(50, () => createHold(db, request));
      const answers = results.map((r) => (r.status === "fulfilled" ? r.value : null));
      const ids = new Set(answers.map((a) => (a?.ok ? a.hold.id : `refused: ${JSON.stringify(a)}`)));
      expect(ids.size).toBe(1);
      expect(answers.filter((a) => a?.ok && !a.replayed)).toHaveLength(1);
      expect(await db.hold.count({ where: { userId } })).toBe(1);
      expect(await counted(db, coupon.id)).toBe(1);
      expect(await db.user.findUniqueOrThrow({ where: { id: userId! } })).toMatchObject({ balanceCents: 9_000 });
      // The same key for another request is refused, not answered with this hold.
      expect(await createHold(db, { ...request, creditCents: 2_000 })).toMatchObject({
        ok: false,
        reason: "idempotency_key_reused",
      });
      expect(await violationsOf(db)).toEqual([]);
      summary.push(`engine  ${counter.padEnd(10)} one key, 50 concurrent holds       holds=1`);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Settling: exactly one outcome

/** One live hold with a code and credit, made at T0 for 60 seconds. */
async function liveHold(db: Db, counter: CounterMode, creditCents = 1_000) {
  const [userId] = await makeCustomersWithCredit(db, 1, 10_000);
  const coupon = await makeCoupon(db, discountCode(1, counter));
  const made = await createHold(db, {
    userId: userId!,
    code: coupon.code,
    subtotalCents: 6_000,
    creditCents,
    ttlSeconds: 60,
    idempotencyKey: newKey(),
    now: T0,
  });
  if (!made.ok) throw new Error(`hold refused: ${made.reason}`);
  return { userId: userId!, coupon, hold: made.hold };
}

type Move = "capture" | "release" | "expire";

describe.each(COUNTERS)("capture, release and expiry racing on one hold (%s)", (counter) => {
  it("100 racers, 5 rounds: exactly one outcome each, the use and the credit returned at most once", async () => {
    await withDatabase(async (db) => {
      const outcomes: Record<string, number> = {};
      for (let round = 0; round < 5; round++) {
        const { userId, coupon, hold } = await liveHold(db, counter);
        const moves: Move[] = ["capture", "release", "expire"];
        // Capture and release act a second before the hold's end; the sweep a second after it.
        const results = await race<SettleResult | { ok: true; expired: number }>(100, (i) => {
          const move = moves[(i + round) % 3]!;
          if (move === "expire")
            return expireHolds(db, at(61)).then((s) => ({ ok: true as const, expired: s.expired }));
          const settle = move === "capture" ? captureHold : releaseHold;
          return settle(db, { holdId: hold.id, userId, now: at(59) });
        });
        const values = results.map((r) => {
          if (r.status === "rejected") throw r.reason;
          return r.value;
        });
        const changes = values.filter((v) => v.ok && ("expired" in v ? v.expired === 1 : v.changed)).length;
        expect(changes).toBe(1);
        const final = await db.hold.findUniqueOrThrow({ where: { id: hold.id } });
        outcomes[final.status] = (outcomes[final.status] ?? 0) + 1;
        const kept = final.status === "CAPTURED";
        // Every capture answers as the outcome has it: success once captured, `expired` or `hold_released` otherwise.
        for (const [i, v] of values.entries()) {
          if (moves[(i + round) % 3] !== "capture") continue;
          if (kept) expect(v).toMatchObject({ ok: true });
          else expect(v).toMatchObject({ ok: false, reason: final.status === "EXPIRED" ? "expired" : "hold_released" });
        }
        expect(await counted(db, coupon.id)).toBe(kept ? 1 : 0);
        expect(await db.user.findUniqueOrThrow({ where: { id: userId } })).toMatchObject({
          balanceCents: kept ? 9_000 : 10_000,
          liveOrders: kept ? 1 : 0,
        });
        expect(await db.ledgerEntry.count({ where: { holdId: hold.id, kind: "HOLD_RETURN" } })).toBe(kept ? 0 : 1);
        expect(await violationsOf(db)).toEqual([]);
      }
      summary.push(
        `engine  ${counter.padEnd(10)} capture/release/expiry x100, 5 rounds  outcomes ${JSON.stringify(outcomes)}`,
      );
    });
  });
});

describe("settling answers", () => {
  it("capture after expiry answers expired (and expires it); second capture and second release answer the same success", async () => {
    await withDatabase(async (db) => {
      const late = await liveHold(db, "SINGLE_ROW");
      expect(await captureHold(db, { holdId: late.hold.id, userId: late.userId, now: at(60) })).toEqual({
        ok: false,
        reason: "expired",
      });
      expect(await db.hold.findUniqueOrThrow({ where: { id: late.hold.id } })).toMatchObject({ status: "EXPIRED" });
      expect(await releaseHold(db, { holdId: late.hold.id, userId: late.userId, now: at(61) })).toMatchObject({
        ok: true,
        changed: false,
        hold: { status: "EXPIRED" },
      });
      expect(await db.user.findUniqueOrThrow({ where: { id: late.userId } })).toMatchObject({ balanceCents: 10_000 });

      const sold = await liveHold(db, "SLOTS");
      const capture = () => captureHold(db, { holdId: sold.hold.id, userId: sold.userId, now: at(10) });
      expect(await capture()).toMatchObject({
        ok: true,
        changed: true,
        hold: { status: "CAPTURED", discountCents: 500, creditCents: 1_000 },
      });
      expect(await capture()).toMatchObject({ ok: true, changed: false, hold: { status: "CAPTURED" } });
      expect(await releaseHold(db, { holdId: sold.hold.id, userId: sold.userId, now: at(11) })).toEqual({
        ok: false,
        reason: "hold_captured",
      });
      // Captured holds never expire.
      expect(await expireHolds(db, at(3_600))).toEqual({ expired: 0, failed: 0 });
      // Someone else's hold is not found, as one that does not exist.
      const [stranger] = await makeUsers(db, 1);
      expect(await captureHold(db, { holdId: sold.hold.id, userId: stranger!, now: at(10) })).toEqual({
        ok: false,
        reason: "not_found",
      });
      expect(await releaseHold(db, { holdId: "not-a-uuid", userId: stranger! })).toEqual({
        ok: false,
        reason: "not_found",
      });
      expect(await violationsOf(db)).toEqual([]);
    });
  });

  it("refuses a malformed hold with a message and takes nothing", async () => {
    await withDatabase(async (db) => {
      const [userId] = await makeCustomersWithCredit(db, 1, 1_000);
      const coupon = await makeCoupon(db, discountCode(1, "SINGLE_ROW"));
      const hold = (input: Partial<Parameters<typeof createHold>[1]>) =>
        createHold(db, {
          userId: userId!,
          subtotalCents: 2_000,
          idempotencyKey: newKey(),
          code: coupon.code,
          ...input,
        });
      expect(await hold({ ttlSeconds: 5 })).toMatchObject({
        ok: false,
        reason: "invalid_hold",
        message: expect.stringContaining("60"),
      });
      expect(await hold({ code: null })).toMatchObject({ ok: false, reason: "invalid_hold" });
      expect(await hold({ lines: [{ sku: "A", quantity: 1, unitPriceCents: 1_999 }] })).toMatchObject({
        ok: false,
        reason: "invalid_hold",
        message: "The subtotal must be the sum of the lines.",
      });
      // 2000 − 500 leaves 1500: holding 1600 of credit is more than the total.
      expect(await hold({ creditCents: 1_600 })).toMatchObject({ ok: false, reason: "invalid_hold" });
      expect(await hold({ code: "NOSUCHCODE" })).toMatchObject({ ok: false, reason: "unknown_code" });
      expect(await hold({ creditCents: 1_200 })).toMatchObject({ ok: false, reason: "insufficient_credit" });
      expect(await counted(db, coupon.id)).toBe(0);
      const made: CreateHoldResult = await hold({ creditCents: 1_000, ttlSeconds: 120, now: T0 });
      expect(made).toMatchObject({
        ok: true,
        hold: { discountCents: 500, creditCents: 1_000, expiresAt: at(120), code: coupon.code },
      });
      expect(await violationsOf(db)).toEqual([]);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Refunds

describe("refunds racing", () => {
  it("100 concurrent partial refunds of 70 on 5000 captured: 71 succeed, never more than captured", async () => {
    await withDatabase(async (db) => {
      const { userId, coupon, hold } = await liveHold(db, "SINGLE_ROW", 5_000);
      expect(await captureHold(db, { holdId: hold.id, userId, now: at(1) })).toMatchObject({ ok: true });
      const results = await race(100, () =>
        refundHold(db, { holdId: hold.id, userId, amountCents: 70, idempotencyKey: newKey() }),
      );
      const reasons = tally(results);
      expect(reasons).toEqual({ ok: 71, refund_too_large: 29 });
      expect(await db.hold.findUniqueOrThrow({ where: { id: hold.id } })).toMatchObject({
        refundedCents: 4_970,
        status: "CAPTURED",
      });
      expect(await db.user.findUniqueOrThrow({ where: { id: userId } })).toMatchObject({ balanceCents: 5_000 + 4_970 });
      // A partial refund leaves the sale, so the code's use stays taken.
      expect(await counted(db, coupon.id)).toBe(1);
      expect(await violationsOf(db)).toEqual([]);
      summary.push(
        `engine  SINGLE_ROW 100 partial refunds of 70 on 5000     granted=${reasons.ok} limit=71 ${JSON.stringify(reasons)}`,
      );
    });
  });

  it.each(COUNTERS)(
    "a whole refund racing 50 partial ones and itself: the rest and the use back once (%s)",
    async (counter) => {
      await withDatabase(async (db) => {
        const { userId, coupon, hold } = await liveHold(db, counter, 5_000);
        expect(await captureHold(db, { holdId: hold.id, userId, now: at(1) })).toMatchObject({ ok: true });
        const wholeKey = newKey();
        const results = await race(60, (i) =>
          refundHold(db, {
            holdId: hold.id,
            userId,
            idempotencyKey: i < 10 ? wholeKey : newKey(),
            ...(i < 10 ? {} : { amountCents: 100 }),
          }),
        );
        const values = results.map((r) => (r.status === "fulfilled" ? r.value : null));
        expect(values.slice(0, 10).every((v) => v?.ok)).toBe(true);
        expect(values.slice(0, 10).filter((v) => v?.ok && v.changed)).toHaveLength(1);
        const final = await db.hold.findUniqueOrThrow({ where: { id: hold.id } });
        expect(final).toMatchObject({ status: "REFUNDED", refundedCents: 5_000 });
        expect(await db.user.findUniqueOrThrow({ where: { id: userId } })).toMatchObject({
          balanceCents: 10_000,
          liveOrders: 0,
        });
        expect(await counted(db, coupon.id)).toBe(0);
        // The same key again answers the refund made, refunding nothing twice.
        expect(await refundHold(db, { holdId: hold.id, userId, idempotencyKey: wholeKey })).toMatchObject({
          ok: true,
          changed: false,
        });
        expect(await refundHold(db, { holdId: hold.id, userId, amountCents: 1, idempotencyKey: newKey() })).toEqual({
          ok: false,
          reason: "hold_not_captured",
        });
        expect(await violationsOf(db)).toEqual([]);
      });
    },
  );
});

// ---------------------------------------------------------------------------------------------
// The control

describe("control: the same harness catches a naive check-then-act hold", () => {
  it.each(COUNTERS)(
    "300 naive holds on a single-use code: more than one granted, invariants broken (%s)",
    async (counter) => {
      const report = await limitBurst("naive", counter, LIMITS[0]!);
      expect(report.granted).toBeGreaterThan(1);
      expect(report.violations.length).toBeGreaterThan(0);
    },
  );

  it("200 naive holds against a balance that affords 10: more than 10 granted, the ledger broken", async () => {
    await withDatabase(async (db) => {
      const [userId] = await makeCustomersWithCredit(db, 1, 10_000);
      const meet = meetingPoint(NAIVE_OVERLAP);
      const results = await race<Answer>(200, () =>
        naiveCreateHold(db, { userId: userId!, code: null, subtotalCents: 1_500, creditCents: 1_000 }, meet),
      );
      const reasons = tally(results);
      const violations = await violationsOf(db);
      summary.push(
        `naive   credit     200 holds of 1000 against 10000       granted=${reasons.ok ?? 0} limit=10 violations=${violations.length} ${JSON.stringify(reasons)}`,
      );
      expect(reasons.ok ?? 0).toBeGreaterThan(10);
      expect(violations.length).toBeGreaterThan(0);
    });
  });
});
