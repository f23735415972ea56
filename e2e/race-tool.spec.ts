import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { expect, test } from "@playwright/test";
import { createApiKey } from "@/lib/api-keys";
import { sized } from "./size";
import { createTestCoupon, createTestProduct, e2eDb, expectInvariantsHold, uniqueTag } from "./support";

/**
 * The race tool (scripts/race.ts) against the production build: REQUESTS synchronized requests, released
 * by last-byte sync, against the JSON API and the real redeem server action. Pointed at the naive
 * control route (in test builds only), the same tool must report the oversell. With `--target orders`
 * it places REQUESTS synchronized orders through POST /api/orders and checks the invariants itself (with
 * `--target checkout-action`, through the cart page's place-order server action); aimed at the naive
 * checkout control, it must report the oversold stock or the corruption.
 */

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "..");
// 250 requests from 50 users (five each, as at full size) are ten times the limit of 25 and 25 times the
// stock of 10: the naive controls still oversell them (by about 4x and 14x at 500), so the burst still
// proves the tool can catch what it is aimed at. Full size (TEST_SIZE=full): 500 from 100.
const REQUESTS = sized(250, 500);
const USERS = String(REQUESTS / 5);

interface RaceSummary {
  successes: number;
  distinctRedemptions: number | null;
  statuses: Record<string, number>;
  outcomes: Record<string, number>;
  releaseSpreadMs: number;
  problems: string[];
}

async function race(baseURL: string, args: string[]): Promise<{ exitCode: number; summary: RaceSummary }> {
  const argv = [
    "tsx",
    "--conditions=react-server",
    "scripts/race.ts",
    "--url",
    baseURL.replace("localhost", "127.0.0.1"),
    "--users",
    USERS,
    "--json",
    "--data-dir",
    process.env.E2E_DATA_DIR!,
    ...args,
  ];
  try {
    const { stdout } = await run("npx", argv, { cwd: root, timeout: 240_000 });
    return { exitCode: 0, summary: JSON.parse(stdout.trim().split("\n").at(-1)!) };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    if (!failed.stdout?.trim()) throw new Error(`race tool crashed: ${failed.stderr}`);
    return { exitCode: failed.code ?? -1, summary: JSON.parse(failed.stdout.trim().split("\n").at(-1)!) };
  }
}

test.describe.configure({ mode: "serial", timeout: 300_000 });

// Each counter: the coupon's own row, and hot-coupon slots (lib/counters.ts).
for (const [limit, target, counter] of [
  [1, "api", "SINGLE_ROW"],
  [25, "api", "SINGLE_ROW"],
  [1, "action", "SINGLE_ROW"],
  [25, "action", "SINGLE_ROW"],
  [25, "api", "SLOTS"],
  [25, "action", "SLOTS"],
] as const) {
  test(`${REQUESTS} synchronized ${target} requests for a code limited to ${limit} (${counter}): exactly ${limit} successes, no 5xx`, async ({
    baseURL,
  }) => {
    const code = `RACE${limit}${target.toUpperCase()}${counter.slice(0, 2)}${uniqueTag().toUpperCase()}`;
    const coupon = await createTestCoupon({ code, maxRedemptions: limit, counter });
    const { exitCode, summary } = await race(baseURL!, [
      "--code",
      coupon.code,
      "--requests",
      String(REQUESTS),
      "--target",
      target,
      "--limit",
      String(limit),
      "--expect",
      String(limit),
    ]);
    console.log(`race ${target} limit ${limit} ${counter}: ${JSON.stringify(summary)}`);
    expect(summary.problems).toEqual([]);
    expect(exitCode).toBe(0);
    expect(summary.successes).toBe(limit);
    expect(Object.keys(summary.statuses).filter((status) => Number(status) >= 500)).toEqual([]);
    await expectInvariantsHold();
  });
}

