import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { type APIRequestContext, type APIResponse, expect, request as playwrightRequest, test } from "@playwright/test";
import { generateBatch } from "@/lib/admin/bulk";
import { placeOrder } from "@/lib/checkout/place-order";
import { redeemCoupon } from "@/lib/redemptions";
import { snapshot } from "@/lib/db/snapshot";
import { createCustomer, createTestCoupon, e2eDb, signInApi, uniqueTag } from "./support";
import { createEndpoint } from "@/lib/webhooks/endpoints";

/**
 * The authorization matrix of issue 13, over HTTP against the production build: every page
 * (app/**\/page.tsx), every route handler method (app/**\/route.ts) and every server action (the build's
 * server-reference-manifest.json) is called as anonymous, customer and admin, and answers what the
 * tables below say. Refusals must not contain any of the data the callers may not see, and refused
 * actions change nothing. The tables are checked against the route tree and the build: a page, route,
 * method or action added without an entry fails this suite. Server actions are invoked directly with
 * their action id, as a hand-made request would, bypassing every UI.
 */

const ROOT = path.resolve(import.meta.dirname, "..");
const ROLES = ["anonymous", "customer", "admin"] as const;
type Role = (typeof ROLES)[number];
/** `sign-in`: a redirect to the sign-in page; `redirect`: a redirect elsewhere (signed-in user on /sign-in). */
type Expected = number | "sign-in" | "redirect";

const PUBLIC: Record<Role, Expected> = { anonymous: 200, customer: 200, admin: 200 };
const SIGNED_OUT_ONLY: Record<Role, Expected> = { anonymous: 200, customer: "redirect", admin: "redirect" };
const CUSTOMER: Record<Role, Expected> = { anonymous: "sign-in", customer: 200, admin: 200 };
const ADMIN: Record<Role, Expected> = { anonymous: 401, customer: 403, admin: 200 };

interface Fixture {
  couponId: string;
  batchId: string;
  productId: string;
  productSku: string;
  redemptionId: string;
  /** A customer other than the caller, whose admin page the matrix opens. */
  customerId: string;
  /** That customer's order: its admin page, and on the customer's order page someone else's order. */
  orderId: string;
  /** A webhook endpoint (nothing listens there; it takes coupon.exhausted only). */
  endpointId: string;
  /** Strings only an admin may see: a coupon's code and description, another customer's email, a batch prefix. */
  secrets: string[];
}

/** Pages, by file under app/, with the URL to request and the expected answer per role. */
const PAGES: Record<string, { url: (f: Fixture) => string; expect: Record<Role, Expected> }> = {
  "page.tsx": { url: () => "/", expect: PUBLIC },
  "(auth)/sign-in/page.tsx": { url: () => "/sign-in", expect: SIGNED_OUT_ONLY },
  "(auth)/sign-up/page.tsx": { url: () => "/sign-up", expect: SIGNED_OUT_ONLY },
  "(customer)/redeem/page.tsx": { url: () => "/redeem", expect: CUSTOMER },
  "(customer)/wallet/page.tsx": { url: () => "/wallet", expect: CUSTOMER },
  "(customer)/shop/page.tsx": { url: () => "/shop", expect: CUSTOMER },
  "(customer)/cart/page.tsx": { url: () => "/cart", expect: CUSTOMER },
  "(customer)/orders/page.tsx": { url: () => "/orders", expect: CUSTOMER },
  // Another customer's order: no one but its customer sees it, an admin included (theirs is /admin/orders/{id}).
  "(customer)/orders/[id]/page.tsx": {
    url: (f) => `/orders/${f.orderId}`,
    expect: { anonymous: "sign-in", customer: 404, admin: 404 },
  },
  "admin/page.tsx": { url: () => "/admin", expect: ADMIN },
  "admin/coupons/page.tsx": { url: () => "/admin/coupons", expect: ADMIN },
  "admin/coupons/new/page.tsx": { url: () => "/admin/coupons/new", expect: ADMIN },
  "admin/coupons/[id]/page.tsx": { url: (f) => `/admin/coupons/${f.couponId}`, expect: ADMIN },
  "admin/batches/page.tsx": { url: () => "/admin/batches", expect: ADMIN },
  "admin/redemptions/page.tsx": { url: () => "/admin/redemptions", expect: ADMIN },
  "admin/attempts/page.tsx": { url: () => "/admin/attempts", expect: ADMIN },
  "admin/activity/page.tsx": { url: () => "/admin/activity", expect: ADMIN },
  "admin/products/page.tsx": { url: () => "/admin/products", expect: ADMIN },
  "admin/settings/page.tsx": { url: () => "/admin/settings", expect: ADMIN },
  "admin/orders/page.tsx": { url: () => "/admin/orders", expect: ADMIN },
  "admin/orders/[id]/page.tsx": { url: (f) => `/admin/orders/${f.orderId}`, expect: ADMIN },
  "admin/customers/page.tsx": { url: () => "/admin/customers", expect: ADMIN },
  "admin/customers/[id]/page.tsx": { url: (f) => `/admin/customers/${f.customerId}`, expect: ADMIN },
  "admin/webhooks/page.tsx": { url: () => "/admin/webhooks", expect: ADMIN },
  "admin/webhooks/[id]/page.tsx": { url: (f) => `/admin/webhooks/${f.endpointId}`, expect: ADMIN },
  "admin/api-keys/page.tsx": { url: () => "/admin/api-keys", expect: ADMIN },
  "docs/api/page.tsx": { url: () => "/docs/api", expect: PUBLIC },
};

