/**
 * An admin's stock adjustments racing each other (and, once checkout lands, racing orders): a decrease
 * is one guarded UPDATE (`stock >= n`), so however many arrive at once the stock never goes below 0 and
 * always equals the sum of its movements. A naive read-then-write adjustment, made to overlap by a
 * meeting point between its read and its write, breaks that equality, which proves the checks can fail.
 */
import { describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { runTransaction } from "@/lib/db/transaction";
import { findViolations } from "@/lib/invariants";
import { adminAdjustStock, adminCreateProduct } from "@/lib/admin/products";
import { fulfilled, meetingPoint, newKey, race, scenarioDatabase } from "./helpers";
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
