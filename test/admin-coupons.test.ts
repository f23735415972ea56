/** The coupon list's filters and sorts, and the edit's clear refusals, against a real database. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { redeemCoupon } from "@/lib/redemptions";
import { adminCreateCoupon } from "@/lib/admin/coupons/create";
import { adminUpdateCoupon } from "@/lib/admin/coupons/edit";
import { adminRevoke } from "@/lib/admin/redemptions";
import { couponListQuerySchema, listCoupons } from "@/lib/admin/coupons/list";
import { freshDatabase, makeCoupon, makeUsers, newKey, type TestDatabase } from "./helpers";
import { makeAdminAndCustomer } from "./admin-helpers";

let test: TestDatabase;
let db: Db;
let adminId: string;
const DAY = 86_400_000;
const now = new Date();

beforeAll(async () => {
  test = await freshDatabase(4);
  db = test.db;
  ({ adminId } = await makeAdminAndCustomer(db));
  await makeCoupon(db, { code: "LIST-ACTIVE", valueCents: 300 });
  await makeCoupon(db, {
    code: "LIST-EXPIRED",
    valueCents: 100,
    startsAt: new Date(now.getTime() - 2 * DAY),
    expiresAt: new Date(now.getTime() - DAY),
  });
  await makeCoupon(db, { code: "LIST-UPCOMING", valueCents: 200, startsAt: new Date(now.getTime() + DAY) });
  await makeCoupon(db, { code: "LIST-DISABLED", valueCents: 400, status: "DISABLED" });
  const used = await makeCoupon(db, { code: "LIST-USED", valueCents: 500, maxRedemptions: 1 });
  const [user] = await makeUsers(db, 1);
  expect((await redeemCoupon(db, { userId: user!, code: used.code, idempotencyKey: newKey() })).ok).toBe(true);
});
afterAll(() => test.drop());

const codes = async (raw: Record<string, string>) =>
  (await listCoupons(db, couponListQuerySchema.parse({ q: "LIST-", ...raw }), now)).coupons.map((c) => c.code);

describe("listCoupons", () => {
  it("filters by status, window and exhaustion", async () => {
    expect(await codes({ status: "DISABLED" })).toEqual(["LIST-DISABLED"]);
    expect(await codes({ window: "expired" })).toEqual(["LIST-EXPIRED"]);
    expect(await codes({ window: "upcoming" })).toEqual(["LIST-UPCOMING"]);
    expect((await codes({ window: "active" })).sort()).toEqual(["LIST-ACTIVE", "LIST-DISABLED", "LIST-USED"]);
    expect(await codes({ exhausted: "yes" })).toEqual(["LIST-USED"]);
    expect(await codes({ exhausted: "no" })).not.toContain("LIST-USED");
  });

  it("sorts by every column, both ways", async () => {
    expect(await codes({ sort: "value", dir: "asc" })).toEqual([
      "LIST-EXPIRED",
      "LIST-UPCOMING",
      "LIST-ACTIVE",
      "LIST-DISABLED",
      "LIST-USED",
    ]);
    expect(await codes({ sort: "code", dir: "desc" })).toEqual([
      "LIST-USED",
      "LIST-UPCOMING",
      "LIST-EXPIRED",
      "LIST-DISABLED",
      "LIST-ACTIVE",
    ]);
    expect((await codes({ sort: "redeemed", dir: "desc" }))[0]).toBe("LIST-USED");
    expect((await codes({ sort: "expires", dir: "asc" }))[0]).toBe("LIST-EXPIRED");
    expect(await codes({ sort: "created", dir: "desc" })).toHaveLength(5);
  });

  it("ignores nonsense in the query string instead of failing", async () => {
    expect(couponListQuerySchema.parse({ sort: "drop table", page: "-3", status: "x" })).toMatchObject({
      sort: "created",
      page: 1,
      status: "all",
    });
  });
});

describe("create and edit", () => {
  it("a duplicate code (any case) is a typed refusal, not an error", async () => {
    expect(await adminCreateCoupon(db, adminId, { code: "list-active", valueCents: 100 })).toEqual({
      ok: false,
      reason: "duplicate_code",
      code: "LIST-ACTIVE",
    });
  });

  it("a generated code is used when none is typed", async () => {
    const created = await adminCreateCoupon(db, adminId, { code: null, valueCents: 100 });
    expect(created.ok && created.coupon.code).toMatch(/^PROMO-[2-9A-HJKMNP-Z]{4}(-[2-9A-HJKMNP-Z]{4}){3}$/);
  });

  it("max below the redeemed count is refused with the count and changes nothing; an unchanged save is not logged", async () => {
    const coupon = await makeCoupon(db, { maxRedemptions: 5 });
    for (const userId of await makeUsers(db, 3)) {
      expect((await redeemCoupon(db, { userId, code: coupon.code, idempotencyKey: newKey() })).ok).toBe(true);
    }
    const audit = () => db.adminAuditEntry.count({ where: { targetId: coupon.id } });
    expect(await adminUpdateCoupon(db, adminId, coupon.id, { ...coupon, maxRedemptions: 2 })).toEqual({
      ok: false,
      reason: "below_redeemed",
      redeemedCount: 3,
    });
    expect((await db.coupon.findUniqueOrThrow({ where: { id: coupon.id } })).maxRedemptions).toBe(5);
    expect(await audit()).toBe(0);

    expect(await adminUpdateCoupon(db, adminId, coupon.id, { ...coupon, maxRedemptions: 3 })).toMatchObject({
      ok: true,
      changed: true,
    });
    expect(await adminUpdateCoupon(db, adminId, coupon.id, { ...coupon, maxRedemptions: 3 })).toMatchObject({
      ok: true,
      changed: false,
    });
    expect(await audit()).toBe(1);
    const [entry] = await db.adminAuditEntry.findMany({ where: { targetId: coupon.id } });
    expect(entry).toMatchObject({
      action: "COUPON_UPDATED",
      actorId: adminId,
      before: { maxRedemptions: 5 },
      after: { maxRedemptions: 3 },
    });

    expect(
      await adminUpdateCoupon(db, adminId, coupon.id, {
        ...coupon,
        startsAt: now,
        expiresAt: new Date(now.getTime() - DAY),
      }),
    ).toMatchObject({
      ok: false,
      reason: "invalid",
    });
    expect(await adminUpdateCoupon(db, adminId, "00000000-0000-4000-8000-000000000000", coupon)).toEqual({
      ok: false,
      reason: "not_found",
    });
  });

  it("a tenfold change of value is made only when the admin confirmed it, judged against the saved value", async () => {
    const coupon = await makeCoupon(db, { valueCents: 1_000 });
    const value = async () => (await db.coupon.findUniqueOrThrow({ where: { id: coupon.id } })).valueCents;
    expect(await adminUpdateCoupon(db, adminId, coupon.id, { ...coupon, valueCents: 105_000 })).toEqual({
      ok: false,
      reason: "large_value_change",
      beforeCents: 1_000,
      afterCents: 105_000,
    });
    expect(await value()).toBe(1_000);
    expect(await adminUpdateCoupon(db, adminId, coupon.id, { ...coupon, valueCents: 1_050 })).toMatchObject({
      ok: true,
    });
    expect(
      await adminUpdateCoupon(
        db,
        adminId,
        coupon.id,
        { ...coupon, valueCents: 105_000 },
        { confirmedValueChange: true },
      ),
    ).toMatchObject({ ok: true, changed: true });
    expect(await value()).toBe(105_000);
  });

  it("a revocation's audit entry names its amount in dollars", async () => {
    const coupon = await makeCoupon(db, { valueCents: 123_456 });
    const [userId] = await makeUsers(db, 1);
    const redeemed = await redeemCoupon(db, { userId: userId!, code: coupon.code, idempotencyKey: newKey() });
    if (!redeemed.ok) throw new Error("the redemption was refused");
    expect((await adminRevoke(db, adminId, redeemed.redemption.id)).ok).toBe(true);
    const entry = await db.adminAuditEntry.findFirstOrThrow({ where: { targetId: redeemed.redemption.id } });
    expect(entry.summary).toBe(`Revoked a redemption of ${coupon.code} worth $1,234.56`);
  });
});