/** A store's route: a session cookie is no key, so every role is refused alike (test/api-v1.test.ts tries keys). */
const STORE_KEY_ONLY: Record<Role, Expected> = { anonymous: 401, customer: 401, admin: 401 };
const storeCall =
  (method: "get" | "post", url: (f: Fixture) => string, data?: object): Call =>
  (api, f) =>
    method === "get"
      ? api.get(url(f))
      : api.post(url(f), { headers: { "Idempotency-Key": crypto.randomUUID() }, data: data ?? {} });
const customerBody = { customer: { id: "matrix", email: "matrix@store.test" }, subtotalCents: 100 };

type Call = (api: APIRequestContext, f: Fixture) => Promise<APIResponse>;

/** Route handler methods, by file and method, with a well-formed call and the expected status per role. */
const ROUTES: Record<string, { call: Call; expect: Record<Role, Expected> }> = {
  "api/health/route.ts GET": { call: (api) => api.get("/api/health"), expect: PUBLIC },
  "api/redemptions/route.ts POST": {
    call: (api) =>
      api.post("/api/redemptions", {
        headers: { "Idempotency-Key": crypto.randomUUID() },
        data: { code: `NOSUCH${uniqueTag().toUpperCase()}` },
      }),
    // Signed in, the request reaches the engine, which answers that the code does not exist.
    expect: { anonymous: 401, customer: 422, admin: 422 },
  },
  "api/orders/route.ts POST": {
    call: (api, f) =>
      api.post("/api/orders", {
        headers: { "Idempotency-Key": crypto.randomUUID() },
        data: { lines: [{ sku: f.productSku, quantity: 1 }] },
      }),
    // Signed in, the order reaches the engine, which refuses it: the caller has no credit.
    expect: { anonymous: 401, customer: 409, admin: 409 },
  },
  "api/orders/[id]/cancel/route.ts POST": {
    call: (api) =>
      api.post(`/api/orders/${crypto.randomUUID()}/cancel`, { headers: { "Idempotency-Key": crypto.randomUUID() } }),
    // Someone else's order, or none at all: not found either way.
    expect: { anonymous: 401, customer: 404, admin: 404 },
  },
  "api/admin/orders/export/route.ts GET": { call: (api) => api.get("/api/admin/orders/export"), expect: ADMIN },
  "api/admin/customers/export/route.ts GET": {
    call: (api) => api.get("/api/admin/customers/export"),
    expect: ADMIN,
  },
  "api/admin/redemptions/export/route.ts GET": {
    call: (api) => api.get("/api/admin/redemptions/export"),
    expect: ADMIN,
  },
  "api/admin/coupons/export/route.ts GET": { call: (api) => api.get("/api/admin/coupons/export"), expect: ADMIN },
  "api/admin/attempts/export/route.ts GET": { call: (api) => api.get("/api/admin/attempts/export"), expect: ADMIN },
  "api/admin/activity/export/route.ts GET": { call: (api) => api.get("/api/admin/activity/export"), expect: ADMIN },
  "api/admin/batches/[id]/codes/route.ts GET": {
    call: (api, f) => api.get(`/api/admin/batches/${f.batchId}/codes`),
    expect: ADMIN,
  },
  "api/admin/batches/route.ts POST": {
    call: (api) =>
      api.post("/api/admin/batches", {
        data: { prefix: `MX${uniqueTag().slice(0, 6).toUpperCase()}`, quantity: "1", value: "1.00", expiresAt: "" },
      }),
    expect: ADMIN,
  },
  "api/v1/openapi.json/route.ts GET": { call: (api) => api.get("/api/v1/openapi.json"), expect: PUBLIC },
  "api/v1/codes/validate/route.ts POST": {
    call: storeCall("post", () => "/api/v1/codes/validate", { ...customerBody, code: "WELCOME10" }),
    expect: STORE_KEY_ONLY,
  },
  "api/v1/holds/route.ts POST": {
    call: storeCall("post", () => "/api/v1/holds", { ...customerBody, creditCents: 100 }),
    expect: STORE_KEY_ONLY,
  },
  "api/v1/holds/[id]/route.ts GET": {
    call: storeCall("get", () => `/api/v1/holds/${crypto.randomUUID()}`),
    expect: STORE_KEY_ONLY,
  },
  "api/v1/holds/[id]/capture/route.ts POST": {
    call: storeCall("post", () => `/api/v1/holds/${crypto.randomUUID()}/capture`),
    expect: STORE_KEY_ONLY,
  },
  "api/v1/holds/[id]/release/route.ts POST": {
    call: storeCall("post", () => `/api/v1/holds/${crypto.randomUUID()}/release`),
    expect: STORE_KEY_ONLY,
  },
  "api/v1/holds/[id]/refund/route.ts POST": {
    call: storeCall("post", () => `/api/v1/holds/${crypto.randomUUID()}/refund`),
    expect: STORE_KEY_ONLY,
  },
  "api/v1/redemptions/route.ts POST": {
    call: storeCall("post", () => "/api/v1/redemptions", { ...customerBody, code: "WELCOME10" }),
    expect: STORE_KEY_ONLY,
  },
  "api/v1/customers/[id]/route.ts GET": {
    call: storeCall("get", (f) => `/api/v1/customers/${f.customerId}`),
    expect: STORE_KEY_ONLY,
  },
  "api/v1/customers/[id]/credit/route.ts POST": {
    call: storeCall("post", (f) => `/api/v1/customers/${f.customerId}/credit`, { amountCents: 100, reason: "Matrix" }),
    expect: STORE_KEY_ONLY,
  },
  "api/auth/[...nextauth]/route.ts GET": { call: (api) => api.get("/api/auth/session"), expect: PUBLIC },
  "api/auth/[...nextauth]/route.ts POST": {
    // A wrong password for an account that does not exist: refused alike for everyone.
    call: async (api) => {
      const { csrfToken } = (await (await api.get("/api/auth/csrf")).json()) as { csrfToken: string };
      return api.post("/api/auth/callback/credentials", {
        form: { csrfToken, email: `nobody-${uniqueTag()}@once.test`, password: "wrong-password", json: "true" },
      });
    },
    expect: { anonymous: 401, customer: 401, admin: 401 },
  },
};

