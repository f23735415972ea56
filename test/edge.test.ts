/**
 * The holes the hand-assembled edges left, closed by running every command through one edge
 * (lib/commands/edge.ts): the cart's code preview was an unlimited code oracle, cart orders skipped the
 * rate limit, a NUL in a sku and an order total past INTEGER answered 500. Each test failed before.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addToCart, getCart } from "@/lib/checkout/cart";
import { applyCode, order, orderCart, redeem } from "@/lib/commands/customer";
import type { Db } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { findViolations } from "@/lib/invariants";
import { orderMessage } from "@/lib/messages";
import { rateLimitSettings } from "@/lib/rate-limits";
import {
  actingAs,
  freshDatabase,
  makeCoupon,
  makeCustomersWithCredit,
  makeUsers,
  newKey,
  type TestDatabase,
} from "./helpers";

let test: TestDatabase;
let db: Db;

beforeAll(async () => {
  test = await freshDatabase(8);
  db = test.db;
});

afterAll(async () => {
  await test?.drop();
});

// The shipped shape of the guess budget, small enough to spend in a test: 5 points a guess.
const limits = rateLimitSettings({ RATE_LIMIT_REDEEM_CUSTOMER: "25/15m", RATE_LIMIT_REDEEM_UNKNOWN_COST: "5" });

async function product(priceCents: number, stock: number | null = null) {
  const sku = `EDGE-${randomUUID().slice(0, 8).toUpperCase()}`;
  return db.product.create({
    data: {
      sku,
      name: `Edge ${sku}`,
      priceCents,
      stock,
      ...(stock === null ? {} : { stockMovements: { create: { kind: "INITIAL", quantity: stock } } }),
    },
  });
}

describe("the cart's code preview is a guess", () => {
  it("costs what an unknown code costs, is logged with its source, and is refused over budget", async () => {
    const [userId] = await makeCustomersWithCredit(db, 1, 10_000);
    const run = actingAs(db, userId!, limits);
    const item = await product(2_000);
    expect(await addToCart(db, userId!, item.id)).toEqual({ ok: true });

    // 25 points at 5 a guess: five unknown codes are judged, the sixth is refused before it is looked up.
    for (let i = 0; i < 5; i++) {
      const guess = await run(applyCode, { code: `GUESS-${i}` });
      expect(guess).toMatchObject({ ok: true, preview: { ok: false, reason: "unknown_code" } });
    }
    const over = await run(applyCode, { code: "GUESS-5" });
    expect(over).toMatchObject({ ok: false, reason: "rate_limited", scope: "customer" });
    // A real code is refused too while the budget is spent: the oracle stays closed.
    const real = await makeCoupon(db, { kind: "AMOUNT_OFF", valueCents: 500 });
    expect(await run(applyCode, { code: real.code })).toMatchObject({ ok: false, reason: "rate_limited" });
    expect((await getCart(db, userId!)).preview).toMatchObject({ code: "GUESS-4" });

    const logged = await db.redemptionAttempt.findMany({
      where: { userId, source: "CART_PREVIEW" },
      orderBy: { id: "asc" },
    });
    expect(logged.map((a) => [a.source, a.outcome, a.reason, a.codeTyped])).toEqual(
      [0, 1, 2, 3, 4].map((i) => ["CART_PREVIEW", "REFUSED", "unknown_code", `GUESS-${i}`]),
    );
    // Taking the code off is not a guess: it costs nothing and is allowed while the budget is spent.
    expect(await run(applyCode, { code: null })).toEqual({ ok: true, preview: null });
  });

  it("a code that applies is logged as previewed and costs one point, like a redemption", async () => {
    const [userId] = await makeCustomersWithCredit(db, 1, 10_000);
    const run = actingAs(db, userId!, limits);
    const item = await product(2_000);
    await addToCart(db, userId!, item.id);
    const code = await makeCoupon(db, { kind: "AMOUNT_OFF", valueCents: 500 });
    // 25 points: a known code reserves 5 and keeps 1, so twenty previews in a row all pass.
    for (let i = 0; i < 20; i++) {
      expect(await run(applyCode, { code: code.code })).toMatchObject({
        ok: true,
        preview: { ok: true, discountCents: 500 },
      });
    }
    const logged = await db.redemptionAttempt.findMany({ where: { userId, source: "CART_PREVIEW" } });
    expect(logged).toHaveLength(20);
    expect(logged.every((a) => a.source === "CART_PREVIEW" && a.outcome === "PREVIEWED")).toBe(true);
    expect(logged[0]!.couponId).toBe(code.id);
    // Nothing was used by looking.
    expect((await db.coupon.findUniqueOrThrow({ where: { id: code.id } })).redeemedCount).toBe(0);
  });
});

describe("placing an order from the cart goes through the order's limits", () => {
  it("a cart order with an unknown code costs a guess, and over budget is refused before it is tried", async () => {
    const [userId] = await makeCustomersWithCredit(db, 1, 10_000);
    const run = actingAs(db, userId!, limits);
    const item = await product(1_000);
    await addToCart(db, userId!, item.id);
    // Spend the budget through the JSON order command, then the cart's button is refused by the same budget.
    for (let i = 0; i < 5; i++) {
      const guess = await run(order, {
        lines: [{ sku: item.sku, quantity: 1 }],
        discountCode: `NOPE-${i}`,
        idempotencyKey: newKey(),
      });
      expect(guess).toMatchObject({ ok: false, reason: "unknown_code" });
    }
    await db.cart.update({ where: { userId: userId! }, data: { discountCode: "NOPE-CART" } });
    const refused = await run(orderCart, { idempotencyKey: newKey() });
    expect(refused).toMatchObject({ ok: false, reason: "rate_limited", scope: "customer" });
    expect(await db.order.count({ where: { userId } })).toBe(0);
    expect((await getCart(db, userId!)).lines).toHaveLength(1);
  });

  it("a cart order without a code guesses nothing and is not charged", async () => {
    const [userId] = await makeCustomersWithCredit(db, 1, 100_000);
    const run = actingAs(db, userId!, limits);
    const item = await product(100);
    for (let i = 0; i < 8; i++) {
      await addToCart(db, userId!, item.id);
      expect(await run(orderCart, { idempotencyKey: newKey() })).toMatchObject({ ok: true });
    }
    expect(await db.rateLimit.count({ where: { key: { endsWith: userId! } } })).toBe(0);
  });

  it("a malformed key is refused at the edge, before any query looks it up", async () => {
    const [userId] = await makeCustomersWithCredit(db, 1, 1_000);
    const run = actingAs(db, userId!, limits);
    expect(await run(orderCart, { idempotencyKey: "key\u0000with-nul" })).toMatchObject({
      ok: false,
      reason: "invalid_input",
    });
  });
});

describe("the rate limit is settled after the command decided", () => {
  it("a database too busy to take the settlement leaves the decided answer as it was, charged its up-front cost", async () => {
    const [customer] = await makeUsers(db, 1);
    const coupon = await makeCoupon(db, { valueCents: 100 });
    // The second rate-limit statement (the settlement) finds no free connection in time, as under a crowd.
    let rateLimitStatements = 0;
    const busyAfterCommit = new Proxy(db, {
      get(target, property, receiver) {
        if (property !== "$queryRaw") return Reflect.get(target, property, receiver);
        return (sql: TemplateStringsArray, ...values: unknown[]) => {
          if (Prisma.sql(sql, ...values).sql.includes("rate_limits") && ++rateLimitStatements === 2)
            return Promise.reject(new Error("timeout exceeded when trying to connect"));
          return target.$queryRaw(sql, ...values);
        };
      },
    });
    const result = await actingAs(
      busyAfterCommit,
      customer!,
      limits,
    )(redeem, { code: coupon.code, idempotencyKey: newKey() });
    expect(result).toMatchObject({ ok: true, replayed: false });
    expect(rateLimitStatements).toBe(2);
    // Charged the unknown-code cost up front and never refunded: 5 of the customer's 25 points.
    const [row] = await db.$queryRaw<{ points: number }[]>`
      SELECT "points" FROM "rate_limits" WHERE "key" = ${`redeem-customer:${customer}`}`;
    expect(row?.points).toBe(5);
    expect(await findViolations(db)).toEqual([]);
  });
});

describe("no 500 from an order's input", () => {
  it("a NUL in a sku is refused as an invalid order", async () => {
    const [userId] = await makeCustomersWithCredit(db, 1, 1_000);
    const result = await actingAs(
      db,
      userId!,
      limits,
    )(order, {
      lines: [{ sku: "STICKERS\u0000", quantity: 1 }],
      idempotencyKey: newKey(),
    });
    expect(result).toMatchObject({ ok: false, reason: "invalid_order", message: expect.stringContaining("NUL") });
  });

  it("an order whose total no balance can hold (past INTEGER) is refused as too large, with its reason", async () => {
    const [userId] = await makeCustomersWithCredit(db, 1, 1_000);
    const costly = await product(100_000_000);
    const result = await actingAs(
      db,
      userId!,
      limits,
    )(order, {
      lines: [{ sku: costly.sku, quantity: 22 }],
      idempotencyKey: newKey(),
    });
    expect(result).toMatchObject({ ok: false, reason: "order_too_large", maxTotalCents: 1_000_000_000 });
    if (result.ok) throw new Error("placed");
    expect(orderMessage(result)).toMatch(/more than \$10,000,000\.00.*Nothing was charged\./);
    expect(await findViolations(db)).toEqual([]);
  });
});
