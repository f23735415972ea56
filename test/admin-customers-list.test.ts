/** The admin's customers list: search, keyset paging, counts and last activity, its CSV export and its plan. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { placeOrder } from "@/lib/checkout/place-order";
import { cancelOrder } from "@/lib/checkout/cancel-order";
import { csvStream } from "@/lib/admin/csv";
import {
  countCustomers,
  customerFiltersFromSearchParams,
  customerFiltersSchema,
  customersCsv,
  customersPageSql,
  listCustomers,
  listNewerCustomers,
} from "@/lib/admin/customers/list";
import { ADMIN_ROUTES, runAdminRoute } from "@/lib/web/admin-routes";
import { freshDatabase, makeCustomersWithCredit, makeUsers, newKey, type TestDatabase } from "./helpers";
import { makeAdminAndCustomer } from "./admin-helpers";

let test: TestDatabase;
let db: Db;
let adminId: string;
/** Five customers of this suite, oldest first, one day apart. */
let listed: string[];
let buyer: string;
const joined = (i: number) => new Date(Date.UTC(2026, 0, 10 + i, 12));
const filters = (raw: Record<string, string | undefined> = {}) => customerFiltersSchema.parse(raw);

beforeAll(async () => {
  test = await freshDatabase(4);
  db = test.db;
  ({ adminId } = await makeAdminAndCustomer(db));
  // The admin's email and name match the search below: an admin is not a customer and is never listed.
  await db.user.update({ where: { id: adminId }, data: { email: "zq-admin@test.once", name: "Zq Admin" } });
  listed = [];
  for (let i = 0; i < 5; i++) {
    const [id] = await makeUsers(db, 1, `zq-list-${i}`);
    await db.user.update({ where: { id: id! }, data: { createdAt: joined(i), name: `Zq Person ${i}` } });
    listed.push(id!);
  }
  await db.user.update({ where: { id: listed[2]! }, data: { name: "Ada Lovelace" } });
  // A customer with credit (a redemption and its ledger entry) and two orders, one of them cancelled.
  buyer = (await makeCustomersWithCredit(db, 1, 5_000))[0]!;
  await db.user.update({ where: { id: buyer }, data: { email: "zq-buyer@test.once", createdAt: joined(-10) } });
  const product = await db.product.create({
    data: { sku: `ZQ-${newKey().slice(0, 6).toUpperCase()}`, name: "Mug", priceCents: 700 },
  });
  const order = (key = newKey()) =>
    placeOrder(db, { userId: buyer, lines: [{ sku: product.sku, quantity: 1 }], idempotencyKey: key });
  const first = await order();
  expect(first.ok).toBe(true);
  expect((await order()).ok).toBe(true);
  if (!first.ok) throw new Error("unreachable");
  expect((await cancelOrder(db, { orderId: first.order.id, by: { kind: "customer", userId: buyer } })).ok).toBe(true);
});
afterAll(() => test.drop());

const emails = (rows: { email: string }[]) => rows.map((r) => r.email);

