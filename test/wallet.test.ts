import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { findViolations } from "@/lib/invariants";
import { redeemCoupon, revokeRedemption } from "@/lib/redemptions";
import { CATALOGUE, seedCatalogue } from "@/lib/seed";
import { listProducts } from "@/lib/catalogue";
import { purchase } from "@/lib/purchase";
import { placeOrder } from "@/lib/checkout/place-order";
import { getWallet } from "@/lib/wallet";
import {
  freshDatabase,
  fulfilled,
  makeCoupon,
  makeUsers,
  meetingPoint,
  newKey,
  race,
  type TestDatabase,
} from "./helpers";
import { naivePurchase } from "@/lib/controls/naive";

let database: TestDatabase;
let db: Db;

beforeAll(async () => {
  database = await freshDatabase();
  db = database.db;
});

afterAll(async () => {
  await database?.drop();
});

async function makeProduct(priceCents: number, overrides: { active?: boolean; name?: string } = {}, on: Db = db) {
  const sku = `P${newKey().replaceAll("-", "").slice(0, 12)}`;
  return on.product.create({
    data: { sku, name: overrides.name ?? `Product ${sku}`, priceCents, active: overrides.active ?? true },
  });
}

/** A user holding `cents` of credit, given the honest way: by redeeming a coupon worth that much. */
async function userWithCredit(cents: number, on: Db = db): Promise<string> {
  const [userId] = await makeUsers(on, 1, "buyer");
  const coupon = await makeCoupon(on, { valueCents: cents });
  const redeemed = await redeemCoupon(on, { userId: userId!, code: coupon.code, idempotencyKey: newKey() });
  if (!redeemed.ok) throw new Error(`could not fund the test user: ${redeemed.reason}`);
  return userId!;
}

async function balanceOf(userId: string) {
  return (await db.user.findUniqueOrThrow({ where: { id: userId } })).balanceCents;
}

