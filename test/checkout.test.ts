/**
 * Checkout's answers one at a time (lib/checkout): replays and reused keys, each refusal with its
 * reason and nothing charged, the cart's preview consuming nothing, an order from the cart clearing it,
 * cancelling someone else's order. The concurrent cases are test/checkout-races.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addToCart, getCart, setCartCode, setCartQuantity } from "@/lib/checkout/cart";
import { orderCart } from "@/lib/commands/customer";
import { cancelOrder } from "@/lib/checkout/cancel-order";
import { placeOrder } from "@/lib/checkout/place-order";
import type { Db } from "@/lib/db/client";
import { findViolations } from "@/lib/invariants";
import { orderMessage } from "@/lib/messages";
import { purchase } from "@/lib/purchase";
import { redeemCoupon } from "@/lib/redemptions";
import { actingAs, freshDatabase, makeCoupon, makeUsers, newKey, type TestDatabase } from "./helpers";

let test: TestDatabase;
let db: Db;
beforeAll(async () => {
  test = await freshDatabase(4);
  db = test.db;
});
afterAll(() => test.drop());

async function customer(creditCents: number): Promise<string> {
  const [userId] = await makeUsers(db, 1);
  const topUp = await makeCoupon(db, { valueCents: creditCents });
  expect(await redeemCoupon(db, { userId: userId!, code: topUp.code, idempotencyKey: newKey() })).toMatchObject({
    ok: true,
  });
  return userId!;
}

async function product(priceCents: number, stock: number | null = null) {
  const sku = `P-${newKey().slice(0, 8).toUpperCase()}`;
  const created = await db.product.create({ data: { sku, name: `Product ${sku}`, priceCents, stock } });
  if (stock !== null)
    await db.stockMovement.create({ data: { productId: created.id, kind: "INITIAL", quantity: stock } });
  return created;
}

describe("placeOrder", () => {
  it("places a discounted multi-line order, and a replay of its key answers with the same order", async () => {
    const userId = await customer(10_000);
    const [a, b] = [await product(1_001, 5), await product(2_000)];
    const code = await makeCoupon(db, { kind: "PERCENT_OFF", valueCents: 0, percentOff: 33, maxRedemptions: 10 });
    const request = {
      userId,
      lines: [
        { sku: b.sku, quantity: 1 },
        { sku: a.sku, quantity: 1 },
      ],
      discountCode: code.code.toLowerCase(),
      idempotencyKey: newKey(),
    };
    const first = await placeOrder(db, request);
    expect(first).toMatchObject({
      ok: true,
      replayed: false,
      order: { status: "PLACED", subtotalCents: 3_001, discountCents: 990, totalCents: 2_011, code: code.code },
      balanceCents: 10_000 - 2_011,
    });
    const lines = first.ok ? first.order.lines : [];
    expect(lines.reduce((sum, line) => sum + line.discountCents, 0)).toBe(990);
    expect(await placeOrder(db, request)).toEqual({ ...first, replayed: true });
    expect(await placeOrder(db, { ...request, lines: [{ sku: a.sku, quantity: 2 }] })).toMatchObject({
      ok: false,
      reason: "idempotency_key_reused",
    });
    expect((await db.product.findUniqueOrThrow({ where: { id: a.id } })).stock).toBe(4);
    expect(await findViolations(db)).toEqual([]);
  });

  it("refuses with its own reason, charges nothing, and replays the refusal", async () => {
    const userId = await customer(1_000);
    const tee = await product(2_000, 1);
    const cheap = await product(500);
    const fiveOff = await makeCoupon(db, {
      kind: "AMOUNT_OFF",
      valueCents: 500,
      minSubtotalCents: 2_000,
      maxRedemptions: 10,
    });
    const credit = await makeCoupon(db, { valueCents: 500 });
    const order = (lines: { sku: string; quantity: number }[], discountCode?: string, idempotencyKey = newKey()) =>
      placeOrder(db, { userId, lines, discountCode, idempotencyKey });

    const key = newKey();
    expect(await order([{ sku: tee.sku, quantity: 2 }], undefined, key)).toMatchObject({
      reason: "out_of_stock",
      sku: tee.sku,
    });
    expect(await order([{ sku: tee.sku, quantity: 2 }], undefined, key)).toMatchObject({
      reason: "out_of_stock",
      replayed: true,
    });
    expect(await order([{ sku: tee.sku, quantity: 1 }])).toMatchObject({
      reason: "insufficient_credit",
      totalCents: 2_000,
      balanceCents: 1_000,
    });
    expect(await order([{ sku: cheap.sku, quantity: 1 }], fiveOff.code)).toMatchObject({
      reason: "minimum_not_met",
      minSubtotalCents: 2_000,
    });
    expect(await order([{ sku: cheap.sku, quantity: 1 }], credit.code)).toMatchObject({ reason: "not_applicable" });
    expect(await order([{ sku: "NOPE", quantity: 1 }])).toMatchObject({ reason: "unknown_product", sku: "NOPE" });
    expect(await order([{ sku: cheap.sku, quantity: 0 }])).toMatchObject({ reason: "invalid_order" });
    expect(await order([{ sku: cheap.sku, quantity: 1 }], "no such code!")).toMatchObject({ reason: "invalid_code" });
    expect(await order([{ sku: cheap.sku, quantity: 1 }], "NOSUCHCODE")).toMatchObject({ reason: "unknown_code" });
    expect((await db.user.findUniqueOrThrow({ where: { id: userId } })).balanceCents).toBe(1_000);
    expect((await db.product.findUniqueOrThrow({ where: { id: tee.id } })).stock).toBe(1);
    expect((await db.coupon.findUniqueOrThrow({ where: { id: fiveOff.id } })).redeemedCount).toBe(0);
    expect(await findViolations(db)).toEqual([]);
  });

  it("the shop's Buy and orders share one key space: the same request replays, another is refused as reused", async () => {
    const userId = await customer(10_000);
    const tee = await product(1_000);
    const key = newKey();
    const bought = await purchase(db, { userId, productId: tee.id, idempotencyKey: key });
    expect(bought).toMatchObject({ ok: true });
    const before = await db.order.count({ where: { userId } });
    // The same key for the same line is the same request: its order is the answer.
    const again = await placeOrder(db, { userId, lines: [{ sku: tee.sku, quantity: 1 }], idempotencyKey: key });
    expect(again).toMatchObject({ ok: true, replayed: true, order: { id: bought.ok ? bought.order.id : "" } });
    expect(await placeOrder(db, { userId, lines: [{ sku: tee.sku, quantity: 2 }], idempotencyKey: key })).toEqual({
      ok: false,
      reason: "idempotency_key_reused",
      replayed: true,
    });
    expect(await db.order.count({ where: { userId } })).toBe(before);
  });

  it("a discount code is not redeemed into credit", async () => {
    const userId = await customer(100);
    const halfOff = await makeCoupon(db, { kind: "PERCENT_OFF", valueCents: 0, percentOff: 50, maxRedemptions: 1 });
    expect(await redeemCoupon(db, { userId, code: halfOff.code, idempotencyKey: newKey() })).toMatchObject({
      ok: false,
      reason: "not_applicable",
    });
    expect((await db.coupon.findUniqueOrThrow({ where: { id: halfOff.id } })).redeemedCount).toBe(0);
  });
});

describe("the cart", () => {
  it("previews a code without using it, orders what it holds, and empties itself", async () => {
    const userId = await customer(10_000);
    const tee = await product(2_000, 10);
    const halfOff = await makeCoupon(db, { kind: "PERCENT_OFF", valueCents: 0, percentOff: 50, maxRedemptions: 1 });
    expect(await addToCart(db, userId, tee.id)).toEqual({ ok: true });
    expect(await addToCart(db, userId, tee.id)).toEqual({ ok: true });
    expect(await setCartQuantity(db, userId, tee.id, 100)).toMatchObject({ ok: false, reason: "invalid_quantity" });
    expect(await setCartCode(db, userId, halfOff.code.toLowerCase())).toEqual({ ok: true });
    const cart = await getCart(db, userId);
    expect(cart).toMatchObject({
      lines: [{ sku: tee.sku, quantity: 2, amountCents: 4_000 }],
      subtotalCents: 4_000,
      preview: { ok: true, code: halfOff.code, discountCents: 2_000 },
      totalCents: 2_000,
    });
    expect((await db.coupon.findUniqueOrThrow({ where: { id: halfOff.id } })).redeemedCount).toBe(0);

    const key = newKey();
    const placed = await actingAs(db, userId)(orderCart, { idempotencyKey: key });
    expect(placed).toMatchObject({ ok: true, order: { totalCents: 2_000, discountCents: 2_000 } });
    expect(await getCart(db, userId)).toMatchObject({ lines: [], preview: null });
    expect(await actingAs(db, userId)(orderCart, { idempotencyKey: key })).toMatchObject({ ok: true, replayed: true });
    expect(await actingAs(db, userId)(orderCart, { idempotencyKey: newKey() })).toMatchObject({ reason: "empty_cart" });

    // A first-order-only code: the cart says so before the order is refused, in the customer's words.
    const welcome = await makeCoupon(db, { kind: "AMOUNT_OFF", valueCents: 500, firstOrderOnly: true });
    expect(await addToCart(db, userId, tee.id)).toEqual({ ok: true });
    expect(await setCartCode(db, userId, welcome.code)).toEqual({ ok: true });
    expect((await getCart(db, userId)).preview).toEqual({ ok: false, code: welcome.code, reason: "not_first_order" });
    const refused = await actingAs(db, userId)(orderCart, { idempotencyKey: newKey() });
    expect(refused).toMatchObject({ ok: false, reason: "not_first_order" });
    if (refused.ok) throw new Error("placed");
    expect(orderMessage(refused)).toBe(
      "This code is for a first order only, and you already have an order. Nothing was charged.",
    );
  });
});

describe("cancelOrder", () => {
  it("reverses once, answers a second cancel with the cancelled order, and hides other customers' orders", async () => {
    const userId = await customer(5_000);
    const [other] = await makeUsers(db, 1);
    const tee = await product(2_000, 3);
    const placed = await placeOrder(db, { userId, lines: [{ sku: tee.sku, quantity: 2 }], idempotencyKey: newKey() });
    const orderId = placed.ok ? placed.order.id : "";
    expect(await cancelOrder(db, { orderId, by: { kind: "customer", userId: other! } })).toEqual({
      ok: false,
      reason: "not_found",
    });
    expect(await cancelOrder(db, { orderId: "not-a-uuid", by: { kind: "customer", userId } })).toEqual({
      ok: false,
      reason: "not_found",
    });
    expect(await cancelOrder(db, { orderId, by: { kind: "customer", userId } })).toMatchObject({
      ok: true,
      alreadyCancelled: false,
      balanceCents: 5_000,
      order: { status: "CANCELLED" },
    });
    expect(await cancelOrder(db, { orderId, by: { kind: "customer", userId } })).toMatchObject({
      ok: true,
      alreadyCancelled: true,
      balanceCents: 5_000,
    });
    expect((await db.product.findUniqueOrThrow({ where: { id: tee.id } })).stock).toBe(3);

    const second = await placeOrder(db, { userId, lines: [{ sku: tee.sku, quantity: 1 }], idempotencyKey: newKey() });
    // Fulfilment is the admin side's; marked here directly.
    await db.order.update({
      where: { id: second.ok ? second.order.id : "" },
      data: { status: "FULFILLED", fulfilledAt: new Date() },
    });
    const fulfilled = await db.order.findFirstOrThrow({ where: { userId, status: "FULFILLED" } });
    expect(await cancelOrder(db, { orderId: fulfilled.id, by: { kind: "customer", userId } })).toEqual({
      ok: false,
      reason: "not_cancellable",
    });
    expect(await findViolations(db)).toEqual([]);
  });
});
