import { randomUUID } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { order, redeem } from "@/lib/commands/customer";
import { type Command, runCommand } from "@/lib/commands/edge";
import { snapshotWithUsageRow } from "@/lib/coupon-use";
import type { Db } from "@/lib/db/client";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { rateLimitSettings } from "@/lib/rate-limits";
import { findSessionUser } from "@/lib/sessions";
import { freshDatabase, makeCoupon, makeCustomersWithCredit, makeUsers, type TestDatabase } from "./helpers";

/**
 * What one signed-in redemption and one order send to PostgreSQL, counted on the wire (every query
 * the pool's clients send, BEGIN and COMMIT included): the session check, the rate limit charged
 * before and settled after, and the command's transaction. Exact numbers, so a change that adds a
 * round trip to the hot path has to say so here (docs/scaling.md lists them).
 */

let database: TestDatabase;
let counted: Db;
let pool: pg.Pool;
const sent: string[] = [];

beforeAll(async () => {
  database = await freshDatabase(2);
  pool = new pg.Pool({ connectionString: database.url, max: 2 });
  pool.on("connect", (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const first = args[0] as string | { text: string };
      sent.push(typeof first === "string" ? first : first.text);
      return query(...args);
    };
  });
  counted = new PrismaClient({ adapter: new PrismaPg(pool), errorFormat: "minimal" });
});

afterAll(async () => {
  await counted.$disconnect();
  await pool.end().catch(() => undefined);
  await database.drop();
});

/** The statements one signed-in request sends: its session check, then the command behind its edge. */
async function statementsOf<Input, Result extends { ok: boolean }>(
  userId: string,
  command: Command<Input, Result>,
  input: object,
  answer: { ok: boolean; reason?: string } = { ok: true },
) {
  const session = await database.db.session.create({ data: { userId, expiresAt: new Date(Date.now() + 3_600_000) } });
  sent.length = 0;
  expect(await findSessionUser(counted, session.id, userId)).not.toBeNull();
  const result = await runCommand(
    counted,
    command,
    { userId, meta: { ip: "198.51.100.7" } },
    input,
    rateLimitSettings(),
  );
  expect(result).toMatchObject(answer);
  return [...sent];
}

describe("statements per request", () => {
  // Session 1 (the session joined to its user), rate limits 2 (both budgets charged in one, settled in
  // one), BEGIN + claim, coupon snapshot with the usage row, per-user guard, credit guard, bookkeeping
  // with its webhook event (lib/webhooks/outbox.ts: redemption, ledger entry, attempt row, event,
  // deliveries and jobs in one statement), coupon guard + COMMIT; with slots one more (the open slots).
  it("a redemption: 11 on the coupon row, 12 in slots", async () => {
    const [customer] = await makeUsers(database.db, 1);
    for (const counter of ["SINGLE_ROW", "SLOTS"] as const) {
      const coupon = await makeCoupon(database.db, { valueCents: 100, maxRedemptions: 100, perUserLimit: 10, counter });
      // Warm: the first call of a shape may open a connection; counted is the steady state.
      await statementsOf(customer!, redeem, { code: coupon.code, idempotencyKey: randomUUID() });
      const statements = await statementsOf(customer!, redeem, { code: coupon.code, idempotencyKey: randomUUID() });
      expect(statements.length, statements.join("\n---\n")).toBe(counter === "SLOTS" ? 12 : 11);
    }
  });

  // Session 1, rate limits 2, BEGIN + claim, coupon snapshot with the usage row (the coupon is used up:
  // refused there) + ROLLBACK, then the refusal's key with its attempt row and the coupon's window.
  it("a refused redemption (the coupon used up): 8", async () => {
    const [first, second] = await makeUsers(database.db, 2);
    const coupon = await makeCoupon(database.db, { valueCents: 100, maxRedemptions: 1 });
    await statementsOf(first!, redeem, { code: coupon.code, idempotencyKey: randomUUID() });
    const key = randomUUID();
    const statements = await statementsOf(
      second!,
      redeem,
      { code: coupon.code, idempotencyKey: key },
      { ok: false, reason: "exhausted" },
    );
    expect(statements.length, statements.join("\n---\n")).toBe(8);
    // What the folded statement leaves behind: the refusal as the key's answer, and its attempt row.
    expect(
      await database.db.idempotencyKey.findUniqueOrThrow({
        where: { userId_scope_key: { userId: second!, scope: "redeem", key } },
        select: { outcome: true, reason: true },
      }),
    ).toEqual({ outcome: "REFUSED", reason: "exhausted" });
    expect(
      await database.db.redemptionAttempt.findMany({
        where: { userId: second! },
        select: { couponId: true, outcome: true, reason: true, replayed: true, idempotencyKey: true, ip: true },
      }),
    ).toEqual([
      {
        couponId: coupon.id,
        outcome: "REFUSED",
        reason: "exhausted",
        replayed: false,
        idempotencyKey: key,
        ip: "198.51.100.7",
      },
    ]);
  });

  // Session 1, rate limits 2, BEGIN + 14 + COMMIT (lib/checkout/place-order.ts; one writes all its lines,
  // their stock movements and its webhook event; the answer is built from what was written, not read back).
  it("an order of one line with a discount code: 18", async () => {
    const [customer] = await makeCustomersWithCredit(database.db, 1, 100_000);
    const sku = `P-${randomUUID().slice(0, 8).toUpperCase()}`;
    await database.db.product.create({ data: { sku, name: sku, priceCents: 100, stock: null } });
    const coupon = await makeCoupon(database.db, {
      kind: "PERCENT_OFF",
      percentOff: 10,
      valueCents: 0,
      maxRedemptions: 100,
      perUserLimit: 10,
    });
    const input = () => ({ lines: [{ sku, quantity: 1 }], discountCode: coupon.code, idempotencyKey: randomUUID() });
    await statementsOf(customer!, order, input());
    const statements = await statementsOf(customer!, order, input());
    expect(statements.length, statements.join("\n---\n")).toBe(18);
  });

  it("the folded coupon snapshot reads every field as Prisma's own read of the row does", async () => {
    const [customer] = await makeUsers(database.db, 1);
    const coupon = await makeCoupon(database.db, {
      kind: "PERCENT_OFF",
      percentOff: 15,
      valueCents: 0,
      maxDiscountCents: 500,
      minSubtotalCents: 1_000,
      maxRedemptions: 7,
      perUserLimit: 2,
      startsAt: new Date("2026-01-01T00:00:00.123Z"),
      expiresAt: new Date("2036-01-01T00:00:00.456Z"),
      noRedeemAfterRevoke: true,
    });
    const [folded, prisma] = await database.db.$transaction(async (tx) => [
      await snapshotWithUsageRow(tx, coupon.code, customer!),
      await tx.coupon.findUnique({ where: { code: coupon.code } }),
    ]);
    expect(folded).toEqual(prisma);
    expect(await snapshotWithUsageRow(database.db, "NO-SUCH-CODE", customer!)).toBeNull();
  });
});
