import { expect, test } from "@playwright/test";
import { createCustomer, signInByRequest } from "./support";

/** An answer that states something a later action changed is replaced or dismissed, never left behind. */

test("a card's 'your balance is now' goes when another purchase changes the balance", async ({ page }) => {
  const customer = await createCustomer({ creditCents: 10_000 });
  await signInByRequest(page, customer.email, undefined, "/shop");
  const card = (sku: string) => page.locator(`[data-testid="product-card"][data-sku="${sku}"]`);
  await card("NOTEBOOK")
    .getByRole("button", { name: /Buy for/ })
    .click();
  await expect(card("NOTEBOOK").getByTestId("buy-result")).toContainText("Your balance is now");
  await card("MUG")
    .getByRole("button", { name: /Buy for/ })
    .click();
  await expect(card("MUG").getByTestId("buy-result")).toContainText("Your balance is now");
  await expect(card("NOTEBOOK").getByTestId("buy-result")).toHaveCount(0);
});
