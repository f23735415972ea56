import { randomUUID } from "node:crypto";
import { type Locator, type Page, expect, test } from "@playwright/test";
import {
  SCREENS,
  adminPage,
  balanceOf,
  createCustomer,
  createTestCoupon,
  createTestProduct,
  e2eDb,
  expectInvariantsHold,
  sidewaysOverflow,
  signInByRequest,
} from "./support";
import { placeOrder } from "@/lib/checkout/place-order";

/**
 * The customer's checkout in a real browser: shop → cart (quantity, remove, a code previewed but not
 * used) → order → /orders → cancel. Every test makes its own customer, products and codes, so the demo
 * rows other suites rely on stay untouched. Refusals must be said plainly and charge nothing.
 */

const card = (page: Page, sku: string) => page.locator(`[data-testid="product-card"][data-sku="${sku}"]`);
const cartLine = (page: Page, sku: string) => page.locator(`[data-testid="cart-line"][data-sku="${sku}"]`);

async function addToCart(page: Page, sku: string) {
  await card(page, sku)
    .getByRole("button", { name: /Add to cart/ })
    .click();
  await expect(card(page, sku).getByTestId("add-result")).toContainText("Added to your cart.");
}

async function applyCode(page: Page, code: string) {
  await page.getByLabel("Discount code").fill(code);
  await page.getByRole("button", { name: "Apply code" }).click();
  await expect(page.getByTestId("code-preview")).toContainText(code);
}

const placeButton = (page: Page) => page.getByRole("button", { name: /Place order for/ });

async function expectRefused(result: Locator, reason: string, text: string | RegExp) {
  await expect(result).toContainText(text);
  await expect(result).toContainText("Nothing was charged.");
  await expect(result.locator(`[data-reason="${reason}"]`)).toBeVisible();
}

/** The customer's rows that an order would have written: none, after a refusal. */
async function ordersOf(userId: string) {
  return e2eDb().order.count({ where: { userId } });
}

for (const screen of ["desktop", "phone"] as const) {
  test(`shop → cart → order → orders → cancel (${screen})`, async ({ browser }) => {
    const page = await (await browser.newContext(SCREENS[screen])).newPage();
    const customer = await createCustomer({ creditCents: 10_000 });
    const tee = await createTestProduct({ priceCents: 2_000, stock: 5, name: "Checkout tee" });
    const mug = await createTestProduct({ priceCents: 1_000, stock: null, name: "Checkout mug" });
    const code = await createTestCoupon({ kind: "AMOUNT_OFF", valueCents: 500, maxRedemptions: 1 });
    await signInByRequest(page, customer.email, undefined, "/shop");

    await addToCart(page, tee.sku);
    await addToCart(page, mug.sku);
    await page.goto("/cart");
    await expect(page.getByTestId("cart-line")).toHaveCount(2);

    // Two tees, then the mug removed.
    await cartLine(page, tee.sku).getByLabel("Quantity").fill("2");
    await cartLine(page, tee.sku).getByRole("button", { name: "Update" }).click();
    await expect(page.getByTestId("cart-subtotal")).toHaveText("$50.00");
    await cartLine(page, mug.sku)
      .getByRole("button", { name: /Remove/ })
      .click();
    await expect(page.getByTestId("cart-line")).toHaveCount(1);
    await expect(page.getByTestId("cart-subtotal")).toHaveText("$40.00");

    // The preview shows the discount and the total, and uses nothing.
    await applyCode(page, code.code);
    await expect(page.getByTestId("code-preview")).toContainText("$5.00 off. Applied when you place the order.");
    await expect(page.getByTestId("cart-discount")).toHaveText("−$5.00");
    await expect(page.getByTestId("cart-total")).toHaveText("$35.00");
    expect(await e2eDb().coupon.findUniqueOrThrow({ where: { id: code.id } })).toMatchObject({ redeemedCount: 0 });
    expect(await balanceOf(customer.id)).toBe(10_000);
    expect(await sidewaysOverflow(page)).toBe(0);

    await placeButton(page).click();
    await expect(page.getByTestId("order-result")).toContainText(
      "Order placed: $35.00 ($5.00 off with " + code.code + "). Your balance is $65.00.",
    );
    expect(await balanceOf(customer.id)).toBe(6_500);
    expect(await e2eDb().product.findUniqueOrThrow({ where: { id: tee.id } })).toMatchObject({ stock: 3 });

    await page.getByRole("link", { name: "See your orders" }).click();
    await expect(page).toHaveURL(/\/orders$/);
    const order = page.getByTestId("order");
    await expect(order).toHaveCount(1);
    await expect(order).toContainText("2 × Checkout tee");
    await expect(order).toContainText(`Discount (${code.code})`);
    await expect(order).toContainText("−$5.00");
    await expect(order.getByTestId("order-total")).toHaveText("$35.00");
    expect(await sidewaysOverflow(page)).toBe(0);

    // Cancelling gives the stock, the code's use and the credit back.
    await order.getByRole("button", { name: "Cancel order" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Cancel order" }).click();
    await expect(order.getByTestId("cancel-result")).toContainText(
      "Order cancelled. $35.00 went back to your store credit.",
    );
    expect(await balanceOf(customer.id)).toBe(10_000);
    expect(await e2eDb().product.findUniqueOrThrow({ where: { id: tee.id } })).toMatchObject({ stock: 5 });
    expect(await e2eDb().coupon.findUniqueOrThrow({ where: { id: code.id } })).toMatchObject({ redeemedCount: 0 });
    await expect(page.getByTestId("order")).toHaveAttribute("data-status", "CANCELLED");
    await expectInvariantsHold();
  });
}

/** Presses Tab until `target` has the focus, as someone without a mouse would. */
async function tabTo(page: Page, target: Locator, most = 200) {
  for (let presses = 0; presses < most; presses++) {
    if (await target.evaluate((element) => element === document.activeElement)) return;
    await page.keyboard.press("Tab");
  }
  await expect(target).toBeFocused();
}

test("keyboard only: add to cart, apply a code, place the order", async ({ page }) => {
  const customer = await createCustomer({ creditCents: 5_000 });
  const tee = await createTestProduct({ priceCents: 2_000, stock: 3, name: "Keyboard tee" });
  const code = await createTestCoupon({ kind: "PERCENT_OFF", valueCents: 0, percentOff: 50, maxRedemptions: 1 });
  await signInByRequest(page, customer.email, undefined, "/shop");

  await tabTo(page, card(page, tee.sku).getByRole("button", { name: /Add to cart/ }));
  await page.keyboard.press("Enter");
  await expect(card(page, tee.sku).getByTestId("add-result")).toContainText("Added to your cart.");
  await tabTo(page, card(page, tee.sku).getByRole("link", { name: "View cart" }));
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/cart$/);

  await tabTo(page, page.getByLabel("Discount code"));
  await page.keyboard.type(code.code);
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("cart-total")).toHaveText("$10.00");
  await tabTo(page, placeButton(page));
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("order-result")).toContainText(`Order placed: $10.00 ($10.00 off with ${code.code})`);
  expect(await balanceOf(customer.id)).toBe(4_000);
  await expectInvariantsHold();
});

