/**
 * Every server action and admin route refuses callers below its level and changes nothing, and works
 * for the callers it is for. Server actions are found by reading app/: every export of every
 * `actions.ts` is one, and the suite fails when one has no case below, so an action added later
 * without a refusal test cannot pass. Each action runs as Next.js would run it, through the real
 * exported function; only who is signed in (the session) and which database are set by the test.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createDb, type Db } from "@/lib/db/client";
import { redeemCoupon } from "@/lib/redemptions";
import { placeOrder } from "@/lib/checkout/place-order";
import { generateBatch } from "@/lib/admin/bulk";
import { fulfilOrder } from "@/lib/admin/fulfil-order";
import { createApiKey } from "@/lib/api-keys";
import { ADMIN_ROUTES, runAdminRoute } from "@/lib/web/admin-routes";
import { createEndpoint } from "@/lib/webhooks/endpoints";
import { freshDatabase, makeCoupon, makeUsers, newKey, type TestDatabase } from "./helpers";
import { makeAdminAndCustomer, snapshot } from "./admin-helpers";

const request = vi.hoisted(() => ({ userId: null as string | null, db: null as unknown }));
vi.mock("@/lib/web/session", async () => {
  const { findCurrentUser } = await import("@/lib/current-user");
  return {
    sessionUserId: async () => request.userId,
    actingUser: (db: Db) => findCurrentUser(db, request.userId),
  };
});
vi.mock("@/lib/db/client", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/db/client")>()),
  getDb: () => request.db,
}));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));
vi.mock("next/headers", () => ({ headers: async () => new Headers({ "user-agent": "access-test" }) }));

let test: TestDatabase;
let db: Db;
let adminId: string;
let customerId: string;
let couponId: string;
let couponCode: string;
let redemptionId: string;
let batchId: string;
let productId: string;
let archivableCouponId: string;
let disablableCustomerId: string;
const lockedKey = `redeem-customer:${newKey()}`;
let trackedProductId: string;
let orderId: string;
let fulfilledOrderId: string;
let refundableOrderId: string;
let customerOrderId: string;
let webhookEndpointId: string;
let toggledEndpointId: string;
let webhookDeliveryId: string;
let apiKeyId: string;

beforeAll(async () => {
  test = await freshDatabase(4);
  db = test.db;
  request.db = db;
  ({ adminId, customerId } = await makeAdminAndCustomer(db));
  const coupon = await makeCoupon(db, { maxRedemptions: 10, perUserLimit: 5, valueCents: 700 });
  couponId = coupon.id;
  couponCode = coupon.code;
  const redeemed = await redeemCoupon(db, { userId: customerId, code: coupon.code, idempotencyKey: newKey() });
  if (!redeemed.ok) throw new Error("setup redemption refused");
  redemptionId = redeemed.redemption.id;
  const batch = await generateBatch(db, adminId, { prefix: "ACCESS", quantity: 3, valueCents: 100, expiresAt: null });
  if (!batch.ok) throw new Error("setup batch refused");
  batchId = batch.batch.id;
  archivableCouponId = (await makeCoupon(db)).id;
  disablableCustomerId = (await makeAdminAndCustomer(db)).customerId;
  await db.rateLimit.create({ data: { key: lockedKey, points: 1_000_000, expire: BigInt(Date.now() + 3_600_000) } });
  productId = (await db.product.create({ data: { sku: `ACCESS-${newKey()}`, name: "Access mug", priceCents: 100 } }))
    .id;
  // Another customer's order, paid with their own credit, so the customer's credit above stays whole.
  const [buyerId] = await makeUsers(db, 1, "access-buyer");
  const credit = await makeCoupon(db, { valueCents: 500 });
  if (!(await redeemCoupon(db, { userId: buyerId!, code: credit.code, idempotencyKey: newKey() })).ok)
    throw new Error("setup credit refused");
  const buyerOrder = async () => {
    const ordered = await placeOrder(db, {
      userId: buyerId!,
      lines: [{ sku: (await db.product.findUniqueOrThrow({ where: { id: productId } })).sku, quantity: 1 }],
      idempotencyKey: newKey(),
    });
    if (!ordered.ok) throw new Error(`setup order refused: ${ordered.reason}`);
    return ordered.order.id;
  };
  // One to cancel and one to fulfil: a fulfilled order cannot be cancelled.
  orderId = await buyerOrder();
  fulfilledOrderId = await buyerOrder();
  // A fulfilled order of its own to refund in part (only a fulfilled order is).
  refundableOrderId = await buyerOrder();
  if (!(await fulfilOrder(db, adminId, refundableOrderId)).ok) throw new Error("setup fulfil refused");
  // The customer's own order, for their cancel; its credit comes with it, so the customer's stays whole.
  const ownCredit = await makeCoupon(db, { valueCents: 100 });
  if (!(await redeemCoupon(db, { userId: customerId, code: ownCredit.code, idempotencyKey: newKey() })).ok)
    throw new Error("setup own credit refused");
  const ownOrder = await placeOrder(db, {
    userId: customerId,
    lines: [{ sku: (await db.product.findUniqueOrThrow({ where: { id: productId } })).sku, quantity: 1 }],
    idempotencyKey: newKey(),
  });
  if (!ownOrder.ok) throw new Error(`setup own order refused: ${ownOrder.reason}`);
  customerOrderId = ownOrder.order.id;
  // Webhook endpoints (nothing listens at port 9; no worker runs here), and a delivery to replay.
  const endpoint = async () => {
    const created = await createEndpoint(db, adminId, { url: "http://127.0.0.1:9/hooks", eventTypes: [] });
    if (!created.ok) throw new Error("setup endpoint refused");
    return created.value.id;
  };
  webhookEndpointId = await endpoint();
  toggledEndpointId = await endpoint();
  const hooked = await makeCoupon(db, { valueCents: 100 });
  if (!(await redeemCoupon(db, { userId: customerId, code: hooked.code, idempotencyKey: newKey() })).ok)
    throw new Error("setup webhook event refused");
  webhookDeliveryId = (await db.webhookDelivery.findFirstOrThrow({ where: { endpointId: webhookEndpointId } })).id;
  const apiKey = await createApiKey(db, { name: "Access key", scopes: ["read"] }, null);
  if (!apiKey.ok) throw new Error("setup API key refused");
  apiKeyId = apiKey.key.id;
  trackedProductId = (
    await db.product.create({ data: { sku: `ACCESS-${newKey()}`, name: "Access tee", priceCents: 100, stock: 10 } })
  ).id;
});
afterAll(() => test.drop());

type Level = "anonymous" | "customer" | "admin";
type ServerAction = (...args: unknown[]) => Promise<unknown>;

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.set(name, value);
  return data;
}

const terms = { description: "", value: "5.00", maxRedemptions: "20", perUserLimit: "1", startsAt: "", expiresAt: "" };

/** Each action's level and a valid call, so a refusal can only come from the level check. */
const ACTIONS: Record<string, { level: Level; args: () => unknown[] }> = {
  "app/(auth)/sign-up/actions.ts#signUp": {
    level: "anonymous",
    args: () => [form({ name: "Access", email: `access-${newKey()}@test.once`, password: "access-password" })],
  },
  "app/(customer)/redeem/actions.ts#redeem": {
    level: "customer",
    args: () => [null, form({ code: couponCode, idempotencyKey: newKey() })],
  },
  "app/(customer)/shop/actions.ts#buy": {
    level: "customer",
    args: () => [null, form({ productId, idempotencyKey: newKey() })],
  },
  "app/(customer)/cart/actions.ts#addItem": { level: "customer", args: () => [null, form({ productId })] },
  "app/(customer)/cart/actions.ts#setQuantity": {
    level: "customer",
    args: () => [null, form({ productId, quantity: "2" })],
  },
  "app/(customer)/cart/actions.ts#setCode": { level: "customer", args: () => [null, form({ code: "" })] },
  "app/(customer)/cart/actions.ts#placeOrder": {
    level: "customer",
    args: () => [null, form({ idempotencyKey: newKey() })],
  },
  "app/(customer)/orders/actions.ts#cancel": {
    level: "customer",
    args: () => [null, form({ orderId: customerOrderId })],
  },
  "app/admin/actions.ts#createCouponAction": {
    level: "admin",
    args: () => [null, form({ ...terms, code: `ACCESS-${newKey().slice(0, 8)}` })],
  },
  "app/admin/actions.ts#updateCouponAction": {
    level: "admin",
    args: () => [null, form({ ...terms, couponId, value: "6.00" })],
  },
  "app/admin/actions.ts#setCouponStatusAction": {
    level: "admin",
    args: () => [null, form({ couponId, status: "DISABLED" })],
  },
  "app/admin/actions.ts#changeCouponsAction": {
    level: "admin",
    args: () => [null, form({ couponIds: archivableCouponId, change: "archive" })],
  },
  "app/admin/customers/actions.ts#adjustCreditAction": {
    level: "admin",
    args: () => [
      null,
      form({ customerId, direction: "credit", amount: "1.00", reason: "Access test", idempotencyKey: newKey() }),
    ],
  },
  "app/admin/customers/actions.ts#setCustomerDisabledAction": {
    level: "admin",
    args: () => [null, form({ customerId: disablableCustomerId, disabled: "true" })],
  },
  "app/admin/attempts/actions.ts#clearRateLimitLockAction": {
    level: "admin",
    args: () => [null, form({ key: lockedKey })],
  },
  "app/admin/actions.ts#revokeRedemptionAction": { level: "admin", args: () => [null, form({ redemptionId })] },
  "app/admin/products/actions.ts#createProductAction": {
    level: "admin",
    args: () => [null, form({ sku: `ACCESS-${newKey().slice(0, 8)}`, name: "Access cap", price: "3.50", stock: "4" })],
  },
  "app/admin/products/actions.ts#adjustStockAction": {
    level: "admin",
    args: () => [null, form({ productId: trackedProductId, change: "-1" })],
  },
  "app/admin/orders/actions.ts#cancelOrderAction": { level: "admin", args: () => [null, form({ orderId })] },
  "app/admin/orders/actions.ts#fulfilOrderAction": {
    level: "admin",
    args: () => [null, form({ orderId: fulfilledOrderId })],
  },
  "app/admin/orders/actions.ts#refundOrderAction": {
    level: "admin",
    args: () => [
      null,
      form({
        orderId: refundableOrderId,
        by: "amount",
        amount: "0.10",
        reason: "Access test",
        idempotencyKey: newKey(),
      }),
    ],
  },
  // A real change, so the admin's call leaves its audit entry.
  "app/admin/settings/actions.ts#setTimeZoneAction": {
    level: "admin",
    args: () => [null, form({ timeZone: "Europe/Berlin" })],
  },
  "app/admin/webhooks/actions.ts#createEndpointAction": {
    level: "admin",
    args: () => [null, form({ url: "https://store.example/hooks", eventTypes: "order.placed,hold.created" })],
  },
  "app/admin/webhooks/actions.ts#setEndpointEnabledAction": {
    level: "admin",
    args: () => [null, form({ endpointId: toggledEndpointId, enabled: "false" })],
  },
  "app/admin/webhooks/actions.ts#sendTestEventAction": {
    level: "admin",
    args: () => [null, form({ endpointId: webhookEndpointId })],
  },
  "app/admin/webhooks/actions.ts#replayDeliveryAction": {
    level: "admin",
    args: () => [null, form({ deliveryId: webhookDeliveryId })],
  },
  "app/admin/api-keys/actions.ts#createApiKeyAction": {
    level: "admin",
    args: () => [null, form({ name: "Access test key", scopes: "redeem,read" })],
  },
  "app/admin/api-keys/actions.ts#revokeApiKeyAction": { level: "admin", args: () => [null, form({ keyId: apiKeyId })] },
  "app/admin/actions.ts#setBatchStatusAction": {
    level: "admin",
    args: () => [null, form({ batchId, status: "DISABLED" })],
  },
};

