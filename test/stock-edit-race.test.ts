/**
 * An admin's stock edits racing each other and racing orders: a decrease is one guarded UPDATE
 * (`stock >= n`) and a set locks the row before it reads it, so however many arrive at once the stock
 * never goes below 0 and always equals the sum of its movements, and every placed order's units are a
 * SALE movement. Naive read-then-write edits, made to overlap (a meeting point, or orders observed
 * committing between the read and the write), break that equality, which proves the checks can fail.
 */
import { describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { runTransaction } from "@/lib/db/transaction";
import { findViolations } from "@/lib/invariants";
import { adminAdjustStock, adminCreateProduct, adminSetStock } from "@/lib/admin/products";
import { placeOrder } from "@/lib/checkout/place-order";
import {
  fulfilled,
  makeCustomersWithCredit,
  meetingPoint,
  newKey,
  race,
  scenarioClient,
  scenarioDatabase,
} from "./helpers";
import { makeAdminAndCustomer } from "./admin-helpers";

async function trackedProduct(db: Db, adminId: string, stock: number): Promise<string> {
  const created = await adminCreateProduct(db, adminId, {
    sku: `RACE-${newKey().slice(0, 8)}`.toUpperCase(),
    name: "Race tee",
    priceCents: 2_000,
    stock,
  });
  if (!created.ok) throw new Error(`setup product refused: ${created.reason}`);
  return created.product.id;
}

/** What the harness checks after every race: stock = sum of movements, never negative; the audit log matches. */
async function stockFacts(db: Db, productId: string) {
  const product = await db.product.findUniqueOrThrow({ where: { id: productId } });
  const moved = await db.stockMovement.aggregate({ where: { productId }, _sum: { quantity: true } });
  const adjustments = await db.stockMovement.count({ where: { productId, kind: "ADJUSTMENT" } });
  const audited = await db.adminAuditEntry.count({ where: { targetId: productId, action: "STOCK_ADJUSTED" } });
  return { stock: product.stock, movementsSum: moved._sum.quantity, adjustments, audited };
}

/** The naive control: reads the stock, checks it, then writes `read - n`, as check-then-act code does. */
async function naiveDecrease(db: Db, productId: string, quantity: number, between: () => Promise<void>) {
  const outcome = await runTransaction<boolean, never>(db, async (tx) => {
    const product = await tx.product.findUniqueOrThrow({ where: { id: productId } });
    if (product.stock === null || product.stock < quantity) return false;
    await between();
    await tx.product.update({ where: { id: productId }, data: { stock: product.stock - quantity } });
    await tx.stockMovement.create({ data: { productId, kind: "ADJUSTMENT", quantity: -quantity } });
    return true;
  });
  return outcome.kind === "committed" && outcome.value;
}

describe("stock adjustments racing", () => {
  it("60 concurrent decreases of a stock of 10: exactly 10 apply, the rest are refused, never below 0", async () => {
    const { db } = await scenarioDatabase();
    const { adminId } = await makeAdminAndCustomer(db);
    const productId = await trackedProduct(db, adminId, 10);

    const results = fulfilled(await race(60, () => adminAdjustStock(db, adminId, productId, -1)));

    expect(results.filter((r) => r.ok)).toHaveLength(10);
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.reason)).toEqual(Array(50).fill("below_zero"));
    expect(await stockFacts(db, productId)).toEqual({ stock: 0, movementsSum: 0, adjustments: 10, audited: 10 });
    expect(await findViolations(db)).toEqual([]);
  });

  it("increases and decreases at once: the stock is the initial plus every applied change", async () => {
    const { db } = await scenarioDatabase();
    const { adminId } = await makeAdminAndCustomer(db);
    const productId = await trackedProduct(db, adminId, 5);

    const changes = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? -3 : 2));
    const results = fulfilled(await race(changes.length, (i) => adminAdjustStock(db, adminId, productId, changes[i]!)));

    const applied = changes.filter((_, i) => results[i]!.ok).reduce((sum, change) => sum + change, 0);
    const facts = await stockFacts(db, productId);
    expect(facts.stock).toBe(5 + applied);
    expect(facts.stock).toBeGreaterThanOrEqual(0);
    expect(facts.movementsSum).toBe(facts.stock);
    expect(facts.audited).toBe(results.filter((r) => r.ok).length);
    // Every increase applies; a decrease is refused only for want of stock.
    changes.forEach((change, i) => {
      const result = results[i]!;
      if (change > 0) expect(result.ok).toBe(true);
      else if (!result.ok) expect(result.reason).toBe("below_zero");
    });
  });

  it("the naive control is caught: overlapping read-then-write decreases leave stock and movements apart", async () => {
    const { db } = await scenarioDatabase();
    const { adminId } = await makeAdminAndCustomer(db);
    const productId = await trackedProduct(db, adminId, 10);

    const meet = meetingPoint(5);
    const applied = fulfilled(await race(5, () => naiveDecrease(db, productId, 1, meet)));

    expect(applied.filter(Boolean)).toHaveLength(5);
    const facts = await stockFacts(db, productId);
    expect(facts.movementsSum).toBe(5);
    expect(facts.stock).not.toBe(facts.movementsSum);
  });

  it("refuses a change to an untracked or unknown product, and a decrease below 0, changing nothing", async () => {
    const { db } = await scenarioDatabase(4);
    const { adminId } = await makeAdminAndCustomer(db);
    const untracked = await adminCreateProduct(db, adminId, {
      sku: "UNTRACKED",
      name: "Mug",
      priceCents: 500,
      stock: null,
    });
    if (!untracked.ok) throw new Error("setup refused");
    const productId = await trackedProduct(db, adminId, 3);

    expect(await adminAdjustStock(db, adminId, untracked.product.id, 1)).toEqual({ ok: false, reason: "not_tracked" });
    expect(await adminAdjustStock(db, adminId, newKey(), 1)).toEqual({ ok: false, reason: "not_found" });
    expect(await adminAdjustStock(db, adminId, "not-an-id", 1)).toEqual({ ok: false, reason: "not_found" });
    expect(await adminAdjustStock(db, adminId, productId, -4)).toEqual({ ok: false, reason: "below_zero", stock: 3 });
    expect(await stockFacts(db, productId)).toEqual({ stock: 3, movementsSum: 3, adjustments: 0, audited: 0 });
    expect(await adminCreateProduct(db, adminId, { sku: "UNTRACKED", name: "Again", priceCents: 1, stock: 1 })).toEqual(
      {
        ok: false,
        reason: "duplicate_sku",
        sku: "UNTRACKED",
      },
    );
  });
});

