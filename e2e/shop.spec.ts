import { expect, test } from "@playwright/test";
import {
  balanceOf,
  createCustomer,
  e2eDb,
  expectInvariantsHold,
  screenshot,
  signInByRequest,
  signedInPage,
} from "./support";

function card(page: import("@playwright/test").Page, sku: string) {
  return page.locator(`[data-testid="product-card"][data-sku="${sku}"]`);
}

async function priceOf(sku: string) {
  return (await e2eDb().product.findUniqueOrThrow({ where: { sku } })).priceCents;
}

test("buying with store credit takes the price once and shows up in the wallet", async ({ page }) => {
  const notebook = await priceOf("NOTEBOOK");
  const customer = await createCustomer({ creditCents: 2_000 });
  await signInByRequest(page, customer.email, undefined, "/shop");
  await expect(page.getByRole("heading", { level: 1, name: "Spend your credit" })).toBeVisible();
  await screenshot(page, "shop");

  const buy = card(page, "NOTEBOOK").getByRole("button", { name: /Buy for/ });
  await buy.dblclick();
  await expect(card(page, "NOTEBOOK").getByTestId("buy-result")).toContainText(
    "You bought Dot-grid notebook for $8.00.",
  );
  await expect(card(page, "NOTEBOOK").getByTestId("buy-result")).toContainText("Your balance is now $12.00.");
  await expect(page.getByTestId("header-balance")).toHaveText("$12.00");
  await screenshot(page, "shop-bought");
  expect(await balanceOf(customer.id)).toBe(2_000 - notebook);
  expect(await e2eDb().order.count({ where: { userId: customer.id } })).toBe(1);

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Wallet" }).click();
  await expect(page).toHaveURL(/\/wallet$/);
  const rows = page.getByTestId("ledger-row");
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText("Bought Dot-grid notebook");
  await expect(rows.nth(0)).toContainText("−$8.00");
  await expect(rows.nth(0)).toContainText("$12.00");
  await expect(rows.nth(1)).toContainText("Redeemed E2E");
  await expect(rows.nth(1)).toContainText("+$20.00");
  await expect(page.getByTestId("redemption-row")).toContainText("Active");
  await screenshot(page, "wallet");
});

test("a purchase the balance cannot pay is refused with a clear message", async ({ page }) => {
  const customer = await createCustomer({ creditCents: 500 });
  await signInByRequest(page, customer.email, undefined, "/shop");
  await expect(card(page, "MUG")).toContainText("You need $17.00 more credit.");
  await card(page, "MUG")
    .getByRole("button", { name: /Buy for/ })
    .click();
  await expect(card(page, "MUG").getByTestId("buy-result")).toContainText(
    "Not enough store credit: the order comes to $22.00 and your balance is $5.00. Nothing was charged.",
  );
  expect(await balanceOf(customer.id)).toBe(500);
});

test("two browsers spending the last credit at once: exactly one purchase goes through", async ({ browser }) => {
  const price = await priceOf("TOTE");
  const customer = await createCustomer({ creditCents: price });
  const [a, b] = await Promise.all([
    signedInPage(browser, customer.email, "/shop"),
    signedInPage(browser, customer.email, "/shop"),
  ]);
  await Promise.all(
    [a, b].map((page) =>
      card(page, "TOTE")
        .getByRole("button", { name: /Buy for/ })
        .click(),
    ),
  );

  const texts = await Promise.all(
    [a, b].map(async (page) => {
      const result = card(page, "TOTE").getByTestId("buy-result");
      await expect(result).toBeVisible();
      return result.innerText();
    }),
  );
  expect(texts.filter((t) => t.includes("You bought Canvas tote bag"))).toHaveLength(1);
  expect(texts.filter((t) => t.includes("Not enough store credit"))).toHaveLength(1);
  expect(await balanceOf(customer.id)).toBe(0);
  expect(await e2eDb().order.count({ where: { userId: customer.id } })).toBe(1);
  await expectInvariantsHold();
  await Promise.all([a.context().close(), b.context().close()]);
});

test("a new customer's wallet says what to do", async ({ page }) => {
  const customer = await createCustomer();
  await signInByRequest(page, customer.email, undefined, "/wallet");
  await expect(page.getByText("No activity yet")).toBeVisible();
  await expect(page.getByText("No codes redeemed yet")).toBeVisible();
  await expect(page.getByTestId("balance")).toHaveText("$0.00");
  await screenshot(page, "wallet-empty");
  await page.getByRole("link", { name: "Redeem a code" }).first().click();
  await expect(page).toHaveURL(/\/redeem$/);
});
