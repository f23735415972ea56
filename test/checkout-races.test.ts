/**
 * Checkout under concurrency, against a real PostgreSQL (pool of 24): hundreds of orders fired at once
 * through lib/checkout (placeOrder, cancelOrder), each scenario on a database of its own, closed and
 * dropped in finally, and lib/invariants.ts run after every burst. The order scenarios also run against
 * the naive check-then-act control (lib/controls/naive.ts naivePlaceOrder), and there the test asserts
 * that the same harness catches it: more sold than allowed, or the invariants broken.
 */
import { afterAll, describe, expect, it } from "vitest";
import { adminCancelOrder } from "@/lib/admin/orders";
import { addToCart } from "@/lib/checkout/cart";
import { orderCart } from "@/lib/commands/customer";
import { cancelOrder } from "@/lib/checkout/cancel-order";
import { placeOrder } from "@/lib/checkout/place-order";
import { naivePlaceOrder } from "@/lib/controls/naive";
import type { NewCoupon } from "@/lib/coupon-terms";
import type { Db } from "@/lib/db/client";
import { findViolations } from "@/lib/invariants";
import { makeAdminAndCustomer } from "./admin-helpers";
import { actingAs, freshDatabase, makeCoupon, makeCustomersWithCredit, meetingPoint, newKey, race } from "./helpers";

/** How many naive callers read before any writes: more than any limit below, fewer than the pool. */
const NAIVE_OVERLAP = 12;

const summary: string[] = [];
afterAll(() => console.log(`\ncheckout race results\n${summary.join("\n")}`));

type Engine = "engine" | "naive";

interface Scenario {
  label: string;
  orders: number;
  users: number;
  creditCents: number;
  priceCents: number;
  stock: number | null;
  coupon?: Partial<NewCoupon>;
  /** What exactly-once allows, and why the rest are refused. */
  allowed: number;
  refusal: string;
}

const SCENARIOS: Scenario[] = [
  {
    label: "300 orders for stock 10",
    orders: 300,
    users: 300,
    creditCents: 10_000,
    priceCents: 2_000,
    stock: 10,
    allowed: 10,
    refusal: "out_of_stock",
  },
  {
    label: "single-use code in 300 orders",
    orders: 300,
    users: 300,
    creditCents: 10_000,
    priceCents: 2_000,
    stock: null,
    coupon: { kind: "PERCENT_OFF", valueCents: 0, percentOff: 50, maxRedemptions: 1 },
    allowed: 1,
    refusal: "exhausted",
  },
  {
    label: "one customer, 100 orders, once-per-customer code",
    orders: 100,
    users: 1,
    creditCents: 1_000_000,
    priceCents: 2_000,
    stock: null,
    coupon: { kind: "AMOUNT_OFF", valueCents: 500, minSubtotalCents: 2_000, maxRedemptions: null, perUserLimit: 1 },
    allowed: 1,
    refusal: "per_user_limit",
  },
  {
    // The per-customer limit would allow all 100: only the live-order guard stands between them.
    label: "one new customer, 100 orders, first-order-only code",
    orders: 100,
    users: 1,
    creditCents: 1_000_000,
    priceCents: 2_000,
    stock: null,
    coupon: { kind: "AMOUNT_OFF", valueCents: 500, maxRedemptions: null, perUserLimit: 1_000, firstOrderOnly: true },
    allowed: 1,
    refusal: "not_first_order",
  },
  {
    label: "two orders spending the last credit",
    orders: 2,
    users: 1,
    creditCents: 2_000,
    priceCents: 2_000,
    stock: null,
    allowed: 1,
    refusal: "insufficient_credit",
  },
];

interface Report {
  successes: number;
  reasons: Record<string, number>;
  violations: string[];
}

async function withDatabase<T>(work: (db: Db) => Promise<T>): Promise<T> {
  const { db, drop } = await freshDatabase();
  try {
    return await work(db);
  } finally {
    await drop();
  }
}

async function product(db: Db, priceCents: number, stock: number | null) {
  const sku = `TEE-${newKey().slice(0, 8).toUpperCase()}`;
  const created = await db.product.create({ data: { sku, name: sku, priceCents, stock } });
  if (stock !== null)
    await db.stockMovement.create({ data: { productId: created.id, kind: "INITIAL", quantity: stock } });
  return created;
}

