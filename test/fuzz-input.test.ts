/**
 * Fuzzing (issue 13, item 8): every server action and every JSON route handler gets oversized,
 * malformed, wrong-typed and unicode input from fast-check, as the caller it is for (the deepest path).
 * Each call must answer (a typed result, or a response below 500), never throw; an answer that is a
 * refusal must have changed nothing (no partial write); and every invariant holds at the end. Actions
 * run through their real exported functions, routes through their real handlers; only the session and
 * the database are set by the test (as in admin-access.test.ts).
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Db } from "@/lib/db/client";
import { snapshot } from "@/lib/db/snapshot";
import { findViolations } from "@/lib/invariants";
import { redeemCoupon } from "@/lib/redemptions";
import { ADMIN_ROUTES, runAdminRoute } from "@/lib/web/admin-routes";
import { freshDatabase, makeCoupon, newKey, type TestDatabase } from "./helpers";
import { makeAdminAndCustomer } from "./admin-helpers";

const request = vi.hoisted(() => ({ userId: null as string | null, db: null as unknown }));
vi.mock("@/lib/web/session", async () => {
  const { findCurrentUser } = await import("@/lib/current-user");
  return {
    sessionUserId: async () => request.userId,
    actingUser: async (db: Db) => findCurrentUser(db, request.userId),
    getCurrentUser: async () => findCurrentUser(request.db as Db, request.userId),
  };
});
vi.mock("@/lib/db/client", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/db/client")>()),
  getDb: () => request.db,
}));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));
vi.mock("next/headers", () => ({ headers: async () => new Headers({ "user-agent": "fuzz-test" }) }));

const CASES = Number(process.env.FUZZ_CASES ?? 25);

let test: TestDatabase;
let db: Db;
let adminId: string;
let customerId: string;
let calls = 0;

beforeAll(async () => {
  test = await freshDatabase(4);
  db = test.db;
  request.db = db;
  ({ adminId, customerId } = await makeAdminAndCustomer(db));
  const coupon = await makeCoupon(db, { maxRedemptions: 1_000, perUserLimit: 1_000 });
  await redeemCoupon(db, { userId: customerId, code: coupon.code, idempotencyKey: newKey() });
});
afterAll(async () => {
  console.log(`\nfuzz: ${calls} calls`);
  await test.drop();
});

/** Text a form or a JSON body might carry: odd unicode, lone surrogates, NUL, numbers out of range, huge. */
const nasty = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "a\u0000b",
    "\uD800",
    "\u202Eevil",
    "ＳＡＶＥ１０",
    "0000-01-01T00:00",
    "2026-02-30T10:00",
    "9999-12-31T23:59",
    "-1",
    "1e309",
    "NaN",
    "9223372036854775808",
    "00000000-0000-0000-0000-000000000000",
    "DISABLED",
    "ACTIVE",
    "<script>alert(1)</script>",
    "=cmd|' /C calc'!A0",
    "x".repeat(100_000),
  ),
);

/** Form fields: the ones the actions read, plus names nobody expects. */
const FIELDS = [
  "code",
  "idempotencyKey",
  "productId",
  "name",
  "email",
  "password",
  "couponId",
  "redemptionId",
  "batchId",
  "status",
  "description",
  "value",
  "maxRedemptions",
  "perUserLimit",
  "startsAt",
  "expiresAt",
  "counter",
  "noRedeemAfterRevoke",
  "firstOrderOnly",
  "kind",
  "percentOff",
  "minSubtotal",
  "productIds",
  "quantity",
  "orderId",
  "customerId",
  "direction",
  "amount",
  "reason",
  "key",
  "sku",
  "price",
  "stock",
  "change",
  "couponIds",
  "disabled",
  "__proto__",
  "$ACTION_ID_x",
];
const formData = fc.dictionary(fc.constantFrom(...FIELDS), nasty, { maxKeys: 12 }).map((fields) => {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.append(name, value);
  return data;
});
/** What a hand-made request can make an action receive: forms, or anything else React can encode. */
const actionArgs = fc.oneof(
  formData.map((f) => [null, f]),
  formData.map((f) => [f]),
  fc.array(fc.oneof(fc.anything(), formData), { maxLength: 3 }),
);

