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
  signInByRequest,
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
  await signInByRequest(page, customer.email, undefined, "/orders");

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

test("the admin fulfils an order, then refunds units (restocked) and an amount; the customer sees the refunds and their credit", async ({
  browser,
}) => {
  const customer = await createCustomer({ creditCents: 10_000 });
  const tee = await createTestProduct({ priceCents: 1_000, stock: 5, name: `Refund tee ${customer.id.slice(0, 6)}` });
  const mug = await createTestProduct({ priceCents: 400, stock: null, name: `Refund mug ${customer.id.slice(0, 6)}` });
  const shopper = await (await browser.newContext(SCREENS.desktop)).newPage();
  await signInByRequest(shopper, customer.email, undefined, "/orders");
  const response = await shopper.request.post("/api/orders", {
    headers: { "Idempotency-Key": randomUUID() },
    data: {
      lines: [
        { sku: tee.sku, quantity: 3 },
        { sku: mug.sku, quantity: 1 },
      ],
    },
  });
  expect(response.status()).toBe(201);
  const { order } = (await response.json()) as { order: { id: string; number: number } };
  const number = `#${order.number}`;
  expect(await balanceOf(customer.id)).toBe(6_600);

  const admin = await adminPage(browser, `/admin/orders/${order.id}`);
  // A placed order offers no refund: it is cancelled to refund it whole.
  await expect(admin.getByTestId("refund-form")).toHaveCount(0);
  // Cancel asks first, and its two choices cannot be mistaken for each other ("Cancel" beside "Cancel order").
  await admin.getByTestId(`cancel-${order.id}`).click();
  const dialog = admin.getByRole("dialog", { name: `Cancel order ${number} of ${customer.email} ($34.00)?` });
  await expect(dialog.getByRole("button")).toHaveText(["Keep order", "Cancel order"]);
  await dialog.getByRole("button", { name: "Keep order" }).click();
  await expect(dialog).toBeHidden();
  await expect(admin.getByTestId("order-status")).toHaveText("Placed");
  await admin.getByTestId(`fulfil-${order.id}`).click();
  await expect(admin.getByTestId("order-status")).toHaveText("Fulfilled");
  await expect(admin.getByTestId("order-history")).toContainText("Fulfilled");
  await expect(admin.getByRole("button", { name: "Cancel" })).toHaveCount(0);
  const form = admin.getByTestId("refund-form");
  await expect(form.getByTestId("refund-remaining")).toHaveText("$34.00");

  // One tee, back in stock.
  await form.getByLabel(`of ${tee.name}`).fill("1");
  await expect(form.getByLabel("Put the refunded units back in stock")).toBeChecked();
  await form.getByLabel("Reason (the customer sees it)").fill("Arrived torn");
  await form.getByRole("button", { name: "Refund to store credit" }).click();
  await expect(form.getByTestId("refund-result")).toHaveText(
    `Refunded $10.00 of order ${number} to store credit. $24.00 of $34.00 is left to refund.`,
  );
  await expect(form.getByTestId("refund-remaining")).toHaveText("$24.00");
  await expect(form.getByLabel(`of ${tee.name}`)).toHaveValue("");
  await expect(form).toContainText(`of ${tee.name} (2 left to refund)`);
  expect((await e2eDb().product.findUniqueOrThrow({ where: { id: tee.id } })).stock).toBe(3);

  // An amount: a refusal past what is left keeps what was typed; then a valid amount.
  await form.getByLabel("An amount").check();
  await form.getByLabel("Amount in dollars").fill("30.00");
  await form.getByLabel("Reason (the customer sees it)").fill("Late delivery");
  await form.getByRole("button", { name: "Refund to store credit" }).click();
  await expect(form.getByTestId("refund-result")).toHaveText(
    "That is more than is left to refund: at most $24.00. Nothing changed.",
  );
  await expect(form.getByLabel("Amount in dollars")).toHaveValue("30.00");
  await form.getByLabel("Amount in dollars").fill("2.50");
  await form.getByRole("button", { name: "Refund to store credit" }).click();
  await expect(form.getByTestId("refund-result")).toHaveText(
    `Refunded $2.50 of order ${number} to store credit. $21.50 of $34.00 is left to refund.`,
  );
  await expect(admin.getByTestId("order-refunded")).toHaveText("−$12.50");
  await expect(admin.getByTestId("order-refunds")).toContainText(`1 × ${tee.name}, restocked`);
  await expect(admin.getByTestId("order-refunds")).toContainText("Late delivery");
  await expect(admin.getByTestId("order-stock")).toContainText("Restocked by a refund");
  await expect(admin.getByTestId("order-credit")).toContainText("Partial refund to store credit");
  expect(await balanceOf(customer.id)).toBe(6_600 + 1_250);

  // The customer's page shows both refunds, and their balance grew by them.
  await shopper.goto(`/orders/${order.id}`);
  await expect(shopper.getByTestId("order-refunded")).toHaveText("−$12.50");
  await expect(shopper.getByTestId("order-refunds")).toContainText(`1 × ${tee.name}: Arrived torn`);
  await expect(shopper.getByTestId("order-refunds")).toContainText("+$10.00");
  await expect(shopper.getByTestId("order-refunds")).toContainText("Late delivery");
  await expect(shopper.getByTestId("order-refunds")).toContainText("+$2.50");
  await expect(shopper.getByTestId("order-credit")).toContainText("Partly refunded to your store credit");
  await expect(shopper.getByTestId("header-balance")).toHaveText("$78.50");
  await expectInvariantsHold();
});
