import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { type Browser, type Page, expect, test } from "@playwright/test";
import { randomUUID } from "node:crypto";
import { placeOrder } from "@/lib/checkout/place-order";
import { createEndpoint } from "@/lib/webhooks/endpoints";
import { createCustomer, createTestCoupon, createTestProduct, e2eDb, screenshot, uniqueTag } from "./support";

/**
 * The admin dashboard end to end, with the demo accounts the start script seeds: the admin creates a
 * coupon, a customer redeems it in a second browser context, the admin finds and revokes the
 * redemption, and the customer's balance drops; bulk generation and its CSV; a customer is refused.
 */

const ADMIN = { email: "admin@once.test", password: "once-admin-demo" };
const CUSTOMER = { email: "alice@once.test", password: "once-alice-demo" };

async function signIn(browser: Browser, who: { email: string; password: string }, goTo: string): Promise<Page> {
  const page = await (await browser.newContext({ acceptDownloads: true })).newPage();
  await page.goto(`/sign-in?callbackUrl=${encodeURIComponent(goTo)}`);
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => url.pathname === goTo);
  return page;
}

function dollars(text: string | null): number {
  return Math.round(Number((text ?? "").replace(/[^0-9.-]/g, "")) * 100);
}

test("admin creates a coupon, a customer redeems it, the admin revokes it and the customer's balance drops", async ({
  browser,
}) => {
  // Two browsers and a dozen pages on a shared two-core machine.
  test.setTimeout(180_000);
  const admin = await signIn(browser, ADMIN, "/admin");

  // Create, with the browser-side validation seen first.
  const code = `E2E-${uniqueTag().toUpperCase()}`;
  await admin.goto("/admin/coupons/new");
  await admin.getByLabel("Code").fill(code);
  await admin.getByLabel("Value (USD)").fill("7.5x");
  await admin.getByRole("button", { name: "Create coupon" }).click();
  await expect(admin.getByText("Enter an amount like 10 or 12.50.")).toBeVisible();
  await admin.getByLabel("Value (USD)").fill("7.50");
  await admin.getByLabel("Max redemptions").fill("5");
  await screenshot(admin, "admin-coupon-new");
  await admin.getByRole("button", { name: "Create coupon" }).click();
  await expect(admin.getByTestId("coupon-created")).toBeVisible();
  await expect(admin.getByTestId("coupon-code")).toHaveText(code);

  // The same code again: a clear message, not an error page.
  await admin.goto("/admin/coupons/new");
  await admin.getByLabel("Code").fill(code.toLowerCase());
  await admin.getByLabel("Value (USD)").fill("1");
  await admin.getByRole("button", { name: "Create coupon" }).click();
  await expect(admin.getByTestId("coupon-form-result")).toContainText(`A coupon with the code ${code} already exists.`);

  // A customer, in a browser of their own, redeems it.
  const customer = await signIn(browser, CUSTOMER, "/redeem");
  const before = dollars(await customer.getByTestId("header-balance").textContent());
  await customer.getByLabel("Coupon code").fill(code);
  await customer.getByRole("button", { name: "Redeem" }).click();
  await expect(customer.getByTestId("redeem-result")).toContainText("$7.50");
  await customer.reload();
  await expect(customer.getByTestId("header-balance")).toHaveText(`$${((before + 750) / 100).toFixed(2)}`);

  // The admin finds it in the audit table and revokes it after confirming.
  await admin.goto(`/admin/redemptions?code=${code}`);
  const row = admin.getByTestId("redemptions-table").locator("tbody tr").filter({ hasText: CUSTOMER.email });
  await expect(row).toHaveCount(1);
  await screenshot(admin, "admin-redemptions");
  await row.getByRole("button", { name: "Revoke" }).click();
  const dialog = admin.getByRole("dialog");
  await expect(dialog).toContainText(`Revoke $7.50 from ${CUSTOMER.email}?`);
  await dialog.getByRole("button", { name: "Revoke redemption" }).click();
  const redemptionId = await row.getAttribute("data-redemption-id");
  await expect(admin.getByTestId(`revoke-${redemptionId}-result`)).toContainText("Revoked.");

  await customer.reload();
  await expect(customer.getByTestId("header-balance")).toHaveText(`$${(before / 100).toFixed(2)}`);

  // The coupon shows its use given back; its log shows both changes; the list finds it.
  await admin.goto("/admin/coupons");
  await admin.getByLabel("Search code or description").fill(code);
  await admin.getByRole("button", { name: "Apply" }).click();
  await expect(admin.getByTestId("coupons-table")).toContainText(code);
  await screenshot(admin, "admin-coupons");
  await admin.getByRole("link", { name: code }).click();
  await expect(admin.getByTestId("coupon-redeemed")).toContainText("0 / 5");
  await expect(admin.getByTestId("redemptions-chart")).toBeVisible();
  await admin.getByTestId("coupon-status-toggle").click();
  await admin.getByRole("dialog").getByRole("button", { name: "Disable coupon" }).click();
  await expect(admin.getByTestId("coupon-status-toggle-result")).toContainText(`${code} is disabled.`);
  await admin.reload();
  await screenshot(admin, "admin-coupon-detail");

  await admin.goto("/admin/attempts?outcome=ALL");
  await expect(admin.getByTestId("attempts-table")).toContainText(code);
  await screenshot(admin, "admin-attempts");
  await admin.goto("/admin/activity");
  await expect(admin.getByTestId("audit-log")).toContainText(`Revoked a redemption of ${code}`);
  await expect(admin.getByTestId("audit-log")).toContainText(`Disabled ${code}`);
  // The log finds the coupon's entries by part of its code, and shows the change as a readable line.
  await admin.getByLabel("Admin email, code or text (or part)").fill(code.slice(2));
  await admin.getByRole("button", { name: "Apply" }).click();
  await expect(admin).toHaveURL(/[?&]q=/);
  const entries = admin.getByTestId("audit-log").locator(":scope > li");
  await expect(admin.getByTestId("total")).toHaveText(`${await entries.count()} entries match`);
  for (const text of await entries.allTextContents()) expect(text).toContain(code);
  await expect(entries.filter({ hasText: `Disabled ${code}` }).getByTestId("audit-lines")).toHaveText(
    "Status: Active → Disabled",
  );
  await screenshot(admin, "admin-activity");

  await admin.goto("/admin");
  await expect(admin.getByTestId("invariant-status")).toContainText("All invariants hold");
  await screenshot(admin, "admin-overview");
});