type Level = "anonymous" | "customer" | "admin";

/** Server actions, by `file#export`, with their level and a well-formed call's form fields. */
const ACTIONS: Record<string, { level: Level; keyedState: boolean; fields: (f: Fixture) => Record<string, string> }> = {
  "app/(auth)/sign-up/actions.ts#signUp": {
    level: "anonymous",
    keyedState: false,
    fields: () => ({ name: "Matrix", email: `matrix-${uniqueTag()}@once.test`, password: "matrix-password" }),
  },
  "app/(customer)/redeem/actions.ts#redeem": {
    level: "customer",
    keyedState: true,
    fields: () => ({ code: `NOSUCH${uniqueTag().toUpperCase()}`, idempotencyKey: crypto.randomUUID() }),
  },
  "app/(customer)/shop/actions.ts#buy": {
    level: "customer",
    keyedState: true,
    fields: (f) => ({ productId: f.productId, idempotencyKey: crypto.randomUUID() }),
  },
  "app/(customer)/cart/actions.ts#addItem": {
    level: "customer",
    keyedState: true,
    fields: (f) => ({ productId: f.productId }),
  },
  "app/(customer)/cart/actions.ts#setQuantity": {
    level: "customer",
    keyedState: true,
    fields: (f) => ({ productId: f.productId, quantity: "0" }),
  },
  "app/(customer)/cart/actions.ts#setCode": {
    level: "customer",
    keyedState: true,
    fields: () => ({ code: "" }),
  },
  "app/(customer)/cart/actions.ts#placeOrder": {
    level: "customer",
    keyedState: true,
    fields: () => ({ idempotencyKey: crypto.randomUUID() }),
  },
  "app/(customer)/orders/actions.ts#cancel": {
    level: "customer",
    keyedState: true,
    fields: () => ({ orderId: crypto.randomUUID() }),
  },
  "app/admin/products/actions.ts#createProductAction": {
    level: "admin",
    keyedState: true,
    fields: () => ({ sku: `MX-${uniqueTag().toUpperCase()}`, name: "Matrix product", price: "1.00", stock: "" }),
  },
  "app/admin/products/actions.ts#adjustStockAction": {
    level: "admin",
    keyedState: true,
    fields: (f) => ({ productId: f.productId, change: "1" }),
  },
  "app/admin/orders/actions.ts#cancelOrderAction": {
    level: "admin",
    keyedState: true,
    fields: () => ({ orderId: crypto.randomUUID() }),
  },
  "app/admin/orders/actions.ts#fulfilOrderAction": {
    level: "admin",
    keyedState: true,
    fields: () => ({ orderId: crypto.randomUUID() }),
  },
  "app/admin/orders/actions.ts#refundOrderAction": {
    level: "admin",
    keyedState: true,
    fields: () => ({
      orderId: crypto.randomUUID(),
      by: "amount",
      amount: "1.00",
      reason: "Matrix refund",
      idempotencyKey: crypto.randomUUID(),
    }),
  },
  // UTC, the default, so the admin's call leaves the store's zone as the other suites expect.
  "app/admin/settings/actions.ts#setTimeZoneAction": {
    level: "admin",
    keyedState: true,
    fields: () => ({ timeZone: "UTC" }),
  },
  "app/admin/actions.ts#createCouponAction": {
    level: "admin",
    keyedState: true,
    fields: () => ({ ...TERMS, code: `MX${uniqueTag().toUpperCase()}` }),
  },
  "app/admin/actions.ts#updateCouponAction": {
    level: "admin",
    keyedState: true,
    fields: (f) => ({ ...TERMS, couponId: f.couponId, value: "6.00" }),
  },
  "app/admin/actions.ts#setCouponStatusAction": {
    level: "admin",
    keyedState: true,
    fields: (f) => ({ couponId: f.couponId, status: "ACTIVE" }),
  },
  "app/admin/actions.ts#changeCouponsAction": {
    level: "admin",
    keyedState: true,
    fields: (f) => ({ couponIds: f.couponId, change: "enable" }),
  },
  "app/admin/attempts/actions.ts#clearRateLimitLockAction": {
    level: "admin",
    keyedState: true,
    fields: () => ({ key: `no-such-policy:${uniqueTag()}` }),
  },
  "app/admin/customers/actions.ts#adjustCreditAction": {
    level: "admin",
    keyedState: true,
    fields: (f) => ({
      customerId: f.customerId,
      direction: "credit",
      amount: "1.00",
      reason: "Authorization matrix",
      idempotencyKey: crypto.randomUUID(),
    }),
  },
  "app/admin/customers/actions.ts#setCustomerDisabledAction": {
    level: "admin",
    keyedState: true,
    fields: (f) => ({ customerId: f.customerId, disabled: "false" }),
  },
  "app/admin/actions.ts#revokeRedemptionAction": {
    level: "admin",
    keyedState: true,
    fields: (f) => ({ redemptionId: f.redemptionId }),
  },
  "app/admin/api-keys/actions.ts#createApiKeyAction": {
    level: "admin",
    keyedState: true,
    fields: () => ({ name: "Matrix key", scopes: "read" }),
  },
  "app/admin/api-keys/actions.ts#revokeApiKeyAction": {
    level: "admin",
    keyedState: true,
    fields: () => ({ keyId: crypto.randomUUID() }),
  },
  "app/admin/actions.ts#setBatchStatusAction": {
    level: "admin",
    keyedState: true,
    fields: (f) => ({ batchId: f.batchId, status: "ACTIVE" }),
  },
  // Refused by its own validation (not http), so the shared database gets no endpoint that events go to.
  "app/admin/webhooks/actions.ts#createEndpointAction": {
    level: "admin",
    keyedState: true,
    fields: () => ({ url: "ftp://store.example/hooks" }),
  },
  "app/admin/webhooks/actions.ts#setEndpointEnabledAction": {
    level: "admin",
    keyedState: true,
    fields: (f) => ({ endpointId: f.endpointId, enabled: "true" }),
  },
  "app/admin/webhooks/actions.ts#sendTestEventAction": {
    level: "admin",
    keyedState: true,
    fields: () => ({ endpointId: crypto.randomUUID() }),
  },
  "app/admin/webhooks/actions.ts#replayDeliveryAction": {
    level: "admin",
    keyedState: true,
    fields: () => ({ deliveryId: crypto.randomUUID() }),
  },
};

