/**
 * Partial refunds of fulfilled orders to store credit (lib/admin/refund-order.ts): by amount or by units of
 * lines, optionally restocked, once per key, audited, never more than was paid. The races fire 100 refunds
 * of one order at once (by amount, by line units, mixed, one key) against a real PostgreSQL and run the
 * invariants after; the naive check-then-act control (lib/controls/naive.ts naiveRefundOrder) gets the same
 * burst, and the test asserts the harness catches it refunding more than was paid.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { fulfilOrder } from "@/lib/admin/fulfil-order";
import { adminCreateProduct } from "@/lib/admin/products";
import { type RefundInput, type RefundResult, refundOrder } from "@/lib/admin/refund-order";
import { cancelOrder } from "@/lib/checkout/cancel-order";
import { placeOrder } from "@/lib/checkout/place-order";
import { naiveRefundOrder } from "@/lib/controls/naive";
import { findViolations } from "@/lib/invariants";
import { makeAdminAndCustomer } from "./admin-helpers";
import {
  freshDatabase,
  fulfilled,
  makeCoupon,
  makeCustomersWithCredit,
  meetingPoint,
  newKey,
  race,
  type TestDatabase,
} from "./helpers";

/** How many naive callers read before any writes: more than the refunds that fit, fewer than the pool. */
const NAIVE_OVERLAP = 12;

let test: TestDatabase;
let db: Db;
let adminId: string;

beforeAll(async () => {
  test = await freshDatabase();
  db = test.db;
  ({ adminId } = await makeAdminAndCustomer(db));
});
afterAll(() => test.drop());

async function product(priceCents: number, stock: number | null, name = "Refund tee") {
  const sku = `RF-${newKey().slice(0, 8).toUpperCase()}`;
  const made = await adminCreateProduct(db, adminId, { sku, name, priceCents, stock });
  if (!made.ok) throw new Error("setup product refused");
  return sku;
}

/** A fulfilled order of `lines` for a new customer with $1,000 of credit. */
async function fulfilledOrder(lines: { sku: string; quantity: number }[], discountCode?: string) {
  const [userId] = await makeCustomersWithCredit(db, 1, 100_000);
  const placed = await placeOrder(db, { userId: userId!, lines, discountCode, idempotencyKey: newKey() });
  if (!placed.ok) throw new Error(`order refused: ${placed.reason}`);
  const done = await fulfilOrder(db, adminId, placed.order.id);
  if (!done.ok) throw new Error("fulfil refused");
  return { userId: userId!, order: placed.order };
}

const byAmount = (orderId: string, amountCents: number, key = newKey()): RefundInput => ({
  by: "amount",
  orderId,
  amountCents,
  reason: "Arrived scratched",
  idempotencyKey: key,
});
const byLines = (orderId: string, lines: { lineNo: number; quantity: number }[], restock = false): RefundInput => ({
  by: "lines",
  orderId,
  lines,
  restock,
  reason: "Returned unworn",
  idempotencyKey: newKey(),
});

const balanceOf = async (userId: string) =>
  (await db.user.findUniqueOrThrow({ where: { id: userId }, select: { balanceCents: true } })).balanceCents;
const stockOf = async (sku: string) => (await db.product.findUniqueOrThrow({ where: { sku } })).stock;

