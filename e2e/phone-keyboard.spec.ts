import { randomUUID } from "node:crypto";
import { type Locator, type Page, expect, test } from "@playwright/test";
import { placeOrder } from "@/lib/checkout/place-order";
import {
  SCREENS,
  adminPage,
  createCustomer,
  createTestCoupon,
  createTestProduct,
  e2eDb,
  signInByRequest,
} from "./support";

/**
 * Phone and keyboard (issue 22, item 5): after each action focus lands on its answer, not on <body>; a
 * refusal clears as soon as the next value is typed; toasts sit clear of both navigation bars; selects
 * show their whole choice at 390 px; the balance's width does not move the navigation.
 */

/** Whether the focused element is `answer` or holds it (the answer's region takes focus). */
async function focusHolds(page: Page, answer: Locator): Promise<boolean> {
  const handle = await answer.elementHandle();
  return page.evaluate((el) => {
    const active = document.activeElement;
    return active !== null && active !== document.body && (active === el || active.contains(el));
  }, handle);
}

test("focus moves to the answer after Add to cart, Apply code, Place order and Cancel order", async ({ browser }) => {
  const customer = await createCustomer({ creditCents: 10_000 });
  const product = await createTestProduct({ priceCents: 1_000, stock: null });
  const code = await createTestCoupon({ kind: "AMOUNT_OFF", valueCents: 200 });
  const page = await (await browser.newContext(SCREENS.phone)).newPage();
  await signInByRequest(page, customer.email, undefined, "/shop");

  const card = page.locator(`[data-testid="product-card"][data-sku="${product.sku}"]`);
  await card.getByRole("button", { name: /Add to cart/ }).click();
  await expect(card.getByTestId("add-result")).toContainText("Added to your cart.");
  await expect.poll(() => focusHolds(page, card.getByTestId("add-result"))).toBe(true);

  await page.goto("/cart");
  await page.getByLabel("Discount code").fill(code.code);
  await page.getByRole("button", { name: "Apply code" }).click();
  await expect(page.getByTestId("code-preview")).toContainText(code.code);
  await expect.poll(() => focusHolds(page, page.getByTestId("code-preview"))).toBe(true);

  await page.getByRole("button", { name: /Place order for/ }).click();
  await expect(page.getByTestId("order-result")).toContainText("Order placed");
  await expect.poll(() => focusHolds(page, page.getByTestId("order-result"))).toBe(true);

  const placed = await placeOrder(e2eDb(), {
    userId: customer.id,
    lines: [{ sku: product.sku, quantity: 1 }],
    discountCode: null,
    idempotencyKey: randomUUID(),
  });
  if (!placed.ok) throw new Error(`setup order refused: ${placed.reason}`);
  await page.goto(`/orders/${placed.order.id}`);
  await page.getByRole("button", { name: "Cancel order" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Cancel order" }).click();
  await expect(page.getByTestId("cancel-result")).toContainText("Order cancelled");
  await expect.poll(() => focusHolds(page, page.getByTestId("cancel-result"))).toBe(true);
});

test("a refusal clears when the next value is typed: redeem, the cart's code and quantity, a credit adjustment", async ({
  browser,
}) => {
  const customer = await createCustomer({ creditCents: 500 });
  const product = await createTestProduct({ priceCents: 1_000, stock: null });
  const page = await (await browser.newContext(SCREENS.phone)).newPage();
  await signInByRequest(page, customer.email, undefined, "/redeem");

  await page.getByLabel("Coupon code").fill("NO-SUCH-CODE");
  await page.getByRole("button", { name: "Redeem" }).click();
  await expect(page.getByTestId("redeem-result")).toContainText("We don't recognise that code");
  await page.getByLabel("Coupon code").pressSequentially("X");
  await expect(page.getByTestId("redeem-result")).toHaveCount(0);
  await expect(page.getByLabel("Coupon code")).not.toHaveAttribute("aria-invalid", "true");

  await page.goto("/shop");
  await page
    .locator(`[data-testid="product-card"][data-sku="${product.sku}"]`)
    .getByRole("button", { name: /Add to cart/ })
    .click();
  await expect(page.getByTestId("add-result").first()).toContainText("Added to your cart.");
  await page.goto("/cart");
  // A code that cannot be one is refused outright (an unknown one is shown as not applied, with Remove).
  await page.getByLabel("Discount code").fill("NO SUCH CODE!");
  await page.getByRole("button", { name: "Apply code" }).click();
  await expect(page.getByTestId("code-result")).toBeVisible();
  await page.getByLabel("Discount code").pressSequentially("X");
  await expect(page.getByTestId("code-result")).toHaveCount(0);

  const quantity = page.getByTestId("cart-line").getByLabel("Quantity");
  await quantity.fill("");
  await page.getByTestId("cart-line").getByRole("button", { name: "Update" }).click();
  await expect(page.getByTestId("quantity-result")).toContainText("Enter a quantity");
  await quantity.pressSequentially("2");
  await expect(page.getByTestId("quantity-result")).toHaveCount(0);

  // An order's refusal is about the cart as it was: editing the cart clears it.
  await page.getByRole("button", { name: /Place order/ }).click();
  await expect(page.getByTestId("order-result").locator("[data-reason]")).toHaveAttribute(
    "data-reason",
    "insufficient_credit",
  );
  await quantity.fill("1");
  await expect(page.getByTestId("order-result")).toHaveCount(0);

  const admin = await adminPage(browser, `/admin/customers/${customer.id}`, "phone");
  const form = admin.getByTestId("credit-adjustment");
  await form.getByLabel("Debit (take from the balance)").check();
  await form.getByLabel("Amount in dollars").fill("10.00");
  await form.getByLabel("Reason (the customer sees it in their wallet)").fill("Correction of a duplicate credit");
  await form.getByRole("button", { name: "Adjust balance" }).click();
  await expect(admin.getByTestId("adjustment-result")).toContainText("Cannot debit more than the customer's balance");
  await form.getByLabel("Amount in dollars").fill("1.00");
  await expect(admin.getByTestId("adjustment-result")).toHaveCount(0);
});

test("on a phone, a toast sits clear of both navigation bars, and the new-coupon selects show their whole choice", async ({
  browser,
}) => {
  const coupon = await createTestCoupon({ valueCents: 100 });
  const admin = await adminPage(browser, `/admin/coupons/${coupon.id}`, "phone");
  await admin.getByRole("button", { name: "Disable coupon" }).click();
  await admin.getByRole("dialog").getByRole("button", { name: "Disable coupon" }).click();
  const toast = admin.locator("[data-sonner-toast]").first();
  await expect(toast).toBeVisible();
  const toastBox = (await toast.boundingBox())!;
  for (const nav of [
    admin.getByRole("navigation", { name: "Main" }),
    admin.getByRole("navigation", { name: "Admin" }),
  ]) {
    const box = (await nav.boundingBox())!;
    const overlaps = toastBox.y < box.y + box.height && box.y < toastBox.y + toastBox.height;
    expect(overlaps, "the toast covers a navigation bar").toBe(false);
  }

  await admin.goto("/admin/coupons/new");
  for (const [label, value] of [
    ["Kind", "CREDIT"],
    ["Kind", "PERCENT_OFF"],
    ["Kind", "AMOUNT_OFF"],
    ["Traffic", "AUTO"],
    ["Traffic", "SINGLE_ROW"],
    ["Traffic", "SLOTS"],
  ] as const) {
    const select = admin.getByLabel(label, { exact: true });
    await select.selectOption(value);
    // The chosen option's text, in the select's own font, fits inside it beside the arrow.
    const room = await select.evaluate((el: HTMLSelectElement) => {
      const style = getComputedStyle(el);
      const context = document.createElement("canvas").getContext("2d")!;
      context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      const text = context.measureText(el.selectedOptions[0]!.text).width;
      return el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 24 - text;
    });
    expect(room, `${label}: ${value} is clipped`).toBeGreaterThanOrEqual(0);
  }
});

test("the navigation stays put whatever the balance's width", async ({ browser }) => {
  const positions: number[] = [];
  for (const creditCents of [500, 1_234_567]) {
    // The same name: only the balance's width differs between the two.
    const customer = await createCustomer({ creditCents, name: "Pat Same" });
    const page = await (await browser.newContext(SCREENS.desktop)).newPage();
    await signInByRequest(page, customer.email, undefined, "/shop");
    positions.push((await page.getByRole("navigation", { name: "Main" }).boundingBox())!.x);
    await page.context().close();
  }
  expect(positions[1]).toBe(positions[0]);
});

test("a customer's dates are rendered in their browser's zone by the server, so nothing jumps on hydration", async ({
  browser,
}) => {
  const customer = await createCustomer({ creditCents: 500 });
  const entry = await e2eDb().ledgerEntry.findFirstOrThrow({ where: { userId: customer.id } });
  const context = await browser.newContext({ timezoneId: "Asia/Tokyo" });
  try {
    const page = await context.newPage();
    await signInByRequest(page, customer.email, undefined, "/wallet");
    await expect(page.locator(`time[datetime="${entry.createdAt.toISOString()}"]`)).toHaveText(/ Asia\/Tokyo$/);
    // The HTML as the server sends it, before any script runs: already in Tokyo time.
    const html = await (await page.request.get("/wallet")).text();
    const served = new RegExp(`<time datetime="${entry.createdAt.toISOString()}"[^>]*>([^<]*)</time>`, "i").exec(html);
    expect(served?.[1]).toMatch(/ Asia\/Tokyo$/);
  } finally {
    await context.close();
  }
});