const TERMS = { description: "", value: "5.00", maxRedemptions: "20", perUserLimit: "1", startsAt: "", expiresAt: "" };

function filesNamed(name: RegExp): string[] {
  return readdirSync(path.join(ROOT, "app"), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && name.test(entry.name))
    .map((entry) => path.relative(path.join(ROOT, "app"), path.join(entry.parentPath, entry.name)));
}

/** `file METHOD` for every HTTP method a route file exports (test-only *.control.ts routes are not in production builds). */
function routeMethods(): string[] {
  const found: string[] = [];
  for (const file of filesNamed(/^route\.ts$/)) {
    const exports = readFileSync(path.join(ROOT, "app", file), "utf8")
      .split("\n")
      .filter((line) => line.startsWith("export"));
    for (const method of ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]) {
      if (exports.some((line) => new RegExp(`\\b${method}\\b`).test(line))) found.push(`${file} ${method}`);
    }
  }
  return found.sort();
}

interface ManifestAction {
  id: string;
  page: string;
}

function manifestActions(): Map<string, ManifestAction> {
  const file = path.join(ROOT, process.env.E2E_DIST_DIR!, "server", "server-reference-manifest.json");
  const manifest = JSON.parse(readFileSync(file, "utf8")) as {
    node: Record<string, { workers: Record<string, unknown>; filename: string; exportedName: string }>;
  };
  const actions = new Map<string, ManifestAction>();
  for (const [id, entry] of Object.entries(manifest.node)) {
    const worker = Object.keys(entry.workers)[0]!;
    actions.set(`${entry.filename}#${entry.exportedName}`, { id, page: worker });
  }
  return actions;
}