describe("listCustomers", () => {
  it("searches part of the email or of the name, in any case, and never lists an admin", async () => {
    const byEmail = await listCustomers(db, filters({ q: "ZQ-LIST-3" }), null);
    expect(byEmail.rows.map((r) => r.id)).toEqual([listed[3]]);
    const byName = await listCustomers(db, filters({ q: "lovelace" }), null);
    expect(byName.rows.map((r) => r.id)).toEqual([listed[2]]);
    const all = await listCustomers(db, filters({ q: "zq" }), null);
    // Newest first; the admin matches "zq" by email and name but is not a customer.
    expect(all.rows.map((r) => r.id)).toEqual([...listed].reverse().concat(buyer));
    expect(emails(all.rows)).not.toContain("zq-admin@test.once");
    expect(await countCustomers(db, filters({ q: "zq" }))).toBe(6);
    // LIKE's wildcards are text to match, not patterns.
    expect(await countCustomers(db, filters({ q: "zq%list" }))).toBe(0);
    const everyone = await countCustomers(db, filters());
    expect(everyone).toBe(await db.user.count({ where: { role: "CUSTOMER" } }));
  });

  it("pages by keyset across a page boundary, both ways, with the count the same on every page", async () => {
    const f = filters({ q: "zq-list" });
    const first = await listCustomers(db, f, null, 2);
    expect(first.rows.map((r) => r.id)).toEqual([listed[4], listed[3]]);
    const second = await listCustomers(db, f, first.next, 2);
    expect(second.rows.map((r) => r.id)).toEqual([listed[2], listed[1]]);
    const third = await listCustomers(db, f, second.next, 2);
    expect(third.rows.map((r) => r.id)).toEqual([listed[0]]);
    expect(third.next).toBeNull();
    const back = await listNewerCustomers(db, f, { createdAt: third.rows[0]!.createdAt, id: third.rows[0]!.id }, 2);
    expect(back).toEqual({ rows: second.rows, newer: true });
    const top = await listNewerCustomers(db, f, { createdAt: second.rows[0]!.createdAt, id: second.rows[0]!.id }, 2);
    expect(top).toEqual({ rows: first.rows, newer: false });
    expect(await countCustomers(db, f)).toBe(5);
  });

  it("filters by the days they joined (store days, both inclusive)", async () => {
    const f = filters({ q: "zq-list", from: "2026-01-11", to: "2026-01-12" });
    expect((await listCustomers(db, f, null)).rows.map((r) => r.id)).toEqual([listed[2], listed[1]]);
    expect(await countCustomers(db, f)).toBe(2);
  });

  it("shows the balance, every order and the live ones, and the last activity", async () => {
    const [row] = (await listCustomers(db, filters({ q: "zq-buyer" }), null)).rows;
    const user = await db.user.findUniqueOrThrow({ where: { id: buyer } });
    const latestOrder = await db.order.findFirstOrThrow({ where: { userId: buyer }, orderBy: { createdAt: "desc" } });
    const latestEntry = await db.ledgerEntry.findFirstOrThrow({ where: { userId: buyer }, orderBy: { id: "desc" } });
    expect(row).toMatchObject({
      id: buyer,
      email: "zq-buyer@test.once",
      balanceCents: 5_000 - 700,
      orders: 2,
      liveOrders: 1,
      disabled: false,
      createdAt: joined(-10),
    });
    expect(user.balanceCents).toBe(4_300);
    // The refund of the cancelled order is the newest thing they did.
    const latest = Math.max(latestOrder.createdAt.getTime(), latestEntry.createdAt.getTime());
    expect(row!.lastActivityAt.getTime()).toBe(latest);
    // Someone who never did anything was last active when they joined.
    const [quiet] = (await listCustomers(db, filters({ q: "zq-list-0" }), null)).rows;
    expect(quiet).toMatchObject({ orders: 0, liveOrders: 0, balanceCents: 0, lastActivityAt: joined(0) });
  });

  it("a page ignores a filter that fails its rule", () => {
    expect(customerFiltersFromSearchParams({ q: "ada", from: "2026-02-30", to: "" })).toEqual({ q: "ada" });
  });

  it("every page, deep or not, searched or not, is read through indexes (EXPLAIN)", async () => {
    const deep = { createdAt: joined(3), id: listed[3]! };
    const cases = [{}, { q: "zq" }, { from: "2026-01-01", to: "2026-12-31" }];
    for (const raw of cases) {
      for (const sql of [customersPageSql(filters(raw), deep, 51), customersPageSql(filters(raw), null, 51, deep)]) {
        // The test tables are tiny, so a sequential scan would be cheaper: forbidding it shows an index serves each read.
        const plan = await db.$transaction(async (tx) => {
          await tx.$executeRaw`SET LOCAL enable_seqscan = off`;
          return tx.$queryRaw<{ "QUERY PLAN": string }[]>(Prisma.sql`EXPLAIN ${sql}`);
        });
        const text = plan.map((p) => p["QUERY PLAN"]).join("\n");
        expect(text, JSON.stringify(raw)).toMatch(/Index (Only )?Scan (Backward )?using users_role_created_at_id_idx/);
        expect(text, JSON.stringify(raw)).not.toMatch(/Seq Scan/);
      }
    }
  });
});

describe("the customers CSV export", () => {
  const csvLines = async (stream: ReadableStream<Uint8Array> | null) =>
    (await new Response(stream).text())
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\r\n");

  it("streams the page's rows with the same filters", async () => {
    const lines = await csvLines(csvStream(customersCsv(db, filters({ q: "zq" }))));
    expect(lines[0]).toBe(
      "joined_at_utc,customer_id,email,name,balance,orders,live_orders,last_activity_at_utc,disabled",
    );
    expect(lines).toHaveLength(7);
    const buyerLine = lines.find((line) => line.includes("zq-buyer@test.once"))!.split(",");
    expect(buyerLine.slice(0, 7)).toEqual([
      joined(-10).toISOString(),
      buyer,
      "zq-buyer@test.once",
      expect.any(String),
      "43.00",
      "2",
      "1",
    ]);
    expect(buyerLine[8]).toBe("false");
    expect(lines[1]).toContain(listed[4]);
  });

  it("is answered by the admin route, and a bad filter is refused 400 before anything is streamed", async () => {
    const get = (query: string) =>
      runAdminRoute(ADMIN_ROUTES.exportCustomers, new Request(`http://once.test/api/admin/customers/export${query}`), {
        db,
        userId: adminId,
        params: {},
      });
    const ok = await get("?q=zq-list&from=2026-01-11&to=2026-01-11");
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toMatch(/text\/csv/);
    const lines = await csvLines(ok.body);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(listed[1]);

    for (const query of ["?from=2026-13-01", "?q=a%00b", "?from=2026-02-01&to=2026-01-01"]) {
      const refused = await get(query);
      expect(refused.status, query).toBe(400);
      expect(await refused.json()).toMatchObject({ reason: "invalid_filter" });
    }
  });
});
