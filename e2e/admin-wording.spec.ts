import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { redeemCoupon, revokeRedemption } from "@/lib/redemptions";
import { ADMIN, adminPage, createCustomer, createTestCoupon, createTestProduct, e2eDb } from "./support";

/**
 * The admin's wording (issue 22, item 4): what a refusal allows and what was typed both stay on screen,
 * the admin log reads labels rather than stored codes, sentences keep their spaces and their grammar,
 * and the coupon list and form show every term and every product.
 */

test("a stock change past the stock says what is allowed and keeps what was typed; the log reads a label", async ({
  browser,
}) => {
  const product = await createTestProduct({ priceCents: 1_000, stock: 10 });
  const admin = await adminPage(browser, "/admin/products");
  const form = admin.getByTestId(`stock-adjust-${product.sku}`);
  await form.getByRole("textbox").fill("-20");
  await form.getByRole("button", { name: "Adjust" }).click();
  await expect(form.locator('[data-reason="below_zero"]')).toHaveText(
    "Only 10 in stock: type a change from -10 up (or =count to set it).",
  );
  await expect(form.getByRole("textbox")).toHaveValue("-20");
  await form.getByRole("textbox").fill("-3");
  await form.getByRole("button", { name: "Adjust" }).click();
  await expect(form.locator('[data-reason="ok"]')).toHaveText(`${product.sku}: 7 in stock.`);
  await expect(form.getByRole("textbox")).toHaveValue("");

  await admin.goto(`/admin/activity?q=${product.sku}`);
  await expect(admin.getByTestId("audit-log")).toContainText("Stock adjusted");
  await expect(admin.getByTestId("audit-log")).not.toContainText("STOCK_ADJUSTED");
});

test("a whole-number field tells -5, a huge number and nothing apart, naming the range, and keeps the text", async ({
  browser,
}) => {
  const admin = await adminPage(browser, "/admin/coupons/new");
  await admin.getByLabel("Value (USD)").fill("5");
  const limit = admin.getByLabel("Per-customer limit");
  for (const [typed, message] of [
    ["-5", "The per-customer limit cannot be negative: type a whole number from 1 to 1,000."],
    ["99999999999999999999", "The per-customer limit must be between 1 and 1,000."],
    ["", "Enter the per-customer limit: a whole number from 1 to 1,000."],
  ]) {
    await limit.fill(typed!);
    await admin.getByRole("button", { name: "Create coupon" }).click();
    await expect(admin.getByText(message!)).toBeVisible();
    await expect(limit).toHaveValue(typed!);
  }
});

test("a revoked redemption reads “Revoked 5 Dec…”, and disabling a coupon used once says it keeps its credit", async ({
  browser,
}) => {
  const db = e2eDb();
  const { id: adminId } = await db.user.findUniqueOrThrow({ where: { email: ADMIN.email } });
  const customer = await createCustomer();
  const revoked = await createTestCoupon({ valueCents: 300 });
  const kept = await createTestCoupon({ valueCents: 300 });
  const redeemed = await redeemCoupon(db, { userId: customer.id, code: revoked.code, idempotencyKey: randomUUID() });
  if (!redeemed.ok) throw new Error(`setup redemption refused: ${redeemed.reason}`);
  expect((await revokeRedemption(db, { redemptionId: redeemed.redemption.id, revokedById: adminId })).ok).toBe(true);
  expect((await redeemCoupon(db, { userId: customer.id, code: kept.code, idempotencyKey: randomUUID() })).ok).toBe(
    true,
  );

  const admin = await adminPage(browser, `/admin/redemptions?code=${revoked.code}`);
  // The space between "Revoked" and its date is drawn (an inline-flex badge dropped it).
  const gap = await admin
    .getByTestId("redemptions-table")
    .locator("span", { hasText: /^Revoked/ })
    .locator("time")
    .first()
    .evaluate((el) => {
      const range = document.createRange();
      range.selectNodeContents(el.parentElement!.firstChild!);
      return el.getBoundingClientRect().left - range.getBoundingClientRect().right;
    });
  expect(gap).toBeGreaterThanOrEqual(3);

  await admin.goto(`/admin/coupons/${kept.id}`);
  await admin.getByRole("button", { name: "Disable coupon" }).click();
  await expect(admin.getByRole("dialog")).toContainText("The 1 redemption already made keeps its credit.");
});

test("the coupon list shows a discount's minimum and products; the form lists every product unclipped", async ({
  browser,
}) => {
  const product = await createTestProduct({ priceCents: 1_000, stock: null });
  const code = await createTestCoupon({
    kind: "AMOUNT_OFF",
    valueCents: 500,
    minSubtotalCents: 2_000,
    productIds: [product.id],
  });
  const admin = await adminPage(browser, `/admin/coupons?q=${code.code}`);
  await expect(admin.getByTestId("coupon-conditions")).toHaveText("orders from $20.00 · 1 product");

  await admin.goto("/admin/coupons/new");
  await admin.getByLabel("Kind").selectOption("AMOUNT_OFF");
  const list = admin.getByTestId("applies-to");
  expect(await list.evaluate((el) => el.scrollHeight - el.clientHeight)).toBe(0);
  await expect(list.getByRole("checkbox", { name: new RegExp(product.sku) })).toBeVisible();
});

test("percent, cap and minimum preview live as they are typed, like the value", async ({ browser }) => {
  const admin = await adminPage(browser, "/admin/coupons/new");
  await admin.getByLabel("Kind").selectOption("PERCENT_OFF");
  await admin.getByLabel("Percent off").fill("25");
  await expect(admin.getByTestId("percentOff-preview")).toHaveText(
    "= 25% off the products it applies to, rounded down to the cent",
  );
  await admin.getByLabel("Percent off").fill("250");
  await expect(admin.getByTestId("percentOff-preview")).toHaveText("The percent off is a whole number from 1 to 100.");
  await admin.getByLabel("Cap (USD, optional)").fill("5");
  await expect(admin.getByTestId("maxDiscount-preview")).toHaveText("= at most $5.00 off an order");
  await admin.getByLabel("Minimum order (USD, optional)").fill("20");
  await expect(admin.getByTestId("minSubtotal-preview")).toHaveText(
    "= orders from $20.00 of the products it applies to",
  );
});