test.describe(`${REQUESTS} synchronized orders (POST /api/orders, the cart's place-order action)`, () => {
  async function orderRace(baseURL: string, sku: string, extra: string[], expected: number, target = "orders") {
    // A credit code per test: each of its users redeems it once, then spends it on the burst.
    const funding = await createTestCoupon({ valueCents: 20_000, maxRedemptions: null, perUserLimit: 1 });
    const { exitCode, summary } = await race(baseURL, [
      "--target",
      target,
      "--sku",
      sku,
      "--fund-code",
      funding.code,
      "--user-prefix",
      `race-orders-${uniqueTag()}`,
      "--requests",
      String(REQUESTS),
      "--limit",
      String(expected),
      "--expect",
      String(expected),
      ...extra,
    ]);
    console.log(`race ${target} ${extra.join(" ") || "stock"}: ${JSON.stringify(summary)}`);
    expect(summary.problems).toEqual([]);
    expect(exitCode).toBe(0);
    expect(summary.successes).toBe(expected);
    // The action answers with the re-rendered cart page, which names no order id.
    if (target === "orders") expect(summary.distinctRedemptions).toBe(expected);
    expect(Object.keys(summary.statuses).filter((status) => Number(status) >= 500)).toEqual([]);
    return summary;
  }

  test("for a product with stock 10: exactly 10 placed, the rest out_of_stock, no 5xx", async ({ baseURL }) => {
    const product = await createTestProduct({ priceCents: 2_000, stock: 10 });
    const summary = await orderRace(baseURL!, product.sku, [], 10);
    expect(summary.outcomes).toEqual({ placed: 10, out_of_stock: REQUESTS - 10 });
    expect(await e2eDb().product.findUniqueOrThrow({ where: { id: product.id } })).toMatchObject({ stock: 0 });
    await expectInvariantsHold();
  });

  test("with a single-use discount code: exactly 1 placed, the rest exhausted, no 5xx", async ({ baseURL }) => {
    const product = await createTestProduct({ priceCents: 2_000, stock: null });
    const code = await createTestCoupon({ kind: "PERCENT_OFF", valueCents: 0, percentOff: 50, maxRedemptions: 1 });
    const summary = await orderRace(baseURL!, product.sku, ["--code", code.code], 1);
    expect(summary.outcomes).toEqual({ placed: 1, exhausted: REQUESTS - 1 });
    expect(await e2eDb().order.count({ where: { couponId: code.id } })).toBe(1);
    await expectInvariantsHold();
  });

  test("through the cart's place-order server action, stock 10: exactly 10 placed, no 5xx", async ({ baseURL }) => {
    const product = await createTestProduct({ priceCents: 2_000, stock: 10 });
    const summary = await orderRace(baseURL!, product.sku, [], 10, "checkout-action");
    // 5 requests per user, each its own rendering of one cart: one of them orders it; the others find it
    // taken by that order (cart_changed) or already empty.
    expect(Object.keys(summary.outcomes).sort()).toEqual(
      ["placed", "out_of_stock", "cart_changed", "empty_cart"].filter((o) => o in summary.outcomes).sort(),
    );
    expect(summary.outcomes.placed).toBe(10);
    const db = e2eDb();
    expect(await db.product.findUniqueOrThrow({ where: { id: product.id } })).toMatchObject({ stock: 0 });
    expect(await db.orderLine.count({ where: { productId: product.id } })).toBe(10);
    await expectInvariantsHold();
  });
});

test("aimed at POST /api/v1/holds with a store's key: one hold of a single-use code, no 5xx", async ({ baseURL }) => {
  const key = await createApiKey(e2eDb(), { name: `race ${uniqueTag()}`, scopes: ["checkout"] }, null);
  if (!key.ok) throw new Error("could not create the key");
  const code = await createTestCoupon({ kind: "AMOUNT_OFF", valueCents: 500, maxRedemptions: 1 });
  const { exitCode, summary } = await race(baseURL!, [
    ...["--target", "api-holds", "--api-key", key.secret, "--code", code.code],
    ...["--requests", String(REQUESTS), "--limit", "1", "--expect", "1"],
  ]);
  expect(summary.problems, JSON.stringify(summary)).toEqual([]);
  expect(exitCode).toBe(0);
  expect({ successes: summary.successes, distinct: summary.distinctRedemptions }).toEqual({
    successes: 1,
    distinct: 1,
  });
  // The winner's customer sent four more: refused by the per-customer limit or as exhausted, never 5xx.
  expect(Object.keys(summary.statuses).sort()).toEqual(["201", "409"]);
  expect(await e2eDb().hold.count({ where: { couponId: code.id } })).toBe(1);
  await expectInvariantsHold();
});

