/**
 * The exactly-once primitive on its own: 200 concurrent callers each take one use of a coupon through
 * lib/coupon-use.ts in a bare transaction (no idempotency key, no redemption, no credit: what a new
 * feature such as checkout builds on), over a pool of 24 connections against a real PostgreSQL, with
 * the coupon counted on its row and in hot-coupon slots. After each burst the counters are checked
 * against the successes. Every scenario also runs against the primitive's naive control
 * (lib/controls/naive.ts naiveTakeCouponUse), and there the test asserts that the same harness catches
 * the oversell. Callers of the primitive (redeem, revoke) have their own suite: races.test.ts.
 */
import { afterAll, describe, expect, it } from "vitest";
import { naiveTakeCouponUse } from "@/lib/controls/naive";
import { SLOT_COUNT } from "@/lib/coupon-terms";
import { type CouponUseRefusal, takeCouponUse } from "@/lib/coupon-use";
import type { Db } from "@/lib/db/client";
import { Rollback, runTransaction } from "@/lib/db/transaction";
import type { CounterMode } from "@/lib/generated/prisma/client";
import { freshDatabase, makeCoupon, makeUsers, meetingPoint, race } from "./helpers";

const CONCURRENCY = 200;
const COUNTERS: CounterMode[] = ["SINGLE_ROW", "SLOTS"];
/**
 * How many naive callers read before any of them writes: more than any limit below and than the slots
 * (so two of them read the same slot), fewer than the pool's connections.
 */
const NAIVE_OVERLAP = SLOT_COUNT + 1;

type Outcome = { ok: true } | { ok: false; reason: string };

interface Implementation {
  name: "primitive" | "naive";
  counter: CounterMode;
  /** One use for `userId`, in a transaction of its own; `meet` is awaited by the naive control after its check. */
  take(db: Db, input: { code: string; userId: string }, meet: () => Promise<void>): Promise<Outcome>;
}

const primitive: Omit<Implementation, "counter"> = {
  name: "primitive",
  async take(db, input) {
    const outcome = await runTransaction<void, CouponUseRefusal>(db, async (tx) => {
      const use = await takeCouponUse(tx, input, async () => undefined);
      if (!use.ok) throw new Rollback(use.reason);
    });
    if (outcome.kind === "committed") return { ok: true };
    return { ok: false, reason: outcome.kind === "busy" ? "busy" : outcome.reason };
  },
};

const naive: Omit<Implementation, "counter"> = {
  name: "naive",
  async take(db, input, meet) {
    try {
      return await db.$transaction(
        async (tx) => {
          const use = await naiveTakeCouponUse(tx, input, async () => undefined, { checked: meet });
          return use.ok ? { ok: true as const } : use;
        },
        { maxWait: 30_000, timeout: 30_000 },
      );
    } catch (error) {
      return { ok: false, reason: `error: ${(error as Error).message.split("\n").at(-1)}` };
    }
  },
};

interface Report {
  successes: number;
  errors: number;
  reasons: Record<string, number>;
  /** Where the counters disagree with the successes, or exceed a limit. */
  violations: string[];
}

/** Printed for the closing note: what each implementation did in each scenario. */
const summary: string[] = [];
afterAll(() =>
  console.log(`\ncoupon-use race results (${CONCURRENCY} concurrent callers each)\n${summary.join("\n")}`),
);

interface Scenario {
  label: string;
  users: number;
  maxRedemptions: number | null;
  perUserLimit: number;
  /** What exactly-once answers: the uses the coupon allows, the rest refused for this reason. */
  allowed: number;
  refusal?: CouponUseRefusal;
}

const SCENARIOS: Scenario[] = [
  {
    label: "single use, 200 users",
    users: CONCURRENCY,
    maxRedemptions: 1,
    perUserLimit: 1,
    allowed: 1,
    refusal: "exhausted",
  },
  {
    label: "limit 50, 200 users",
    users: CONCURRENCY,
    maxRedemptions: 50,
    perUserLimit: 1,
    allowed: 50,
    refusal: "exhausted",
  },
  { label: "unlimited, 200 users", users: CONCURRENCY, maxRedemptions: null, perUserLimit: 1, allowed: CONCURRENCY },
  {
    label: "one user, per-user limit 1",
    users: 1,
    maxRedemptions: null,
    perUserLimit: 1,
    allowed: 1,
    refusal: "per_user_limit",
  },
  {
    label: "one user, per-user limit 3",
    users: 1,
    maxRedemptions: null,
    perUserLimit: 3,
    allowed: 3,
    refusal: "per_user_limit",
  },
];