/** A page worker (`app/admin/coupons/[id]/page`) as a URL that renders it. */
function pageUrl(worker: string, f: Fixture): string {
  const url = worker
    .replace(/^app/, "")
    .replace(/\/page$/, "")
    .replace(/\/\([^)]+\)/g, "")
    // The customer's order page shares its actions with /orders, which renders for every caller.
    .replace(/^\/orders\/\[id\]$/, "/orders")
    .replace("customers/[id]", `customers/${f.customerId}`)
    .replace("orders/[id]", `orders/${f.orderId}`)
    .replace("webhooks/[id]", `webhooks/${f.endpointId}`)
    .replace("[id]", f.couponId);
  return url || "/";
}

async function client(baseURL: string, role: Role, emails: Record<Exclude<Role, "anonymous">, string>) {
  const api = await playwrightRequest.newContext({ baseURL, maxRedirects: 0 });
  if (role !== "anonymous") await signInApi(api, emails[role]);
  return api;
}

function expectAnswer(response: APIResponse, expected: Expected, what: string) {
  const status = response.status();
  const location = response.headers().location ?? "";
  if (expected === "sign-in") {
    expect([303, 307], what).toContain(status);
    expect(location, what).toMatch(/^(https?:\/\/[^/]+)?\/sign-in\b/);
  } else if (expected === "redirect") {
    expect([303, 307], what).toContain(status);
    expect(location, what).not.toMatch(/\/sign-in\b/);
  } else {
    expect(status, what).toBe(expected);
  }
}

