/**
 * A cart that guides instead of refusing: a code that does not apply is left out of the order (placed at
 * the total the button showed), a code limited to products names them, quantities stop at the stock,
 * and refusals name products by name.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addToCart, getCart, setCartCode, setCartQuantity } from "@/lib/checkout/cart";
import { order, orderCart } from "@/lib/commands/customer";
import type { Db } from "@/lib/db/client";
import { findViolations } from "@/lib/invariants";
import { codePreviewMessage, orderMessage } from "@/lib/messages";
import { actingAs, freshDatabase, makeCoupon, makeCustomersWithCredit, newKey, type TestDatabase } from "./helpers";

let test: TestDatabase;
let db: Db;

beforeAll(async () => {
  test = await freshDatabase(8);
  db = test.db;
});

afterAll(async () => {
  await test?.drop();
});

async function product(name: string, priceCents: number, stock: number | null = null) {
  const sku = `GUIDE-${randomUUID().slice(0, 8).toUpperCase()}`;
  return db.product.create({
    data: {
      sku,
      name,
      priceCents,
      stock,
      ...(stock === null ? {} : { stockMovements: { create: { kind: "INITIAL", quantity: stock } } }),
    },
  });
}

describe("a code that does not apply", () => {
  it("is left out of the order when the button's total left it out, and nothing of it is used", async () => {
    const [userId] = await makeCustomersWithCredit(db, 1, 10_000);
    const notebook = await product("Dot notebook", 800);
    const fiveOff = await makeCoupon(db, { kind: "AMOUNT_OFF", valueCents: 500, minSubtotalCents: 2_000 });
    await addToCart(db, userId!, notebook.id);
    await setCartCode(db, userId!, fiveOff.code);
    expect((await getCart(db, userId!)).preview).toMatchObject({ ok: false, reason: "minimum_not_met" });

    const placed = await actingAs(db, userId!)(orderCart, { idempotencyKey: newKey(), appliedCode: "" });
    expect(placed).toMatchObject({ ok: true, order: { totalCents: 800, discountCents: 0, code: null } });
    expect((await db.coupon.findUniqueOrThrow({ where: { id: fiveOff.id } })).redeemedCount).toBe(0);
    expect(await findViolations(db)).toEqual([]);
  });

  it("a button rendered for another code than the cart has now is refused as cart_changed", async () => {
    const [userId] = await makeCustomersWithCredit(db, 1, 10_000);
    const notebook = await product("Dot notebook", 800);
    const [a, b] = [
      await makeCoupon(db, { kind: "AMOUNT_OFF", valueCents: 100 }),
      await makeCoupon(db, { kind: "AMOUNT_OFF", valueCents: 200 }),
    ];
    await addToCart(db, userId!, notebook.id);
    await setCartCode(db, userId!, b.code);
    const refused = await actingAs(db, userId!)(orderCart, { idempotencyKey: newKey(), appliedCode: a.code });
    expect(refused).toMatchObject({ ok: false, reason: "cart_changed" });
    expect(await db.order.count({ where: { userId } })).toBe(0);
  });

  it("a code for other products names them", async () => {
    const [userId] = await makeCustomersWithCredit(db, 1, 10_000);
    const notebook = await product("Dot notebook", 800);
    const mug = await product("Stoneware mug", 1_200);
    const mugOnly = await makeCoupon(db, { kind: "AMOUNT_OFF", valueCents: 300, productIds: [mug.id] });
    await addToCart(db, userId!, notebook.id);
    await setCartCode(db, userId!, mugOnly.code);
    const { preview } = await getCart(db, userId!);
    expect(preview).toMatchObject({ ok: false, reason: "not_applicable", appliesTo: ["Stoneware mug"] });
    expect(codePreviewMessage(preview!)).toBe(
      `${mugOnly.code} is not applied: This code applies only to Stoneware mug.`,
    );
  });
});

describe("quantities and stock", () => {
  it("a quantity above the stock is refused in the product's name, and the cart keeps what it had", async () => {
    const [userId] = await makeCustomersWithCredit(db, 1, 10_000);
    const tee = await product("Limited tee", 2_000, 10);
    await addToCart(db, userId!, tee.id);
    expect(await setCartQuantity(db, userId!, tee.id, 11)).toEqual({
      ok: false,
      reason: "invalid_quantity",
      message: "Only 10 of Limited tee left. Lower the quantity or remove it.",
    });
    expect(await setCartQuantity(db, userId!, tee.id, 10)).toEqual({ ok: true });
    expect((await getCart(db, userId!)).lines).toMatchObject([{ quantity: 10 }]);
  });

  it("an order refused for stock names the product by name, and says how many are left when some are", async () => {
    const [userId] = await makeCustomersWithCredit(db, 1, 10_000);
    const tee = await product("Limited tee", 2_000, 1);
    const refused = await actingAs(db, userId!)(order, {
      lines: [{ sku: tee.sku, quantity: 2 }],
      idempotencyKey: newKey(),
    });
    expect(refused).toMatchObject({ ok: false, reason: "out_of_stock", productName: "Limited tee", stockLeft: 1 });
    if (refused.ok) throw new Error("placed");
    expect(orderMessage(refused)).toBe(
      "Only 1 of Limited tee left when your order was placed: lower its quantity to 1, or remove it. Nothing was charged.",
    );

    const mug = await product("Last mug", 1_000, 0);
    const soldOut = await actingAs(db, userId!)(order, {
      lines: [{ sku: mug.sku, quantity: 1 }],
      idempotencyKey: newKey(),
    });
    expect(soldOut).toMatchObject({ ok: false, reason: "out_of_stock", productName: "Last mug", stockLeft: 0 });
    if (soldOut.ok) throw new Error("placed");
    expect(orderMessage(soldOut)).toMatch(/^Sorry, Last mug sold out before your order went through/);
  });
});
