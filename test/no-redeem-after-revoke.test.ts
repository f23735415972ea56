/**
 * The per-coupon option of issue 13 (6b): a customer one of whose redemptions was revoked cannot redeem
 * the coupon again. Enforced by the guarded UPDATE of the user's usage row (lib/coupon-use.ts), so it
 * holds while the revoke and the customer's new attempts race: an admin's revoke fired together with 100
 * redemptions of the same code by the same customer, on both counters. The same harness with the option
 * off sees the customer redeem again, so it can tell the difference.
 */
import { describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import type { CounterMode } from "@/lib/generated/prisma/client";
import { findViolations } from "@/lib/invariants";
import { redeemCoupon, revokeRedemption } from "@/lib/redemptions";
import { freshDatabase, makeCoupon, makeUsers, newKey, race } from "./helpers";
import { makeAdminAndCustomer } from "./admin-helpers";

const ATTEMPTS = 100;

async function redeemAgainWhileRevoking(db: Db, counter: CounterMode, noRedeemAfterRevoke: boolean) {
  const { adminId, customerId } = await makeAdminAndCustomer(db);
  const coupon = await makeCoupon(db, { maxRedemptions: 50, perUserLimit: 1, counter, noRedeemAfterRevoke });
  const first = await redeemCoupon(db, { userId: customerId, code: coupon.code, idempotencyKey: newKey() });
  if (!first.ok) throw new Error(`first redemption refused: ${first.reason}`);

  const results = await race<{ revoke: boolean } | { reason: string }>(ATTEMPTS + 1, (i) =>
    i === 0
      ? revokeRedemption(db, { redemptionId: first.redemption.id, revokedById: adminId }).then((r) => ({
          revoke: r.ok,
        }))
      : redeemCoupon(db, { userId: customerId, code: coupon.code, idempotencyKey: newKey() }).then((r) => ({
          reason: r.ok ? "ok" : r.reason,
        })),
  );
  const reasons: Record<string, number> = {};
  let revoked = false;
  for (const result of results) {
    if (result.status === "rejected") throw result.reason;
    if ("revoke" in result.value) revoked = result.value.revoke;
    else reasons[result.value.reason] = (reasons[result.value.reason] ?? 0) + 1;
  }
  const usage = await db.couponUsage.findUniqueOrThrow({
    where: { couponId_userId: { couponId: coupon.id, userId: customerId } },
  });
  // And after the race has settled, one more try.
  const later = await redeemCoupon(db, { userId: customerId, code: coupon.code, idempotencyKey: newKey() });
  return { revoked, reasons, usage, later: later.ok ? "ok" : later.reason, violations: await findViolations(db) };
}

describe.each<CounterMode>(["SINGLE_ROW", "SLOTS"])("no redeem after revoke (%s counter)", (counter) => {
  it(`a revoke racing ${ATTEMPTS} new redemptions by the same customer: none of them succeeds`, async () => {
    const { db, drop } = await freshDatabase();
    try {
      const r = await redeemAgainWhileRevoking(db, counter, true);
      expect(r.revoked).toBe(true);
      expect(r.reasons.ok ?? 0).toBe(0);
      // Before the revoke committed the use was still held; after, the revoked use refuses.
      expect(Object.keys(r.reasons).every((reason) => ["per_user_limit", "revoked_before"].includes(reason))).toBe(
        true,
      );
      expect(r.usage).toMatchObject({ used: 0, revokedUses: 1 });
      expect(r.later).toBe("revoked_before");
      expect(r.violations).toEqual([]);
    } finally {
      await drop();
    }
  });

  it("control: the same race without the option lets the customer redeem again exactly once", async () => {
    const { db, drop } = await freshDatabase();
    try {
      const r = await redeemAgainWhileRevoking(db, counter, false);
      expect(r.revoked).toBe(true);
      expect(r.reasons.ok ?? 0).toBe(1);
      expect(r.usage).toMatchObject({ used: 1, revokedUses: 1 });
      expect(r.violations).toEqual([]);
    } finally {
      await drop();
    }
  });
});

it("the option refuses only the customer whose use was revoked, and changing it fences like any term", async () => {
  const { db, drop } = await freshDatabase(4);
  try {
    const { adminId } = await makeAdminAndCustomer(db);
    const [alice, bob] = await makeUsers(db, 2, "revoke-option");
    const coupon = await makeCoupon(db, { perUserLimit: 2, noRedeemAfterRevoke: true });
    const redeem = (userId: string) => redeemCoupon(db, { userId, code: coupon.code, idempotencyKey: newKey() });
    const first = await redeem(alice!);
    if (!first.ok) throw new Error("setup");
    await revokeRedemption(db, { redemptionId: first.redemption.id, revokedById: adminId });
    expect(await redeem(alice!)).toMatchObject({ ok: false, reason: "revoked_before" });
    expect(await redeem(bob!)).toMatchObject({ ok: true });
    const before = await db.coupon.findUniqueOrThrow({ where: { id: coupon.id } });
    await db.coupon.update({ where: { id: coupon.id }, data: { noRedeemAfterRevoke: false } });
    const after = await db.coupon.findUniqueOrThrow({ where: { id: coupon.id } });
    expect(after.termsVersion).toBe(before.termsVersion + 1);
    expect(await redeem(alice!)).toMatchObject({ ok: true });
    expect(await findViolations(db)).toEqual([]);
  } finally {
    await drop();
  }
});
