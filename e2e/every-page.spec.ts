import { randomUUID } from "node:crypto";
import AxeBuilder from "@axe-core/playwright";
import { type Browser, type BrowserContext, type Page, test as base, expect } from "@playwright/test";
import { generateBatch } from "@/lib/admin/bulk";
import { adminChangeCoupons } from "@/lib/admin/coupons/status";
import { fulfilOrder } from "@/lib/admin/fulfil-order";
import { refundOrder } from "@/lib/admin/refund-order";
import { adminCancelOrder } from "@/lib/admin/orders";
import { placeOrder } from "@/lib/checkout/place-order";
import { CODE_MAX_LENGTH } from "@/lib/codes";
import { redeemCoupon } from "@/lib/redemptions";
import { createEndpoint, sendTestEvent } from "@/lib/webhooks/endpoints";
import {
  ADMIN,
  PASSWORD,
  SCREENS,
  type ScreenName,
  createCustomer,
  createTestCoupon,
  createTestProduct,
  e2eDb,
  gotoHydrated,
  sidewaysOverflow,
  signInApi,
  uniqueTag,
} from "./support";

/**
 * Every page, on a laptop and on a phone (390 px wide): nothing scrolls sideways (a wide table scrolls
 * inside its own frame, never the page), and axe-core finds no serious or critical accessibility
 * violation. The data includes the long things that broke layouts before: a code of the maximum length,
 * a redemption, a refused attempt.
 */

const ANONYMOUS = ["/", "/sign-in", "/sign-up", "/docs/api"];
const CUSTOMER = ["/redeem", "/shop", "/wallet", "/cart", "/orders"];
const ADMIN_PAGES = [
  "/admin",
  "/admin/coupons",
  "/admin/coupons/new",
  "/admin/batches",
  "/admin/redemptions",
  "/admin/attempts",
  "/admin/activity",
  "/admin/products",
  "/admin/orders",
  "/admin/customers",
  "/admin/api-keys",
  "/admin/settings",
  "/admin/webhooks",
];

type Role = "anonymous" | "customer" | "admin";
type StorageState = Awaited<ReturnType<BrowserContext["storageState"]>>;

let customerEmail: Promise<string> | undefined;
const theCustomer = () => (customerEmail ??= createCustomer({ creditCents: 1_250 }).then((customer) => customer.email));

/**
 * One page per screen and role for each worker, reused from page to page: a browser context per page
 * cost more than the check (closing one took about 0.3 s, and each new one fetched and compiled the app's
 * scripts again). Every check starts with a full navigation, so no page's state carries over. Each role
 * signs in once per worker (argon2 is slow, and signing in is not what is tested here).
 */
const test = base.extend<object, { pageFor: (screen: ScreenName, role: Role) => Promise<Page> }>({
  pageFor: [
    async ({ browser }, use) => {
      const signedIn = new Map<Role, Promise<StorageState | undefined>>();
      const storageFor = (role: Role) => {
        if (!signedIn.has(role)) signedIn.set(role, signIn(browser, role));
        return signedIn.get(role)!;
      };
      const pages = new Map<string, Promise<Page>>();
      await use((screen, role) => {
        const key = `${screen} ${role}`;
        if (!pages.has(key)) {
          pages.set(
            key,
            storageFor(role).then(async (storageState) =>
              (await browser.newContext({ ...SCREENS[screen], storageState })).newPage(),
            ),
          );
        }
        return pages.get(key)!;
      });
      await Promise.all([...pages.values()].map(async (page) => (await page).context().close()));
    },
    { scope: "worker" },
  ],
});

/** A role's signed-in browser state (none for anonymous). */
async function signIn(browser: Browser, role: Role): Promise<StorageState | undefined> {
  if (role === "anonymous") return undefined;
  const [email, password] = role === "admin" ? [ADMIN.email, ADMIN.password] : [await theCustomer(), PASSWORD];
  const context = await browser.newContext();
  try {
    await signInApi(context.request, email, password);
    return await context.storageState();
  } finally {
    await context.close();
  }
}