test("bulk-generates 1,000 codes with progress and downloads them as CSV", async ({ browser }) => {
  test.setTimeout(120_000);
  const admin = await signIn(browser, ADMIN, "/admin/batches");
  const prefix = `B${uniqueTag().toUpperCase().slice(0, 6)}`;
  await admin.getByLabel("Prefix").fill(prefix);
  await admin.getByLabel("Number of codes").fill("1000");
  await admin.getByRole("button", { name: "Generate codes" }).click();
  await expect(admin.getByTestId("batch-result")).toContainText("Generated 1,000 codes.", { timeout: 60_000 });
  const [download] = await Promise.all([admin.waitForEvent("download"), admin.getByTestId("batch-download").click()]);
  const csv = readFileSync(await download.path(), "utf8").replace(/^\uFEFF/, "");
  const lines = csv.trim().split("\r\n");
  expect(lines[0]).toBe("code,value,status,redeemed,expires_at_utc");
  expect(lines).toHaveLength(1_001);
  const codes = lines.slice(1).map((line) => line.split(",")[0]!);
  expect(new Set(codes).size).toBe(1_000);
  for (const c of codes) expect(c).toMatch(new RegExp(`^${prefix}-[2-9A-HJKMNP-Z]{4}(-[2-9A-HJKMNP-Z]{4}){3}$`));
  await admin.reload();
  await expect(admin.getByTestId("batches-table")).toContainText(prefix);
  await screenshot(admin, "admin-batches");

  // The redemptions export streams with the page's filters, as CSV.
  const exported = await admin.request.get("/api/admin/redemptions/export?status=REVOKED");
  expect(exported.status()).toBe(200);
  expect(exported.headers()["content-type"]).toContain("text/csv");
  expect((await exported.text()).replace(/^\uFEFF/, "").split("\r\n")[0]).toBe(
    "redeemed_at_utc,redemption_id,coupon_code,customer_email,amount,status,revoked_at_utc",
  );
});

