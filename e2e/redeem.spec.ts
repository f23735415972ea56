import { expect, test } from "@playwright/test";
import {
  balanceOf,
  createCustomer,
  createTestCoupon,
  e2eDb,
  expectInvariantsHold,
  screenshot,
  signInByRequest,
  signedInPage,
} from "./support";

/** Submits a code and waits for that submission's own answer (not the previous one still on screen). */
async function redeem(page: import("@playwright/test").Page, code: string) {
  const feedback = page.getByTestId("redeem-feedback");
  const before = await feedback.getAttribute("data-answer");
  await page.getByLabel("Coupon code").fill(code);
  await page.getByRole("button", { name: "Redeem" }).click();
  await expect(feedback).not.toHaveAttribute("data-answer", before ?? "");
  return page.getByTestId("redeem-result");
}

test("redeeming a valid code adds its value, shows the new balance and updates the header", async ({ page }) => {
  const customer = await createCustomer();
  const coupon = await createTestCoupon({ valueCents: 1_250 });
  await signInByRequest(page, customer.email);
  await expect(page.getByTestId("header-balance")).toHaveText("$0.00");
  await screenshot(page, "redeem");

  // Case-insensitive, surrounding whitespace ignored.
  const result = await redeem(page, `  ${coupon.code.toLowerCase()}  `);
  await expect(result).toContainText(`${coupon.code} redeemed`);
  await expect(result).toContainText("$12.50 from");
  await expect(page.getByTestId("redeem-balance")).toHaveText("$12.50");
  await expect(page.getByTestId("header-balance")).toHaveText("$12.50");
  await expect(page.getByLabel("Coupon code")).toHaveValue("");
  await screenshot(page, "redeem-success");
  expect(await balanceOf(customer.id)).toBe(1_250);
});

test("every refusal reason has its own message, and nothing is credited", async ({ page }) => {
  const customer = await createCustomer();
  const expired = await createTestCoupon({
    startsAt: new Date(Date.UTC(2025, 0, 1)),
    expiresAt: new Date(Date.UTC(2026, 0, 15, 12)),
  });
  const future = await createTestCoupon({
    startsAt: new Date(Date.UTC(2031, 5, 1, 12)),
    expiresAt: new Date(Date.UTC(2031, 6, 1)),
  });
  const usedUp = await createTestCoupon({ maxRedemptions: 1 });
  const disabled = await createTestCoupon({ status: "DISABLED" });
  const once = await createTestCoupon({ valueCents: 100 });
  const other = await createCustomer();
  await signInByRequest(page, other.email);
  await expect(await redeem(page, usedUp.code)).toContainText("redeemed");
  await page.context().clearCookies();

  await signInByRequest(page, customer.email);
  await expect(await redeem(page, once.code)).toContainText("redeemed");
  const cases: [string, string, string][] = [
    ["NO-SUCH-CODE-123", "unknown_code", "We don't recognise that code."],
    [expired.code, "expired", "This code expired on 15 Jan 2026, 12:00 UTC."],
    [future.code, "not_started", "This code isn't valid yet. You can redeem it from 1 Jun 2031, 12:00 UTC."],
    [usedUp.code, "exhausted", "This code has already been used up."],
    [disabled.code, "disabled", "This code has been switched off"],
    [once.code, "per_user_limit", "You already redeemed this code"],
    ["   ", "invalid_code", "Enter a coupon code."],
    ["WELCOME 10!", "invalid_code", "Coupon codes contain only letters, digits, dashes and underscores."],
    ["A\u0001B\u0007C", "invalid_code", "Coupon codes contain only letters, digits, dashes and underscores."],
    ["X".repeat(65), "invalid_code", "Coupon codes are at most 64 characters."],
  ];
  for (const [code, reason, message] of cases) {
    const result = await redeem(page, code);
    await expect(result.locator(`[data-reason="${reason}"]`), `${reason} for ${JSON.stringify(code)}`).toContainText(
      message,
    );
    if (reason === "expired") await screenshot(page, "redeem-refused");
  }
  expect(await balanceOf(customer.id)).toBe(100);
  await expect(page.getByTestId("header-balance")).toHaveText("$1.00");
});

