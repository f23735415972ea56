import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import {
  SCREENS,
  adminPage,
  balanceOf,
  createCustomer,
  createTestProduct,
  e2eDb,
  expectInvariantsHold,
  signInApi,
  signInWithUi,
} from "./support";

/**
 * Order numbers and order pages: a customer's order gets a number (in the JSON answer and on /orders),
 * its page shows it and what it cost; "Cancel order" asks first ("Keep order" keeps it); no one else
 * sees the page; the admin finds the order by its number, typed 1001 or #1001, and opens its page.
 */

test("an order's number on /orders and its page; cancel asks first; the admin finds it by number", async ({
  browser,
  playwright,
  baseURL,
}) => {
  const page = await (await browser.newContext(SCREENS.desktop)).newPage();
  const customer = await createCustomer({ creditCents: 10_000 });
  const tee = await createTestProduct({ priceCents: 2_000, stock: 5, name: "Numbered tee" });
  await signInWithUi(page, customer.email, undefined, "/orders");

  // Placed through the JSON API, which answers with the number.
  const response = await page.request.post("/api/orders", {
    headers: { "Idempotency-Key": randomUUID() },
    data: { lines: [{ sku: tee.sku, quantity: 2 }] },
  });
  expect(response.status()).toBe(201);
  const { order } = (await response.json()) as { order: { id: string; number: number; totalCents: number } };
  expect(order.number).toBeGreaterThanOrEqual(1001);
  expect(order.totalCents).toBe(4_000);
  const number = `#${order.number}`;

  await page.goto("/orders");
  const card = page.locator(`[data-testid="order"][data-order-number="${order.number}"]`);
  await expect(card.getByTestId("order-number")).toHaveText(`Order ${number}`);

  await card.getByRole("link", { name: `Order ${number}` }).click();
  await expect(page).toHaveURL(new RegExp(`/orders/${order.id}$`));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Order ${number}`);
  await expect(page.getByTestId("order-status")).toHaveText("Placed");
  await expect(page.getByTestId("order")).toContainText("2 × Numbered tee");
  await expect(page.getByTestId("order")).toContainText("$20.00 each");
  await expect(page.getByTestId("order-total")).toHaveText("$40.00");
  await expect(page.getByTestId("order-credit")).toContainText("Paid from your store credit");
  await expect(page.getByTestId("order-credit")).toContainText("−$40.00");

  // "Cancel order" asks; "Keep order" keeps it, and nothing is sent.
  await page.getByRole("button", { name: "Cancel order" }).click();
  const dialog = page.getByRole("dialog", { name: `Cancel order ${number}?` });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("$40.00 goes back to your store credit");
  await dialog.getByRole("button", { name: "Keep order" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId("cancel-result")).toHaveCount(0);
  expect(await e2eDb().order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({ status: "PLACED" });
  expect(await balanceOf(customer.id)).toBe(6_000);

  // Asked again, and confirmed: cancelled, refunded, and the page says so.
  await page.getByRole("button", { name: "Cancel order" }).click();
  await dialog.getByRole("button", { name: "Cancel order" }).click();
  await expect(page.getByTestId("cancel-result")).toContainText(
    "Order cancelled. $40.00 went back to your store credit.",
  );
  await expect(page.getByTestId("order-status")).toHaveText("Cancelled");
  await expect(page.getByTestId("order-credit")).toContainText("Refunded to your store credit");
  await expect(page.getByRole("button", { name: "Cancel order" })).toHaveCount(0);
  expect(await balanceOf(customer.id)).toBe(10_000);

  // Someone else's order is no order at all.
  const stranger = await createCustomer();
  const api = await playwright.request.newContext({ baseURL });
  try {
    await signInApi(api, stranger.email);
    const foreign = await api.get(`/orders/${order.id}`);
    expect(foreign.status()).toBe(404);
    expect(await foreign.text()).not.toContain("Numbered tee");
  } finally {
    await api.dispose();
  }

  // The admin finds it by its number, with or without "#", and opens its page from the row.
  const admin = await adminPage(browser, "/admin/orders");
  for (const typed of [number, String(order.number)]) {
    await admin.goto("/admin/orders");
    await admin.getByLabel("Order number").fill(typed);
    await admin.getByRole("button", { name: "Apply" }).click();
    await expect(admin.locator("[data-testid=orders-table] tbody tr")).toHaveCount(1);
    await expect(admin.getByTestId("orders-table")).toContainText(customer.email);
  }
  await admin
    .getByTestId("orders-table")
    .getByRole("link", { name: `Order ${number}` })
    .click();
  await expect(admin).toHaveURL(new RegExp(`/admin/orders/${order.id}$`));
  await expect(admin.getByTestId("order-number")).toHaveText(`Order ${number}`);
  await expect(admin.getByTestId("order-status")).toHaveText("Cancelled");
  await expect(admin.getByTestId("order-lines")).toContainText("Numbered tee");
  await expect(admin.getByTestId("order-lines")).toContainText("$20.00");
  await expect(admin.getByTestId("order-total")).toHaveText("$40.00");
  await expect(admin.getByTestId("order-credit")).toContainText("Paid with store credit");
  await expect(admin.getByTestId("order-credit")).toContainText("Refunded to store credit");
  await expect(admin.getByTestId("order-stock")).toContainText("Sold");
  await expect(admin.getByTestId("order-stock")).toContainText("Returned to stock");
  await expect(admin.getByTestId("order-history")).toContainText(`Cancelled`);
  await expect(admin.getByTestId("order-history")).toContainText(customer.email);
  await admin.getByRole("link", { name: customer.email }).first().click();
  await expect(admin).toHaveURL(new RegExp(`/admin/customers/${customer.id}$`));
  await expectInvariantsHold();
});
