/**
 * The store's API, /api/v1 (lib/web/api-v1.ts), called through its route handlers as Next.js calls them,
 * against a real PostgreSQL: the checkout flow a store runs (validate, hold, capture, release, refund),
 * redemptions and a customer's ledger page; races through the routes (300 holds on a single-use code,
 * capture against release against the expiry sweep on 100 holds, one Idempotency-Key sent twice at
 * once), each followed by the invariant checker; and every route refusing a missing, unknown, revoked or
 * under-scoped key with nothing changed.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { POST as validateRoute } from "@/app/api/v1/codes/validate/route";
import { POST as creditRoute } from "@/app/api/v1/customers/[id]/credit/route";
import { GET as customerRoute } from "@/app/api/v1/customers/[id]/route";
import { POST as captureRoute } from "@/app/api/v1/holds/[id]/capture/route";
import { POST as refundRoute } from "@/app/api/v1/holds/[id]/refund/route";
import { POST as releaseRoute } from "@/app/api/v1/holds/[id]/release/route";
import { GET as holdRoute } from "@/app/api/v1/holds/[id]/route";
import { POST as holdsRoute } from "@/app/api/v1/holds/route";
import { POST as redemptionsRoute } from "@/app/api/v1/redemptions/route";
import { type ApiScope, createApiKey, revokeApiKey } from "@/lib/api-keys";
import type { Db } from "@/lib/db/client";
import { snapshot } from "@/lib/db/snapshot";
import { expireHolds } from "@/lib/holds/expiry";
import { findViolations } from "@/lib/invariants";
import { freshDatabase, makeCoupon, newKey, race, type TestDatabase } from "./helpers";

let test: TestDatabase;
let db: Db;
const global = globalThis as unknown as { onceDb?: Db };
let secret: string;

beforeAll(async () => {
  // The races send hundreds of requests with one key; its budget is tested in api-keys.test.ts.
  vi.stubEnv("RATE_LIMIT_API_KEY", "100000/1m");
  test = await freshDatabase();
  db = test.db;
  global.onceDb = db;
  secret = await keyWith(["read", "redeem", "checkout"]);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  delete global.onceDb;
  await test?.drop();
});

async function keyWith(scopes: ApiScope[]) {
  const created = await createApiKey(db, { name: `v1 ${newKey().slice(0, 6)}`, scopes }, null);
  if (!created.ok) throw new Error(JSON.stringify(created));
  return created.secret;
}

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

interface Call {
  body?: unknown;
  params?: Record<string, string>;
  query?: string;
  key?: string | null;
  idempotencyKey?: string | null;
  bearer?: string | null;
}

/** Calls a route handler as Next.js does: a Request, and the path's params. */
async function call(handler: Handler, method: "GET" | "POST", options: Call = {}) {
  const { body, params = {}, query = "", bearer = secret, idempotencyKey = newKey() } = options;
  const headers: Record<string, string> = {};
  if (bearer !== null) headers.authorization = `Bearer ${bearer}`;
  if (idempotencyKey !== null && method === "POST") headers["idempotency-key"] = idempotencyKey;
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await handler(
    new Request(`http://once.test/api/v1/x${query}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
    { params: Promise.resolve(params) },
  );
  return {
    status: response.status,
    body: await response.json(),
    replayed: response.headers.get("idempotent-replayed"),
  };
}

const customer = (id = `store-${newKey().slice(0, 8)}`) => ({ id, email: `${id}@shop.test` });
const violations = async () => (await findViolations(db)).map((v) => `${v.invariant}: ${v.detail}`);

/** A store customer with credit, through the API's own redemption of a store-credit code. */
async function customerWithCredit(cents: number) {
  const who = customer();
  const topUp = await makeCoupon(db, { valueCents: cents, maxRedemptions: null });
  const redeemed = await call(redemptionsRoute, "POST", { body: { customer: who, code: topUp.code } });
  expect(redeemed).toMatchObject({ status: 201, body: { status: "redeemed", balanceCents: cents } });
  return who;
}

describe("a store's checkout through /api/v1", () => {
  it("validates without consuming, holds, captures, refunds in part and whole, releases; the ledger shows each", async () => {
    const who = await customerWithCredit(3_000);
    const code = await makeCoupon(db, { kind: "AMOUNT_OFF", valueCents: 500, maxRedemptions: 1 });

    const validated = await call(validateRoute, "POST", {
      body: { customer: who, code: code.code, subtotalCents: 4_000 },
    });
    expect(validated).toMatchObject({
      status: 200,
      body: { status: "applies", discountCents: 500, totalCents: 3_500 },
    });
    expect((await db.coupon.findUniqueOrThrow({ where: { id: code.id } })).redeemedCount).toBe(0);
    const unknown = await call(validateRoute, "POST", {
      body: { customer: who, code: "NO-SUCH-CODE", subtotalCents: 4_000 },
    });
    expect(unknown).toMatchObject({ status: 422, body: { status: "refused", reason: "unknown_code" } });

    const held = await call(holdsRoute, "POST", {
      body: { customer: who, code: code.code, subtotalCents: 4_000, creditCents: 2_000 },
    });
    expect(held).toMatchObject({
      status: 201,
      body: { status: "held", hold: { status: "HELD", discountCents: 500, creditCents: 2_000 } },
    });
    const holdId = held.body.hold.id as string;
    expect(Date.parse(held.body.hold.expiresAt) - Date.parse(held.body.hold.createdAt)).toBe(900_000);
    // The code's only use is held: validating it again says so.
    expect(
      await call(validateRoute, "POST", { body: { customer: customer(), code: code.code, subtotalCents: 4_000 } }),
    ).toMatchObject({ status: 409, body: { reason: "exhausted" } });

    expect(await call(holdRoute, "GET", { params: { id: holdId } })).toMatchObject({
      status: 200,
      body: { hold: { id: holdId, status: "HELD" } },
    });
    expect(await call(captureRoute, "POST", { params: { id: holdId } })).toMatchObject({
      status: 200,
      body: { status: "captured", changed: true },
    });
    const again = await call(captureRoute, "POST", { params: { id: holdId } });
    expect(again).toMatchObject({ status: 200, body: { changed: false }, replayed: "true" });
    expect(await call(releaseRoute, "POST", { params: { id: holdId } })).toMatchObject({
      status: 409,
      body: { reason: "hold_captured" },
    });

    const part = await call(refundRoute, "POST", { params: { id: holdId }, body: { amountCents: 600 } });
    expect(part).toMatchObject({ status: 200, body: { status: "captured", hold: { refundedCents: 600 } } });
    const tooMuch = await call(refundRoute, "POST", { params: { id: holdId }, body: { amountCents: 5_000 } });
    expect(tooMuch).toMatchObject({ status: 409, body: { reason: "refund_too_large", refundableCents: 1_400 } });
    const whole = await call(refundRoute, "POST", { params: { id: holdId }, body: {} });
    expect(whole).toMatchObject({ status: 200, body: { status: "refunded", hold: { refundedCents: 2_000 } } });

    const second = await call(holdsRoute, "POST", { body: { customer: who, code: code.code, subtotalCents: 4_000 } });
    expect(second).toMatchObject({ status: 201, body: { hold: { discountCents: 500 } } });
    expect(await call(releaseRoute, "POST", { params: { id: second.body.hold.id } })).toMatchObject({
      status: 200,
      body: { status: "released", changed: true },
    });

    const account = await call(customerRoute, "GET", { params: { id: who.id }, query: "?limit=3" });
    expect(account.status).toBe(200);
    expect(account.body.balanceCents).toBe(3_000);
    expect(account.body.ledger.map((e: { kind: string }) => e.kind)).toEqual(["HOLD_REFUND", "HOLD_REFUND", "HOLD"]);
    const older = await call(customerRoute, "GET", {
      params: { id: who.id },
      query: `?limit=3&before=${account.body.nextBefore}`,
    });
    expect(older.body).toMatchObject({ ledger: [{ kind: "COUPON_CREDIT", amountCents: 3_000 }], nextBefore: null });
    expect(await call(customerRoute, "GET", { params: { id: "never-seen" } })).toMatchObject({
      status: 404,
      body: { reason: "unknown_customer" },
    });
    expect(await call(holdRoute, "GET", { params: { id: newKey() } })).toMatchObject({ status: 404 });
    expect(await violations()).toEqual([]);
  });

  it("refuses a malformed body, a missing Idempotency-Key and a bad cart (400, 422), consuming nothing", async () => {
    const code = await makeCoupon(db, { kind: "AMOUNT_OFF", valueCents: 500, maxRedemptions: 1 });
    const holdsBefore = await db.hold.count();
    expect(
      await call(holdsRoute, "POST", { body: { customer: customer(), code: code.code }, idempotencyKey: null }),
    ).toMatchObject({ status: 400, body: { reason: "missing_idempotency_key" } });
    expect(await call(holdsRoute, "POST", { body: { code: code.code, subtotalCents: 100 } })).toMatchObject({
      status: 400,
      body: { reason: "invalid_customer" },
    });
    expect(
      await call(holdsRoute, "POST", {
        body: {
          customer: customer(),
          code: code.code,
          subtotalCents: 100,
          lines: [{ sku: "A", quantity: 1, unitPriceCents: 99 }],
        },
      }),
    ).toMatchObject({ status: 422, body: { reason: "invalid_hold" } });
    expect(
      await call(holdsRoute, "POST", {
        body: { customer: customer(), code: code.code, subtotalCents: 100, ttlSeconds: 5 },
      }),
    ).toMatchObject({ status: 422, body: { reason: "invalid_hold" } });
    expect((await db.coupon.findUniqueOrThrow({ where: { id: code.id } })).redeemedCount).toBe(0);
    // The customers named were created (a customer is made on first use); no hold was.
    expect(await db.hold.count()).toBe(holdsBefore);
  });
});

describe("a customer's credit through /api/v1", () => {
  it("credits and debits once per key, never below zero, recorded as the key's adjustment", async () => {
    const who = await customerWithCredit(1_000);
    const key = newKey();
    const body = { amountCents: 500, reason: "Goodwill for a late delivery" };
    const credited = await call(creditRoute, "POST", { params: { id: who.id }, body, idempotencyKey: key });
    expect(credited).toMatchObject({ status: 201, body: { status: "adjusted", balanceCents: 1_500 } });
    const again = await call(creditRoute, "POST", { params: { id: who.id }, body, idempotencyKey: key });
    expect(again).toMatchObject({ status: 201, body: { balanceCents: 1_500 }, replayed: "true" });
    expect(
      await call(creditRoute, "POST", {
        params: { id: who.id },
        body: { ...body, amountCents: 7 },
        idempotencyKey: key,
      }),
    ).toMatchObject({ status: 422, body: { reason: "idempotency_key_reused" } });
    const tooMuch = await call(creditRoute, "POST", {
      params: { id: who.id },
      body: { amountCents: -1_501, reason: "Correction" },
    });
    expect(tooMuch).toMatchObject({ status: 409, body: { reason: "insufficient_credit" } });
    expect(
      await call(creditRoute, "POST", { params: { id: who.id }, body: { amountCents: -1_500, reason: "Correction" } }),
    ).toMatchObject({ status: 201, body: { balanceCents: 0 } });
    expect(
      await call(creditRoute, "POST", { params: { id: who.id }, body, idempotencyKey: "not-a-uuid-but-long" }),
    ).toMatchObject({ status: 400 });
    const made = await db.creditAdjustment.findUniqueOrThrow({ where: { id: credited.body.adjustmentId } });
    expect(made).toMatchObject({ actorId: null, amountCents: 500 });
    expect(made.apiKeyId).not.toBeNull();
    expect(await violations()).toEqual([]);
  });
});

describe("races through the API", () => {
  it("300 holds at once on a single-use code: exactly 1 is granted, 299 refused as exhausted", async () => {
    const code = await makeCoupon(db, { kind: "AMOUNT_OFF", valueCents: 500, maxRedemptions: 1, perUserLimit: 1 });
    const results = await race(300, () =>
      call(holdsRoute, "POST", { body: { customer: customer(), code: code.code, subtotalCents: 2_000 } }),
    );
    const statuses: Record<string, number> = {};
    for (const r of results) {
      const key = r.status === "rejected" ? "thrown" : `${r.value.status} ${r.value.body.reason ?? "held"}`;
      statuses[key] = (statuses[key] ?? 0) + 1;
    }
    console.log(`300 API holds on a single-use code: ${JSON.stringify(statuses)}`);
    expect(statuses).toEqual({ "201 held": 1, "409 exhausted": 299 });
    expect(await db.hold.count({ where: { couponId: code.id, status: "HELD" } })).toBe(1);
    expect(await violations()).toEqual([]);
  });

  it("capture, release and the expiry sweep racing on 100 holds: one outcome each, answered truthfully", async () => {
    const code = await makeCoupon(db, { kind: "AMOUNT_OFF", valueCents: 100, maxRedemptions: 100 });
    const holdIds: string[] = [];
    for (let i = 0; i < 100; i += 20) {
      const made = await Promise.all(
        Array.from({ length: 20 }, () =>
          call(holdsRoute, "POST", { body: { customer: customer(), code: code.code, subtotalCents: 1_000 } }),
        ),
      );
      for (const m of made) holdIds.push(m.body.hold.id as string);
    }
    expect(holdIds).toHaveLength(100);
    // The sweep is told it is past every hold's time; the routes answer at the real now, within it.
    const afterExpiry = new Date(Date.now() + 3_600_000);
    // Live holds of the earlier tests expire in this sweep too.
    const othersLive = await db.hold.count({ where: { status: "HELD", id: { notIn: holdIds } } });
    // Both moves on every hold, started in the same tick, which one first alternating by hold; the sweep beside them.
    const settle = (i: number, move: "capture" | "release") =>
      call(move === "capture" ? captureRoute : releaseRoute, "POST", { params: { id: holdIds[i]! } });
    const [moves, sweeps] = await Promise.all([
      race(200, (j) => {
        const i = j >> 1;
        return settle(i, (j + i) % 2 === 0 ? "capture" : "release");
      }),
      race(3, () => expireHolds(db, afterExpiry)),
    ]);
    const answerOf = (i: number, move: "capture" | "release") => {
      const j = 2 * i + ((move === "capture") === (i % 2 === 0) ? 0 : 1);
      const settled = moves[j]!;
      return settled.status === "fulfilled" ? settled.value : null;
    };
    const holds = await db.hold.findMany({ where: { id: { in: holdIds } }, select: { id: true, status: true } });
    const final = new Map(holds.map((h) => [h.id, h.status]));
    const outcomes: Record<string, number> = {};
    for (const [i, id] of holdIds.entries()) {
      const status = final.get(id)!;
      outcomes[status] = (outcomes[status] ?? 0) + 1;
      const capture = answerOf(i, "capture");
      const release = answerOf(i, "release");
      // Each answer tells the truth about the one outcome: capture succeeded only if the hold is captured.
      expect(capture?.status === 200 && capture.body.changed, id).toBe(status === "CAPTURED");
      expect(release?.status === 200 && release.body.changed && release.body.status === "released", id).toBe(
        status === "RELEASED",
      );
      if (status !== "CAPTURED") expect(capture?.status, id).toBe(409);
    }
    const swept = sweeps.reduce((sum, s) => sum + (s.status === "fulfilled" ? s.value.expired : 0), 0);
    console.log(`capture vs release vs expiry on 100 API holds: ${JSON.stringify(outcomes)}, swept ${swept}`);
    expect(Object.keys(outcomes).every((s) => ["CAPTURED", "RELEASED", "EXPIRED"].includes(s))).toBe(true);
    expect(swept).toBe((outcomes.EXPIRED ?? 0) + othersLive);
    // Only captured holds keep the code's uses.
    expect((await db.coupon.findUniqueOrThrow({ where: { id: code.id } })).redeemedCount).toBe(outcomes.CAPTURED ?? 0);
    expect(await violations()).toEqual([]);
  });

  it("the same Idempotency-Key sent twice at once makes one hold; the other gets its answer, replayed", async () => {
    const who = await customerWithCredit(1_000);
    const idempotencyKey = newKey();
    const body = { customer: who, subtotalCents: 1_000, creditCents: 700 };
    const [first, second] = await Promise.all([
      call(holdsRoute, "POST", { body, idempotencyKey }),
      call(holdsRoute, "POST", { body, idempotencyKey }),
    ]);
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(first.body.hold.id).toBe(second.body.hold.id);
    expect([first.replayed, second.replayed].sort()).toEqual(["true", null].sort());
    const user = await db.user.findUniqueOrThrow({ where: { storeCustomerId: who.id } });
    expect(await db.hold.count({ where: { userId: user.id } })).toBe(1);
    expect(user.balanceCents).toBe(300);
    expect(await violations()).toEqual([]);
  });
});

describe("the API's keys", () => {
  /** Every /api/v1 operation, with a well-formed call and the scope it needs. */
  async function operations() {
    const who = await customerWithCredit(500);
    const held = await call(holdsRoute, "POST", { body: { customer: who, subtotalCents: 500, creditCents: 100 } });
    const holdId = held.body.hold.id as string;
    const code = await makeCoupon(db, { valueCents: 100, maxRedemptions: 10 });
    return [
      {
        scope: "checkout",
        handler: validateRoute,
        method: "POST",
        body: { customer: who, code: code.code, subtotalCents: 500 },
      },
      {
        scope: "checkout",
        handler: holdsRoute,
        method: "POST",
        body: { customer: who, subtotalCents: 500, creditCents: 100 },
      },
      { scope: "read", handler: holdRoute, method: "GET", params: { id: holdId } },
      { scope: "checkout", handler: captureRoute, method: "POST", params: { id: holdId } },
      { scope: "checkout", handler: releaseRoute, method: "POST", params: { id: holdId } },
      { scope: "checkout", handler: refundRoute, method: "POST", params: { id: holdId }, body: {} },
      { scope: "redeem", handler: redemptionsRoute, method: "POST", body: { customer: who, code: code.code } },
      { scope: "read", handler: customerRoute, method: "GET", params: { id: who.id } },
      {
        scope: "checkout",
        handler: creditRoute,
        method: "POST",
        params: { id: who.id },
        body: { amountCents: 100, reason: "Matrix" },
      },
    ] as const;
  }

  it("no key, an unknown or malformed key, a revoked key (at once) and a key without the scope: 401/403, nothing changed", async () => {
    const ops = await operations();
    const revoked = await keyWith(["read", "redeem", "checkout"]);
    const revokedId = (
      await db.apiKey.findFirstOrThrow({ where: { prefix: revoked.split("_").slice(0, 3).join("_") } })
    ).id;
    // It works until it is revoked; the next request is refused.
    expect((await call(holdRoute, "GET", { params: ops[2].params, bearer: revoked })).status).toBe(200);
    await revokeApiKey(db, revokedId, null);
    const wrongScopes = await Promise.all(
      ops.map((op) => keyWith((["read", "redeem", "checkout"] as const).filter((s) => s !== op.scope))),
    );
    const before = await snapshot(db);
    for (const [i, op] of ops.entries()) {
      const wrongScope = wrongScopes[i]!;
      const request = { params: "params" in op ? op.params : {}, body: "body" in op ? op.body : undefined };
      const cases: [string, string | null, number, string][] = [
        ["no key", null, 401, "invalid_api_key"],
        ["unknown key", `once_live_000000000000_${"x".repeat(43)}`, 401, "invalid_api_key"],
        ["malformed key", "not-a-key", 401, "invalid_api_key"],
        ["revoked key", revoked, 401, "invalid_api_key"],
        ["wrong scope", wrongScope, 403, "insufficient_scope"],
      ];
      for (const [what, bearer, status, reason] of cases) {
        const answer = await call(op.handler, op.method, { ...request, bearer });
        expect({ what, scope: op.scope, status: answer.status, reason: answer.body.reason }).toEqual({
          what,
          scope: op.scope,
          status,
          reason,
        });
      }
    }
    expect(await snapshot(db)).toBe(before);
  });
});