test.describe("refusals say why and charge nothing", () => {
  test("the code is used up between applying it and placing the order", async ({ page }) => {
    const customer = await createCustomer({ creditCents: 5_000 });
    const rival = await createCustomer({ creditCents: 5_000 });
    const mug = await createTestProduct({ priceCents: 1_000, stock: null });
    const code = await createTestCoupon({ kind: "AMOUNT_OFF", valueCents: 300, maxRedemptions: 1 });
    await signInByRequest(page, customer.email, undefined, "/shop");
    await addToCart(page, mug.sku);
    await page.goto("/cart");
    await applyCode(page, code.code);
    await expect(page.getByTestId("cart-total")).toHaveText("$7.00");

    // Someone else uses the single use meanwhile (through the same engine, as their own order).
    const taken = await placeOrder(e2eDb(), {
      userId: rival.id,
      lines: [{ sku: mug.sku, quantity: 1 }],
      discountCode: code.code,
      idempotencyKey: randomUUID(),
    });
    expect(taken.ok).toBe(true);

    await placeButton(page).click();
    await expectRefused(page.getByTestId("order-result"), "exhausted", "This code has just been used up.");
    expect(await balanceOf(customer.id)).toBe(5_000);
    expect(await ordersOf(customer.id)).toBe(0);
    await expect(page.getByTestId("cart-line")).toHaveCount(1);
  });

  test("the product sold out", async ({ page }) => {
    const customer = await createCustomer({ creditCents: 5_000 });
    const tee = await createTestProduct({ priceCents: 2_000, stock: 1 });
    await signInByRequest(page, customer.email, undefined, "/shop");
    await addToCart(page, tee.sku);
    await page.goto("/cart");
    // The last unit goes elsewhere before the order (as an admin's stock change would).
    await e2eDb().$transaction([
      e2eDb().product.update({ where: { id: tee.id }, data: { stock: 0 } }),
      e2eDb().stockMovement.create({ data: { productId: tee.id, kind: "ADJUSTMENT", quantity: -1 } }),
    ]);

    await placeButton(page).click();
    await expectRefused(page.getByTestId("order-result"), "out_of_stock", `Sorry, ${tee.name} sold out`);
    expect(await balanceOf(customer.id)).toBe(5_000);
    expect(await ordersOf(customer.id)).toBe(0);
  });

  test("not enough credit", async ({ page }) => {
    const customer = await createCustomer({ creditCents: 1_500 });
    const tee = await createTestProduct({ priceCents: 2_000, stock: 4 });
    await signInByRequest(page, customer.email, undefined, "/shop");
    await addToCart(page, tee.sku);
    await page.goto("/cart");

    await placeButton(page).click();
    await expectRefused(
      page.getByTestId("order-result"),
      "insufficient_credit",
      "Not enough store credit: the order comes to $20.00 and your balance is $15.00.",
    );
    expect(await balanceOf(customer.id)).toBe(1_500);
    expect(await ordersOf(customer.id)).toBe(0);
    expect(await e2eDb().product.findUniqueOrThrow({ where: { id: tee.id } })).toMatchObject({ stock: 4 });
    await expectInvariantsHold();
  });
});

