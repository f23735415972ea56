import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setCouponStatus } from "@/lib/coupons";
import type { Db } from "@/lib/db/client";
import { findViolations } from "@/lib/invariants";
import { redeemCoupon, revokeRedemption } from "@/lib/redemptions";
import { purchase } from "@/lib/purchase";
import { freshDatabase, makeCoupon, makeUsers, newKey, type TestDatabase } from "./helpers";

let test: TestDatabase;
let db: Db;
beforeAll(async () => {
  test = await freshDatabase(4);
  db = test.db;
});
afterAll(async () => {
  expect(await findViolations(db)).toEqual([]);
  await test.drop();
});

const HOUR = 3_600_000;

describe("redeemCoupon", () => {
  it("credits the coupon's value, records the redemption, the ledger entry and the attempt", async () => {
    const [user] = await makeUsers(db, 1);
    const coupon = await makeCoupon(db, { valueCents: 1_250 });
    const result = await redeemCoupon(db, {
      userId: user!,
      code: `  ${coupon.code.toLowerCase()} `,
      idempotencyKey: newKey(),
      meta: { ip: "203.0.113.7", userAgent: "vitest" },
    });
    expect(result).toMatchObject({
      ok: true,
      balanceCents: 1_250,
      replayed: false,
      redemption: { code: coupon.code, amountCents: 1_250 },
    });
    const ledger = await db.ledgerEntry.findMany({ where: { userId: user! } });
    expect(ledger).toMatchObject([{ amountCents: 1_250, kind: "COUPON_CREDIT", balanceAfterCents: 1_250 }]);
    const attempts = await db.redemptionAttempt.findMany({ where: { userId: user! } });
    expect(attempts).toMatchObject([
      { outcome: "REDEEMED", couponId: coupon.id, ip: "203.0.113.7", userAgent: "vitest", replayed: false },
    ]);
  });

  it.each([
    ["unknown_code", () => ({ code: "NO-SUCH-CODE" })],
    ["disabled", async () => ({ code: (await makeCoupon(db, { status: "DISABLED" })).code })],
    ["not_started", async () => ({ code: (await makeCoupon(db, { startsAt: new Date(Date.now() + HOUR) })).code })],
    ["expired", async () => ({ code: (await makeCoupon(db, { expiresAt: new Date(Date.now() - HOUR) })).code })],
  ] as const)("refuses with %s", async (reason, setup) => {
    const [user] = await makeUsers(db, 1);
    const { code } = await setup();
    const result = await redeemCoupon(db, { userId: user!, code, idempotencyKey: newKey() });
    expect(result).toMatchObject({ ok: false, reason, replayed: false });
    expect(await db.redemption.count({ where: { userId: user! } })).toBe(0);
    expect(await db.redemptionAttempt.findFirst({ where: { userId: user! } })).toMatchObject({
      outcome: "REFUSED",
      reason,
    });
  });

  it("reports the window of an expired or not yet valid coupon so the message can name the date", async () => {
    const [user] = await makeUsers(db, 1);
    const startsAt = new Date(Date.now() + 2 * HOUR);
    const coupon = await makeCoupon(db, { startsAt });
    const result = await redeemCoupon(db, { userId: user!, code: coupon.code, idempotencyKey: newKey() });
    expect(result).toMatchObject({ ok: false, reason: "not_started", window: { startsAt, expiresAt: null } });
  });

  it("refuses exhausted and per-user limited coupons", async () => {
    const [a, b] = await makeUsers(db, 2);
    const single = await makeCoupon(db, { maxRedemptions: 1 });
    expect((await redeemCoupon(db, { userId: a!, code: single.code, idempotencyKey: newKey() })).ok).toBe(true);
    expect(await redeemCoupon(db, { userId: b!, code: single.code, idempotencyKey: newKey() })).toMatchObject({
      reason: "exhausted",
    });

    const twice = await makeCoupon(db, { perUserLimit: 2 });
    for (const expected of [true, true, false]) {
      expect((await redeemCoupon(db, { userId: a!, code: twice.code, idempotencyKey: newKey() })).ok).toBe(expected);
    }
    expect(await redeemCoupon(db, { userId: a!, code: twice.code, idempotencyKey: newKey() })).toMatchObject({
      reason: "per_user_limit",
    });
  });

  it("refuses invalid input with a message and without touching the database state", async () => {
    const [user] = await makeUsers(db, 1);
    expect(
      await redeemCoupon(db, { userId: user!, code: "x".repeat(1_000_000), idempotencyKey: newKey() }),
    ).toMatchObject({
      ok: false,
      reason: "invalid_code",
      message: "That code is far too long to be a coupon code.",
    });
    expect(await redeemCoupon(db, { userId: user!, code: "VALID", idempotencyKey: "no" })).toMatchObject({
      ok: false,
      reason: "invalid_idempotency_key",
    });
    const attempts = await db.redemptionAttempt.findMany({ where: { userId: user! } });
    expect(attempts.map((a) => a.codeTyped.length)).toEqual([129, 5]); // stored truncated
  });

  it("refuses an unknown user cleanly", async () => {
    const coupon = await makeCoupon(db);
    const result = await redeemCoupon(db, {
      userId: "00000000-0000-4000-8000-000000000000",
      code: coupon.code,
      idempotencyKey: newKey(),
    });
    expect(result).toMatchObject({ ok: false, reason: "unknown_user" });
  });
});