/** Overflow and accessibility problems of the page now shown, each named with the page, for one report. */
async function checkPage(page: Page, path: string) {
  await gotoHydrated(page, path);
  expect.soft(await sidewaysOverflow(page), `${path} scrolls sideways by this many pixels`).toBe(0);
  // A key column (amount, balance, total, status, stock, actions; marked data-key) is never hidden behind a
  // table's own sideways scroll: every such cell lies within the viewport's width.
  const hiddenKeys = await page.locator("[data-key]").evaluateAll((cells) =>
    cells
      .map((cell) => ({ label: cell.getAttribute("data-label") ?? cell.tagName, box: cell.getBoundingClientRect() }))
      .filter(({ box }) => box.width > 0 && (box.left < -1 || box.right > window.innerWidth + 1))
      .map(({ label }) => label),
  );
  expect.soft([...new Set(hiddenKeys)], `${path}: key cells beyond the viewport's width`).toEqual([]);
  expect.soft(await seriousViolations(page), `${path}: serious or critical axe violations`).toEqual([]);
}

/** axe-core's serious and critical violations on the page now shown, each with the elements it found. */
async function seriousViolations(page: Page): Promise<string[]> {
  // Only violations are judged: axe skips building selectors for passing nodes, and (the pages have no
  // cross-origin frames) runs in the page itself instead of merging frame results in a fresh blank page.
  const { violations } = await new AxeBuilder({ page })
    .options({ resultTypes: ["violations"] })
    .setLegacyMode()
    .analyze();
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

test("control: the accessibility check finds a serious and a critical violation when a page has them", async ({
  page,
}) => {
  await page.setContent(
    `<!doctype html><html lang="en"><head><title>control</title></head><body><main>
      <p style="color:#bbb;background:#fff">Grey on white</p><button id="unnamed"></button></main></body></html>`,
  );
  const found = await seriousViolations(page);
  expect(found.some((v) => v.startsWith("color-contrast (serious)"))).toBe(true);
  expect(found.some((v) => v.startsWith("button-name (critical)") && v.includes("#unnamed"))).toBe(true);
});

/** A customer's order of two of a stock-tracked product with a long name, placed. */
async function placedOrder(name: string, priceCents: number): Promise<string> {
  const buyer = await createCustomer({ creditCents: 10_000 });
  const product = await createTestProduct({ priceCents, stock: 5, name });
  const placed = await placeOrder(e2eDb(), {
    userId: buyer.id,
    lines: [{ sku: product.sku, quantity: 2 }],
    discountCode: null,
    idempotencyKey: randomUUID(),
  });
  if (!placed.ok) throw new Error(`setup order refused: ${placed.reason}`);
  return placed.order.id;
}

/** An order placed and then cancelled by the admin. */
async function cancelledOrder(adminId: string): Promise<string> {
  const orderId = await placedOrder("A limited tee whose name is long enough to wrap on a phone", 2_500);
  expect((await adminCancelOrder(e2eDb(), adminId, orderId)).ok).toBe(true);
  return orderId;
}

let customerOrderId: Promise<string> | undefined;

/** An order of that customer's, with an amount-off code on a product with a long name. */
async function orderOf(email: string): Promise<string> {
  const user = await e2eDb().user.findUniqueOrThrow({ where: { email } });
  const product = await createTestProduct({
    priceCents: 500,
    stock: null,
    name: "A stoneware mug whose name is long enough to wrap on a phone",
  });
  const code = await createTestCoupon({ kind: "AMOUNT_OFF", valueCents: 100, maxRedemptions: 1 });
  const placed = await placeOrder(e2eDb(), {
    userId: user.id,
    lines: [{ sku: product.sku, quantity: 2 }],
    discountCode: code.code,
    idempotencyKey: randomUUID(),
  });
  if (!placed.ok) throw new Error(`setup order refused: ${placed.reason}`);
  return placed.order.id;
}

type AdminPageData = Awaited<ReturnType<typeof adminPageData>>;
let adminData: Promise<AdminPageData> | undefined;

/**
 * Rows that broke admin layouts before: a code as long as codes may be, redeemed once and refused once
 * (every admin table has a row with it), an admin-log entry that names it, and orders: one waiting (Fulfil
 * and Cancel), one an admin cancelled (every section filled: lines, credit both ways, stock, log), one refunded.
 */
async function adminPageData() {
  const long = await createTestCoupon({ code: `LONG${uniqueTag().toUpperCase()}`.padEnd(CODE_MAX_LENGTH, "X") });
  const customer = await createCustomer();
  const redeemed = await redeemCoupon(e2eDb(), { userId: customer.id, code: long.code, idempotencyKey: randomUUID() });
  expect(redeemed.ok).toBe(true);
  await e2eDb().redemptionAttempt.create({
    data: { userId: customer.id, couponId: long.id, codeTyped: long.code, outcome: "REFUSED", reason: "expired" },
  });
  const admin = await e2eDb().user.findUniqueOrThrow({ where: { email: ADMIN.email } });
  expect((await adminChangeCoupons(e2eDb(), admin.id, [long.id], "disable")).ok).toBe(true);
  const batch = await generateBatch(e2eDb(), admin.id, {
    prefix: `P${uniqueTag().toUpperCase().slice(0, 8)}`,
    quantity: 3,
    valueCents: 100,
    expiresAt: null,
  });
  if (!batch.ok) throw new Error("setup batch refused");
  return {
    long,
    customerId: customer.id,
    orderId: await cancelledOrder(admin.id),
    placedOrderId: await placedOrder("A tee waiting to be fulfilled, with a name long enough to wrap", 2_000),
    refundedOrderId: await refundedOrder(admin.id),
    batchId: batch.batch.id,
    endpointId: await webhook(admin.id),
  };
}

/** An order fulfilled and then refunded in part (units, restocked): its page shows the refund form and table. */
async function refundedOrder(adminId: string): Promise<string> {
  const orderId = await placedOrder("A refundable tee with a long name", 1_500);
  expect((await fulfilOrder(e2eDb(), adminId, orderId)).ok).toBe(true);
  const refunded = await refundOrder(e2eDb(), adminId, {
    orderId,
    by: "lines",
    lines: [{ lineNo: 1, quantity: 1 }],
    restock: true,
    reason: "Arrived torn at the seam",
    idempotencyKey: randomUUID(),
  });
  expect(refunded.ok).toBe(true);
  return orderId;
}

/**
 * A webhook endpoint with a long URL and one delivery (a test event; nothing listens there, so its
 * attempts fail and their errors fill the table). It takes only coupon.exhausted besides, so the other
 * specs' events are not sent to it.
 */
async function webhook(adminId: string): Promise<string> {
  const url = `http://127.0.0.1:9/${"hooks/".repeat(30)}${uniqueTag()}`;
  const created = await createEndpoint(e2eDb(), adminId, { url, eventTypes: ["coupon.exhausted"] });
  if (!created.ok) throw new Error(`endpoint refused: ${created.reason}`);
  expect((await sendTestEvent(e2eDb(), adminId, created.value.id)).ok).toBe(true);
  return created.value.id;
}

// Every test checks one page: the file's tests share the two workers.
test.describe.configure({ mode: "parallel" });

for (const screen of ["desktop", "phone"] as const) {
  test.describe(`every page on a ${screen}`, () => {
    for (const path of ANONYMOUS) {
      test(`signed out: ${path}`, async ({ pageFor }) => {
        await checkPage(await pageFor(screen, "anonymous"), path);
      });
    }

    for (const path of CUSTOMER) {
      test(`customer: ${path}`, async ({ pageFor }) => {
        await checkPage(await pageFor(screen, "customer"), path);
      });
    }

    test("customer: /orders/{id}, an order with a discount and a long product name", async ({ pageFor }) => {
      customerOrderId ??= theCustomer().then(orderOf);
      await checkPage(await pageFor(screen, "customer"), `/orders/${await customerOrderId}`);
    });

    // Each admin page is a test of its own, so the two workers share them; the data is made once per worker.
    const adminPages: [name: string, path: (data: AdminPageData) => string][] = [
      ...ADMIN_PAGES.map((path): [string, () => string] => [path, () => path]),
      ["/admin/coupons/{long code}", ({ long }) => `/admin/coupons/${long.id}`],
      ["/admin/redemptions?code={long code}", ({ long }) => `/admin/redemptions?code=${long.code}`],
      ["/admin/customers/{customer}", ({ customerId }) => `/admin/customers/${customerId}`],
      ["/admin/orders/{placed order}", ({ placedOrderId }) => `/admin/orders/${placedOrderId}`],
      ["/admin/orders/{cancelled order}", ({ orderId }) => `/admin/orders/${orderId}`],
      ["/admin/orders/{refunded order}", ({ refundedOrderId }) => `/admin/orders/${refundedOrderId}`],
      ["/admin/coupons?batch={batch}", ({ batchId }) => `/admin/coupons?batch=${batchId}`],
      ["/admin/webhooks/{endpoint}", ({ endpointId }) => `/admin/webhooks/${endpointId}`],
    ];
    for (const [name, path] of adminPages) {
      test(`admin: ${name}, with a code of the maximum length`, async ({ pageFor }) => {
        adminData ??= adminPageData();
        await checkPage(await pageFor(screen, "admin"), path(await adminData));
      });
    }
  });
}