describe("refundOrder", () => {
  it("refunds an amount of a fulfilled order to store credit, once per key, audited", async () => {
    const sku = await product(2_000, null);
    const { userId, order } = await fulfilledOrder([{ sku, quantity: 2 }]);
    const key = newKey();
    const first = await refundOrder(db, adminId, byAmount(order.id, 1_250, key));
    expect(first).toMatchObject({
      ok: true,
      amountCents: 1_250,
      refundedCents: 1_250,
      totalCents: 4_000,
      replayed: false,
    });
    expect(await balanceOf(userId)).toBe(100_000 - 4_000 + 1_250);
    // The same key again: the same refund, nothing moves.
    const again = await refundOrder(db, adminId, byAmount(order.id, 1_250, key));
    expect(again).toMatchObject({ ok: true, amountCents: 1_250, refundedCents: 1_250, replayed: true });
    expect(again.ok && first.ok && again.refundId === first.refundId).toBe(true);
    expect(await refundOrder(db, adminId, byAmount(order.id, 999, key))).toEqual({ ok: false, reason: "key_reused" });
    expect(await balanceOf(userId)).toBe(100_000 - 4_000 + 1_250);
    const audit = await db.adminAuditEntry.findMany({ where: { targetType: "order", targetId: order.id } });
    expect(audit.map((a) => a.action)).toEqual(["ORDER_FULFILLED", "ORDER_REFUNDED"]);
    expect(audit[1]!.summary).toBe(`Refunded $12.50 of order #${order.number} to store credit: Arrived scratched`);
    expect(await findViolations(db)).toEqual([]);
  });

  it("never refunds more than is left of what was paid, and says how much is left", async () => {
    const sku = await product(2_000, null);
    const { order } = await fulfilledOrder([{ sku, quantity: 1 }]);
    expect(await refundOrder(db, adminId, byAmount(order.id, 1_500))).toMatchObject({ ok: true });
    expect(await refundOrder(db, adminId, byAmount(order.id, 501))).toEqual({
      ok: false,
      reason: "exceeds_paid",
      detail: { remainingCents: 500 },
    });
    expect(await refundOrder(db, adminId, byAmount(order.id, 500))).toMatchObject({ ok: true, refundedCents: 2_000 });
    expect(await refundOrder(db, adminId, byAmount(order.id, 1))).toMatchObject({ reason: "exceeds_paid" });
  });

  it("refunds only fulfilled orders: a placed one is cancelled instead, a cancelled one is done", async () => {
    const sku = await product(2_000, null);
    const [userId] = await makeCustomersWithCredit(db, 1, 10_000);
    const placed = await placeOrder(db, { userId: userId!, lines: [{ sku, quantity: 1 }], idempotencyKey: newKey() });
    if (!placed.ok) throw new Error("order refused");
    expect(await refundOrder(db, adminId, byAmount(placed.order.id, 100))).toEqual({
      ok: false,
      reason: "not_fulfilled",
    });
    await cancelOrder(db, { orderId: placed.order.id, by: { kind: "customer", userId: userId! } });
    expect(await refundOrder(db, adminId, byAmount(placed.order.id, 100))).toEqual({
      ok: false,
      reason: "not_fulfilled",
    });
    expect(await refundOrder(db, adminId, byAmount(newKey(), 100))).toEqual({ ok: false, reason: "not_found" });
  });

  it("refunds units of lines at their share of what was paid (parts add up exactly), restocking on request", async () => {
    const tee = await product(1_000, 10, "Share tee");
    const mug = await product(700, null, "Share mug");
    const code = await makeCoupon(db, { kind: "AMOUNT_OFF", valueCents: 100, maxRedemptions: null });
    const { order } = await fulfilledOrder(
      [
        { sku: tee, quantity: 3 },
        { sku: mug, quantity: 1 },
      ],
      code.code,
    );
    const teeLine = order.lines.find((l) => l.sku === tee)!;
    const paid = teeLine.unitPriceCents * teeLine.quantity - teeLine.discountCents;
    expect(await stockOf(tee)).toBe(7);

    const amounts: number[] = [];
    for (let unit = 0; unit < 3; unit++) {
      const refunded = await refundOrder(
        db,
        adminId,
        byLines(order.id, [{ lineNo: teeLine.lineNo, quantity: 1 }], true),
      );
      if (!refunded.ok) throw new Error(`refund refused: ${refunded.reason}`);
      amounts.push(refunded.amountCents);
    }
    expect(amounts.reduce((a, b) => a + b, 0)).toBe(paid);
    expect(await stockOf(tee)).toBe(10);
    expect(await db.stockMovement.count({ where: { kind: "RESTOCK", product: { sku: tee } } })).toBe(3);
    expect(await refundOrder(db, adminId, byLines(order.id, [{ lineNo: teeLine.lineNo, quantity: 1 }]))).toEqual({
      ok: false,
      reason: "exceeds_quantity",
      detail: { name: "Share tee", remaining: 0 },
    });
    expect(await refundOrder(db, adminId, byLines(order.id, [{ lineNo: 9, quantity: 1 }]))).toEqual({
      ok: false,
      reason: "unknown_line",
    });
    // The untracked mug: refunded, nothing to put back.
    const mugLine = order.lines.find((l) => l.sku === mug)!;
    const mugRefund = await refundOrder(
      db,
      adminId,
      byLines(order.id, [{ lineNo: mugLine.lineNo, quantity: 1 }], true),
    );
    expect(mugRefund).toMatchObject({ ok: true, refundedCents: order.totalCents });
    expect(await findViolations(db)).toEqual([]);
  });
});

type Outcome = { ok: true } | { ok: false; reason: string };

function tally(results: Outcome[]) {
  const reasons: Record<string, number> = {};
  for (const r of results) reasons[r.ok ? "ok" : r.reason] = (reasons[r.ok ? "ok" : r.reason] ?? 0) + 1;
  return reasons;
}

async function refundedOf(orderId: string) {
  const order = await db.order.findUniqueOrThrow({
    where: { id: orderId },
    select: { refundedCents: true, totalCents: true },
  });
  const sum = await db.orderRefund.aggregate({ where: { orderId }, _sum: { amountCents: true } });
  return { ...order, refundsSum: sum._sum.amountCents ?? 0 };
}

