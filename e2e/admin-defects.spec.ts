import { type Locator, type Page, expect, test } from "@playwright/test";
import { adminPage, createCustomer, createTestCoupon, e2eDb, sidewaysOverflow, uniqueTag } from "./support";

/**
 * The three defects of issue 14, each reproduced as an admin meets it. Every test here failed on the
 * code before the fix: `10,50` saved as $1,050.00, the batch form's errors shown nowhere, and the revoke
 * confirmation clipped inside its table cell.
 */

test.describe("money entry refuses an ambiguous amount instead of guessing", () => {
  test("new coupon: 10,50 is refused at its field, nothing is created", async ({ browser }) => {
    const admin = await adminPage(browser, "/admin/coupons/new");
    const code = `MONEY-${uniqueTag().toUpperCase()}`;
    await admin.getByLabel("Code").fill(code);
    const value = admin.getByLabel("Value (USD)");
    await value.fill("10.5");
    await expect(admin.getByTestId("value-preview")).toHaveText("= $10.50 per redemption");
    await value.fill("10,50");
    await admin.getByRole("button", { name: "Create coupon" }).click();
    await expect(admin.locator("#value-error")).toHaveText("Use a dot for cents: 10.50");
    await expect(value).toBeFocused();
    await expect(value).toHaveAttribute("aria-invalid", "true");
    expect(await e2eDb().coupon.count({ where: { code } })).toBe(0);

    // Thousands separators are fine where they cannot be misread: groups of three before the cents.
    await value.fill("1,050.00");
    await expect(admin.getByTestId("value-preview")).toHaveText("= $1,050.00 per redemption");
    await admin.getByRole("button", { name: "Create coupon" }).click();
    await expect(admin.getByTestId("coupon-created")).toBeVisible();
    expect((await e2eDb().coupon.findUniqueOrThrow({ where: { code } })).valueCents).toBe(105_000);
  });

  test("edit: 10,50 is refused, and a tenfold change is confirmed before it is saved", async ({ browser }) => {
    const coupon = await createTestCoupon({ valueCents: 1_000 });
    const admin = await adminPage(browser, `/admin/coupons/${coupon.id}`);
    const form = admin.getByTestId("coupon-edit-form");
    const value = form.getByLabel("Value (USD)");
    await value.fill("10,50");
    await form.getByRole("button", { name: "Save changes" }).click();
    await expect(form.locator("#value-error")).toHaveText("Use a dot for cents: 10.50");
    expect((await e2eDb().coupon.findUniqueOrThrow({ where: { id: coupon.id } })).valueCents).toBe(1_000);

    await value.fill("1050");
    await form.getByRole("button", { name: "Save changes" }).click();
    const dialog = admin.getByRole("dialog");
    await expect(dialog).toContainText("from $10.00 to $1,050.00");
    await dialog.getByRole("button", { name: "Keep $10.00" }).click();
    await expect(dialog).toBeHidden();
    await expect(value).toBeFocused();
    expect((await e2eDb().coupon.findUniqueOrThrow({ where: { id: coupon.id } })).valueCents).toBe(1_000);

    await form.getByRole("button", { name: "Save changes" }).click();
    await dialog.getByRole("button", { name: "Change to $1,050.00" }).click();
    await expect(admin.getByTestId("coupon-form-result")).toContainText(`Saved ${coupon.code}.`);
    expect((await e2eDb().coupon.findUniqueOrThrow({ where: { id: coupon.id } })).valueCents).toBe(105_000);
  });

  test("batch: 10,50 is refused, no batch is made", async ({ browser }) => {
    const admin = await adminPage(browser, "/admin/batches");
    const prefix = `M${uniqueTag().toUpperCase().slice(0, 8)}`;
    await admin.getByLabel("Prefix").fill(prefix);
    await admin.getByLabel("Number of codes").fill("1");
    await admin.getByLabel("Value (USD)").fill("10,50");
    await admin.getByRole("button", { name: "Generate codes" }).click();
    await expect(admin.locator("#batch-value-error")).toHaveText("Use a dot for cents: 10.50");
    expect(await e2eDb().couponBatch.count({ where: { prefix } })).toBe(0);
  });
});

