/**
 * Exactly-once under real concurrency: every scenario fires 200 calls at once over a pool of 24
 * connections against a real PostgreSQL, then runs the invariant checker. Each scenario also runs
 * against the naive check-then-act control (lib/controls/naive.ts), and there the test asserts that
 * the same harness DOES catch the oversell: the harness is shown to be able to fail.
 */
import { afterAll, describe, expect, it } from "vitest";
import { setCouponStatus } from "@/lib/coupons";
import type { CounterMode } from "@/lib/generated/prisma/client";
import type { Db } from "@/lib/db/client";
import type { Tx } from "@/lib/db/transaction";
import { findViolations } from "@/lib/invariants";
import { redeemCoupon, revokeRedemption } from "@/lib/redemptions";
import {
  heldPast,
  makeCoupon,
  makeUsers,
  meetingPoint,
  newKey,
  race,
  scenarioClient,
  scenarioDatabase,
} from "./helpers";
import { naiveRedeem, naiveRevoke } from "@/lib/controls/naive";

const CONCURRENCY = 200;
/** Every scenario runs with its coupons counted on one row and in hot-coupon slots. */
const COUNTERS: CounterMode[] = ["SINGLE_ROW", "SLOTS"];

interface Outcome {
  ok: boolean;
  reason?: string;
  redemptionId?: string;
  answer: string;
}

interface Implementation {
  name: "engine" | "naive";
  /** Where the scenario's coupons count their uses; unlimited coupons always use slots. */
  counter: CounterMode;
  /** `meet`: for the naive control, awaited between its check and its write (meetingPoint, heldPast). */
  redeem(
    db: Db,
    input: { userId: string; code: string; idempotencyKey: string },
    meet?: () => Promise<void>,
  ): Promise<Outcome>;
  revoke(db: Db, redemptionId: string, adminId: string, meet?: () => Promise<void>): Promise<Outcome>;
}

/**
 * How many naive calls read before any of them writes, in the scenarios where every call of the first
 * wave passes the naive check: enough to exceed a per-user limit of 3, fewer than the pool's connections.
 */
const NAIVE_OVERLAP = 8;

const engineImpl: Omit<Implementation, "counter"> = {
  name: "engine",
  async redeem(db, input) {
    const r = await redeemCoupon(db, input);
    return r.ok
      ? { ok: true, redemptionId: r.redemption.id, answer: `ok ${r.redemption.id} ${r.balanceCents}` }
      : { ok: false, reason: r.reason, answer: `refused ${r.reason}` };
  },
  async revoke(db, redemptionId, adminId) {
    const r = await revokeRedemption(db, { redemptionId, revokedById: adminId });
    return r.ok
      ? { ok: true, reason: r.alreadyRevoked ? "already_revoked" : undefined, answer: `ok ${r.balanceCents}` }
      : { ok: false, reason: r.reason, answer: `refused ${r.reason}` };
  },
};

const naiveImpl: Omit<Implementation, "counter"> = {
  name: "naive",
  async redeem(db, input, meet) {
    const r = await naiveRedeem(db, input, { checked: meet });
    return r.ok
      ? { ok: true, redemptionId: r.redemptionId, answer: `ok ${r.redemptionId}` }
      : { ok: false, reason: r.reason, answer: r.reason };
  },
  async revoke(db, redemptionId, _adminId, meet) {
    const r = await naiveRevoke(db, redemptionId, { checked: meet });
    return r.ok ? { ok: true, answer: "ok" } : { ok: false, reason: r.reason, answer: r.reason };
  },
};

/** What the harness observes after a burst; the assertions judge it. */
interface Report {
  successes: number;
  errors: number;
  reasons: Record<string, number>;
  distinctAnswers: number;
  violations: string[];
}

/** Each scenario's own database, closed and dropped when its test ends, also when it fails. */
async function database(): Promise<Db> {
  return (await scenarioDatabase()).db;
}

async function observe(db: Db, results: PromiseSettledResult<Outcome>[]): Promise<Report> {
  const reasons: Record<string, number> = {};
  let errors = 0;
  const answers = new Set<string>();
  for (const result of results) {
    const reason = result.status === "rejected" ? "thrown" : result.value.ok ? "ok" : (result.value.reason ?? "?");
    if (result.status === "rejected" || reason.startsWith("error") || reason === "busy") errors++;
    reasons[reason] = (reasons[reason] ?? 0) + 1;
    answers.add(result.status === "fulfilled" ? result.value.answer : "thrown");
  }
  const violations = (await findViolations(db)).map((v) => `${v.invariant}: ${v.detail}`);
  return { successes: reasons.ok ?? 0, errors, reasons, distinctAnswers: answers.size, violations };
}

