/**
 * Order numbers (#1001, …): assigned by the database's sequence, sequential and unique under concurrent
 * orders, never reused; carried by the JSON answer; found by the admin's search as 1001 or #1001; and
 * the migration that adds them numbers the orders already there in the order they were placed.
 */
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { migrate, MIGRATIONS_DIR } from "@/lib/db/migrate";
import { placeOrder } from "@/lib/checkout/place-order";
import { orderJson } from "@/lib/checkout/order-view";
import { countOrders, exportOrderFilters, listOrders, orderFiltersFromSearchParams } from "@/lib/admin/orders";
import { findViolations } from "@/lib/invariants";
import {
  emptyDatabase,
  freshDatabase,
  fulfilled,
  makeCustomersWithCredit,
  newKey,
  race,
  type TestDatabase,
} from "./helpers";

let test: TestDatabase;
let db: Db;
let sku: string;
beforeAll(async () => {
  test = await freshDatabase(24);
  db = test.db;
  sku = `ON-${newKey().slice(0, 8).toUpperCase()}`;
  await db.product.create({ data: { sku, name: "Numbered notebook", priceCents: 500, stock: null } });
});
afterAll(() => test.drop());

const order = (userId: string) =>
  placeOrder(db, { userId, lines: [{ sku, quantity: 1 }], discountCode: null, idempotencyKey: newKey() });

describe("order numbers", () => {
  it("start at 1001, and 50 concurrent orders get 50 distinct numbers that follow each other", async () => {
    const [first] = await makeCustomersWithCredit(db, 1, 100_000);
    const placed = await order(first!);
    if (!placed.ok) throw new Error(`refused: ${placed.reason}`);
    expect(placed.order.number).toBe(1001);

    const users = await makeCustomersWithCredit(db, 50, 10_000);
    const results = fulfilled(await race(50, (i) => order(users[i]!)));
    const numbers = results.map((r) => (r.ok ? r.order.number : Number.NaN)).sort((a, b) => a - b);
    expect(new Set(numbers).size).toBe(50);
    // Nothing rolled back here, so no number was skipped: 1002 to 1051, each once.
    expect(numbers).toEqual(Array.from({ length: 50 }, (_, i) => 1002 + i));
    expect(await findViolations(db)).toEqual([]);
  });

  it("are never reused: a refused order skips its number, and the database refuses a duplicate", async () => {
    const [poor] = await makeCustomersWithCredit(db, 1, 100);
    // Refused (insufficient credit): whatever it took rolled back; a number is never handed out twice.
    expect(await order(poor!)).toMatchObject({ ok: false });
    const [rich] = await makeCustomersWithCredit(db, 1, 10_000);
    const next = await order(rich!);
    if (!next.ok) throw new Error(`refused: ${next.reason}`);
    const max = await db.order.aggregate({ _max: { number: true } });
    expect(next.order.number).toBe(max._max.number);
    expect(await db.order.count({ where: { number: { gte: next.order.number } } })).toBe(1);

    await expect(db.$executeRaw`UPDATE orders SET number = ${next.order.number} WHERE number = 1001`).rejects.toThrow(
      /orders_number_key|unique/i,
    );
  });

  it("is in the JSON answer", async () => {
    const [userId] = await makeCustomersWithCredit(db, 1, 10_000);
    const placed = await order(userId!);
    if (!placed.ok) throw new Error(`refused: ${placed.reason}`);
    const json = JSON.parse(JSON.stringify(orderJson(placed.order))) as Record<string, unknown>;
    expect(json).toMatchObject({ id: placed.order.id, number: placed.order.number });
  });

  it("is found by the admin's search, typed 1001 or #1001; anything else is not a number", async () => {
    const one = await db.order.findUniqueOrThrow({ where: { number: 1001 }, select: { id: true } });
    for (const typed of ["1001", "#1001", " # 1001 ", "0001001"]) {
      const filters = orderFiltersFromSearchParams({ number: typed });
      const page = await listOrders(db, filters, null);
      expect(page.rows.map((r) => [r.id, r.number])).toEqual([[one.id, 1001]]);
      expect(await countOrders(db, filters)).toBe(1);
    }
    expect((await listOrders(db, orderFiltersFromSearchParams({ number: "999999999" }), null)).rows).toEqual([]);
    // The export refuses what the page ignores; digits past the column's range are not a number at all.
    expect(exportOrderFilters(new URLSearchParams("number=%231001"))).toMatchObject({ ok: true });
    for (const bad of ["abc", "10-01", "12345678901", "#"]) {
      expect(exportOrderFilters(new URLSearchParams({ number: bad }))).toMatchObject({ ok: false, field: "number" });
    }
  });
});

describe("the order-numbers migration", () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it("numbers existing orders in the order they were placed, and the next order continues after them", async () => {
    const { url } = await emptyDatabase();
    const before = await mkdtemp(path.join(tmpdir(), "once-migrations-"));
    dirs.push(before);
    await cp(MIGRATIONS_DIR, before, { recursive: true });
    await rm(path.join(before, "20270101000000_order_numbers"), { recursive: true });
    expect(await migrate(url, before)).toMatchObject({ ok: true });

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const {
        rows: [user],
      } = await client.query<{ id: string }>(
        `INSERT INTO users (email, name) VALUES ('backfill@test.once', 'Backfill') RETURNING id`,
      );
      // Inserted out of order: the numbers follow created_at, not the insertion.
      const placedAt = ["2026-12-03T10:00:00Z", "2026-12-01T10:00:00Z", "2026-12-02T10:00:00Z"];
      const ids: string[] = [];
      for (const [i, at] of placedAt.entries()) {
        const { rows } = await client.query<{ id: string }>(
          `INSERT INTO orders (user_id, idempotency_key, subtotal_cents, total_cents, created_at)
           VALUES ($1, $2, 100, 100, $3) RETURNING id`,
          [user!.id, `k${i}`, at],
        );
        ids.push(rows[0]!.id);
      }
      expect(await migrate(url)).toMatchObject({ ok: true, applied: ["20270101000000_order_numbers"] });
      const { rows } = await client.query<{ id: string; number: number }>(
        `SELECT id, number FROM orders ORDER BY number`,
      );
      expect(rows).toEqual([
        { id: ids[1], number: 1001 },
        { id: ids[2], number: 1002 },
        { id: ids[0], number: 1003 },
      ]);
      const { rows: next } = await client.query<{ number: number }>(
        `INSERT INTO orders (user_id, idempotency_key, subtotal_cents, total_cents) VALUES ($1, 'k3', 100, 100) RETURNING number`,
        [user!.id],
      );
      expect(next).toEqual([{ number: 1004 }]);
    } finally {
      await client.end();
    }
  });
});