const root = path.resolve(import.meta.dirname, "..");
const actionModules = import.meta.glob<Record<string, unknown>>("../app/**/actions.ts");

async function serverActions(): Promise<Map<string, ServerAction>> {
  const found = new Map<string, ServerAction>();
  for (const [file, load] of Object.entries(actionModules)) {
    for (const [name, value] of Object.entries(await load())) {
      if (typeof value === "function")
        found.set(`${path.relative(root, path.resolve(import.meta.dirname, file))}#${name}`, value as ServerAction);
    }
  }
  return found;
}

async function action(key: string): Promise<ServerAction> {
  const found = (await serverActions()).get(key);
  if (!found) throw new Error(`no server action ${key}`);
  return found;
}

/** The answer inside whichever state a form keeps (keyed forms and echoing forms wrap it). */
function resultOf(answer: unknown): { ok: boolean; reason?: string } {
  const state = answer as { result?: { ok: boolean; reason?: string } };
  return state && typeof state === "object" && "result" in state ? state.result! : (answer as { ok: boolean });
}

async function callAs(userId: string | null, key: string, args: unknown[]) {
  request.userId = userId;
  try {
    return resultOf(await (await action(key))(...args));
  } finally {
    request.userId = null;
  }
}

/** Next.js signals a redirect by throwing; a created coupon redirects to its page. */
async function callExpectingRedirectOrAnswer(userId: string, key: string, args: unknown[]) {
  try {
    return await callAs(userId, key, args);
  } catch (error) {
    const digest = (error as { digest?: unknown }).digest;
    if (typeof digest === "string" && digest.startsWith("NEXT_REDIRECT")) return { ok: true, redirect: digest };
    throw error;
  }
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

const UNKNOWN_USER = "00000000-0000-4000-8000-000000000000";

describe("server actions", () => {
  it("are all in app/**/actions.ts files, and every one has a case here", async () => {
    const withDirective: string[] = [];
    for (const file of await filesUnder(path.join(root, "app"))) {
      if (/^\s*["']use server["']/m.test(await readFile(file, "utf8"))) withDirective.push(path.relative(root, file));
    }
    expect(withDirective.filter((file) => path.basename(file) !== "actions.ts")).toEqual([]);
    expect([...(await serverActions()).keys()].sort()).toEqual(Object.keys(ACTIONS).sort());
  });

  for (const [key, { level, args }] of Object.entries(ACTIONS)) {
    it(`${key} (${level}): refuses every caller below its level, before reading the form, and changes nothing`, async () => {
      const before = await snapshot(db);
      // Posted with no arguments at all, as a hand-made request can be: a clean refusal, not an exception.
      expect(await callAs(null, key, [])).toMatchObject({
        ok: false,
        reason: level === "anonymous" ? "invalid" : "unauthenticated",
      });
      if (level !== "anonymous") {
        expect(await callAs(null, key, args())).toMatchObject({ ok: false, reason: "unauthenticated" });
        expect(await callAs(UNKNOWN_USER, key, args())).toMatchObject({ ok: false, reason: "unauthenticated" });
      }
      if (level === "admin") {
        expect(await callAs(customerId, key, args())).toMatchObject({ ok: false, reason: "forbidden" });
      }
      expect(await snapshot(db)).toBe(before);
    });
  }

  it("a customer promoted to admin is recognised at once, and demoted is refused at once (role re-read per call)", async () => {
    const setStatus = "app/admin/actions.ts#setCouponStatusAction";
    await db.user.update({ where: { id: customerId }, data: { role: "ADMIN" } });
    expect(await callAs(customerId, setStatus, [null, form({ couponId, status: "ACTIVE" })])).toMatchObject({
      ok: true,
    });
    await db.user.update({ where: { id: customerId }, data: { role: "CUSTOMER" } });
    expect(await callAs(customerId, setStatus, [null, form({ couponId, status: "DISABLED" })])).toMatchObject({
      ok: false,
      reason: "forbidden",
    });
  });

  it("each admin action works for an admin and leaves one audit entry naming them", async () => {
    for (const [key, { level, args }] of Object.entries(ACTIONS)) {
      if (level !== "admin") continue;
      const entries = await db.adminAuditEntry.count({ where: { actorId: adminId } });
      expect(await callExpectingRedirectOrAnswer(adminId, key, args()), key).toMatchObject({ ok: true });
      expect(await db.adminAuditEntry.count({ where: { actorId: adminId } }), key).toBe(entries + 1);
    }
  });

  it("customer actions work for a customer; sign-up works for anyone", async () => {
    await db.coupon.update({ where: { id: couponId }, data: { status: "ACTIVE" } });
    await db.user.update({ where: { id: customerId }, data: { balanceCents: { increment: 10_000 } } });
    for (const [key, { level, args }] of Object.entries(ACTIONS)) {
      if (level === "admin") continue;
      expect(await callAs(level === "customer" ? customerId : null, key, args()), key).toMatchObject({ ok: true });
    }
  });

  it("a keyed form keeps its key after an answer that decided nothing, and gets a fresh one after a decided answer", async () => {
    const redeem = await action("app/(customer)/redeem/actions.ts#redeem");
    const key = newKey();
    request.userId = null;
    const signedOut = (await redeem(null, form({ code: couponCode, idempotencyKey: key }))) as {
      key: string;
      values: { code: string };
      answer: number;
    };
    expect(signedOut).toMatchObject({ key, values: { code: couponCode }, answer: 1 });
    request.userId = customerId;
    try {
      const refused = (await redeem(signedOut, form({ code: "NO-SUCH-CODE", idempotencyKey: key }))) as {
        key: string;
        answer: number;
      };
      expect(refused).toMatchObject({ result: { ok: false, reason: "unknown_code" }, answer: 2 });
      expect(refused.key).not.toBe(key);
    } finally {
      request.userId = null;
    }
  });

  it("a database that cannot be reached answers busy, not an error", async () => {
    const unreachable = createDb("postgresql://once:once@127.0.0.1:9/once", { max: 1, connectionTimeoutMillis: 2_000 });
    request.db = unreachable;
    try {
      expect(
        await callAs(
          customerId,
          "app/(customer)/redeem/actions.ts#redeem",
          ACTIONS["app/(customer)/redeem/actions.ts#redeem"]!.args(),
        ),
      ).toMatchObject({ ok: false, reason: "busy" });
    } finally {
      request.db = db;
      await unreachable.$disconnect();
    }
  });
});

const routeRequests: Record<keyof typeof ADMIN_ROUTES, () => { request: Request; params: Record<string, string> }> = {
  exportRedemptions: () => ({ request: new Request("http://once.test/api/admin/redemptions/export"), params: {} }),
  exportAttempts: () => ({ request: new Request("http://once.test/api/admin/attempts/export"), params: {} }),
  exportActivity: () => ({ request: new Request("http://once.test/api/admin/activity/export"), params: {} }),
  exportCoupons: () => ({ request: new Request("http://once.test/api/admin/coupons/export?status=all"), params: {} }),
  exportOrders: () => ({ request: new Request("http://once.test/api/admin/orders/export"), params: {} }),
  exportCustomers: () => ({ request: new Request("http://once.test/api/admin/customers/export"), params: {} }),
  batchCodes: () => ({
    request: new Request(`http://once.test/api/admin/batches/${batchId}/codes`),
    params: { id: batchId },
  }),
  generateBatch: () => ({
    request: new Request("http://once.test/api/admin/batches", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ prefix: "REPLAY", quantity: "5", value: "1.00", expiresAt: "" }),
    }),
    params: {},
  }),
};