/** Runs one burst on a database of its own, closed and dropped when the scenario ends, failures included. */
async function burst(impl: Implementation, scenario: Scenario): Promise<Report> {
  const { db, drop } = await freshDatabase();
  try {
    const coupon = await makeCoupon(db, {
      maxRedemptions: scenario.maxRedemptions,
      perUserLimit: scenario.perUserLimit,
      counter: impl.counter,
    });
    const users = await makeUsers(db, scenario.users);
    const meet = meetingPoint(NAIVE_OVERLAP);
    const callers = Array.from({ length: CONCURRENCY }, (_, i) => users[i % users.length]!);
    const results = await race(CONCURRENCY, (i) => impl.take(db, { code: coupon.code, userId: callers[i]! }, meet));

    const reasons: Record<string, number> = {};
    const successesOf = new Map<string, number>();
    let errors = 0;
    results.forEach((result, i) => {
      const reason = result.status === "rejected" ? "thrown" : result.value.ok ? "ok" : result.value.reason;
      if (reason === "thrown" || reason === "busy" || reason.startsWith("error")) errors++;
      reasons[reason] = (reasons[reason] ?? 0) + 1;
      if (reason === "ok") successesOf.set(callers[i]!, (successesOf.get(callers[i]!) ?? 0) + 1);
    });
    const successes = reasons.ok ?? 0;

    const violations: string[] = [];
    const [counted] = await db.$queryRaw<{ uses: number }[]>`
      SELECT (c.redeemed_count + coalesce((SELECT sum(used) FROM coupon_counter_slots WHERE coupon_id = c.id), 0))::int AS uses
      FROM coupons c WHERE c.id = ${coupon.id}::uuid`;
    if (counted!.uses !== successes) violations.push(`counted ${counted!.uses} uses, ${successes} succeeded`);
    if (scenario.maxRedemptions !== null && successes > scenario.maxRedemptions) {
      violations.push(`${successes} uses of a coupon limited to ${scenario.maxRedemptions}`);
    }
    const usages = await db.couponUsage.findMany({ where: { couponId: coupon.id } });
    for (const userId of users) {
      const used = usages.find((u) => u.userId === userId)?.used ?? 0;
      const took = successesOf.get(userId) ?? 0;
      if (used !== took) violations.push(`user ${userId}: usage counts ${used}, ${took} succeeded`);
      if (took > scenario.perUserLimit) violations.push(`user ${userId}: ${took} uses, limit ${scenario.perUserLimit}`);
    }

    const report = { successes, errors, reasons, violations };
    summary.push(
      `${impl.name.padEnd(9)} ${impl.counter.padEnd(10)} ${scenario.label.padEnd(28)} successes=${successes} errors=${errors} violations=${violations.length} ${JSON.stringify(reasons)}`,
    );
    return report;
  } finally {
    await drop();
  }
}

describe.each(COUNTERS)("takeCouponUse holds every limit under 200 concurrent callers (%s)", (counter) => {
  it.each(SCENARIOS)("$label: exactly the uses it allows", async (scenario) => {
    const r = await burst({ ...primitive, counter }, scenario);
    const refused = CONCURRENCY - scenario.allowed;
    expect(r).toEqual({
      successes: scenario.allowed,
      errors: 0,
      reasons: { ok: scenario.allowed, ...(refused > 0 ? { [scenario.refusal!]: refused } : {}) },
      violations: [],
    });
  });
});

describe.each(COUNTERS)("control: the same harness catches the primitive's naive check-then-act (%s)", (counter) => {
  it.each(SCENARIOS)("$label: oversold, or uses lost from the count", async (scenario) => {
    const r = await burst({ ...naive, counter }, scenario);
    if (scenario.allowed < CONCURRENCY) expect(r.successes).toBeGreaterThan(scenario.allowed);
    expect(r.violations.length).toBeGreaterThan(0);
  });
});