/** Printed for the closing note: what each implementation did in each scenario. */
const summary: string[] = [];
afterAll(() => console.log(`\nrace results (${CONCURRENCY} concurrent calls each)\n${summary.join("\n")}`));

function remember(impl: Implementation, scenario: string, report: Report) {
  summary.push(
    `${impl.name.padEnd(6)} ${impl.counter.padEnd(10)} ${scenario.padEnd(34)} successes=${report.successes} errors=${report.errors} violations=${report.violations.length} ${JSON.stringify(report.reasons)}`,
  );
}

async function manyUsersRedeem(impl: Implementation, maxRedemptions: number | null) {
  const db = await database();
  const coupon = await makeCoupon(db, { maxRedemptions, counter: impl.counter });
  const users = await makeUsers(db, CONCURRENCY);
  const meet = meetingPoint(NAIVE_OVERLAP);
  const results = await race(CONCURRENCY, (i) =>
    impl.redeem(db, { userId: users[i]!, code: coupon.code, idempotencyKey: newKey() }, meet),
  );
  const report = await observe(db, results);
  remember(impl, `${CONCURRENCY} users, max ${maxRedemptions ?? "unlimited"}`, report);
  return report;
}

async function oneUserRedeems(impl: Implementation, perUserLimit: number) {
  const db = await database();
  const coupon = await makeCoupon(db, { perUserLimit, counter: impl.counter });
  const [user] = await makeUsers(db, 1);
  const meet = meetingPoint(NAIVE_OVERLAP);
  const results = await race(CONCURRENCY, () =>
    impl.redeem(db, { userId: user!, code: coupon.code, idempotencyKey: newKey() }, meet),
  );
  const report = await observe(db, results);
  remember(impl, `one user, per-user limit ${perUserLimit}`, report);
  return report;
}

async function oneKeyRepeated(impl: Implementation) {
  const db = await database();
  const coupon = await makeCoupon(db, { perUserLimit: 1_000, counter: impl.counter });
  const [user] = await makeUsers(db, 1);
  const key = newKey();
  const meet = meetingPoint(NAIVE_OVERLAP);
  const results = await race(CONCURRENCY, () =>
    impl.redeem(db, { userId: user!, code: coupon.code, idempotencyKey: key }, meet),
  );
  const report = await observe(db, results);
  const effects = await db.redemption.count({ where: { userId: user! } });
  remember(impl, "one idempotency key, 200 times", report);
  return { ...report, effects };
}

/**
 * Disables the coupon and returns the commit time of the disabling transaction. `whileLocked` runs
 * after the disable's write, before its commit, while it holds the rows redemptions must write.
 */
async function disableAndTimestamp(db: Db, couponId: string, whileLocked: (tx: Tx) => Promise<void>): Promise<Date> {
  const xid = await db.$transaction(
    async (tx) => {
      await setCouponStatus(tx, couponId, "DISABLED");
      await whileLocked(tx);
      const [row] = await tx.$queryRaw<{ xid: string }[]>`SELECT pg_current_xact_id()::text AS xid`;
      return row!.xid;
    },
    { maxWait: 30_000, timeout: 60_000 },
  );
  const [row] = await db.$queryRaw<{ at: Date }[]>`SELECT pg_xact_commit_timestamp(${xid}::xid) AS at`;
  return row!.at;
}