describe("purchase", () => {
  it("takes the price from the balance and records the order with its PURCHASE entry", async () => {
    const userId = await userWithCredit(1_000);
    const product = await makeProduct(350, { name: "Sticker sheet" });
    const result = await purchase(db, { userId, productId: product.id, idempotencyKey: newKey() });

    expect(result).toMatchObject({
      ok: true,
      balanceCents: 650,
      replayed: false,
      order: { totalCents: 350, lines: [{ name: "Sticker sheet", unitPriceCents: 350, quantity: 1 }] },
    });
    expect(await balanceOf(userId)).toBe(650);
    const entries = await db.ledgerEntry.findMany({ where: { userId, kind: "PURCHASE" } });
    expect(entries).toMatchObject([
      { amountCents: -350, balanceAfterCents: 650, orderId: result.ok ? result.order.id : "missing" },
    ]);
    expect(await findViolations(db)).toEqual([]);
  });

  it("answers a replayed key with the original order and charges once", async () => {
    const userId = await userWithCredit(1_000);
    const product = await makeProduct(400);
    const key = newKey();
    const first = await purchase(db, { userId, productId: product.id, idempotencyKey: key });
    const second = await purchase(db, { userId, productId: product.id, idempotencyKey: key });

    expect(first.ok && second.ok).toBe(true);
    if (!first.ok || !second.ok) return;
    expect(second.replayed).toBe(true);
    expect(second.order).toEqual(first.order);
    expect(second.balanceCents).toBe(600);
    expect(await balanceOf(userId)).toBe(600);
    expect(await db.order.count({ where: { userId } })).toBe(1);
  });

  it("refuses a key already used for another product", async () => {
    const userId = await userWithCredit(1_000);
    const [a, b] = [await makeProduct(100), await makeProduct(200)];
    const key = newKey();
    expect((await purchase(db, { userId, productId: a.id, idempotencyKey: key })).ok).toBe(true);
    expect(await purchase(db, { userId, productId: b.id, idempotencyKey: key })).toMatchObject({
      ok: false,
      reason: "idempotency_key_reused",
    });
    expect(await balanceOf(userId)).toBe(900);
  });

  it("refuses what the balance cannot pay, says how short it is, and the refusal is the key's answer", async () => {
    const userId = await userWithCredit(500);
    const product = await makeProduct(501);
    const key = newKey();
    expect(await purchase(db, { userId, productId: product.id, idempotencyKey: key })).toEqual({
      ok: false,
      reason: "insufficient_credit",
      replayed: false,
      totalCents: 501,
      balanceCents: 500,
    });
    expect(await balanceOf(userId)).toBe(500);
    expect(await db.order.count({ where: { userId } })).toBe(0);

    // The same key returns the original answer, success or refusal: once the credit is there, the
    // refused key still answers its refusal (replayed), and only a new press (a new key) buys.
    const topUp = await makeCoupon(db, { valueCents: 1 });
    await redeemCoupon(db, { userId, code: topUp.code, idempotencyKey: newKey() });
    expect(await purchase(db, { userId, productId: product.id, idempotencyKey: key })).toMatchObject({
      ok: false,
      reason: "insufficient_credit",
      replayed: true,
    });
    expect(await balanceOf(userId)).toBe(501);
    expect(await purchase(db, { userId, productId: product.id, idempotencyKey: newKey() })).toMatchObject({
      ok: true,
      balanceCents: 0,
    });
  });

  it("shares the order's key space: a key that placed an order cannot buy, and answers key reused", async () => {
    const userId = await userWithCredit(1_000);
    const product = await makeProduct(100);
    const other = await makeProduct(200);
    const key = newKey();
    expect(
      await placeOrder(db, { userId, lines: [{ sku: other.sku, quantity: 1 }], idempotencyKey: key }),
    ).toMatchObject({ ok: true });
    expect(await purchase(db, { userId, productId: product.id, idempotencyKey: key })).toMatchObject({
      ok: false,
      reason: "idempotency_key_reused",
    });
    expect(await balanceOf(userId)).toBe(800);
  });

  it("refuses unknown, withdrawn and malformed products, malformed keys and unknown users", async () => {
    const userId = await userWithCredit(1_000);
    const withdrawn = await makeProduct(100, { active: false });
    const product = await makeProduct(100);

    expect(await purchase(db, { userId, productId: newKey(), idempotencyKey: newKey() })).toMatchObject({
      ok: false,
      reason: "unknown_product",
    });
    expect(await purchase(db, { userId, productId: withdrawn.id, idempotencyKey: newKey() })).toMatchObject({
      ok: false,
      reason: "unavailable",
    });
    expect(
      await purchase(db, { userId, productId: "'; DROP TABLE orders; --", idempotencyKey: newKey() }),
    ).toMatchObject({
      ok: false,
      reason: "unknown_product",
    });
    expect(await purchase(db, { userId, productId: product.id, idempotencyKey: "x" })).toMatchObject({
      ok: false,
      reason: "invalid_idempotency_key",
      message: expect.stringContaining("8 to 128"),
    });
    expect(await purchase(db, { userId: newKey(), productId: product.id, idempotencyKey: newKey() })).toMatchObject({
      ok: false,
      reason: "unknown_user",
    });
    expect(await balanceOf(userId)).toBe(1_000);
    expect(await findViolations(db)).toEqual([]);
  });

  it("lets concurrent duplicates of one key buy once and all get that order", async () => {
    const userId = await userWithCredit(10_000);
    const product = await makeProduct(700);
    const key = newKey();
    const results = fulfilled(
      await race(20, () => purchase(db, { userId, productId: product.id, idempotencyKey: key })),
    );

    const orderIds = new Set(results.map((r) => (r.ok ? r.order.id : r.reason)));
    expect(orderIds.size).toBe(1);
    expect(results.every((r) => r.ok && r.balanceCents === 9_300)).toBe(true);
    expect(results.filter((r) => r.ok && !r.replayed)).toHaveLength(1);
    expect(await balanceOf(userId)).toBe(9_300);
  });
});

