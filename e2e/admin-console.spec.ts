import { type Browser, type Page, expect, test } from "@playwright/test";
import { generateBatch } from "@/lib/admin/bulk";
import { balanceOf, createCustomer, createTestCoupon, e2eDb, uniqueTag } from "./support";

/**
 * The admin console's list and customer tools in the browser: one status per coupon, bulk changes with
 * their counts, archive, batches as one row with a removable chip, long codes, and a manual credit
 * adjustment on the customer page.
 */

const ADMIN = { email: "admin@once.test", password: "once-admin-demo" };

async function signInAdmin(browser: Browser, goTo: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`/sign-in?callbackUrl=${encodeURIComponent(goTo)}`);
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => url.pathname === new URL(goTo, "http://x").pathname);
  return page;
}

test("coupon list: one status each, bulk disable with its count, archive hides, long codes stay in their column", async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const tag = uniqueTag();
  const long = `L${tag.toUpperCase()}`.padEnd(64, "X");
  await createTestCoupon({ description: tag });
  await createTestCoupon({ description: tag, maxRedemptions: 1 });
  await createTestCoupon({ code: long, description: tag });
  const admin = await signInAdmin(browser, `/admin/coupons?q=${tag}`);
  const rows = admin.getByTestId("coupon-row");
  await expect(rows).toHaveCount(3);
  for (const row of await rows.all()) await expect(row.getByTestId("coupon-status")).toHaveCount(1);
  await expect(admin.getByRole("link", { name: long })).toHaveAttribute("title", long);
  const table = await admin.getByTestId("coupons-table").boundingBox();
  expect(table!.width).toBeLessThanOrEqual(1280);

  await admin.getByLabel("Select every coupon on this page").check();
  await admin.getByTestId("bulk-disable").click();
  await admin.getByRole("button", { name: "Disable 3 coupons" }).click();
  await expect(admin.getByTestId("bulk-disable-result")).toHaveText("Disabled 3 coupons.");
  await expect(rows.getByTestId("coupon-status")).toHaveText(["Disabled", "Disabled", "Disabled"]);

  await admin.getByLabel("Select every coupon on this page").uncheck();
  await admin.getByLabel(`Select ${long}`).check();
  await admin.getByTestId("bulk-archive").click();
  await admin.getByRole("button", { name: "Archive 1 coupon" }).click();
  await expect(admin.getByTestId("bulk-archive-result")).toHaveText(`${long} is archived.`);
  await expect(rows).toHaveCount(2);
  await admin.goto(`/admin/coupons?q=${tag}&status=archived`);
  await expect(rows).toHaveCount(1);
  await expect(rows.getByTestId("coupon-status")).toHaveText("Archived");
});

test("a batch is one row; opening it filters by it with a removable chip", async ({ browser }) => {
  test.setTimeout(120_000);
  const db = e2eDb();
  const { id: adminId } = await db.user.findUniqueOrThrow({ where: { email: ADMIN.email } });
  const prefix = `G${uniqueTag().toUpperCase().slice(0, 8)}`;
  const generated = await generateBatch(db, adminId, { prefix, quantity: 30, valueCents: 100, expiresAt: null });
  expect(generated.ok).toBe(true);
  const admin = await signInAdmin(browser, `/admin/coupons?q=${prefix}`);
  await expect(admin.getByTestId("batch-row")).toHaveCount(1);
  await expect(admin.getByTestId("coupon-row")).toHaveCount(0);
  await admin.getByTestId("batch-row").getByRole("link").click();
  await expect(admin.getByTestId("batch-filter")).toContainText(prefix);
  await expect(admin.getByTestId("coupon-row")).toHaveCount(25);
  await admin.getByTestId("batch-filter-remove").click();
  await expect(admin.getByTestId("batch-filter")).toHaveCount(0);
  await expect(admin.getByTestId("batch-row")).toHaveCount(1);
});

test("the customer page adjusts store credit once, refusing a debit below zero", async ({ browser }) => {
  test.setTimeout(120_000);
  const customer = await createCustomer({ creditCents: 500 });
  const admin = await signInAdmin(browser, `/admin/customers/${customer.id}`);
  await expect(admin.getByTestId("customer-email")).toHaveText(customer.email);
  const form = admin.getByTestId("credit-adjustment");
  await form.getByLabel("Debit (take from the balance)").check();
  await form.getByLabel("Amount in dollars").fill("10.00");
  await form.getByLabel("Reason (the customer sees it in their wallet)").fill("Correction of a duplicate credit");
  await form.getByRole("button", { name: "Adjust balance" }).click();
  await expect(admin.getByTestId("adjustment-result")).toContainText("Cannot debit more than the customer's balance");
  expect(await balanceOf(customer.id)).toBe(500);

  await form.getByLabel("Amount in dollars").fill("2.50");
  await form.getByRole("button", { name: "Adjust balance" }).click();
  await expect(admin.getByTestId("adjustment-result")).toContainText("Debited $2.50. The balance is now $2.50.");
  expect(await balanceOf(customer.id)).toBe(250);
  await expect(admin.getByTestId("adjustments-table")).toContainText("Correction of a duplicate credit");
});

test("the customers list: the admin searches by name, sees the customer's balance, and opens their page", async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const tag = uniqueTag();
  const customer = await createCustomer({ creditCents: 1_250, name: `Quill ${tag}` });
  const admin = await signInAdmin(browser, "/admin");
  await admin.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Customers" }).click();
  await admin.waitForURL((url) => url.pathname === "/admin/customers");
  await expect(admin.getByRole("heading", { name: "Customers", level: 1 })).toBeVisible();
  await expect(admin.getByTestId("customers-table")).not.toContainText(ADMIN.email);

  await admin.getByLabel("Email or name (or part)").fill(`quill ${tag}`.toUpperCase());
  await admin.getByRole("button", { name: "Apply" }).click();
  await admin.waitForURL((url) => url.searchParams.get("q") === `QUILL ${tag.toUpperCase()}`);
  const rows = admin.getByTestId("customers-table").locator("tbody tr");
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText(customer.email);
  await expect(rows).toContainText("$12.50");
  await expect(admin.getByTestId("total")).toHaveText("1 customer match");
  await expect(admin.getByTestId("export-customers-csv")).toHaveAttribute(
    "href",
    `/api/admin/customers/export?q=QUILL+${tag.toUpperCase()}`,
  );

  await rows.getByRole("link", { name: customer.email }).click();
  await admin.waitForURL((url) => url.pathname === `/admin/customers/${customer.id}`);
  await expect(admin.getByTestId("customer-email")).toHaveText(customer.email);
});