const isRefusal = (expected: Expected) => expected === "sign-in" || (typeof expected === "number" && expected >= 400);

async function expectNoLeak(response: APIResponse, f: Fixture, what: string) {
  const body = await response.text();
  for (const secret of f.secrets) expect(body.includes(secret), `${what} leaks ${secret}`).toBe(false);
}

/** The reason in an action's answer (React's flight encoding of the returned object). */
async function actionReason(response: APIResponse): Promise<string | null> {
  const body = await response.text();
  return /"reason":"(\w+)"/.exec(body)?.[1] ?? (/"ok":true/.test(body) ? null : "unanswered");
}

/** Posts an action by id: with React's encoding of its arguments, or a raw `[]` (no arguments at all). */
function callAction(api: APIRequestContext, action: ManifestAction, url: string, args: FormData | "[]") {
  const headers = { "Next-Action": action.id, Accept: "text/x-component" };
  if (args === "[]")
    return api.post(url, { headers: { ...headers, "Content-Type": "text/plain;charset=UTF-8" }, data: "[]" });
  return api.post(url, { headers, multipart: args });
}

function encodedArgs(fields: Record<string, string>, keyedState: boolean): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(`_1_${name}`, value);
  // The root part goes last: the server resolves "$K1" from the parts before it.
  form.append("0", keyedState ? '[null,"$K1"]' : '["$K1"]');
  return form;
}

const RANK: Record<Level, number> = { anonymous: 0, customer: 1, admin: 2 };
const refusalFor = (role: Role, level: Level) =>
  RANK[role] >= RANK[level] ? null : role === "anonymous" ? "unauthenticated" : "forbidden";