const ORDERS = 200;
const INITIAL_STOCK = 150;
/** The edit starts once this many orders have committed, observed in the database. */
const COMMITTED_BEFORE_EDIT = 50;

/** Resolves once `count` orders of the product have committed, as another connection sees them. */
async function ordersCommitted(observer: Db, productId: string, count: number): Promise<void> {
  while ((await observer.orderLine.count({ where: { productId } })) < count) {
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * 200 orders of one unit each from 200 customers, and `edit` started (on its own connection) once 50 of
 * them have committed; answers the orders' outcomes and the edit's.
 */
async function ordersRacingAnEdit<T>(edit: (admin: Db, adminId: string, productId: string) => Promise<T>) {
  const { db, url } = await scenarioDatabase();
  const admin = scenarioClient(url, 2);
  const { adminId } = await makeAdminAndCustomer(db);
  const productId = await trackedProduct(db, adminId, INITIAL_STOCK);
  const { sku } = await db.product.findUniqueOrThrow({ where: { id: productId } });
  const users = await makeCustomersWithCredit(db, ORDERS, 10_000);

  const orders = race(ORDERS, (i) =>
    placeOrder(db, { userId: users[i]!, lines: [{ sku, quantity: 1 }], idempotencyKey: newKey() }),
  );
  const edited = ordersCommitted(admin, productId, COMMITTED_BEFORE_EDIT).then(() => edit(admin, adminId, productId));
  const [results, editResult] = await Promise.all([orders.then(fulfilled), edited]);
  const placed = results.filter((r) => r.ok).length;
  // Losing the race for the last units is the only refusal there may be.
  expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.reason)).toEqual(
    Array(ORDERS - placed).fill("out_of_stock"),
  );
  return { db, productId, placed, editResult };
}