test.describe("every field error is shown at its field, all at once, and focus goes to the first", () => {
  test("batch form: a bad prefix and too many codes are both pointed out", async ({ browser }) => {
    const admin = await adminPage(browser, "/admin/batches");
    await admin.getByLabel("Prefix").fill("-bad prefix");
    await admin.getByLabel("Number of codes").fill("200000");
    await admin.getByLabel("Expires at").fill("2020-01-01T00:00");
    await admin.getByRole("button", { name: "Generate codes" }).click();
    await expect(admin.locator("#prefix-error")).toContainText("The prefix is 1 to 24 letters");
    await expect(admin.locator("#quantity-error")).toContainText("between 1 and 100,000");
    await expect(admin.locator("#batch-expires-error")).toContainText("in the future");
    await expect(admin.getByLabel("Prefix")).toBeFocused();
    await expect(admin.getByLabel("Prefix")).toHaveAttribute("aria-invalid", "true");
  });

  test("coupon form: the window rule is reported together with the other mistakes", async ({ browser }) => {
    const admin = await adminPage(browser, "/admin/coupons/new");
    await admin.getByLabel("Value (USD)").fill("abc");
    await admin.getByLabel("Per-customer limit").fill("0");
    await admin.getByLabel("Starts at").fill("2031-06-02T00:00");
    await admin.getByLabel("Expires at").fill("2031-06-01T00:00");
    await admin.getByRole("button", { name: "Create coupon" }).click();
    await expect(admin.locator("#value-error")).toBeVisible();
    await expect(admin.locator("#perUserLimit-error")).toBeVisible();
    await expect(admin.locator("#expiresAt-error")).toHaveText("The coupon must start before it expires.");
    await expect(admin.getByLabel("Value (USD)")).toBeFocused();
  });
});

/** The element's box lies inside the viewport, and its text is not cut off sideways. */
async function expectFullyVisible(page: Page, element: Locator) {
  const viewport = page.viewportSize()!;
  const box = (await element.boundingBox())!;
  expect(box.x, "left edge").toBeGreaterThanOrEqual(0);
  expect(box.x + box.width, "right edge").toBeLessThanOrEqual(viewport.width);
  const clipped = await element.evaluate((el) =>
    [el, ...el.querySelectorAll("*")].some((node) => node.scrollWidth > node.clientWidth + 1),
  );
  expect(clipped, "text cut off inside").toBe(false);
}

for (const screen of ["desktop", "phone"] as const) {
  test(`revoke on a ${screen}: the confirmation and its answer fit the screen, outside the table`, async ({
    browser,
  }) => {
    const customer = await createCustomer({ creditCents: 750 });
    const redemption = await e2eDb().redemption.findFirstOrThrow({ where: { userId: customer.id } });
    const admin = await adminPage(browser, `/admin/redemptions?email=${encodeURIComponent(customer.email)}`, screen);
    await admin.getByTestId(`revoke-${redemption.id}`).click();
    const dialog = admin.getByRole("dialog");
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
    await expectFullyVisible(admin, dialog);
    await expect(dialog).toContainText("If they already spent it, nothing changes and you are told why.");
    await expect(dialog.evaluate((el) => el.closest("td"))).resolves.toBeNull();
    await dialog.getByRole("button", { name: "Revoke redemption" }).click();

    const answer = admin.getByTestId(`revoke-${redemption.id}-result`);
    await expect(answer).toContainText("Revoked.");
    await expectFullyVisible(admin, answer);
    await expect(answer.evaluate((el) => el.closest("td"))).resolves.toBeNull();
    expect(await sidewaysOverflow(admin)).toBe(0);
  });
}

test("the traffic option speaks the admin's words; the engineering term is only a detail", async ({ browser }) => {
  const admin = await adminPage(browser, "/admin/coupons/new");
  const traffic = admin.getByLabel("Traffic");
  await expect(traffic.locator("option")).toHaveText(["Automatic", "Normal", "High-traffic mode"]);
  await expect(admin.locator("#counter-hint")).toContainText("for codes thousands of people redeem at the same moment");
  await expect(admin.locator("#counter-hint")).toContainText("the limit stays exact");
  await expect(admin.locator("#counter-hint")).toContainText("Automatic chooses it from");

  const coupon = await createTestCoupon({
    code: `RUSH-${uniqueTag().toUpperCase()}`,
    counter: "SLOTS",
    maxRedemptions: 10,
  });
  await admin.goto(`/admin/coupons/${coupon.id}`);
  await expect(admin.getByTestId("coupon-redeemed")).toContainText("high-traffic mode");
  await expect(admin.getByTestId("coupon-redeemed")).not.toContainText("slots");
  await admin.context().close();
});