test("an admin sets a product's stock after counting the shelf (=N), and the shop shows it", async ({ browser }) => {
  const tee = await createTestProduct({ priceCents: 2_000, stock: 5 });
  const admin = await adminPage(browser, "/admin/products");
  const form = admin.getByTestId(`stock-adjust-${tee.sku}`);
  await form.getByRole("textbox").fill("=2");
  await form.getByRole("button", { name: "Adjust" }).click();
  await expect(form.locator('[data-reason="ok"]')).toHaveText(`${tee.sku}: 2 in stock.`);
  expect(
    await e2eDb().stockMovement.findMany({
      where: { productId: tee.id },
      select: { kind: true, quantity: true },
      orderBy: { id: "asc" },
    }),
  ).toEqual([
    { kind: "INITIAL", quantity: 5 },
    { kind: "ADJUSTMENT", quantity: -3 },
  ]);
  await form.getByRole("textbox").fill("=-1");
  await form.getByRole("button", { name: "Adjust" }).click();
  await expect(form.locator('[data-reason="invalid"]')).toContainText("=12 to set the count");

  const customer = await createCustomer();
  const page = await (await browser.newContext()).newPage();
  await signInByRequest(page, customer.email, undefined, "/shop");
  await expect(card(page, tee.sku).getByTestId("stock")).toHaveText("Only 2 left");
  await expectInvariantsHold();
});

test("a cart that guides: a code that does not apply is left out, quantities stop at the stock", async ({ page }) => {
  const customer = await createCustomer({ creditCents: 10_000 });
  const notebook = await createTestProduct({ priceCents: 800, stock: null, name: "Guide notebook" });
  const mug = await createTestProduct({ priceCents: 1_200, stock: 3, name: "Guide mug" });
  const fiveOff = await createTestCoupon({ kind: "AMOUNT_OFF", valueCents: 500, minSubtotalCents: 2_000 });
  const mugOnly = await createTestCoupon({ kind: "AMOUNT_OFF", valueCents: 300, productIds: [mug.id] });
  await signInByRequest(page, customer.email, undefined, "/shop");
  await addToCart(page, notebook.sku);
  await page.goto("/cart");

  // A code for another product names it; a code under its minimum says so; neither blocks the order.
  await applyCode(page, mugOnly.code);
  await expect(page.getByTestId("code-preview")).toContainText(
    `${mugOnly.code} is not applied: This code applies only to Guide mug.`,
  );
  // Remove drops it without clearing the field by hand.
  await page.getByRole("button", { name: `Remove ${mugOnly.code}` }).click();
  await expect(page.getByTestId("code-preview")).toHaveCount(0);
  await expect(page.getByLabel("Discount code")).toHaveValue("");
  await applyCode(page, fiveOff.code);
  await expect(page.getByTestId("code-preview")).toContainText(
    "is not applied: This code needs an order of at least $20.00",
  );
  await expect(placeButton(page)).toHaveText("Place order for $8.00");
  await placeButton(page).click();
  await expect(page.getByTestId("order-result")).toContainText("Order placed: $8.00.");
  expect(await balanceOf(customer.id)).toBe(9_200);
  expect((await e2eDb().coupon.findUniqueOrThrow({ where: { id: fiveOff.id } })).redeemedCount).toBe(0);

  // The mug has 3: the line says so and the field stops there (the server refuses more in its name,
  // test/cart-guides.test.ts).
  await page.goto("/shop");
  await addToCart(page, mug.sku);
  await page.goto("/cart");
  await expect(cartLine(page, mug.sku)).toContainText("only 3 left");
  await expect(cartLine(page, mug.sku).getByLabel("Quantity")).toHaveAttribute("max", "3");
  // An empty quantity is a mistake, not a removal.
  await cartLine(page, mug.sku).getByLabel("Quantity").fill("");
  await cartLine(page, mug.sku).getByRole("button", { name: "Update" }).click();
  await expect(page.getByTestId("quantity-result")).toContainText("Enter a quantity");
  await expect(page.getByTestId("cart-line")).toHaveCount(1);

  // Sold out meanwhile: the line says so by name and the order button waits.
  await e2eDb().$transaction([
    e2eDb().product.update({ where: { id: mug.id }, data: { stock: 0 } }),
    e2eDb().stockMovement.create({ data: { productId: mug.id, kind: "ADJUSTMENT", quantity: -3 } }),
  ]);
  await page.reload();
  await expect(page.getByTestId("cart-blockers")).toContainText("Guide mug is sold out: remove it to order the rest.");
  await expect(placeButton(page)).toBeDisabled();
  await expectInvariantsHold();
});
