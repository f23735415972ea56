/**
 * Fulfilling an order: the guarded status change PLACED → FULFILLED, audited once; a fulfilled order
 * cannot be cancelled by its customer or an admin, and a cancelled one cannot be fulfilled. Fulfil racing
 * cancel on 100 orders at once (each pair started in both orders of arrival) has exactly one outcome per
 * order, and the invariants hold after.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { adminCreateProduct } from "@/lib/admin/products";
import { fulfilOrder } from "@/lib/admin/fulfil-order";
import { adminCancelOrder } from "@/lib/admin/orders";
import { cancelOrder } from "@/lib/checkout/cancel-order";
import { placeOrder } from "@/lib/checkout/place-order";
import { findViolations } from "@/lib/invariants";
import { makeAdminAndCustomer } from "./admin-helpers";
import { freshDatabase, fulfilled, makeCustomersWithCredit, newKey, race, type TestDatabase } from "./helpers";

let test: TestDatabase;
let db: Db;
let adminId: string;
let sku: string;

beforeAll(async () => {
  test = await freshDatabase();
  db = test.db;
  ({ adminId } = await makeAdminAndCustomer(db));
  sku = `FUL-${newKey().slice(0, 6).toUpperCase()}`;
  const made = await adminCreateProduct(db, adminId, { sku, name: "Fulfil tee", priceCents: 1_500, stock: 1_000 });
  if (!made.ok) throw new Error("setup product refused");
});
afterAll(() => test.drop());

async function placed(userId: string) {
  const result = await placeOrder(db, { userId, lines: [{ sku, quantity: 2 }], idempotencyKey: newKey() });
  if (!result.ok) throw new Error(`order refused: ${result.reason}`);
  return result.order;
}

const auditOf = (orderId: string) =>
  db.adminAuditEntry.findMany({ where: { targetType: "order", targetId: orderId }, select: { action: true } });

describe("fulfilOrder", () => {
  it("fulfils a placed order once, audited once; a repeat changes nothing", async () => {
    const [userId] = await makeCustomersWithCredit(db, 1, 10_000);
    const order = await placed(userId!);
    expect(await fulfilOrder(db, adminId, order.id)).toEqual({
      ok: true,
      number: order.number,
      alreadyFulfilled: false,
    });
    expect(await fulfilOrder(db, adminId, order.id)).toEqual({
      ok: true,
      number: order.number,
      alreadyFulfilled: true,
    });
    const row = await db.order.findUniqueOrThrow({ where: { id: order.id } });
    expect(row).toMatchObject({ status: "FULFILLED", fulfilledById: adminId, cancelledAt: null });
    expect(row.fulfilledAt).toBeInstanceOf(Date);
    expect(await auditOf(order.id)).toEqual([{ action: "ORDER_FULFILLED" }]);
  });

  it("a fulfilled order is not cancelled, by its customer or an admin; nothing moves", async () => {
    const [userId] = await makeCustomersWithCredit(db, 1, 10_000);
    const order = await placed(userId!);
    await fulfilOrder(db, adminId, order.id);
    const before = await db.user.findUniqueOrThrow({ where: { id: userId! }, select: { balanceCents: true } });
    expect(await cancelOrder(db, { orderId: order.id, by: { kind: "customer", userId: userId! } })).toEqual({
      ok: false,
      reason: "not_cancellable",
    });
    expect(await adminCancelOrder(db, adminId, order.id)).toEqual({ ok: false, reason: "not_cancellable" });
    expect(await db.user.findUniqueOrThrow({ where: { id: userId! }, select: { balanceCents: true } })).toEqual(before);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("FULFILLED");
    expect(await auditOf(order.id)).toEqual([{ action: "ORDER_FULFILLED" }]);
  });

  it("a cancelled order is not fulfilled; an unknown one is not found", async () => {
    const [userId] = await makeCustomersWithCredit(db, 1, 10_000);
    const order = await placed(userId!);
    await cancelOrder(db, { orderId: order.id, by: { kind: "customer", userId: userId! } });
    expect(await fulfilOrder(db, adminId, order.id)).toEqual({ ok: false, reason: "cancelled" });
    expect(await fulfilOrder(db, adminId, newKey())).toEqual({ ok: false, reason: "not_found" });
    expect(await fulfilOrder(db, adminId, "not-an-id")).toEqual({ ok: false, reason: "not_found" });
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("CANCELLED");
  });
});

describe("fulfil racing cancel", () => {
  it("100 orders, each fulfilled and cancelled at once in both orders of arrival: exactly one outcome each", async () => {
    const customers = await makeCustomersWithCredit(db, 100, 10_000);
    const orders = await Promise.all(customers.map((userId) => placed(userId)));
    // Even orders: the fulfil starts first; odd: the cancel does. Half the cancels are the customer's, half an admin's.
    const calls = orders.flatMap((order, i) => {
      const fulfil = () => fulfilOrder(db, adminId, order.id).then((r) => ({ order: i, by: "fulfil", ok: r.ok }));
      const cancel = () =>
        (i % 4 < 2
          ? cancelOrder(db, { orderId: order.id, by: { kind: "customer", userId: customers[i]! } })
          : adminCancelOrder(db, adminId, order.id)
        ).then((r) => ({ order: i, by: "cancel", ok: r.ok }));
      return i % 2 === 0 ? [fulfil, cancel] : [cancel, fulfil];
    });
    const results = fulfilled(await race(calls.length, (i) => calls[i]!()));

    const rows = await db.order.findMany({ where: { id: { in: orders.map((o) => o.id) } } });
    const status = new Map(rows.map((r) => [r.id, r.status]));
    let fulfilledCount = 0;
    for (const [i, order] of orders.entries()) {
      const mine = results.filter((r) => r.order === i);
      const winners = mine.filter((r) => r.ok);
      expect(winners, `order ${i}`).toHaveLength(1);
      expect(status.get(order.id)).toBe(winners[0]!.by === "fulfil" ? "FULFILLED" : "CANCELLED");
      if (winners[0]!.by === "fulfil") fulfilledCount++;
      const audit = (await auditOf(order.id)).map((a) => a.action);
      if (winners[0]!.by === "fulfil") expect(audit).toEqual(["ORDER_FULFILLED"]);
      else expect(audit).not.toContain("ORDER_FULFILLED");
    }
    console.log(`fulfil racing cancel: 100 orders, ${fulfilledCount} fulfilled, ${100 - fulfilledCount} cancelled`);
    expect(await findViolations(db)).toEqual([]);
  });
});