/** Waits until at least one other transaction of this database waits for a lock; returns how many do. */
async function lockWaiters(tx: Tx): Promise<number> {
  for (let waited = 0; waited < 30_000; waited += 2) {
    // pg_stat_activity is read once per transaction unless its snapshot is cleared.
    await tx.$executeRaw`SELECT pg_stat_clear_snapshot()`;
    const [row] = await tx.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND wait_event_type = 'Lock'`;
    if (row!.n > 0) return row!.n;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  throw new Error("no redemption came to wait for the disable's lock within 30 s");
}

async function redeemRacingDisable(impl: Implementation) {
  const { db, url } = await scenarioDatabase();
  // The admin's disable arrives on its own connection, as it would from another request.
  const adminDb = scenarioClient(url, 1);
  // A limit far above the burst, so the coupon is counted the way the scenario asks (unlimited ones always use slots).
  const coupon = await makeCoupon(db, { maxRedemptions: 10_000, counter: impl.counter });
  const users = await makeUsers(db, CONCURRENCY * 2);
  // Both pools warm, so the disable lands inside the burst instead of after a cold connect.
  await warmUp(db, impl, users);
  await adminDb.coupon.findUnique({ where: { id: coupon.id } });
  // Half the burst leaves at once; the disable goes in once a tenth of the burst has committed, watched
  // from the admin's own connection (a call's completion would be too late a signal: every call logs
  // its attempt after its transaction, queued behind the rest of the burst for the pool). The other
  // half is held back until the disable holds the coupon's row (or slots), and the disable commits
  // only once a redemption waits for that lock: some are in flight across the commit on any machine.
  let releaseHeldBack!: () => void;
  const heldBack = new Promise<void>((resolve) => (releaseHeldBack = resolve));
  const first = race(CONCURRENCY, async (i) => {
    if (i >= CONCURRENCY / 2) await heldBack;
    return impl.redeem(db, { userId: users[i]!, code: coupon.code, idempotencyKey: newKey() });
  });
  let waitingAtCommit = 0;
  const disabledAt = (async () => {
    while ((await adminDb.redemption.count({ where: { couponId: coupon.id } })) < CONCURRENCY / 10) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    return disableAndTimestamp(adminDb, coupon.id, async (tx) => {
      releaseHeldBack();
      waitingAtCommit = await lockWaiters(tx);
    });
  })();
  // Whatever happens to the disable, the held-back half must not wait forever.
  const disableCommit = await disabledAt.finally(releaseHeldBack);
  const firstResults = await first;
  // Requests sent after the disable committed must all be refused.
  const after = await race(50, (i) =>
    impl.redeem(db, { userId: users[CONCURRENCY + i]!, code: coupon.code, idempotencyKey: newKey() }),
  );
  const report = await observe(db, [...firstResults, ...after]);
  const [late] = await db.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM redemptions
    WHERE coupon_id = ${coupon.id}::uuid AND pg_xact_commit_timestamp(xmin) > ${disableCommit}`;
  const afterSuccesses = after.filter((r) => r.status === "fulfilled" && r.value.ok).length;
  remember(impl, "redeem racing disable", report);
  return { ...report, committedAfterDisable: late!.n, afterSuccesses, waitingAtCommit };
}

async function redeemRacingExpiry(impl: Implementation) {
  const db = await database();
  const users = await makeUsers(db, CONCURRENCY);
  await warmUp(db, impl, users);
  // Requests leave on a schedule around the instant: a sparse stretch well before it, a dense cluster
  // (about 1 ms apart) up to and across it, and a sparse stretch after it. However fast the machine, some are
  // decided before the instant, some after, and some are in flight across it.
  const offsets = [...spread(70, -800, -100), ...spread(CONCURRENCY - 140, -60, 10), ...spread(70, 100, 800)];
  const expiresAt = new Date(Date.now() + 1_000);
  const coupon = await makeCoupon(db, { expiresAt, counter: impl.counter });
  const sentAt: number[] = [];
  // The naive control's first checkers write only once the instant has passed, however the timers land.
  const meet = heldPast(expiresAt, NAIVE_OVERLAP);
  const results = await race(CONCURRENCY, async (i) => {
    await new Promise((resolve) => setTimeout(resolve, expiresAt.getTime() + offsets[i]! - Date.now()));
    sentAt[i] = Date.now();
    return impl.redeem(db, { userId: users[i]!, code: coupon.code, idempotencyKey: newKey() }, meet);
  });
  const report = await observe(db, results);
  const [late] = await db.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM redemptions WHERE coupon_id = ${coupon.id}::uuid AND created_at >= ${expiresAt}`;
  const sentAfterExpiryButRedeemed = results.filter(
    (r, i) => r.status === "fulfilled" && r.value.ok && sentAt[i]! >= expiresAt.getTime(),
  ).length;
  remember(impl, "redeem racing the expiry instant", report);
  return { ...report, redeemedAtOrAfterExpiry: late!.n, sentAfterExpiryButRedeemed };
}

function spread(count: number, from: number, to: number): number[] {
  return Array.from({ length: count }, (_, i) => from + ((to - from) * i) / Math.max(1, count - 1));
}

/**
 * Opens the pool's connections and lets Prisma compile the query shapes once (the first call of each
 * shape is slow), so start-up cost does not decide which side of a timed instant requests land on.
 */
async function warmUp(db: Db, impl: Implementation, users: string[]) {
  const warm = await makeCoupon(db, { perUserLimit: 1_000, counter: impl.counter });
  await Promise.all(
    users.slice(0, 24).map((userId) => impl.redeem(db, { userId, code: warm.code, idempotencyKey: newKey() })),
  );
}

async function revokeRacingRevoke(impl: Implementation) {
  const db = await database();
  const coupon = await makeCoupon(db, { maxRedemptions: 1, valueCents: 700, counter: impl.counter });
  const [user, admin] = await makeUsers(db, 2);
  const redeemed = await engineImpl.redeem(db, { userId: user!, code: coupon.code, idempotencyKey: newKey() });
  const meet = meetingPoint(NAIVE_OVERLAP);
  const results = await race(CONCURRENCY, () => impl.revoke(db, redeemed.redemptionId!, admin!, meet));
  const report = await observe(db, results);
  const reversals = await db.ledgerEntry.count({
    where: { redemptionId: redeemed.redemptionId!, kind: "COUPON_REVOCATION" },
  });
  const firstRevokes = results.filter(
    (r) => r.status === "fulfilled" && r.value.ok && r.value.reason === undefined,
  ).length;
  remember(impl, "revoke racing revoke", report);
  return {
    ...report,
    reversals,
    firstRevokes,
    balance: (await db.user.findUniqueOrThrow({ where: { id: user! } })).balanceCents,
  };
}

async function revokeRacingRedeem(impl: Implementation) {
  const db = await database();
  const coupon = await makeCoupon(db, { maxRedemptions: 1, counter: impl.counter });
  const [holder, admin, ...users] = await makeUsers(db, CONCURRENCY + 2);
  const redeemed = await engineImpl.redeem(db, { userId: holder!, code: coupon.code, idempotencyKey: newKey() });
  const results = await race(CONCURRENCY + 1, (i) =>
    i === CONCURRENCY / 2
      ? impl.revoke(db, redeemed.redemptionId!, admin!)
      : impl.redeem(db, {
          userId: users[i > CONCURRENCY / 2 ? i - 1 : i]!,
          code: coupon.code,
          idempotencyKey: newKey(),
        }),
  );
  const report = await observe(db, results);
  const active = await db.redemption.count({ where: { couponId: coupon.id, status: "ACTIVE" } });
  remember(impl, "revoke racing redeem", report);
  return { ...report, active };
}

describe.each(COUNTERS)("the engine holds every limit under 200 concurrent calls (%s)", (counter) => {
  const engine = { ...engineImpl, counter };
  it("single-use code, 200 distinct users: exactly 1 success", async () => {
    const r = await manyUsersRedeem(engine, 1);
    expect(r).toMatchObject({ successes: 1, errors: 0, violations: [] });
    expect(r.reasons).toEqual({ ok: 1, exhausted: CONCURRENCY - 1 });
  });

  it("limit 50, 200 distinct users: exactly 50 successes", async () => {
    const r = await manyUsersRedeem(engine, 50);
    expect(r).toMatchObject({ successes: 50, errors: 0, violations: [] });
    expect(r.reasons).toEqual({ ok: 50, exhausted: CONCURRENCY - 50 });
  });

  it("unlimited code, 200 distinct users: all succeed", async () => {
    const r = await manyUsersRedeem(engine, null);
    expect(r).toMatchObject({ successes: CONCURRENCY, errors: 0, violations: [] });
  });

  it("one user, per-user limit 1: exactly 1 success", async () => {
    const r = await oneUserRedeems(engine, 1);
    expect(r).toMatchObject({ successes: 1, errors: 0, violations: [] });
    expect(r.reasons).toEqual({ ok: 1, per_user_limit: CONCURRENCY - 1 });
  });

  it("one user, per-user limit 3: exactly 3 successes", async () => {
    const r = await oneUserRedeems(engine, 3);
    expect(r).toMatchObject({ successes: 3, errors: 0, violations: [] });
  });

  it("one idempotency key sent 200 times: one effect, every caller gets the same answer", async () => {
    const r = await oneKeyRepeated(engine);
    expect(r).toMatchObject({ successes: CONCURRENCY, errors: 0, violations: [], effects: 1, distinctAnswers: 1 });
  });

  it("redeem racing disable: nothing commits after the disable commits; later requests are refused", async () => {
    const r = await redeemRacingDisable(engine);
    expect(r).toMatchObject({ errors: 0, violations: [], committedAfterDisable: 0, afterSuccesses: 0 });
    // The disable really landed inside the burst: redemptions waited on it as it committed, and were refused.
    expect(r.waitingAtCommit).toBeGreaterThan(0);
    expect(r.reasons.disabled).toBeGreaterThan(0);
  });

  it("redeem racing the expiry instant: no redemption at or after expires_at", async () => {
    const r = await redeemRacingExpiry(engine);
    expect(r).toMatchObject({ errors: 0, violations: [], redeemedAtOrAfterExpiry: 0, sentAfterExpiryButRedeemed: 0 });
    expect(r.successes + (r.reasons.expired ?? 0)).toBe(CONCURRENCY);
    // The burst really straddled the instant: some made it, some were too late.
    expect(r.successes).toBeGreaterThan(0);
    expect(r.reasons.expired).toBeGreaterThan(0);
  });

  it("revoke racing revoke: one reversal, one debit, every caller gets a clean answer", async () => {
    const r = await revokeRacingRevoke(engine);
    expect(r).toMatchObject({
      successes: CONCURRENCY,
      errors: 0,
      violations: [],
      reversals: 1,
      firstRevokes: 1,
      balance: 0,
    });
  });

  it("revoke racing redeem of a single-use code: never more than one active redemption, counts consistent", async () => {
    const r = await revokeRacingRedeem(engine);
    expect(r).toMatchObject({ errors: 0, violations: [] });
    expect(r.active).toBeLessThanOrEqual(1);
    // The revoke always succeeds; at most one redeemer gets the use it frees.
    expect(r.successes).toBeGreaterThanOrEqual(1);
    expect(r.successes).toBeLessThanOrEqual(2);
    expect(r.successes - 1).toBe(r.active);
  });
});

describe.each(COUNTERS)("control: the same harness catches the naive check-then-act implementation (%s)", (counter) => {
  const naive = { ...naiveImpl, counter };
  it("single-use code: oversold", async () => {
    const r = await manyUsersRedeem(naive, 1);
    expect(r.successes).toBeGreaterThan(1);
    expect(r.violations.length).toBeGreaterThan(0);
  });

  it("limit 50: oversold", async () => {
    const r = await manyUsersRedeem(naive, 50);
    expect(r.successes).toBeGreaterThan(50);
  });

  it("unlimited code: lost updates leave redeemed_count wrong", async () => {
    const r = await manyUsersRedeem(naive, null);
    expect(r.violations.length).toBeGreaterThan(0);
  });

  it("per-user limit 1 and 3: exceeded", async () => {
    expect((await oneUserRedeems(naive, 1)).successes).toBeGreaterThan(1);
    expect((await oneUserRedeems(naive, 3)).successes).toBeGreaterThan(3);
  });

  it("one idempotency key: callers get different answers (the unique constraint turns duplicates into errors)", async () => {
    const r = await oneKeyRepeated(naive);
    expect(r.distinctAnswers).toBeGreaterThan(1);
    expect(r.errors).toBeGreaterThan(0);
  });

  it("redeem racing disable: redemptions commit after the disable", async () => {
    const r = await redeemRacingDisable(naive);
    expect(r.waitingAtCommit).toBeGreaterThan(0);
    expect(r.committedAfterDisable).toBeGreaterThan(0);
  });

  it("redeem racing the expiry instant: redemptions made after expiry", async () => {
    const r = await redeemRacingExpiry(naive);
    expect(r.redeemedAtOrAfterExpiry).toBeGreaterThan(0);
  });

  it("revoke racing revoke: callers see errors (only the database's unique constraint stops a double reversal)", async () => {
    const r = await revokeRacingRevoke(naive);
    expect(r.errors + r.violations.length).toBeGreaterThan(0);
  });

  it("revoke racing redeem: lost updates break the counters", async () => {
    const r = await revokeRacingRedeem(naive);
    expect(r.violations.length + Math.max(0, r.active - 1)).toBeGreaterThan(0);
  });
});