function tally(results: PromiseSettledResult<{ ok: true } | { ok: false; reason: string }>[]) {
  const reasons: Record<string, number> = {};
  for (const result of results) {
    const reason = result.status === "rejected" ? "thrown" : result.value.ok ? "ok" : result.value.reason;
    reasons[reason] = (reasons[reason] ?? 0) + 1;
  }
  return reasons;
}

async function burst(engine: Engine, scenario: Scenario): Promise<Report> {
  return withDatabase(async (db) => {
    const users = await makeCustomersWithCredit(db, scenario.users, scenario.creditCents);
    const tee = await product(db, scenario.priceCents, scenario.stock);
    const coupon = scenario.coupon ? await makeCoupon(db, scenario.coupon) : null;
    const meet = meetingPoint(Math.min(NAIVE_OVERLAP, scenario.orders));
    const results = await race<{ ok: true } | { ok: false; reason: string }>(scenario.orders, (i) => {
      const order = { userId: users[i % users.length]!, idempotencyKey: newKey() };
      return engine === "engine"
        ? placeOrder(db, { ...order, lines: [{ sku: tee.sku, quantity: 1 }], discountCode: coupon?.code })
        : naivePlaceOrder(db, { ...order, sku: tee.sku, quantity: 1, code: coupon?.code }, { checked: meet });
    });
    const reasons = tally(results);
    const successes = reasons.ok ?? 0;
    const violations = (await findViolations(db)).map((v) => `${v.invariant}: ${v.detail}`);
    if (successes > scenario.allowed) violations.push(`${successes} orders succeeded, ${scenario.allowed} allowed`);
    summary.push(
      `${engine.padEnd(7)} ${scenario.label.padEnd(48)} successes=${successes} violations=${violations.length} ${JSON.stringify(reasons)}${violations.length ? ` first: ${violations[0]}` : ""}`,
    );
    return { successes, reasons, violations };
  });
}

describe("placeOrder holds every limit under concurrent orders", () => {
  it.each(SCENARIOS)("$label: exactly $allowed", async (scenario) => {
    const report = await burst("engine", scenario);
    expect(report).toEqual({
      successes: scenario.allowed,
      reasons: { ok: scenario.allowed, [scenario.refusal]: scenario.orders - scenario.allowed },
      violations: [],
    });
  });
});

describe("first-order-only codes under concurrency", () => {
  it("100 new customers, one order each with the code: all 100 are first orders", async () => {
    await withDatabase(async (db) => {
      const users = await makeCustomersWithCredit(db, 100, 10_000);
      const tee = await product(db, 2_000, null);
      const coupon = await makeCoupon(db, {
        kind: "AMOUNT_OFF",
        valueCents: 500,
        maxRedemptions: null,
        firstOrderOnly: true,
      });
      const results = await race(100, (i) =>
        placeOrder(db, {
          userId: users[i]!,
          lines: [{ sku: tee.sku, quantity: 1 }],
          discountCode: coupon.code,
          idempotencyKey: newKey(),
        }),
      );
      expect(tally(results)).toEqual({ ok: 100 });
      expect(await db.order.count({ where: { couponId: coupon.id } })).toBe(100);
      expect(await findViolations(db)).toEqual([]);
      summary.push(`engine  100 customers x 1 first order with the code         ${JSON.stringify(tally(results))}`);
    });
  });

  it("a cancelled first order makes the customer eligible again; a live one of any kind does not", async () => {
    await withDatabase(async (db) => {
      const [userId] = await makeCustomersWithCredit(db, 1, 10_000);
      const tee = await product(db, 2_000, null);
      const coupon = await makeCoupon(db, {
        kind: "AMOUNT_OFF",
        valueCents: 500,
        perUserLimit: 5,
        firstOrderOnly: true,
      });
      const order = (code?: string) =>
        placeOrder(db, {
          userId: userId!,
          lines: [{ sku: tee.sku, quantity: 1 }],
          discountCode: code,
          idempotencyKey: newKey(),
        });
      const first = await order(coupon.code);
      expect(first).toMatchObject({ ok: true, order: { discountCents: 500 } });
      expect(await order(coupon.code)).toMatchObject({ ok: false, reason: "not_first_order" });
      const cancelled = await cancelOrder(db, {
        orderId: first.ok ? first.order.id : "",
        by: { kind: "customer", userId: userId! },
      });
      expect(cancelled).toMatchObject({ ok: true, alreadyCancelled: false });
      const again = await order(coupon.code);
      expect(again).toMatchObject({ ok: true, order: { discountCents: 500 } });
      expect(await db.user.findUniqueOrThrow({ where: { id: userId! } })).toMatchObject({ liveOrders: 1 });
      // An order without a code counts as much as one with it.
      await cancelOrder(db, { orderId: again.ok ? again.order.id : "", by: { kind: "customer", userId: userId! } });
      expect(await order()).toMatchObject({ ok: true });
      expect(await order(coupon.code)).toMatchObject({ ok: false, reason: "not_first_order" });
      expect(await findViolations(db)).toEqual([]);
    });
  });
});

