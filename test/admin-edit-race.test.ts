/**
 * An admin caps a coupon's maximum just above what is redeemed while 200 redemptions race in, with its
 * uses counted on one row and in hot-coupon slots. The CHECKs coupons_redeemed_within_max and
 * coupon_counter_slots_used_within_capacity are dropped in these private databases, so only the
 * application's own logic is judged: the guarded edit must never leave the coupon over
 * its limit, and the naive read-then-write edit (the control) must be caught doing exactly that.
 */
import { describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { findViolations } from "@/lib/invariants";
import { redeemCoupon } from "@/lib/redemptions";
import { adminUpdateCoupon } from "@/lib/admin/coupons/edit";
import { redeemedTotals } from "@/lib/counters";
import type { CounterMode } from "@/lib/generated/prisma/client";
import { makeCoupon, makeUsers, newKey, race, scenarioClient, scenarioDatabase } from "./helpers";
import { makeAdminAndCustomer } from "./admin-helpers";

const CONCURRENCY = 200;
/** Redemptions held back until the edit has decided: they arrive after it on any machine, however fast. */
const HELD_BACK = 50;
/** The admin leaves this much room above what is redeemed; refused edits double it, up to this. */
const MAX_MARGIN = 16;

/**
 * One edit of the coupon's maximum. `decided` is called once the edit has decided: for the guarded edit
 * that is its commit (the check and the write are one statement); for the naive one, between its check
 * and its write, where it waits for `decided` instead of the time its real-world work would take.
 */
type Edit = (
  db: Db,
  adminId: string,
  couponId: string,
  newMax: number,
  decided: () => Promise<void>,
) => Promise<"ok" | "refused">;

/** The coupon's uses wherever they are counted (its row or its hot-coupon slots). */
async function redeemedNow(db: Db, couponId: string): Promise<{ redeemed: number; max: number | null }> {
  const coupon = await db.coupon.findUniqueOrThrow({ where: { id: couponId } });
  return { redeemed: (await redeemedTotals(db, [coupon])).get(couponId)!, max: coupon.maxRedemptions };
}

const guarded: Edit = async (db, adminId, couponId, newMax, decided) => {
  const coupon = await db.coupon.findUniqueOrThrow({ where: { id: couponId } });
  const result = await adminUpdateCoupon(db, adminId, couponId, { ...coupon, maxRedemptions: newMax });
  if (!result.ok && result.reason !== "below_redeemed") throw new Error(`edit failed: ${result.reason}`);
  if (result.ok) await decided();
  return result.ok ? "ok" : "refused";
};

/** THE CONTROL: checks the redeemed count, then writes the new maximum unconditionally. */
const naive: Edit = async (db, _adminId, couponId, newMax, decided) => {
  if ((await redeemedNow(db, couponId)).redeemed > newMax) return "refused";
  // Stands in for the validation and audit work between the check and the write.
  await decided();
  await db.coupon.update({ where: { id: couponId }, data: { maxRedemptions: newMax } });
  return "ok";
};

async function editWhileRedeeming(edit: Edit, counter: CounterMode) {
  const { db, url } = await scenarioDatabase();
  // The admin's edits arrive on their own connection, as from another request, not queued behind the burst.
  const adminDb = scenarioClient(url, 1);
  await db.$executeRaw`ALTER TABLE coupons DROP CONSTRAINT coupons_redeemed_within_max`;
  await db.$executeRaw`ALTER TABLE coupon_counter_slots DROP CONSTRAINT coupon_counter_slots_used_within_capacity`;
  const { adminId } = await makeAdminAndCustomer(db);
  const coupon = await makeCoupon(db, { maxRedemptions: 100_000, counter });
  const users = await makeUsers(db, CONCURRENCY);
  // Opens the pools' connections and compiles the query shapes first: the first calls are slow, and
  // would otherwise decide when the burst really starts.
  const warm = await makeCoupon(db, { perUserLimit: 1_000 });
  await Promise.all(
    users.slice(0, 24).map((userId) => redeemCoupon(db, { userId, code: warm.code, idempotencyKey: newKey() })),
  );
  await guarded(adminDb, adminId, warm.id, 10_000, async () => {});

  // All but the last HELD_BACK redemptions leave at once; those wait until the edit has decided.
  let releaseHeldBack!: () => void;
  const heldBack = new Promise<void>((resolve) => (releaseHeldBack = resolve));
  let heldBackDone = 0;
  let heldBackHalfDone!: () => void;
  const halfOfHeldBackDone = new Promise<void>((resolve) => (heldBackHalfDone = resolve));
  const burst = race(CONCURRENCY, async (i) => {
    const held = i >= CONCURRENCY - HELD_BACK;
    if (held) await heldBack;
    const result = await redeemCoupon(db, { userId: users[i]!, code: coupon.code, idempotencyKey: newKey() });
    if (held && ++heldBackDone === HELD_BACK / 2) heldBackHalfDone();
    return result;
  });
  // Once a known share of the burst has committed, the admin caps the coupon just above what is
  // redeemed so far. When the guard refuses (redemptions overtook the new cap), the admin reads again and
  // doubles the margin. When the edit has decided, the held-back redemptions are sent, and the edit
  // goes on only once half of them are done: for the guarded edit that is after its commit, for the
  // naive one inside its check-to-write gap. The committed row is checked right after.
  const edits = { ok: 0, refused: 0 };
  let overLimitSeen = false;
  const admin = (async () => {
    // Committed redemptions, not finished calls: a call finishes only after its attempt is logged.
    while ((await redeemedNow(adminDb, coupon.id)).redeemed < 20) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const decided = async () => {
      releaseHeldBack();
      await halfOfHeldBackDone;
    };
    for (let margin = 1; ; margin = Math.min(margin * 2, MAX_MARGIN)) {
      const { redeemed } = await redeemedNow(adminDb, coupon.id);
      const outcome = await edit(adminDb, adminId, coupon.id, redeemed + margin, decided);
      edits[outcome]++;
      if (outcome === "ok") break;
    }
    const now = await redeemedNow(adminDb, coupon.id);
    overLimitSeen = now.max !== null && now.redeemed > now.max;
  })();
  // Whatever happens to the admin, the held-back redemptions must not wait forever.
  await admin.finally(releaseHeldBack);
  const results = await burst;

  const final = await redeemedNow(db, coupon.id);
  const violations = await findViolations(db);
  const heldBackResults = results.slice(CONCURRENCY - HELD_BACK);
  return {
    edits,
    threw: results.filter((r) => r.status === "rejected").length,
    redeemed: final.redeemed,
    max: final.max,
    refusedAfterEdit: heldBackResults.filter((r) => r.status === "fulfilled" && !r.value.ok).length,
    overLimit: overLimitSeen || (final.max !== null && final.redeemed > final.max),
    violations: violations.map((v) => v.invariant),
  };
}

describe.each(["SINGLE_ROW", "SLOTS"] as const)(
  "editing max redemptions while 200 redemptions race in (%s)",
  (counter) => {
    it("the guarded edit never leaves the coupon over its limit", async () => {
      const r = await editWhileRedeeming(guarded, counter);
      console.log("guarded edit:", JSON.stringify(r));
      expect(r).toMatchObject({ threw: 0, overLimit: false, violations: [] });
      // The race really happened: the edit landed while redemptions were still arriving, and stopped them.
      expect(r.edits.ok).toBe(1);
      expect(r.refusedAfterEdit).toBeGreaterThan(0);
      expect(r.redeemed).toBeLessThan(CONCURRENCY);
    });

    it("control: the harness catches the naive read-then-write edit leaving the coupon over its limit", async () => {
      const r = await editWhileRedeeming(naive, counter);
      console.log("naive edit:", JSON.stringify(r));
      expect(r.overLimit).toBe(true);
    });
  },
);
