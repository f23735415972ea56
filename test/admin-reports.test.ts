import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { redeemCoupon } from "@/lib/redemptions";
import { overview, redemptionsPerDay } from "@/lib/admin/reports";
import { freshDatabase, makeCoupon, makeUsers, newKey, type TestDatabase } from "./helpers";

let test: TestDatabase;
let db: Db;

beforeAll(async () => {
  test = await freshDatabase(4);
  db = test.db;
});

afterAll(async () => {
  await test.drop();
});

describe("redemptions per day", () => {
  it("counts each UTC day of the last 30, zero-filled, for all coupons or one", async () => {
    const now = new Date();
    const empty = await redemptionsPerDay(db, { now });
    expect(empty).toHaveLength(30);
    expect(empty.every((d) => d.count === 0)).toBe(true);
    expect(empty.at(-1)!.day).toBe(now.toISOString().slice(0, 10));

    const one = await makeCoupon(db, { maxRedemptions: 10 });
    const other = await makeCoupon(db, { maxRedemptions: 10 });
    const [a, b] = await makeUsers(db, 2);
    for (const [userId, code] of [
      [a!, one.code],
      [b!, one.code],
      [a!, other.code],
    ] as const) {
      expect((await redeemCoupon(db, { userId, code, idempotencyKey: newKey() })).ok).toBe(true);
    }
    const today = new Date();
    expect((await redemptionsPerDay(db, { now: today })).at(-1)!.count).toBe(3);
    expect((await redemptionsPerDay(db, { couponId: one.id, now: today })).at(-1)!.count).toBe(2);
    expect((await overview(db, today)).daily.reduce((sum, d) => sum + d.count, 0)).toBe(3);
  });
});