test("the same tool catches the naive check-then-act control oversell a limit of 25", async ({ baseURL }) => {
  const coupon = await createTestCoupon({ code: `RACENAIVE${uniqueTag().toUpperCase()}`, maxRedemptions: 25 });
  const prefix = `race-naive-${uniqueTag()}`;
  try {
    const { exitCode, summary } = await race(baseURL!, [
      "--code",
      coupon.code,
      "--requests",
      String(REQUESTS),
      "--limit",
      "25",
      "--user-prefix",
      prefix,
      "--path",
      "/api/control/naive-redemptions",
    ]);
    console.log(`race naive control limit 25: ${JSON.stringify(summary)}`);
    expect(exitCode).toBe(1);
    expect(summary.successes).toBeGreaterThan(25);
    expect(summary.problems.join(" ")).toContain("OVERSOLD");
  } finally {
    await undoNaiveDamage(coupon.id, prefix);
  }
  await expectInvariantsHold();
});

test("the same tool catches the naive check-then-act checkout overselling a stock of 10", async ({ baseURL }) => {
  const product = await createTestProduct({ priceCents: 2_000, stock: 10 });
  const funding = await createTestCoupon({ valueCents: 20_000, maxRedemptions: null, perUserLimit: 1 });
  const prefix = `race-naive-orders-${uniqueTag()}`;
  try {
    const { exitCode, summary } = await race(baseURL!, [
      "--target",
      "orders",
      "--sku",
      product.sku,
      "--fund-code",
      funding.code,
      "--user-prefix",
      prefix,
      "--requests",
      String(REQUESTS),
      "--limit",
      "10",
      "--path",
      "/api/control/naive-orders",
    ]);
    console.log(`race naive orders control stock 10: ${JSON.stringify(summary)}`);
    expect(exitCode).toBe(1);
    // Caught either way: more than 10 placed, or lost updates of the stock and balances the invariants see.
    const oversold = summary.problems.some((p) => p.startsWith("OVERSOLD"));
    const corrupted = summary.problems.some((p) => p.startsWith("INVARIANT"));
    expect(oversold || corrupted, summary.problems.join("\n")).toBe(true);
    if (oversold) expect(summary.distinctRedemptions).toBeGreaterThan(10);
  } finally {
    await undoNaiveDamage(funding.id, prefix, product.id);
  }
  await expectInvariantsHold();
});

/**
 * The controls corrupt what they touch on purpose; remove it so later suites find a sound database:
 * the users' credit, redemptions of `couponId` and, with `productId`, the users' orders of it and its
 * stock back to its initial movement.
 */
async function undoNaiveDamage(couponId: string, userPrefix: string, productId?: string) {
  const db = e2eDb();
  const users = (
    await db.user.findMany({ where: { email: { startsWith: `${userPrefix}-` } }, select: { id: true } })
  ).map((u) => u.id);
  const orders = { userId: { in: users } };
  await db.$transaction([
    db.ledgerEntry.deleteMany({ where: { OR: [{ userId: { in: users } }, { redemption: { couponId } }] } }),
    db.stockMovement.deleteMany({ where: { order: orders } }),
    db.order.deleteMany({ where: orders }),
    db.redemptionAttempt.deleteMany({ where: { OR: [{ userId: { in: users } }, { couponId }] } }),
    db.redemption.deleteMany({ where: { couponId } }),
    db.couponUsage.deleteMany({ where: { couponId } }),
    db.idempotencyKey.deleteMany({ where: { userId: { in: users } } }),
    // Their orders are gone: no balance and no live orders (first-order-only codes count them).
    db.user.updateMany({ where: { id: { in: users } }, data: { balanceCents: 0, liveOrders: 0 } }),
    db.coupon.update({ where: { id: couponId }, data: { redeemedCount: 0 } }),
    // An unlimited code (the orders' funding) counts its uses in hot-coupon slots.
    db.couponCounterSlot.updateMany({ where: { couponId }, data: { used: 0 } }),
    ...(productId
      ? [
          db.$executeRaw`
      UPDATE products SET stock = (SELECT sum(quantity) FROM stock_movements WHERE product_id = ${productId}::uuid)
      WHERE id = ${productId}::uuid`,
        ]
      : []),
  ]);
}