describe("one cart becomes one order", () => {
  it("30 submissions of one cart with different keys (tabs, fresh renders): one order, one charge", async () => {
    await withDatabase(async (db) => {
      const [userId] = await makeCustomersWithCredit(db, 1, 100_000);
      const tee = await product(db, 2_000, null);
      expect(await addToCart(db, userId!, tee.id, 2)).toMatchObject({ ok: true });
      const results = await race(30, () => actingAs(db, userId!)(orderCart, { idempotencyKey: newKey() }));
      const reasons = tally(results);
      expect(reasons.ok).toBe(1);
      expect((reasons.empty_cart ?? 0) + (reasons.cart_changed ?? 0)).toBe(29);
      expect(await db.order.count({ where: { userId } })).toBe(1);
      expect((await db.user.findUniqueOrThrow({ where: { id: userId } })).balanceCents).toBe(100_000 - 4_000);
      expect(await findViolations(db)).toEqual([]);
      summary.push(`engine  one cart submitted 30 times at once                   ${JSON.stringify(reasons)}`);
    });
  });
});

describe("control: the same harness catches a naive check-then-act checkout", () => {
  it.each(SCENARIOS)("$label: oversold or inconsistent", async (scenario) => {
    const report = await burst("naive", scenario);
    expect(report.successes).toBeGreaterThan(scenario.allowed);
    expect(report.violations.length).toBeGreaterThan(0);
  });
});