describe("admin routes", () => {
  it("cover every registered route", () => {
    expect(Object.keys(routeRequests).sort()).toEqual(Object.keys(ADMIN_ROUTES).sort());
  });

  for (const name of Object.keys(ADMIN_ROUTES) as (keyof typeof ADMIN_ROUTES)[]) {
    it(`${name}: 401 for anonymous, 403 for a customer, nothing changed`, async () => {
      const before = await snapshot(db);
      const anon = routeRequests[name]();
      expect(
        (await runAdminRoute(ADMIN_ROUTES[name], anon.request, { db, userId: undefined, params: anon.params })).status,
      ).toBe(401);
      const customer = routeRequests[name]();
      const refused = await runAdminRoute(ADMIN_ROUTES[name], customer.request, {
        db,
        userId: customerId,
        params: customer.params,
      });
      expect(refused.status).toBe(403);
      expect(await refused.json()).toMatchObject({ reason: "forbidden" });
      expect(await snapshot(db)).toBe(before);
    });
  }

  it("an admin generating a batch gets progress lines and the codes", async () => {
    const { request, params } = routeRequests.generateBatch();
    const response = await runAdminRoute(ADMIN_ROUTES.generateBatch, request, { db, userId: adminId, params });
    expect(response.status).toBe(200);
    const lines = (await response.text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string; batchId?: string });
    expect(lines.at(0)).toMatchObject({ type: "progress", inserted: 5, total: 5 });
    expect(lines.at(-1)).toMatchObject({ type: "done", generated: 5 });
    expect(await db.coupon.count({ where: { batchId: lines.at(-1)!.batchId } })).toBe(5);
  });
});

