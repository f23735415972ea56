/**
 * What the order pages read: the admin's (lines, discount and code, credit, stock movements, status,
 * admin log) and the customer's (their own orders only: someone else's reads as no order at all).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { placeOrder } from "@/lib/checkout/place-order";
import { getOrderDetail } from "@/lib/checkout/orders";
import { adminCancelOrder } from "@/lib/admin/orders";
import { getAdminOrderDetail } from "@/lib/admin/order-detail";
import { adminCreateProduct } from "@/lib/admin/products";
import { freshDatabase, makeCoupon, makeCustomersWithCredit, newKey, type TestDatabase } from "./helpers";
import { makeAdminAndCustomer } from "./admin-helpers";

let test: TestDatabase;
let db: Db;
let adminId: string;
let tee: string;
let mug: string;

beforeAll(async () => {
  test = await freshDatabase(4);
  db = test.db;
  ({ adminId } = await makeAdminAndCustomer(db));
  const tag = newKey().slice(0, 6).toUpperCase();
  tee = `OP-TEE-${tag}`;
  mug = `OP-MUG-${tag}`;
  const made = await Promise.all([
    adminCreateProduct(db, adminId, { sku: tee, name: "Page tee", priceCents: 2_000, stock: 5 }),
    adminCreateProduct(db, adminId, { sku: mug, name: "Page mug", priceCents: 1_000, stock: null }),
  ]);
  if (!made.every((m) => m.ok)) throw new Error("setup products refused");
});
afterAll(() => test.drop());

async function discountedOrder(userId: string) {
  const code = await makeCoupon(db, { kind: "AMOUNT_OFF", valueCents: 300, maxRedemptions: 5 });
  const placed = await placeOrder(db, {
    userId,
    lines: [
      { sku: tee, quantity: 2 },
      { sku: mug, quantity: 1 },
    ],
    discountCode: code.code,
    idempotencyKey: newKey(),
  });
  if (!placed.ok) throw new Error(`order refused: ${placed.reason}`);
  return { order: placed.order, code: code.code };
}

describe("the admin's order page", () => {
  it("reads the lines, discount and code, the credit debited and refunded, the stock movements and the admin log", async () => {
    const [userId] = await makeCustomersWithCredit(db, 1, 10_000);
    const { order, code } = await discountedOrder(userId!);

    const placed = await getAdminOrderDetail(db, order.id);
    expect(placed).toMatchObject({
      order: {
        number: order.number,
        status: "PLACED",
        subtotalCents: 5_000,
        discountCents: 300,
        totalCents: 4_700,
        code,
        cancelledAt: null,
        credit: [{ kind: "PURCHASE", amountCents: -4_700, balanceAfterCents: 5_300 }],
      },
      customer: { id: userId },
      cancelledBy: null,
      stock: [{ kind: "SALE", quantity: -2, sku: tee, name: "Page tee" }],
      audit: [],
    });
    expect(placed!.order.lines.map((l) => [l.sku, l.unitPriceCents, l.quantity])).toEqual(
      expect.arrayContaining([
        [tee, 2_000, 2],
        [mug, 1_000, 1],
      ]),
    );
    expect(placed!.order.lines).toHaveLength(2);
    expect(placed!.order.lines.reduce((sum, l) => sum + l.discountCents, 0)).toBe(300);

    expect(await adminCancelOrder(db, adminId, order.id)).toMatchObject({ ok: true, alreadyCancelled: false });
    const cancelled = await getAdminOrderDetail(db, order.id);
    expect(cancelled).toMatchObject({
      order: {
        status: "CANCELLED",
        credit: [
          { kind: "PURCHASE", amountCents: -4_700 },
          { kind: "ORDER_REFUND", amountCents: 4_700, balanceAfterCents: 10_000 },
        ],
      },
      cancelledBy: { id: adminId },
      stock: [
        { kind: "SALE", quantity: -2 },
        { kind: "RETURN", quantity: 2 },
      ],
      audit: [{ action: "ORDER_CANCELLED", actorId: adminId, targetId: order.id }],
    });
    expect(cancelled!.order.cancelledAt).toBeInstanceOf(Date);
  });

  it("is no order for an unknown id or one that is not an id", async () => {
    expect(await getAdminOrderDetail(db, newKey())).toBeNull();
    expect(await getAdminOrderDetail(db, "1001")).toBeNull();
  });
});

describe("the customer's order page", () => {
  it("reads their own order, and someone else's as no order at all", async () => {
    const [owner, other] = await makeCustomersWithCredit(db, 2, 10_000);
    const { order } = await discountedOrder(owner!);
    expect(await getOrderDetail(db, order.id, owner!)).toMatchObject({
      id: order.id,
      number: order.number,
      userId: owner,
      totalCents: 4_700,
      credit: [{ kind: "PURCHASE", amountCents: -4_700 }],
    });
    expect(await getOrderDetail(db, order.id, other!)).toBeNull();
    expect(await getOrderDetail(db, "not-an-id", owner!)).toBeNull();
  });
});