test("absurd input (megabytes) gets a validation message, never an error page", async ({ page }) => {
  const customer = await createCustomer();
  await signInByRequest(page, customer.email);
  const megabytes = "A".repeat(3 * 1024 * 1024);
  await page.getByLabel("Coupon code").evaluate((input, value) => {
    (input as HTMLInputElement).value = value;
  }, megabytes);
  await page.getByRole("button", { name: "Redeem" }).click();
  await expect(page.getByTestId("redeem-result")).toContainText("That code is far too long to be a coupon code.");

  expect(await e2eDb().redemptionAttempt.count({ where: { userId: customer.id } })).toBe(0);

  // Sent anyway, past the form, the body is refused with a clean 413 before Next.js reads it.
  const response = await page.request.post("/redeem", {
    headers: { "Next-Action": "0".repeat(42), "Content-Type": "text/plain" },
    data: megabytes,
  });
  expect(response.status()).toBe(413);
  expect(await response.json()).toMatchObject({ reason: "body_too_large" });
});

test("a double click on Redeem credits once and shows one result", async ({ page }) => {
  const customer = await createCustomer();
  const coupon = await createTestCoupon({ valueCents: 700, perUserLimit: 5 });
  await signInByRequest(page, customer.email);
  await page.getByLabel("Coupon code").fill(coupon.code);
  await page.getByRole("button", { name: "Redeem" }).dblclick();
  await expect(page.getByTestId("redeem-result")).toContainText(`${coupon.code} redeemed`);
  await expect(page.getByTestId("redeem-balance")).toHaveText("$7.00");
  await expect(page.getByRole("button", { name: "Redeem" })).toBeEnabled();

  expect(await balanceOf(customer.id)).toBe(700);
  expect(await e2eDb().redemption.count({ where: { userId: customer.id } })).toBe(1);
  // Both clicks reached the server with the same key: the second was answered from the first.
  const attempts = await e2eDb().redemptionAttempt.findMany({
    where: { userId: customer.id },
    select: { idempotencyKey: true },
  });
  expect(new Set(attempts.map((a) => a.idempotencyKey)).size).toBe(1);
});

test("a resubmitted form (same key, new request) is answered with the original result", async ({ page }) => {
  const customer = await createCustomer();
  const coupon = await createTestCoupon({ valueCents: 300, perUserLimit: 3 });
  await signInByRequest(page, customer.email);
  const key = await page.locator('input[name="idempotencyKey"]').inputValue();
  await expect(await redeem(page, coupon.code)).toContainText("redeemed");
  // Put the used key back, as a back-button resubmit or a retried POST would send it.
  await page
    .locator('input[name="idempotencyKey"]')
    .evaluate((input, value) => ((input as HTMLInputElement).value = value), key);
  await expect(await redeem(page, coupon.code)).toContainText(`${coupon.code} redeemed`);
  await expect(page.getByTestId("redeem-balance")).toHaveText("$3.00");
  expect(await balanceOf(customer.id)).toBe(300);
  // With the fresh key the form now carries, the same code is a second redemption (the coupon allows 3).
  await expect(await redeem(page, coupon.code)).toContainText("redeemed");
  await expect(page.getByTestId("redeem-balance")).toHaveText("$6.00");
});

test("two browsers of the same customer redeeming one single-use code at once: one success, one clear refusal", async ({
  browser,
}) => {
  const customer = await createCustomer();
  const coupon = await createTestCoupon({ valueCents: 1_000, maxRedemptions: 1 });
  const [a, b] = await Promise.all([signedInPage(browser, customer.email), signedInPage(browser, customer.email)]);
  for (const page of [a, b]) await page.getByLabel("Coupon code").fill(coupon.code);
  await Promise.all([a, b].map((page) => page.getByRole("button", { name: "Redeem" }).click()));

  const texts = await Promise.all(
    [a, b].map(async (page) => {
      const result = page.getByTestId("redeem-result");
      await expect(result).toBeVisible();
      return result.innerText();
    }),
  );
  expect(texts.filter((t) => t.includes(`${coupon.code} redeemed`))).toHaveLength(1);
  expect(texts.filter((t) => /already been used up|already redeemed this code/.test(t))).toHaveLength(1);
  expect(await balanceOf(customer.id)).toBe(1_000);
  await expectInvariantsHold();
  await Promise.all([a.context().close(), b.context().close()]);
});

test("on a phone-sized screen, with the keyboard only: focus the code, type, press Enter", async ({ browser }) => {
  const customer = await createCustomer();
  const coupon = await createTestCoupon({ valueCents: 450 });
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await signInByRequest(page, customer.email);
  await page.getByLabel("Coupon code").focus();
  await page.keyboard.type(coupon.code.toLowerCase());
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("redeem-result")).toContainText(`${coupon.code} redeemed`);
  await expect(page.getByTestId("header-balance")).toHaveText("$4.50");
  // Nothing overflows sideways on a narrow screen.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await screenshot(page, "redeem-mobile");
  await context.close();
});