test("a customer is refused everywhere in the admin: pages, route handlers, and nothing changes", async ({
  browser,
  request,
}) => {
  const customer = await signIn(browser, CUSTOMER, "/redeem");
  await expect(customer.getByRole("link", { name: "Admin" })).toHaveCount(0);
  for (const path of ["/admin", "/admin/coupons", "/admin/redemptions", "/admin/batches"]) {
    await customer.goto(path);
    await expect(customer.getByTestId("admin-forbidden")).toBeVisible();
    await expect(customer.getByTestId("redemptions-table")).toHaveCount(0);
  }
  await screenshot(customer, "admin-forbidden");

  const generate = await customer.request.post("/api/admin/batches", {
    data: { prefix: "STOLEN", quantity: "5", value: "100", expiresAt: "" },
  });
  expect(generate.status()).toBe(403);
  expect(await generate.json()).toMatchObject({ reason: "forbidden" });
  expect((await customer.request.get("/api/admin/redemptions/export")).status()).toBe(403);

  // Signed out: 401 from the routes (the pages: below).
  expect((await request.get("/api/admin/redemptions/export")).status()).toBe(401);
  expect((await request.post("/api/admin/batches", { data: {} })).status()).toBe(401);

  const admin = await signIn(browser, ADMIN, "/admin/batches");
  await expect(admin.getByTestId("batches-table")).not.toContainText("STOLEN");
});

/** Every admin page, read from app/admin, the coupon page with a real coupon. */
/** Every admin page, its [id] segments filled in: a coupon's id under coupons, a customer's under customers, … */
function adminPages(ids: { coupons: string; customers: string; orders: string; webhooks: string }): string[] {
  const app = path.resolve(import.meta.dirname, "..", "app");
  return readdirSync(path.join(app, "admin"), { recursive: true, encoding: "utf8" })
    .filter((file) => path.basename(file) === "page.tsx")
    .map((file) =>
      `/admin/${path.dirname(file)}`
        .replace(/\/\.$/, "")
        .replace(/(\w+)\/\[id\]/, (_, section: keyof typeof ids) => `${section}/${ids[section]}`),
    )
    .sort();
}

test("every admin page answers 401 signed out and 403 to a customer, each with a page that says what to do", async ({
  browser,
  request,
}) => {
  const coupon = await createTestCoupon();
  const alice = await e2eDb().user.findUniqueOrThrow({ where: { email: CUSTOMER.email } });
  const buyer = await createCustomer({ creditCents: 1_000 });
  const product = await createTestProduct({ priceCents: 500, stock: null });
  const placed = await placeOrder(e2eDb(), {
    userId: buyer.id,
    lines: [{ sku: product.sku, quantity: 1 }],
    idempotencyKey: randomUUID(),
  });
  if (!placed.ok) throw new Error(`setup order refused: ${placed.reason}`);
  const admin0 = await e2eDb().user.findUniqueOrThrow({ where: { email: ADMIN.email } });
  const endpoint = await createEndpoint(e2eDb(), admin0.id, {
    url: `http://127.0.0.1:9/admin-pages-${uniqueTag()}`,
    eventTypes: ["coupon.exhausted"],
  });
  if (!endpoint.ok) throw new Error(`setup endpoint refused: ${endpoint.reason}`);
  const pages = adminPages({
    coupons: coupon.id,
    customers: alice.id,
    orders: placed.order.id,
    webhooks: endpoint.value.id,
  });
  expect(pages).toEqual(
    expect.arrayContaining([
      "/admin",
      "/admin/coupons",
      `/admin/coupons/${coupon.id}`,
      `/admin/customers/${alice.id}`,
      `/admin/orders/${placed.order.id}`,
    ]),
  );
  const customer = await signIn(browser, CUSTOMER, "/redeem");
  const admin = await signIn(browser, ADMIN, "/admin");
  for (const page of pages) {
    expect((await request.get(page, { maxRedirects: 0 })).status(), `${page} signed out`).toBe(401);
    expect((await customer.request.get(page, { maxRedirects: 0 })).status(), `${page} as a customer`).toBe(403);
    expect((await admin.request.get(page, { maxRedirects: 0 })).status(), `${page} as an admin`).toBe(200);
  }

  await customer.goto("/admin/coupons");
  await expect(customer.getByTestId("admin-forbidden")).toBeVisible();

  // Signed out, the page offers sign-in, which comes back to the very page, query included.
  const anonymous = await (await browser.newContext()).newPage();
  const answer = await anonymous.goto("/admin/redemptions?status=REVOKED");
  expect(answer?.status()).toBe(401);
  await screenshot(anonymous, "admin-sign-in-required");
  await anonymous.getByTestId("sign-in-back").click();
  await anonymous.getByLabel("Email").fill(ADMIN.email);
  await anonymous.getByLabel("Password").fill(ADMIN.password);
  await anonymous.getByRole("button", { name: "Sign in" }).click();
  await anonymous.waitForURL((url) => url.pathname === "/admin/redemptions" && url.search === "?status=REVOKED");
  await expect(anonymous.getByTestId("redemptions-table")).toBeVisible();
});
