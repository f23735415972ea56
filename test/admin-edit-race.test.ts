/**
 * An admin caps a coupon's maximum just above what is redeemed while 200 redemptions race in, with its
 * uses counted on one row and in hot-coupon slots. The CHECKs coupons_redeemed_within_max and
 * coupon_counter_slots_used_within_capacity are dropped in these private databases, so only the
 * application's own logic is judged: the guarded edit must never leave the coupon over
 * its limit, and the naive read-then-write edit (the control) must be caught doing exactly that.
 */
import { afterAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "@/lib/db/client";
import { findViolations } from "@/lib/invariants";
import { redeemCoupon } from "@/lib/redemptions";
import { adminUpdateCoupon } from "@/lib/admin/coupons/edit";
import { redeemedTotals } from "@/lib/counters";
import type { CounterMode } from "@/lib/generated/prisma/client";
import { freshDatabase, makeCoupon, makeUsers, newKey, race, type TestDatabase } from "./helpers";
import { makeAdminAndCustomer } from "./admin-helpers";

const CONCURRENCY = 200;

type Edit = (db: Db, adminId: string, couponId: string, newMax: number) => Promise<"ok" | "refused">;

/** The coupon's uses wherever they are counted (its row or its hot-coupon slots). */
async function redeemedNow(db: Db, couponId: string): Promise<{ redeemed: number; max: number | null }> {
  const coupon = await db.coupon.findUniqueOrThrow({ where: { id: couponId } });
  return { redeemed: (await redeemedTotals(db, [coupon])).get(couponId)!, max: coupon.maxRedemptions };
}

const guarded: Edit = async (db, adminId, couponId, newMax) => {
  const coupon = await db.coupon.findUniqueOrThrow({ where: { id: couponId } });
  const result = await adminUpdateCoupon(db, adminId, couponId, { ...coupon, maxRedemptions: newMax });
  if (!result.ok && result.reason !== "below_redeemed") throw new Error(`edit failed: ${result.reason}`);
  return result.ok ? "ok" : "refused";
};

/** THE CONTROL: checks the redeemed count, then writes the new maximum unconditionally. */
const naive: Edit = async (db, _adminId, couponId, newMax) => {
  if ((await redeemedNow(db, couponId)).redeemed > newMax) return "refused";
  // Stands in for the validation and audit work between the check and the write.
  await new Promise((resolve) => setTimeout(resolve, 50));
  await db.coupon.update({ where: { id: couponId }, data: { maxRedemptions: newMax } });
  return "ok";
};

const databases: TestDatabase[] = [];
afterAll(() => Promise.all(databases.map((d) => d.drop())));

async function editWhileRedeeming(edit: Edit, counter: CounterMode) {
  const test = await freshDatabase();
  databases.push(test);
  const { db } = test;
  // The admin's edits arrive on their own connection, as from another request, not queued behind the burst.
  const adminDb = createDb(test.url, { max: 1 });
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
  await edit(adminDb, adminId, warm.id, 10_000);

  let done = 0;
  const edits = { ok: 0, refused: 0 };
  let overLimitSeen = 0;
  // Arrivals are spread over about a second (all of them in flight together for most of it), so the
  // admin's edits, each taking tens of milliseconds under this load, land in the middle of the stream.
  const burst = race(CONCURRENCY, async (i) => {
    await new Promise((resolve) => setTimeout(resolve, i * 5));
    const result = await redeemCoupon(db, { userId: users[i]!, code: coupon.code, idempotencyKey: newKey() });
    done++;
    return result;
  });
  // Once the burst is under way, the admin caps the coupon just above what is redeemed so far. When
  // the guard refuses (redemptions overtook the new cap), the admin reads again and doubles the margin,
  // until a cap lands or the burst is over; the committed row is checked right after.
  const admin = (async () => {
    // Committed redemptions, not finished calls: a call finishes only after its attempt is logged.
    while ((await redeemedNow(adminDb, coupon.id)).redeemed < 20) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    for (let margin = 1; done < CONCURRENCY; margin *= 2) {
      const { redeemed } = await redeemedNow(adminDb, coupon.id);
      const outcome = await edit(adminDb, adminId, coupon.id, redeemed + margin);
      edits[outcome]++;
      if (outcome === "ok") break;
    }
    const now = await redeemedNow(adminDb, coupon.id);
    if (now.max !== null && now.redeemed > now.max) overLimitSeen++;
  })();
  const results = await burst;
  await admin;
  await adminDb.$disconnect();

  const final = await redeemedNow(db, coupon.id);
  const violations = await findViolations(db);
  return {
    edits,
    threw: results.filter((r) => r.status === "rejected").length,
    redeemed: final.redeemed,
    max: final.max,
    overLimit: overLimitSeen > 0 || (final.max !== null && final.redeemed > final.max),
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
      expect(r.redeemed).toBeLessThan(CONCURRENCY);
    });

    it("control: the harness catches the naive read-then-write edit leaving the coupon over its limit", async () => {
      const r = await editWhileRedeeming(naive, counter);
      console.log("naive edit:", JSON.stringify(r));
      expect(r.overLimit).toBe(true);
    });
  },
);
