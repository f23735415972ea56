import { type Browser, type Page, expect, test } from "@playwright/test";
import { createCustomer, signInApi, uniqueTag } from "./support";

/**
 * The admin side of checkout: the admin creates a product and a percent-off code limited to it, for first
 * orders only, sees the code in the list; a customer orders with it through POST /api/orders (a second
 * order with it is refused: not their first); the admin finds the order on the coupon's page and in
 * /admin/orders.
 */

const ADMIN = { email: "admin@once.test", password: "once-admin-demo" };

async function signInAdmin(browser: Browser, goTo: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`/sign-in?callbackUrl=${encodeURIComponent(goTo)}`);
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => url.pathname === goTo);
  return page;
}

test("admin creates a first-order-only percent-off code for one product; an order with it shows on the coupon and in orders", async ({
  browser,
  playwright,
  baseURL,
}) => {
  test.setTimeout(180_000);
  const tag = uniqueTag().toUpperCase();
  const sku = `E2E-${tag}`;
  const admin = await signInAdmin(browser, "/admin/products");

  await admin.getByLabel("SKU").fill(sku);
  await admin.getByLabel("Name").fill("E2E tee");
  await admin.getByLabel("Price (USD)").fill("20");
  await admin.getByLabel("Stock", { exact: true }).fill("3");
  await admin.getByRole("button", { name: "Create product" }).click();
  await expect(admin.getByTestId("product-form-result")).toContainText(`Created ${sku}`);
  await expect(admin.getByTestId(`stock-${sku}`)).toHaveText("3");

  const code = `PCT-${tag}`;
  await admin.goto("/admin/coupons/new");
  await admin.getByLabel("Code").fill(code);
  await admin.getByLabel("Kind").selectOption("PERCENT_OFF");
  await admin.getByRole("button", { name: "Create coupon" }).click();
  await expect(admin.getByText("Enter the percent off (1 to 100).")).toBeVisible();
  await admin.getByLabel("Percent off").fill("25");
  await admin.getByRole("checkbox", { name: new RegExp(sku) }).check();
  await admin.getByLabel("First order only").check();
  // Room for more uses per customer, so a second order is refused for not being the first, not for the limit.
  await admin.getByLabel("Per-customer limit").fill("5");
  await admin.getByRole("button", { name: "Create coupon" }).click();
  await expect(admin.getByTestId("coupon-created")).toBeVisible();
  await expect(admin.getByTestId("coupon-offer")).toContainText("25% off");
  await expect(admin.getByTestId("coupon-offer")).toContainText(sku);
  await expect(admin.getByTestId("coupon-offer")).toContainText("First order only");

  await admin.goto(`/admin/coupons?q=${code}`);
  await expect(admin.getByTestId("coupons-table")).toContainText(code);
  await expect(admin.getByTestId("coupons-table")).toContainText("25% off");
  // The list shows its minimum and product scope, not only its offer.
  await expect(admin.getByTestId("coupon-conditions")).toHaveText("any order · 1 product · First order only");

  const customer = await createCustomer({ creditCents: 5_000 });
  const api = await playwright.request.newContext({ baseURL });
  try {
    await signInApi(api, customer.email);
    const response = await api.post("/api/orders", {
      headers: { "Idempotency-Key": crypto.randomUUID() },
      data: { lines: [{ sku, quantity: 1 }], discountCode: code },
    });
    expect(response.status()).toBe(201);
    expect(await response.json()).toMatchObject({ order: { discountCents: 500, totalCents: 1_500 } });
    const second = await api.post("/api/orders", {
      headers: { "Idempotency-Key": crypto.randomUUID() },
      data: { lines: [{ sku, quantity: 1 }], discountCode: code },
    });
    expect(second.status()).toBe(409);
    expect(await second.json()).toMatchObject({ reason: "not_first_order" });
  } finally {
    await api.dispose();
  }

  await admin.goto(`/admin/coupons?q=${code}`);
  await admin.getByRole("link", { name: code }).click();
  await expect(admin.getByTestId("orders-table")).toContainText(customer.email);
  await admin.goto(`/admin/orders?code=${code}`);
  await expect(admin.getByTestId("orders-table")).toContainText(customer.email);
  await expect(admin.getByTestId("orders-table")).toContainText("$15.00");
});
