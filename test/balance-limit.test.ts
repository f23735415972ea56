/**
 * A wallet's balance is bounded (lib/balance-limit.ts MAX_BALANCE_CENTS): balance_cents is a 32-bit integer,
 * and a coupon worth 1,000,000.00 with a per-customer limit of 1,000 used to overflow it on the 22nd
 * redemption with a 500, and the retry with the same key too. The credit refuses cleanly instead.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findViolations } from "@/lib/invariants";
import { MAX_BALANCE_CENTS } from "@/lib/balance-limit";
import { redeemMessage } from "@/lib/messages";
import { redeemCoupon } from "@/lib/redemptions";
import { freshDatabase, makeCoupon, makeUsers, type TestDatabase } from "./helpers";

let test: TestDatabase;
beforeAll(async () => {
  test = await freshDatabase(4);
});
afterAll(() => test?.drop());

describe("balance limit", () => {
  it("the redemption that would pass the bound is refused as balance_limit, its retry too, and nothing is taken", async () => {
    const [userId] = await makeUsers(test.db, 1);
    const coupon = await makeCoupon(test.db, { valueCents: 100_000_000, perUserLimit: 1_000 });
    const fits = Math.floor(MAX_BALANCE_CENTS / coupon.valueCents);
    for (let i = 0; i < fits; i++) {
      const result = await redeemCoupon(test.db, { userId: userId!, code: coupon.code, idempotencyKey: randomUUID() });
      expect(result.ok).toBe(true);
    }
    const key = randomUUID();
    const refused = await redeemCoupon(test.db, { userId: userId!, code: coupon.code, idempotencyKey: key });
    expect(refused).toMatchObject({ ok: false, reason: "balance_limit", replayed: false });
    expect(redeemMessage(refused, "UTC")).toContain("$10,000,000.00");
    const retried = await redeemCoupon(test.db, { userId: userId!, code: coupon.code, idempotencyKey: key });
    expect(retried).toMatchObject({ ok: false, reason: "balance_limit", replayed: true });

    expect(await test.db.redemption.count({ where: { couponId: coupon.id } })).toBe(fits);
    expect(await test.db.couponUsage.findFirstOrThrow({ where: { couponId: coupon.id } })).toMatchObject({
      used: fits,
    });
    const user = await test.db.user.findUniqueOrThrow({ where: { id: userId! } });
    expect(user.balanceCents).toBe(fits * coupon.valueCents);
    expect(await findViolations(test.db)).toEqual([]);
  });

  it("the database refuses a balance past the bound even without the guard", async () => {
    const [userId] = await makeUsers(test.db, 1);
    await expect(
      test.db.user.update({ where: { id: userId! }, data: { balanceCents: MAX_BALANCE_CENTS + 1 } }),
    ).rejects.toThrow(/users_balance_within_limit/);
  });
});