describe("cancelling under concurrency", () => {
  it("50 cancels of one order reverse it once: stock, the code's use and the credit", async () => {
    await withDatabase(async (db) => {
      const [userId] = await makeCustomersWithCredit(db, 1, 10_000);
      const tee = await product(db, 2_000, 10);
      const coupon = await makeCoupon(db, { kind: "AMOUNT_OFF", valueCents: 500, maxRedemptions: 1 });
      const placed = await placeOrder(db, {
        userId: userId!,
        lines: [{ sku: tee.sku, quantity: 2 }],
        discountCode: coupon.code,
        idempotencyKey: newKey(),
      });
      expect(placed).toMatchObject({ ok: true, order: { totalCents: 3_500 }, balanceCents: 6_500 });
      const orderId = placed.ok ? placed.order.id : "";

      const results = await race(50, () => cancelOrder(db, { orderId, by: { kind: "customer", userId: userId! } }));
      const answers = results.map((r) => (r.status === "fulfilled" && r.value.ok ? r.value.alreadyCancelled : r));
      expect(answers.filter((a) => a === false)).toHaveLength(1);
      expect(answers.filter((a) => a === true)).toHaveLength(49);
      expect(await db.product.findUniqueOrThrow({ where: { id: tee.id } })).toMatchObject({ stock: 10 });
      expect(await db.user.findUniqueOrThrow({ where: { id: userId! } })).toMatchObject({ balanceCents: 10_000 });
      expect(await db.coupon.findUniqueOrThrow({ where: { id: coupon.id } })).toMatchObject({ redeemedCount: 0 });
      expect(await findViolations(db)).toEqual([]);
      summary.push(`engine  cancel racing cancel (50)                          reversed once, invariants clean`);
    });
  });

  it("20 admin cancels of one order reverse it once and log it once; refused cancels log nothing", async () => {
    await withDatabase(async (db) => {
      const { adminId } = await makeAdminAndCustomer(db);
      const [userId] = await makeCustomersWithCredit(db, 1, 10_000);
      const tee = await product(db, 2_000, 10);
      const coupon = await makeCoupon(db, { kind: "AMOUNT_OFF", valueCents: 500, maxRedemptions: 1 });
      const order = async () => {
        const placed = await placeOrder(db, {
          userId: userId!,
          lines: [{ sku: tee.sku, quantity: 2 }],
          discountCode: coupon.code,
          idempotencyKey: newKey(),
        });
        if (!placed.ok) throw new Error(`order refused: ${placed.reason}`);
        return placed.order.id;
      };
      const logEntries = (orderId: string) =>
        db.adminAuditEntry.count({ where: { targetId: orderId, action: "ORDER_CANCELLED" } });
      const orderId = await order();

      const results = await race(20, () => adminCancelOrder(db, adminId, orderId));
      const answers = results.map((r) => (r.status === "fulfilled" && r.value.ok ? r.value.alreadyCancelled : r));
      expect(answers.filter((a) => a === false)).toHaveLength(1);
      expect(answers.filter((a) => a === true)).toHaveLength(19);
      expect(await logEntries(orderId)).toBe(1);
      expect(await db.ledgerEntry.count({ where: { orderId, kind: "ORDER_REFUND" } })).toBe(1);
      expect(await db.stockMovement.count({ where: { orderId, kind: "RETURN" } })).toBe(1);
      expect(await db.product.findUniqueOrThrow({ where: { id: tee.id } })).toMatchObject({ stock: 10 });
      expect(await db.user.findUniqueOrThrow({ where: { id: userId! } })).toMatchObject({ balanceCents: 10_000 });

      // Refused: a fulfilled order, and one the customer cancelled before the admin tried.
      const fulfilled = await order();
      await db.order.update({ where: { id: fulfilled }, data: { status: "FULFILLED", fulfilledAt: new Date() } });
      expect(await adminCancelOrder(db, adminId, fulfilled)).toEqual({ ok: false, reason: "not_cancellable" });
      expect(await logEntries(fulfilled)).toBe(0);
      await db.order.update({ where: { id: fulfilled }, data: { status: "PLACED", fulfilledAt: null } });
      expect(await cancelOrder(db, { orderId: fulfilled, by: { kind: "customer", userId: userId! } })).toMatchObject({
        ok: true,
        alreadyCancelled: false,
      });
      expect(await adminCancelOrder(db, adminId, fulfilled)).toMatchObject({ ok: true, alreadyCancelled: true });
      expect(await logEntries(fulfilled)).toBe(0);

      // The record is part of the cancel: when it fails, the order is not reversed either.
      const kept = await order();
      const failing = cancelOrder(db, {
        orderId: kept,
        by: { kind: "admin", adminId },
        record: () => Promise.reject(new Error("audit log unavailable")),
      });
      await expect(failing).rejects.toThrow("audit log unavailable");
      expect(await db.order.findUniqueOrThrow({ where: { id: kept } })).toMatchObject({ status: "PLACED" });
      expect(await db.stockMovement.count({ where: { orderId: kept, kind: "RETURN" } })).toBe(0);
      expect(await findViolations(db)).toEqual([]);
      summary.push(`engine  admin cancel racing admin cancel (20)             reversed once, logged once`);
    });
  });

  it("a cancel racing 30 orders for the stock it returns: never more sold than there was", async () => {
    await withDatabase(async (db) => {
      const users = await makeCustomersWithCredit(db, 31, 10_000);
      const tee = await product(db, 2_000, 1);
      const first = await placeOrder(db, {
        userId: users[0]!,
        lines: [{ sku: tee.sku, quantity: 1 }],
        idempotencyKey: newKey(),
      });
      expect(first.ok).toBe(true);
      const orderId = first.ok ? first.order.id : "";

      const results = await race<{ ok: boolean; reason?: string }>(31, (i) =>
        i === 0
          ? cancelOrder(db, { orderId, by: { kind: "customer", userId: users[0]! } })
          : placeOrder(db, { userId: users[i]!, lines: [{ sku: tee.sku, quantity: 1 }], idempotencyKey: newKey() }),
      );
      const reasons = tally(results.slice(1) as PromiseSettledResult<{ ok: true } | { ok: false; reason: string }>[]);
      expect(results[0]).toMatchObject({ status: "fulfilled", value: { ok: true, alreadyCancelled: false } });
      const { stock } = await db.product.findUniqueOrThrow({ where: { id: tee.id } });
      // The returned unit is sold at most once: either one order got it (stock 0) or none did yet (stock 1).
      expect((reasons.ok ?? 0) + stock!).toBe(1);
      expect(reasons.out_of_stock).toBe(30 - (reasons.ok ?? 0));
      expect(await findViolations(db)).toEqual([]);
      summary.push(
        `engine  cancel racing 30 orders for its stock              ${JSON.stringify(reasons)} stock=${stock}`,
      );
    });
  });
});