describe("idempotency", () => {
  it("a replayed key returns the original success, without a second effect, even after the balance moved", async () => {
    const [user] = await makeUsers(db, 1);
    const first = await makeCoupon(db, { valueCents: 500 });
    const second = await makeCoupon(db, { valueCents: 300 });
    const key = newKey();
    const original = await redeemCoupon(db, { userId: user!, code: first.code, idempotencyKey: key });
    await redeemCoupon(db, { userId: user!, code: second.code, idempotencyKey: newKey() });
    const replay = await redeemCoupon(db, { userId: user!, code: first.code.toLowerCase(), idempotencyKey: key });
    expect(original).toMatchObject({ ok: true, balanceCents: 500, replayed: false });
    expect(replay).toEqual({ ...original, replayed: true });
    expect((await db.user.findUniqueOrThrow({ where: { id: user! } })).balanceCents).toBe(800);
  });

  it("a replayed key returns the original refusal, even if the coupon became redeemable since", async () => {
    const [user] = await makeUsers(db, 1);
    const coupon = await makeCoupon(db, { status: "DISABLED" });
    const key = newKey();
    expect(await redeemCoupon(db, { userId: user!, code: coupon.code, idempotencyKey: key })).toMatchObject({
      reason: "disabled",
    });
    await setCouponStatus(db, coupon.id, "ACTIVE");
    expect(await redeemCoupon(db, { userId: user!, code: coupon.code, idempotencyKey: key })).toMatchObject({
      ok: false,
      reason: "disabled",
      replayed: true,
    });
    expect((await redeemCoupon(db, { userId: user!, code: coupon.code, idempotencyKey: newKey() })).ok).toBe(true);
  });

  it("the same key with a different code is refused and changes nothing", async () => {
    const [user] = await makeUsers(db, 1);
    const a = await makeCoupon(db);
    const b = await makeCoupon(db);
    const key = newKey();
    await redeemCoupon(db, { userId: user!, code: a.code, idempotencyKey: key });
    expect(await redeemCoupon(db, { userId: user!, code: b.code, idempotencyKey: key })).toMatchObject({
      ok: false,
      reason: "idempotency_key_reused",
    });
    expect(await db.redemption.count({ where: { userId: user! } })).toBe(1);
  });

  it("keys belong to a user: another user's identical key is a different request", async () => {
    const [a, b] = await makeUsers(db, 2);
    const coupon = await makeCoupon(db, { maxRedemptions: 2 });
    const key = newKey();
    expect((await redeemCoupon(db, { userId: a!, code: coupon.code, idempotencyKey: key })).ok).toBe(true);
    expect(await redeemCoupon(db, { userId: b!, code: coupon.code, idempotencyKey: key })).toMatchObject({
      ok: true,
      replayed: false,
    });
  });
});

describe("revokeRedemption", () => {
  it("gives the use back, debits the credit, and is idempotent", async () => {
    const [user, admin, other] = await makeUsers(db, 3);
    const coupon = await makeCoupon(db, { maxRedemptions: 1, valueCents: 900 });
    const redeemed = await redeemCoupon(db, { userId: user!, code: coupon.code, idempotencyKey: newKey() });
    if (!redeemed.ok) throw new Error("setup");
    const revoked = await revokeRedemption(db, { redemptionId: redeemed.redemption.id, revokedById: admin! });
    expect(revoked).toEqual({ ok: true, redemptionId: redeemed.redemption.id, balanceCents: 0, alreadyRevoked: false });
    expect(await revokeRedemption(db, { redemptionId: redeemed.redemption.id, revokedById: admin! })).toEqual({
      ...revoked,
      alreadyRevoked: true,
    });
    expect(await db.redemption.findUniqueOrThrow({ where: { id: redeemed.redemption.id } })).toMatchObject({
      status: "REVOKED",
      revokedById: admin,
    });
    // The use is free again, for the same user or another.
    expect((await redeemCoupon(db, { userId: other!, code: coupon.code, idempotencyKey: newKey() })).ok).toBe(true);
  });

  it("refuses when the credit was already spent, and changes nothing", async () => {
    const [user, admin] = await makeUsers(db, 2);
    const coupon = await makeCoupon(db, { valueCents: 400 });
    const redeemed = await redeemCoupon(db, { userId: user!, code: coupon.code, idempotencyKey: newKey() });
    if (!redeemed.ok) throw new Error("setup");
    const product = await db.product.create({ data: { sku: `T-${newKey()}`, name: "Test mug", priceCents: 100 } });
    expect((await purchase(db, { userId: user!, productId: product.id, idempotencyKey: newKey() })).ok).toBe(true);
    expect(await revokeRedemption(db, { redemptionId: redeemed.redemption.id, revokedById: admin! })).toEqual({
      ok: false,
      reason: "credit_already_spent",
    });
    expect(await db.redemption.findUniqueOrThrow({ where: { id: redeemed.redemption.id } })).toMatchObject({
      status: "ACTIVE",
    });
  });

  it("refuses unknown and malformed redemption ids", async () => {
    const [admin] = await makeUsers(db, 1);
    expect(
      await revokeRedemption(db, { redemptionId: "00000000-0000-4000-8000-000000000000", revokedById: admin! }),
    ).toEqual({
      ok: false,
      reason: "not_found",
    });
    expect(await revokeRedemption(db, { redemptionId: "not-a-uuid", revokedById: admin! })).toEqual({
      ok: false,
      reason: "not_found",
    });
  });
});
