/** The admin side of checkout against a real database: discount codes with products, orders audit, admin cancel. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { placeOrder } from "@/lib/checkout/place-order";
import { formatCents } from "@/lib/format";
import { findViolations } from "@/lib/invariants";
import { redeemCoupon } from "@/lib/redemptions";
import { adminCreateCoupon } from "@/lib/admin/coupons/create";
import { getCouponDetail } from "@/lib/admin/coupons/detail";
import { adminUpdateCoupon } from "@/lib/admin/coupons/edit";
import { adminCancelOrder, exportOrderFilters, listOrders, orderFiltersSchema } from "@/lib/admin/orders";
import { adminCreateProduct } from "@/lib/admin/products";
import { FIRST_ORDER_ONLY_NEEDS_DISCOUNT } from "@/lib/coupon-terms";
import { freshDatabase, makeCoupon, newKey, type TestDatabase } from "./helpers";
import { makeAdminAndCustomer } from "./admin-helpers";

let test: TestDatabase;
let db: Db;
let adminId: string;
let customerId: string;
let teeId: string;
let mugId: string;

beforeAll(async () => {
  test = await freshDatabase(4);
  db = test.db;
  ({ adminId, customerId } = await makeAdminAndCustomer(db));
  const tee = await adminCreateProduct(db, adminId, { sku: "AC-TEE", name: "Tee", priceCents: 2_000, stock: 5 });
  const mug = await adminCreateProduct(db, adminId, { sku: "AC-MUG", name: "Mug", priceCents: 1_000, stock: null });
  if (!tee.ok || !mug.ok) throw new Error("setup products refused");
  teeId = tee.product.id;
  mugId = mug.product.id;
  const credit = await makeCoupon(db, { valueCents: 10_000 });
  if (!(await redeemCoupon(db, { userId: customerId, code: credit.code, idempotencyKey: newKey() })).ok)
    throw new Error("setup credit refused");
});
afterAll(() => test.drop());

const terms = { description: "", maxRedemptions: 10, perUserLimit: 5, startsAt: null, expiresAt: null };

describe("a percent-off code limited to one product", () => {
  it("is created with its product, used by an order, and listed with that order", async () => {
    const created = await adminCreateCoupon(db, adminId, {
      ...terms,
      code: "AC-TEE25",
      kind: "PERCENT_OFF",
      valueCents: 0,
      percentOff: 25,
      productIds: [teeId],
    });
    if (!created.ok) throw new Error(`refused: ${JSON.stringify(created)}`);
    const order = await placeOrder(db, {
      userId: customerId,
      lines: [
        { sku: "AC-TEE", quantity: 1 },
        { sku: "AC-MUG", quantity: 1 },
      ],
      discountCode: "AC-TEE25",
      idempotencyKey: newKey(),
    });
    if (!order.ok) throw new Error(`order refused: ${order.reason}`);
    // 25% of the tee only.
    expect(order.order.discountCents).toBe(500);

    const detail = await getCouponDetail(db, created.coupon.id);
    expect(detail?.products.map((p) => p.sku)).toEqual(["AC-TEE"]);
    expect(detail?.latestOrders.map((o) => [o.id, o.discountCents, o.items])).toEqual([[order.order.id, 500, 2]]);
    const listed = await listOrders(db, orderFiltersSchema.parse({ code: "ac-tee25", status: "PLACED" }), null);
    expect(listed.rows.map((o) => o.id)).toEqual([order.order.id]);
    expect((await listOrders(db, orderFiltersSchema.parse({ status: "CANCELLED" }), null)).rows).toEqual([]);

    // An admin cancel reverses it once and is logged once; a second cancel is answered, not repeated.
    const cancelled = await adminCancelOrder(db, adminId, order.order.id);
    expect(cancelled).toMatchObject({ ok: true, alreadyCancelled: false });
    expect(await adminCancelOrder(db, adminId, order.order.id)).toMatchObject({ ok: true, alreadyCancelled: true });
    expect(await db.adminAuditEntry.count({ where: { targetId: order.order.id, action: "ORDER_CANCELLED" } })).toBe(1);
    // The log names the order and says dollars ("Cancelled an order of 28.00" named neither).
    expect(
      (await db.adminAuditEntry.findFirstOrThrow({ where: { targetId: order.order.id, action: "ORDER_CANCELLED" } }))
        .summary,
    ).toBe(`Cancelled order #${order.order.number} of ${formatCents(order.order.totalCents)}`);
    expect(await adminCancelOrder(db, adminId, newKey())).toEqual({ ok: false, reason: "not_found" });
    expect((await db.product.findUniqueOrThrow({ where: { id: teeId } })).stock).toBe(5);
    expect(await findViolations(db)).toEqual([]);
  });

  it("an edit of its product list bumps the terms version and is audited; products on a credit coupon are refused", async () => {
    const created = await adminCreateCoupon(db, adminId, {
      ...terms,
      code: "AC-FIVE",
      kind: "AMOUNT_OFF",
      valueCents: 500,
      productIds: [teeId],
    });
    if (!created.ok) throw new Error("refused");
    const edited = await adminUpdateCoupon(db, adminId, created.coupon.id, {
      ...terms,
      valueCents: 500,
      productIds: [mugId, teeId],
    });
    if (!edited.ok) throw new Error(`refused: ${JSON.stringify(edited)}`);
    expect(edited.changed).toBe(true);
    expect(edited.coupon.termsVersion).toBeGreaterThan(created.coupon.termsVersion);
    const entry = await db.adminAuditEntry.findFirstOrThrow({
      where: { targetId: created.coupon.id, action: "COUPON_UPDATED" },
    });
    expect(entry.after).toMatchObject({ productIds: [mugId, teeId].sort(), kind: "AMOUNT_OFF" });

    expect(
      await adminUpdateCoupon(db, adminId, created.coupon.id, { ...terms, kind: "CREDIT", valueCents: 500 }),
    ).toMatchObject({ ok: false, reason: "invalid", issues: [{ path: "productIds" }] });
    expect(
      await adminUpdateCoupon(db, adminId, created.coupon.id, { ...terms, valueCents: 500, productIds: [newKey()] }),
    ).toMatchObject({ ok: false, reason: "invalid", issues: [{ path: "productIds" }] });
    expect(await db.couponProduct.count({ where: { couponId: created.coupon.id } })).toBe(2);
  });
});

describe("a first-order-only code", () => {
  it("is a term: an edit to it bumps the terms version and is audited; on store credit it is refused, edit or not", async () => {
    const created = await adminCreateCoupon(db, adminId, {
      ...terms,
      code: "AC-WELCOME",
      kind: "AMOUNT_OFF",
      valueCents: 500,
      firstOrderOnly: true,
    });
    if (!created.ok) throw new Error(`refused: ${JSON.stringify(created)}`);
    expect(created.coupon.firstOrderOnly).toBe(true);
    const edited = await adminUpdateCoupon(db, adminId, created.coupon.id, {
      ...terms,
      valueCents: 500,
      firstOrderOnly: false,
    });
    if (!edited.ok) throw new Error(`refused: ${JSON.stringify(edited)}`);
    expect(edited.coupon.termsVersion).toBeGreaterThan(created.coupon.termsVersion);
    const entry = await db.adminAuditEntry.findFirstOrThrow({
      where: { targetId: created.coupon.id, action: "COUPON_UPDATED" },
    });
    expect(entry).toMatchObject({ before: { firstOrderOnly: true }, after: { firstOrderOnly: false } });

    const issue = { path: "firstOrderOnly", message: FIRST_ORDER_ONLY_NEEDS_DISCOUNT };
    const credit = await adminCreateCoupon(db, adminId, {
      ...terms,
      code: "AC-CREDITFIRST",
      kind: "CREDIT",
      valueCents: 500,
      firstOrderOnly: true,
    });
    expect(credit).toMatchObject({ ok: false, reason: "invalid", issues: [issue] });
    const plainCredit = await makeCoupon(db, { valueCents: 500 });
    // The kind left out of the edit: judged on the row's, before the CHECK would have to refuse it.
    expect(
      await adminUpdateCoupon(db, adminId, plainCredit.id, { ...terms, valueCents: 500, firstOrderOnly: true }),
    ).toMatchObject({ ok: false, reason: "invalid", issues: [issue] });
    await expect(db.coupon.update({ where: { id: plainCredit.id }, data: { firstOrderOnly: true } })).rejects.toThrow(
      /coupons_first_order_only_discounts_only/,
    );
  });
});

describe("the orders export's filters", () => {
  it("are checked before anything streams", () => {
    expect(exportOrderFilters(new URLSearchParams("status=LOST"))).toMatchObject({ ok: false, field: "status" });
    expect(exportOrderFilters(new URLSearchParams("from=2026-13-45"))).toMatchObject({ ok: false, field: "from" });
    expect(exportOrderFilters(new URLSearchParams("status=PLACED&from=2026-11-01&code=x"))).toMatchObject({
      ok: true,
      filters: { status: "PLACED", from: "2026-11-01", code: "x" },
    });
  });
});