type ServerAction = (...args: unknown[]) => Promise<unknown>;
const actionModules = import.meta.glob<Record<string, unknown>>("../app/**/actions.ts");
const LEVEL: Record<string, "anonymous" | "customer" | "admin"> = {
  "../app/(auth)/sign-up/actions.ts": "anonymous",
  "../app/(customer)/redeem/actions.ts": "customer",
  "../app/(customer)/shop/actions.ts": "customer",
  "../app/(customer)/cart/actions.ts": "customer",
  "../app/(customer)/orders/actions.ts": "customer",
  "../app/admin/actions.ts": "admin",
  "../app/admin/attempts/actions.ts": "admin",
  "../app/admin/customers/actions.ts": "admin",
  "../app/admin/orders/actions.ts": "admin",
  "../app/admin/products/actions.ts": "admin",
  "../app/admin/settings/actions.ts": "admin",
  "../app/admin/api-keys/actions.ts": "admin",
  "../app/admin/webhooks/actions.ts": "admin",
};

/** The answer inside whichever state a form keeps. */
function answerOf(value: unknown): Answer {
  const state = value as { result?: Answer } | Answer;
  return "result" in state ? state.result! : (state as Answer);
}
type Answer = { ok: boolean; reason?: string };

const isRedirect = (error: unknown) => String((error as { digest?: unknown }).digest ?? "").startsWith("NEXT_REDIRECT");

describe("server actions", () => {
  it("the action files fuzzed here are all of them", () => {
    expect(Object.keys(actionModules).sort()).toEqual(Object.keys(LEVEL).sort());
  });

  for (const [file, level] of Object.entries(LEVEL)) {
    it(`${file}: every export answers any input as ${level}, and a refusal writes nothing`, async () => {
      const actions = Object.entries(await actionModules[file]!()).filter(([, v]) => typeof v === "function");
      request.userId = level === "admin" ? adminId : level === "customer" ? customerId : null;
      try {
        await fc.assert(
          fc.asyncProperty(fc.constantFrom(...actions), actionArgs, async ([name, action], args) => {
            calls++;
            const before = await snapshot(db);
            let answer: Answer;
            try {
              answer = answerOf(await (action as ServerAction)(...args));
            } catch (error) {
              // A created coupon opens its page: Next.js redirects by throwing. Anything else is a 500.
              if (!isRedirect(error)) throw new Error(`${name} threw: ${String(error)}`);
              answer = { ok: true };
            }
            expect(typeof answer.ok, name).toBe("boolean");
            // "failed" is what the action builder answers for an unexpected error: an action's 500.
            expect(answer.reason, `${name} failed unexpectedly`).not.toBe("failed");
            if (!answer.ok) expect(await snapshot(db), `${name} refused but wrote`).toBe(before);
          }),
          { numRuns: CASES * actions.length },
        );
      } finally {
        request.userId = null;
      }
    });
  }
});

/** A JSON body: valid JSON of the wrong shape, malformed text, or an oversized document. */
const jsonBody = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc
    .record({ code: nasty, prefix: nasty, quantity: nasty, value: nasty, expiresAt: nasty }, { requiredKeys: [] })
    .map((v) => JSON.stringify(v)),
  fc.string({ unit: "binary", maxLength: 60 }),
  fc.constantFrom("{", '{"code": "\\u0000"}', "[]", "null", '"x"', `{"code":"${"A".repeat(20_000)}"}`),
);
/** An order-shaped body whose values may be anything, a real product's sku among them. */
const orderBody = fc
  .record(
    {
      lines: fc.oneof(
        nasty,
        fc.array(
          fc.record(
            { sku: fc.oneof(nasty, fc.constant("LIMITED-TEE")), quantity: fc.oneof(fc.integer(), fc.double(), nasty) },
            { requiredKeys: [] },
          ),
          { maxLength: 60 },
        ),
      ),
      discountCode: fc.oneof(nasty, fc.constant(null)),
    },
    { requiredKeys: [] },
  )
  .map((v) => JSON.stringify(v));