test.describe("authorization matrix", () => {
  let fixture: Fixture;
  let emails: Record<"customer" | "admin", string>;

  test.beforeAll(async () => {
    const db = e2eDb();
    const [customer, admin, victim] = await Promise.all([createCustomer(), createCustomer(), createCustomer()]);
    await db.user.update({ where: { id: admin.id }, data: { role: "ADMIN" } });
    const tag = uniqueTag();
    const coupon = await createTestCoupon({ description: `matrix-secret-${tag}`, maxRedemptions: 50 });
    const redeemed = await redeemCoupon(db, {
      userId: victim.id,
      code: coupon.code,
      idempotencyKey: crypto.randomUUID(),
    });
    if (!redeemed.ok) throw new Error("setup redemption refused");
    const prefix = `SECRET${tag.slice(0, 6).toUpperCase()}`;
    const batch = await generateBatch(db, admin.id, { prefix, quantity: 2, valueCents: 100, expiresAt: null });
    if (!batch.ok) throw new Error("setup batch refused");
    const product = await db.product.create({ data: { sku: `MATRIX-${tag}`, name: "Matrix mug", priceCents: 100 } });
    const order = await placeOrder(db, {
      userId: victim.id,
      lines: [{ sku: product.sku, quantity: 1 }],
      discountCode: null,
      idempotencyKey: crypto.randomUUID(),
    });
    if (!order.ok) throw new Error(`setup order refused: ${order.reason}`);
    const endpoint = await createEndpoint(db, admin.id, {
      url: `http://127.0.0.1:9/matrix-${tag}`,
      eventTypes: ["coupon.exhausted"],
    });
    if (!endpoint.ok) throw new Error(`setup endpoint refused: ${endpoint.reason}`);
    fixture = {
      couponId: coupon.id,
      batchId: batch.batch.id,
      productId: product.id,
      productSku: product.sku,
      redemptionId: redeemed.redemption.id,
      customerId: victim.id,
      orderId: order.order.id,
      endpointId: endpoint.value.id,
      secrets: [coupon.code, `matrix-secret-${tag}`, victim.email, prefix],
    };
    emails = { customer: customer.email, admin: admin.email };
  });

  test("every page, route method and server action has an entry (a new one without an entry fails)", () => {
    expect(filesNamed(/^page\.tsx$/).sort()).toEqual(Object.keys(PAGES).sort());
    expect(routeMethods()).toEqual(Object.keys(ROUTES).sort());
    expect([...manifestActions().keys()].sort()).toEqual(Object.keys(ACTIONS).sort());
    const size = Object.keys(PAGES).length + Object.keys(ROUTES).length + Object.keys(ACTIONS).length;
    test.info().annotations.push({ type: "matrix", description: `${size} entries × ${ROLES.length} roles` });
  });

  for (const role of ROLES) {
    test(`as ${role}: pages and route handlers answer their expected status, and refusals leak nothing`, async ({
      baseURL,
    }) => {
      const api = await client(baseURL!, role, emails);
      try {
        for (const [file, page] of Object.entries(PAGES)) {
          const response = await api.get(page.url(fixture));
          expectAnswer(response, page.expect[role], `${role} GET ${file}`);
          if (isRefusal(page.expect[role])) await expectNoLeak(response, fixture, `${role} GET ${file}`);
        }
        for (const [entry, route] of Object.entries(ROUTES)) {
          const response = await route.call(api, fixture);
          expectAnswer(response, route.expect[role], `${role} ${entry}`);
          if (isRefusal(route.expect[role])) await expectNoLeak(response, fixture, `${role} ${entry}`);
        }
      } finally {
        await api.dispose();
      }
    });

    test(`as ${role}: every server action, invoked by id, refuses below its level and changes nothing`, async ({
      baseURL,
    }) => {
      const api = await client(baseURL!, role, emails);
      const actions = manifestActions();
      try {
        for (const [key, spec] of Object.entries(ACTIONS)) {
          const action = actions.get(key)!;
          const url = pageUrl(action.page, fixture);
          const refusal = refusalFor(role, spec.level);
          const before = await snapshot(e2eDb());

          // No arguments at all: refused by level first, else invalid input; never a 500.
          const empty = await callAction(api, action, url, "[]");
          expect(empty.status(), `${role} ${key} []`).toBe(200);
          expect(await actionReason(empty), `${role} ${key} []`).toBe(refusal ?? "invalid");

          const response = await callAction(api, action, url, encodedArgs(spec.fields(fixture), spec.keyedState));
          if (refusal) {
            expect(response.status(), `${role} ${key}`).toBe(200);
            expect(await actionReason(response), `${role} ${key}`).toBe(refusal);
            await expectNoLeak(response, fixture, `${role} ${key}`);
            expect(await snapshot(e2eDb()), `${role} ${key} changed something`).toBe(before);
          } else {
            // Past the level check: an answer of the action's own (a redirect for a created coupon).
            expect([200, 303], `${role} ${key}`).toContain(response.status());
            if (response.status() === 200 && !response.headers()["x-action-redirect"]) {
              expect(["unauthenticated", "forbidden", "unanswered"], `${role} ${key}`).not.toContain(
                await actionReason(response),
              );
            }
          }
        }
      } finally {
        await api.dispose();
      }
    });
  }
});