/** Every placed order's unit is one SALE movement of its own; stock = movements, never below 0. */
async function expectUnitsAccountedFor(db: Db, productId: string, placed: number) {
  const sales = await db.stockMovement.findMany({
    where: { productId, kind: "SALE" },
    select: { quantity: true, orderId: true },
  });
  expect(sales).toHaveLength(placed);
  expect(new Set(sales.map((m) => m.orderId)).size).toBe(placed);
  expect(sales.every((m) => m.quantity === -1)).toBe(true);
  expect(await db.order.count({ where: { lines: { some: { productId } } } })).toBe(placed);
  const facts = await stockFacts(db, productId);
  expect(facts.stock).toBeGreaterThanOrEqual(0);
  expect(facts.movementsSum).toBe(facts.stock);
  expect(await findViolations(db)).toEqual([]);
  return facts;
}

describe("a stock edit racing 200 orders (started once 50 have committed)", () => {
  it("a decrease by 60 applies once or is refused; never below 0, every unit accounted for", async () => {
    const { db, productId, placed, editResult } = await ordersRacingAnEdit((admin, adminId, id) =>
      adminAdjustStock(admin, adminId, id, -60),
    );
    if (!editResult.ok) expect(editResult.reason).toBe("below_zero");
    const facts = await expectUnitsAccountedFor(db, productId, placed);
    expect(placed + facts.stock!).toBe(INITIAL_STOCK - (editResult.ok ? 60 : 0));
    expect(facts.adjustments).toBe(editResult.ok ? 1 : 0);
  });

  it("a set to 20 counts every order committed before it and limits the ones after it", async () => {
    const { db, productId, placed, editResult } = await ordersRacingAnEdit((admin, adminId, id) =>
      adminSetStock(admin, adminId, id, 20),
    );
    if (!editResult.ok) throw new Error(`set refused: ${editResult.reason}`);
    // 50 had committed before it, so the count it replaced was at most 150 − 50.
    expect(editResult.change).toBeGreaterThanOrEqual(20 - (INITIAL_STOCK - COMMITTED_BEFORE_EDIT));
    const facts = await expectUnitsAccountedFor(db, productId, placed);
    expect(placed + facts.stock!).toBe(INITIAL_STOCK + editResult.change);
    expect(facts.audited).toBe(1);
  });

  it("the naive control is caught: a set that reads, lets orders commit, then writes loses their units", async () => {
    const { db } = await scenarioDatabase();
    const { adminId } = await makeAdminAndCustomer(db);
    const productId = await trackedProduct(db, adminId, 30);
    const { sku } = await db.product.findUniqueOrThrow({ where: { id: productId } });
    const users = await makeCustomersWithCredit(db, 10, 10_000);

    const outcome = await runTransaction<void, never>(db, async (tx) => {
      const { stock } = await tx.product.findUniqueOrThrow({ where: { id: productId } });
      // Ten orders commit between this read and the write below.
      const placed = fulfilled(
        await race(10, (i) =>
          placeOrder(db, { userId: users[i]!, lines: [{ sku, quantity: 1 }], idempotencyKey: newKey() }),
        ),
      );
      expect(placed.every((r) => r.ok)).toBe(true);
      await tx.product.update({ where: { id: productId }, data: { stock: 20 } });
      await tx.stockMovement.create({ data: { productId, kind: "ADJUSTMENT", quantity: 20 - stock! } });
    });
    expect(outcome.kind).toBe("committed");
    const facts = await stockFacts(db, productId);
    expect(facts).toMatchObject({ stock: 20, movementsSum: 10 });
    expect(await findViolations(db)).not.toEqual([]);
  });
});