describe("100 partial refunds of one order at once never refund more than was paid", () => {
  it("by amount: 100 × $5.00 of a $200.00 order, exactly 40 refunded", async () => {
    const sku = await product(2_000, null);
    const { userId, order } = await fulfilledOrder([{ sku, quantity: 10 }]);
    const results = fulfilled(await race(100, () => refundOrder(db, adminId, byAmount(order.id, 500))));
    const reasons = tally(results);
    console.log(`engine refunds by amount: ${JSON.stringify(reasons)}`);
    expect(reasons).toEqual({ ok: 40, exceeds_paid: 60 });
    expect(await refundedOf(order.id)).toEqual({ refundedCents: 20_000, totalCents: 20_000, refundsSum: 20_000 });
    expect(await balanceOf(userId)).toBe(100_000);
    expect(await findViolations(db)).toEqual([]);
  });

  it("by line units, restocked: 100 × 1 unit of a line of 10, exactly 10 refunded and restocked", async () => {
    const sku = await product(2_000, 10);
    const { order } = await fulfilledOrder([{ sku, quantity: 10 }]);
    const lineNo = order.lines[0]!.lineNo;
    const results = fulfilled(
      await race(100, () => refundOrder(db, adminId, byLines(order.id, [{ lineNo, quantity: 1 }], true))),
    );
    const reasons = tally(results);
    console.log(`engine refunds by line units: ${JSON.stringify(reasons)}`);
    expect(reasons).toEqual({ ok: 10, exceeds_quantity: 90 });
    expect(await refundedOf(order.id)).toEqual({ refundedCents: 20_000, totalCents: 20_000, refundsSum: 20_000 });
    expect(await stockOf(sku)).toBe(10);
    expect(await findViolations(db)).toEqual([]);
  });

  it("mixed: 50 × $7.00 and 50 × 1 unit of $20.00 of a $200.00 order, never past $200.00", async () => {
    const sku = await product(2_000, 10);
    const { order } = await fulfilledOrder([{ sku, quantity: 10 }]);
    const lineNo = order.lines[0]!.lineNo;
    const results = fulfilled(
      await race(100, (i) =>
        refundOrder(db, adminId, i % 2 ? byAmount(order.id, 700) : byLines(order.id, [{ lineNo, quantity: 1 }])),
      ),
    );
    const reasons = tally(results);
    const refunded = await refundedOf(order.id);
    console.log(
      `engine mixed refunds: ${JSON.stringify(reasons)} refunded ${refunded.refundedCents} of ${refunded.totalCents}`,
    );
    expect(refunded.refundedCents).toBe(refunded.refundsSum);
    expect(refunded.refundedCents).toBeLessThanOrEqual(20_000);
    // Nothing that still fitted was refused: less than $7.00 is left.
    expect(20_000 - refunded.refundedCents).toBeLessThan(700);
    expect(await findViolations(db)).toEqual([]);
  });

  it("one key sent 100 times at once: one refund, every answer names it", async () => {
    const sku = await product(2_000, null);
    const { userId, order } = await fulfilledOrder([{ sku, quantity: 5 }]);
    const key = newKey();
    const results: RefundResult[] = fulfilled(
      await race(100, () => refundOrder(db, adminId, byAmount(order.id, 300, key))),
    );
    const ids = new Set(results.map((r) => (r.ok ? r.refundId : r.reason)));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.ok && !r.replayed)).toHaveLength(1);
    expect(await db.orderRefund.count({ where: { orderId: order.id } })).toBe(1);
    expect(await balanceOf(userId)).toBe(100_000 - 10_000 + 300);
    expect(await findViolations(db)).toEqual([]);
  });
});

describe("the naive control gets the same bursts, and the harness catches it", () => {
  it.each(["amount", "line units"] as const)("by %s: it refunds more than was paid", async (mode) => {
    const sku = await product(2_000, null);
    const { order } = await fulfilledOrder([{ sku, quantity: 10 }]);
    const lineNo = order.lines[0]!.lineNo;
    const meet = meetingPoint(NAIVE_OVERLAP);
    const results = fulfilled(
      await race(100, () =>
        naiveRefundOrder(
          db,
          mode === "amount"
            ? { orderId: order.id, actorId: adminId, amountCents: 500 }
            : { orderId: order.id, actorId: adminId, lineNo, quantity: 1 },
          { checked: meet },
        ),
      ),
    );
    const reasons = tally(results);
    const refunded = await refundedOf(order.id);
    const violations = await findViolations(db);
    console.log(
      `naive refunds by ${mode}: ${JSON.stringify(reasons)} refunds sum ${refunded.refundsSum} of ${refunded.totalCents}, ${violations.length} violations`,
    );
    expect(refunded.refundsSum).toBeGreaterThan(refunded.totalCents);
    expect(violations.map((v) => v.invariant)).toContain(
      "an order's refunded total equals the sum of its partial refunds, and never exceeds what was paid",
    );
  });
});