const contentType = fc.constantFrom("application/json", "application/json; charset=utf-8", "text/plain", "");

describe("JSON route handlers", () => {
  const routes = [
    {
      name: "POST /api/redemptions",
      body: jsonBody,
      call: async (request: Request) =>
        (await import("@/app/api/redemptions/route")).POST(request, { params: Promise.resolve({}) }),
    },
    {
      name: "POST /api/orders",
      body: fc.oneof(jsonBody, orderBody),
      call: async (request: Request) =>
        (await import("@/app/api/orders/route")).POST(request, { params: Promise.resolve({}) }),
    },
    {
      name: "POST /api/orders/{id}/cancel",
      body: jsonBody,
      call: async (request: Request, id: string) =>
        (await import("@/app/api/orders/[id]/cancel/route")).POST(request, { params: Promise.resolve({ id }) }),
    },
  ];
  for (const route of routes) {
    it(`${route.name} answers every request below 500, and a refusal writes nothing`, async () => {
      request.userId = customerId;
      try {
        await fc.assert(
          fc.asyncProperty(
            route.body,
            contentType,
            fc.oneof(nasty, fc.uuid()),
            fc.oneof(nasty, fc.uuid()),
            async (body, type, key, id) => {
              calls++;
              const before = await snapshot(db);
              // A header carries bytes: what a client can send of the text, as Node would read it.
              const headers: Record<string, string> = {
                "Idempotency-Key": key.slice(0, 1_000).replace(/[^\x20-\x7e]/g, "?"),
              };
              if (type) headers["Content-Type"] = type;
              const response = await route.call(
                new Request("http://once.test/api", { method: "POST", headers, body }),
                id,
              );
              expect(response.status).toBeLessThan(500);
              if (response.status >= 400) expect(await snapshot(db)).toBe(before);
            },
          ),
          { numRuns: CASES * 4 },
        );
      } finally {
        request.userId = null;
      }
    });
  }

  it("POST /api/admin/batches answers every body below 500, and a refusal writes nothing", async () => {
    await fc.assert(
      fc.asyncProperty(jsonBody, contentType, async (body, type) => {
        calls++;
        const before = await snapshot(db);
        const headers: Record<string, string> = type ? { "Content-Type": type } : {};
        const response = await runAdminRoute(
          ADMIN_ROUTES.generateBatch,
          new Request("http://once.test/api/admin/batches", { method: "POST", headers, body }),
          { db, userId: adminId, params: {} },
        );
        expect(response.status).toBeLessThan(500);
        // A stream that starts is a batch being generated: it ends in "done" or "error", never mid-way.
        if (response.status === 200) expect(await response.text()).toMatch(/"type":"(done|error)"[^\n]*\n$/);
        else expect(await snapshot(db)).toBe(before);
      }),
      { numRuns: CASES * 2 },
    );
  });

  it("GET /api/admin/redemptions/export and the batch codes answer any query below 500", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom("code", "email", "status", "from", "to", "after"), nasty, { maxKeys: 4 }),
        fc.oneof(nasty, fc.uuid()),
        async (query, batchId) => {
          calls++;
          const search = new URLSearchParams(query).toString();
          const exported = await runAdminRoute(
            ADMIN_ROUTES.exportRedemptions,
            new Request(`http://once.test/api/admin/redemptions/export?${search}`),
            { db, userId: adminId, params: {} },
          );
          expect(exported.status).toBeLessThan(500);
          await exported.text();
          const codes = await runAdminRoute(
            ADMIN_ROUTES.batchCodes,
            new Request("http://once.test/api/admin/batches/x/codes"),
            { db, userId: adminId, params: { id: batchId } },
          );
          expect(codes.status).toBeLessThan(500);
          await codes.text();
        },
      ),
      { numRuns: CASES * 2 },
    );
  });

  it("every invariant holds after all of it", async () => {
    expect(await findViolations(db)).toEqual([]);
  });
});
