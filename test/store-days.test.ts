/** Issue 14 "Time zones": the overview's days and the audit pages' From/To are days on the store's clocks. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { redeemCoupon } from "@/lib/redemptions";
import { overview, redemptionsPerDay } from "@/lib/admin/reports";
import { TIME_ZONES } from "@/lib/time-zones";
import { freshDatabase, makeCoupon, makeUsers, newKey, type TestDatabase } from "./helpers";

let test: TestDatabase;
let db: Db;

beforeAll(async () => {
  test = await freshDatabase(2);
  db = test.db;
});
afterAll(() => test.drop());

const setStoreZone = (timeZone: string) => db.storeSettings.update({ where: { id: true }, data: { timeZone } });

/** One redemption of a fresh coupon per instant, each moved to that instant; the coupon's id. */
async function redemptionsAt(...instants: string[]): Promise<string> {
  const coupon = await makeCoupon(db, { maxRedemptions: instants.length });
  const users = await makeUsers(db, instants.length);
  for (const [i, instant] of instants.entries()) {
    const result = await redeemCoupon(db, { userId: users[i]!, code: coupon.code, idempotencyKey: newKey() });
    if (!result.ok) throw new Error(result.reason);
    await db.redemption.update({ where: { id: result.redemption.id }, data: { createdAt: new Date(instant) } });
  }
  return coupon.id;
}

describe("store days", () => {
  it("PostgreSQL knows every zone the settings page offers", async () => {
    const rows = await db.$queryRaw<{ name: string }[]>`SELECT name FROM pg_timezone_names`;
    const known = new Set(rows.map((row) => row.name));
    expect(TIME_ZONES.filter((zone) => !known.has(zone))).toEqual([]);
  });

  it("counts the chart's days and today from midnight on the store's clocks", async () => {
    // 23:00 on 28 Nov and 00:30 on 29 Nov in Kiritimati (UTC+14); both on 28 Nov in UTC.
    const couponId = await redemptionsAt("2026-11-28T09:00:00Z", "2026-11-28T10:30:00Z");
    const now = new Date("2026-11-28T11:00:00Z");
    try {
      await setStoreZone("Pacific/Kiritimati");
      expect((await redemptionsPerDay(db, { couponId, now, days: 3 })).map((d) => [d.day, d.count])).toEqual([
        ["2026-11-27", 0],
        ["2026-11-28", 1],
        ["2026-11-29", 1],
      ]);
      expect((await overview(db, now)).today.redemptions).toBe(1);

      await setStoreZone("UTC");
      expect((await redemptionsPerDay(db, { couponId, now, days: 2 })).map((d) => [d.day, d.count])).toEqual([
        ["2026-11-27", 0],
        ["2026-11-28", 2],
      ]);
      expect((await overview(db, now)).today.redemptions).toBe(2);
    } finally {
      await setStoreZone("UTC");
    }
  });

  it("gives a day with a clock change its 25 hours", async () => {
    // New York falls back on 1 Nov 2026: 00:30 EDT and 23:30 EST are both that day.
    const couponId = await redemptionsAt("2026-11-01T04:30:00Z", "2026-11-02T04:30:00Z", "2026-11-02T05:30:00Z");
    try {
      await setStoreZone("America/New_York");
      const days = await redemptionsPerDay(db, { couponId, now: new Date("2026-11-02T12:00:00Z"), days: 3 });
      expect(days.map((d) => [d.day, d.count])).toEqual([
        ["2026-10-31", 0],
        ["2026-11-01", 2],
        ["2026-11-02", 1],
      ]);
    } finally {
      await setStoreZone("UTC");
    }
  });
});
