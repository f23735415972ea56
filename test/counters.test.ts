/**
 * Hot-coupon mode's counters: how the limit is laid out over slots, which coupons get slots, and that
 * every admin change of the limit or the counter keeps every use and the limit exact. The concurrent
 * proofs are in races.test.ts and admin-edit-race.test.ts, which run every scenario in both modes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminUpdateCoupon } from "@/lib/admin/coupons/edit";
import { counterModeFor, HOT_COUPON_THRESHOLD, SLOT_COUNT } from "@/lib/coupon-terms";
import { redeemedTotals, slotLayout } from "@/lib/counters";
import type { Db } from "@/lib/db/client";
import { findViolations } from "@/lib/invariants";
import { redeemCoupon, revokeRedemption } from "@/lib/redemptions";
import { makeAdminAndCustomer } from "./admin-helpers";
import { freshDatabase, makeCoupon, makeUsers, newKey, type TestDatabase } from "./helpers";

describe("slotLayout", () => {
  it("splits the limit into near-equal capacities that add up to it, each with room", () => {
    const slots = slotLayout(1_000, 0);
    expect(slots).toHaveLength(SLOT_COUNT);
    expect(slots.reduce((sum, s) => sum + s.capacity!, 0)).toBe(1_000);
    expect(Math.max(...slots.map((s) => s.capacity!)) - Math.min(...slots.map((s) => s.capacity!))).toBeLessThanOrEqual(
      1,
    );
  });

  it("spreads uses already taken and the room left, so as many slots as possible have room", () => {
    const slots = slotLayout(40, 5);
    expect(slots.reduce((sum, s) => sum + s.used, 0)).toBe(5);
    expect(slots.reduce((sum, s) => sum + s.capacity!, 0)).toBe(40);
    expect(slots.filter((s) => s.used >= s.capacity!)).toHaveLength(0);
    // 15 uses of room for 16 slots: one slot is necessarily full, the other 15 have one use each.
    expect(slotLayout(20, 5).filter((s) => s.used < s.capacity!)).toHaveLength(15);
  });

  it("uses fewer slots than the limit when the limit is small, and no capacity when unlimited", () => {
    expect(slotLayout(3, 0).map((s) => s.capacity)).toEqual([1, 1, 1]);
    expect(slotLayout(null, 17).map((s) => s.capacity)).toEqual(Array(SLOT_COUNT).fill(null));
    expect(slotLayout(null, 17).reduce((sum, s) => sum + s.used, 0)).toBe(17);
  });
});

describe("counterModeFor", () => {
  it("puts unlimited and large coupons in slots unless the admin chose", () => {
    expect(counterModeFor(null, "SINGLE_ROW")).toBe("SLOTS");
    expect(counterModeFor(HOT_COUPON_THRESHOLD, "AUTO")).toBe("SLOTS");
    expect(counterModeFor(HOT_COUPON_THRESHOLD - 1, "AUTO")).toBe("SINGLE_ROW");
    expect(counterModeFor(50_000, "SINGLE_ROW")).toBe("SINGLE_ROW");
    expect(counterModeFor(5, "SLOTS")).toBe("SLOTS");
  });
});

describe("counters in the database", () => {
  let test: TestDatabase;
  let db: Db;
  let adminId: string;
  let users: string[];
  beforeAll(async () => {
    test = await freshDatabase(4);
    db = test.db;
    ({ adminId } = await makeAdminAndCustomer(db));
    users = await makeUsers(db, 12);
  });
  afterAll(() => test.drop());

  const redeemed = async (couponId: string) => {
    const coupon = await db.coupon.findUniqueOrThrow({ where: { id: couponId } });
    return (await redeemedTotals(db, [coupon])).get(couponId);
  };
  const redeemAll = (code: string, from: number, count: number) =>
    Promise.all(
      users.slice(from, from + count).map((userId) => redeemCoupon(db, { userId, code, idempotencyKey: newKey() })),
    );

  it("a hot coupon grants exactly its limit and then refuses as exhausted; a revocation frees one use", async () => {
    const coupon = await makeCoupon(db, { maxRedemptions: 5, counter: "SLOTS" });
    const results = await redeemAll(coupon.code, 0, 8);
    expect(results.filter((r) => r.ok)).toHaveLength(5);
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.reason)).toEqual(["exhausted", "exhausted", "exhausted"]);
    const first = results.find((r) => r.ok)!;
    expect(
      first.ok && (await revokeRedemption(db, { redemptionId: first.redemption.id, revokedById: adminId })).ok,
    ).toBe(true);
    expect(await redeemed(coupon.id)).toBe(4);
    expect((await redeemAll(coupon.code, 8, 2)).filter((r) => r.ok)).toHaveLength(1);
    expect(await findViolations(db)).toEqual([]);
  });

  it("moving a coupon between its row and slots, and changing its limit, keeps every use", async () => {
    const coupon = await makeCoupon(db, { maxRedemptions: 10, counter: "SINGLE_ROW" });
    await redeemAll(coupon.code, 0, 3);
    const edit = (maxRedemptions: number | null, counter?: "SINGLE_ROW" | "SLOTS" | "AUTO") =>
      adminUpdateCoupon(db, adminId, coupon.id, { ...coupon, maxRedemptions, counter });

    expect(await edit(10, "SLOTS")).toMatchObject({ ok: true, coupon: { counterMode: "SLOTS", redeemedCount: 0 } });
    expect(await redeemed(coupon.id)).toBe(3);
    expect(await edit(6)).toMatchObject({ ok: true, coupon: { counterMode: "SLOTS" } });
    expect(await edit(2)).toEqual({ ok: false, reason: "below_redeemed", redeemedCount: 3 });
    expect(await edit(null)).toMatchObject({ ok: true, coupon: { counterMode: "SLOTS" } });
    expect(await edit(4, "SINGLE_ROW")).toMatchObject({ ok: true, coupon: { counterMode: "SINGLE_ROW" } });
    expect((await db.coupon.findUniqueOrThrow({ where: { id: coupon.id } })).redeemedCount).toBe(3);
    expect(await findViolations(db)).toEqual([]);

    // The limit of 4 holds whichever counter the last use is taken from.
    expect((await redeemAll(coupon.code, 3, 3)).filter((r) => r.ok)).toHaveLength(1);
    expect(await redeemed(coupon.id)).toBe(4);
    expect(await findViolations(db)).toEqual([]);
  });

  it("a terms change rewrites the version on every slot, in the same transaction", async () => {
    const coupon = await makeCoupon(db, { maxRedemptions: 2_000 });
    expect(coupon.counterMode).toBe("SLOTS");
    await db.coupon.update({ where: { id: coupon.id }, data: { description: "not a term" } });
    expect((await db.coupon.findUniqueOrThrow({ where: { id: coupon.id } })).termsVersion).toBe(1);
    await db.coupon.update({ where: { id: coupon.id }, data: { status: "DISABLED" } });
    const versions = await db.couponCounterSlot.findMany({
      where: { couponId: coupon.id },
      select: { termsVersion: true },
    });
    expect(versions.map((v) => v.termsVersion)).toEqual(Array(SLOT_COUNT).fill(2));
  });
});
