import { expect, test } from "@playwright/test";
import { adminPage, createTestCoupon, e2eDb } from "./support";

/**
 * Disabling stops codes from redeeming, so it is confirmed first, naming how many codes it affects, and
 * the answer offers an undo. The answer of one change is replaced by the next, never left to contradict it.
 */

const statusOf = async (id: string) => (await e2eDb().coupon.findUniqueOrThrow({ where: { id } })).status;

test("disabling a coupon is confirmed with the number of codes, and can be undone", async ({ browser }) => {
  const coupon = await createTestCoupon();
  const admin = await adminPage(browser, `/admin/coupons/${coupon.id}`);
  await admin.getByTestId("coupon-status-toggle").click();
  const dialog = admin.getByRole("dialog");
  await expect(dialog).toContainText(`Disable ${coupon.code}?`);
  await expect(dialog).toContainText("1 code stops redeeming");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  expect(await statusOf(coupon.id)).toBe("ACTIVE");

  await admin.getByTestId("coupon-status-toggle").click();
  await dialog.getByRole("button", { name: "Disable coupon" }).click();
  // The toast on screen: a replaced one stays in the DOM, marked removed, while it animates out.
  const answer = admin.locator('[data-testid="coupon-status-toggle-result"]:not([data-removed="true"])');
  await expect(answer).toContainText(`${coupon.code} is disabled.`);
  await expect.poll(() => statusOf(coupon.id)).toBe("DISABLED");

  await answer.getByRole("button", { name: "Undo" }).click();
  // The undo's answer replaces the one it reverses: "is disabled" is no longer on screen.
  await expect(answer).toContainText(`${coupon.code} is enabled.`);
  await expect(admin.getByText(`${coupon.code} is disabled.`)).toHaveCount(0);
  await expect.poll(() => statusOf(coupon.id)).toBe("ACTIVE");
});

test("disabling a whole batch says how many codes it stops, and can be undone", async ({ browser }) => {
  const admin = await adminPage(browser, "/admin/batches");
  const prefix = `U${Date.now().toString(36).toUpperCase()}`;
  await admin.getByLabel("Prefix").fill(prefix);
  await admin.getByLabel("Number of codes").fill("3");
  await admin.getByRole("button", { name: "Generate codes" }).click();
  await expect(admin.getByTestId("batch-result")).toContainText("Generated 3 codes.", { timeout: 60_000 });
  const row = admin.getByTestId("batches-table").locator("tr").filter({ hasText: prefix });
  await row.getByRole("button", { name: "Disable all" }).click();
  const dialog = admin.getByRole("dialog");
  await expect(dialog).toContainText(`Disable 3 codes of batch ${prefix}?`);
  await dialog.getByRole("button", { name: "Disable all" }).click();
  const disabled = () => e2eDb().coupon.count({ where: { batch: { prefix }, status: "DISABLED" } });
  await expect.poll(disabled).toBe(3);
  const toast = admin.locator("[data-sonner-toast]").filter({ hasText: "Disabled 3 codes." });
  await toast.getByRole("button", { name: "Undo" }).click();
  await expect(admin.locator("[data-sonner-toast]").filter({ hasText: "Enabled 3 codes." })).toBeVisible();
  await expect.poll(disabled).toBe(0);
});