describe("200 concurrent purchases against a balance that affords N", () => {
  const PRICE = 300;
  const AFFORDABLE = 7;
  const ATTEMPTS = 200;

  it("lib/purchase.ts: exactly N succeed and the balance never goes below zero", async () => {
    const userId = await userWithCredit(PRICE * AFFORDABLE + PRICE - 1);
    const product = await makeProduct(PRICE);
    const results = fulfilled(
      await race(ATTEMPTS, () => purchase(db, { userId, productId: product.id, idempotencyKey: newKey() })),
    );

    expect(results.filter((r) => r.ok)).toHaveLength(AFFORDABLE);
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.reason)).toEqual(
      Array(ATTEMPTS - AFFORDABLE).fill("insufficient_credit"),
    );
    expect(await balanceOf(userId)).toBe(PRICE - 1);
    expect(await db.order.count({ where: { userId } })).toBe(AFFORDABLE);
    // Every intermediate running balance was non-negative and the ledger adds up (CHECKs and invariants).
    const ledger = await db.ledgerEntry.findMany({ where: { userId }, orderBy: { id: "asc" } });
    expect(ledger.every((entry) => entry.balanceAfterCents >= 0)).toBe(true);
    expect(await findViolations(db)).toEqual([]);
  });

  it("the naive check-then-act control: the same harness catches it overspending", async () => {
    // The control corrupts data on purpose, so it gets a database of its own.
    const control = await freshDatabase();
    try {
      const userId = await userWithCredit(PRICE * AFFORDABLE + PRICE - 1, control.db);
      const product = await makeProduct(PRICE, {}, control.db);
      // Several purchases read the same balance before any writes, on any machine.
      const meet = meetingPoint(AFFORDABLE + 1);
      const results = fulfilled(
        await race(ATTEMPTS, () =>
          naivePurchase(control.db, { userId, productId: product.id, idempotencyKey: newKey() }, { checked: meet }),
        ),
      );

      expect(results.filter((r) => r.ok).length).toBeGreaterThan(AFFORDABLE);
      expect(await control.db.order.count({ where: { userId } })).toBeGreaterThan(AFFORDABLE);
      // Lost updates: more was sold than the credit could pay for, which the invariant checker reports.
      const violations = await findViolations(control.db);
      expect(violations.map((v) => v.invariant)).toContain(
        "balance equals the sum of the user's ledger and is not negative",
      );
    } finally {
      await control.drop();
    }
  });
});

describe("wallet and catalogue", () => {
  it("shows the balance, every entry with its running balance and subject, and redemptions with their status", async () => {
    const [userId] = await makeUsers(db, 1, "wallet");
    const [admin] = await makeUsers(db, 1, "admin");
    const coupon = await makeCoupon(db, { valueCents: 1_500 });
    const other = await makeCoupon(db, { valueCents: 200 });
    const product = await makeProduct(400, { name: "Canvas tote bag" });
    const first = await redeemCoupon(db, { userId: userId!, code: coupon.code, idempotencyKey: newKey() });
    const second = await redeemCoupon(db, { userId: userId!, code: other.code, idempotencyKey: newKey() });
    await purchase(db, { userId: userId!, productId: product.id, idempotencyKey: newKey() });
    if (!second.ok || !first.ok) throw new Error("setup failed");
    expect((await revokeRedemption(db, { redemptionId: second.redemption.id, revokedById: admin! })).ok).toBe(true);

    const wallet = await getWallet(db, userId!);
    expect(wallet).toMatchObject({
      balanceCents: 1_100,
      moreEntries: false,
      entries: [
        { kind: "COUPON_REVOCATION", amountCents: -200, balanceAfterCents: 1_100, subject: other.code },
        { kind: "PURCHASE", amountCents: -400, balanceAfterCents: 1_300, subject: "Canvas tote bag" },
        { kind: "COUPON_CREDIT", amountCents: 200, balanceAfterCents: 1_700, subject: other.code },
        { kind: "COUPON_CREDIT", amountCents: 1_500, balanceAfterCents: 1_500, subject: coupon.code },
      ],
      redemptions: [
        { code: other.code, status: "REVOKED", amountCents: 200 },
        { code: coupon.code, status: "ACTIVE", amountCents: 1_500, revokedAt: null },
      ],
    });
    expect(await getWallet(db, newKey())).toBeNull();
  });

  it("pages long histories", async () => {
    const userId = await userWithCredit(5_000);
    const product = await makeProduct(100);
    for (let i = 0; i < 3; i++) await purchase(db, { userId, productId: product.id, idempotencyKey: newKey() });
    const wallet = await getWallet(db, userId, 2);
    expect(wallet?.entries.map((e) => e.balanceAfterCents)).toEqual([4_700, 4_800]);
    expect(wallet?.moreEntries).toBe(true);
    expect(wallet?.moreRedemptions).toBe(false);
  });

  it("seeds the catalogue idempotently and lists only products on sale, cheapest first", async () => {
    const own = await freshDatabase(2);
    const ownDb = own.db;
    try {
      expect(await seedCatalogue(ownDb)).toBe(CATALOGUE.length);
      expect(await seedCatalogue(ownDb)).toBe(0);
      await ownDb.product.update({ where: { sku: "MUG" }, data: { active: false } });
      const listed = await listProducts(ownDb);
      expect(listed.map((p) => p.sku)).toEqual(CATALOGUE.filter((p) => p.sku !== "MUG").map((p) => p.sku));
      expect(listed.map((p) => p.priceCents)).toEqual([...listed.map((p) => p.priceCents)].sort((a, b) => a - b));
    } finally {
      await own.drop();
    }
  });
});