describe("admin pages", () => {
  // A page renders outside the layout's check on client navigation, so each one guards itself first
  // (the HTTP answers per role are e2e/authorization-matrix.spec.ts).
  it("every app/admin/**/page.tsx, the order page too, calls requireAdminPage before it reads anything", async () => {
    const pages = (await filesUnder(path.join(root, "app/admin"))).filter((f) => path.basename(f) === "page.tsx");
    expect(pages.map((f) => path.relative(root, f))).toContain("app/admin/orders/[id]/page.tsx");
    for (const file of pages) {
      const source = await readFile(file, "utf8");
      const body = source.slice(source.indexOf("export default async function"));
      const guard = body.indexOf("await requireAdminPage()");
      expect(guard, `${path.relative(root, file)} calls requireAdminPage`).toBeGreaterThan(0);
      const firstRead = body.search(/getDb\(\)|await get[A-Z]\w*\(|await list[A-Z]\w*\(/);
      if (firstRead >= 0) expect(guard, `${path.relative(root, file)} reads before its guard`).toBeLessThan(firstRead);
    }
  });
});

describe("the audit log is append-only", () => {
  it("refuses UPDATE, DELETE and TRUNCATE", async () => {
    await expect(db.$executeRaw`UPDATE admin_audit_log SET summary = 'rewritten'`).rejects.toThrow(/append-only/);
    await expect(db.$executeRaw`DELETE FROM admin_audit_log`).rejects.toThrow(/append-only/);
    await expect(db.$executeRaw`TRUNCATE admin_audit_log`).rejects.toThrow(/append-only/);
    expect(await db.adminAuditEntry.count()).toBeGreaterThan(0);
  });
});
