import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { redeemCoupon } from "@/lib/redemptions";
import {
  ADMIN,
  PASSWORD,
  adminPage,
  createCustomer,
  createTestCoupon,
  e2eDb,
  signInByRequest,
  uniqueTag,
} from "./support";

const DAY = 86_400_000;

/** Issue 14 "Time zones": the store's zone is an admin setting, audited, and admin dates follow it. */

test("an admin sets the store's time zone: list dates follow it, the UTC instant on hover", async ({ browser }) => {
  const code = `ZONE-${uniqueTag().toUpperCase()}`;
  await createTestCoupon({ code, expiresAt: new Date("2030-11-28T13:00:00Z") });
  const admin = await adminPage(browser, `/admin/coupons?q=${code}`);
  const expiry = admin
    .getByRole("row", { name: new RegExp(code) })
    .locator("time")
    .first();
  await expect(expiry).toHaveText("28 Nov 2030, 13:00 UTC");

  try {
    await admin.goto("/admin/settings");
    await admin.getByLabel("Store time zone").selectOption("Europe/Berlin");
    await admin.getByRole("button", { name: "Save" }).click();
    await expect(admin.getByTestId("time-zone-result")).toHaveText("Dates are now shown in Europe/Berlin.");
    const entry = await e2eDb().adminAuditEntry.findFirstOrThrow({
      where: { action: "SETTINGS_CHANGED", actor: { email: ADMIN.email } },
      orderBy: { id: "desc" },
    });
    expect(entry.after).toEqual({ timeZone: "Europe/Berlin" });

    await admin.goto(`/admin/coupons?q=${code}`);
    await expect(expiry).toHaveText("28 Nov 2030, 14:00 Europe/Berlin");
    await expect(expiry).toHaveAttribute("title", "28 Nov 2030, 13:00 UTC");
    await expect(expiry).toHaveAttribute("dateTime", "2030-11-28T13:00:00.000Z");

    // The coupon form reads its window in the store's zone and shows the instant while it is typed.
    await admin.goto("/admin/coupons/new");
    const newCode = `ZONE-${uniqueTag().toUpperCase()}`;
    await admin.getByLabel("Code").fill(newCode);
    await admin.getByLabel("Value (USD)").fill("5");
    await admin.getByLabel("Expires at (Europe/Berlin)").fill("2031-11-28T14:00");
    await expect(admin.getByTestId("expiresAt-preview")).toHaveText("= 28 Nov 2031, 14:00 Europe/Berlin · 13:00 UTC");
    await admin.getByRole("button", { name: "Create coupon" }).click();
    await admin.waitForURL(/\/admin\/coupons\/[0-9a-f-]+\?created=1$/);
    const saved = await e2eDb().coupon.findUniqueOrThrow({ where: { code: newCode } });
    expect(saved.expiresAt?.toISOString()).toBe("2031-11-28T13:00:00.000Z");
    await expect(admin.getByLabel("Expires at (Europe/Berlin)")).toHaveValue("2031-11-28T14:00");

    // A zone the server does not know is refused at its field; the setting stays.
    await admin.goto("/admin/settings");
    await admin.getByLabel("Store time zone").evaluate((select: HTMLSelectElement) => {
      select.add(new Option("Mars/Olympus_Mons", "Mars/Olympus_Mons", true, true));
    });
    await admin.getByRole("button", { name: "Save" }).click();
    await expect(admin.locator("#timeZone-error")).toHaveText("Choose a time zone from the list.");
    expect((await e2eDb().storeSettings.findUniqueOrThrow({ where: { id: true } })).timeZone).toBe("Europe/Berlin");
  } finally {
    // Other suites read dates in UTC.
    await e2eDb().storeSettings.update({ where: { id: true }, data: { timeZone: "UTC" } });
    await admin.context().close();
  }
});

test("a customer sees dates in their own browser's zone, whatever the store's", async ({ browser }) => {
  const customer = await createCustomer({ creditCents: 500 });
  const entry = await e2eDb().ledgerEntry.findFirstOrThrow({ where: { userId: customer.id } });
  const context = await browser.newContext({ timezoneId: "Asia/Tokyo" });
  try {
    const page = await context.newPage();
    await signInByRequest(page, customer.email, PASSWORD, "/wallet");
    const shown = page.locator(`time[datetime="${entry.createdAt.toISOString()}"]`);
    await expect(shown).toHaveText(/ Asia\/Tokyo$/);
    const tokyoDay = entry.createdAt.toLocaleDateString("en-GB", { day: "numeric", timeZone: "Asia/Tokyo" });
    await expect(shown).toHaveText(new RegExp(`^${tokyoDay} `));
  } finally {
    await context.close();
  }
});

test("the audit pages, the customer page and the overview count and show times in the store's zone", async ({
  browser,
}) => {
  const code = `DAYS-${uniqueTag().toUpperCase()}`;
  const coupon = await createTestCoupon({ code });
  const customer = await createCustomer();
  const redeemed = await redeemCoupon(e2eDb(), { userId: customer.id, code, idempotencyKey: randomUUID() });
  if (!redeemed.ok) throw new Error(redeemed.reason);
  // Noon UTC three days ago is 02:00 the next day in Kiritimati (UTC+14): another day there.
  const noon = new Date(Date.now() - 3 * DAY);
  noon.setUTCHours(12, 0, 0, 0);
  const utcDay = noon.toISOString().slice(0, 10);
  const kiritimatiDay = new Date(noon.getTime() + DAY).toISOString().slice(0, 10);
  const shortDay = (day: string) =>
    new Date(`${day}T00:00:00Z`).toLocaleDateString("en-GB", {
      day: "numeric",
      month: "short",
      year: "numeric",
      timeZone: "UTC",
    });
  await e2eDb().redemption.update({ where: { id: redeemed.redemption.id }, data: { createdAt: noon } });
  const admin = await adminPage(browser, "/admin");
  try {
    await e2eDb().storeSettings.update({ where: { id: true }, data: { timeZone: "Pacific/Kiritimati" } });
    const rowIn = (day: string) => `/admin/redemptions?code=${code}&from=${day}&to=${day}`;
    const row = admin.getByTestId("redemptions-table").locator(`[data-redemption-id="${redeemed.redemption.id}"]`);

    await admin.goto(rowIn(kiritimatiDay));
    await expect(admin.getByText("Times and days are in Pacific/Kiritimati")).toBeVisible();
    await expect(admin.getByLabel("From (Pacific/Kiritimati day)")).toHaveValue(kiritimatiDay);
    await expect(row.locator("time")).toHaveText(`${shortDay(kiritimatiDay)}, 02:00 Pacific/Kiritimati`);
    await expect(row.locator("time")).toHaveAttribute("title", `${shortDay(utcDay)}, 12:00 UTC`);
    await admin.goto(rowIn(utcDay));
    await expect(admin.getByText("No redemptions match.")).toBeVisible();
    await expect(row).toHaveCount(0);

    // The export counts the same store days as the page.
    const csv = await admin.request.get(
      `/api/admin/redemptions/export?code=${code}&from=${kiritimatiDay}&to=${kiritimatiDay}`,
    );
    expect((await csv.text()).trim().split("\n")).toHaveLength(2);

    await admin.goto(`/admin/customers/${customer.id}`);
    await expect(admin.locator(`time[datetime="${noon.toISOString()}"]`).first()).toHaveText(
      `${shortDay(kiritimatiDay)}, 02:00 Pacific/Kiritimati`,
    );

    await admin.goto(`/admin/coupons/${coupon.id}`);
    await expect(admin.getByTestId("redemptions-chart")).toContainText("(days in Pacific/Kiritimati)");

    await admin.goto("/admin");
    await expect(admin.getByTestId("stat-today")).toContainText("Redemptions today (Pacific/Kiritimati)");
  } finally {
    // Other suites read dates in UTC.
    await e2eDb().storeSettings.update({ where: { id: true }, data: { timeZone: "UTC" } });
    await admin.context().close();
  }
});

test("a batch's expiry is typed in the store's zone, and a customer is told a code's start in it", async ({
  browser,
}) => {
  const admin = await adminPage(browser, "/admin");
  const customer = await createCustomer();
  // Midnight on 1 December in Berlin is 23:00 on 30 November in UTC: a UTC day would name the wrong one.
  const future = await createTestCoupon({ startsAt: new Date("2031-11-30T23:00:00Z") });
  const context = await browser.newContext();
  try {
    await e2eDb().storeSettings.update({ where: { id: true }, data: { timeZone: "Europe/Berlin" } });
    await admin.goto("/admin/batches");
    const prefix = `TZ${uniqueTag().toUpperCase().slice(0, 8)}`;
    await admin.getByLabel("Prefix").fill(prefix);
    await admin.getByLabel("Number of codes").fill("2");
    await admin.getByLabel("Expires at (Europe/Berlin)").fill("2031-12-01T00:00");
    await expect(admin.getByTestId("batch-expires-preview")).toHaveText(
      "= 1 Dec 2031, 00:00 Europe/Berlin · 30 Nov 2031, 23:00 UTC",
    );
    await admin.getByRole("button", { name: "Generate codes" }).click();
    await expect(admin.getByTestId("batch-result")).toContainText("Generated 2 codes.");
    const batch = await e2eDb().couponBatch.findFirstOrThrow({ where: { prefix } });
    const codes = await e2eDb().coupon.findMany({ where: { batchId: batch.id }, select: { expiresAt: true } });
    expect(codes.map((c) => c.expiresAt?.toISOString())).toEqual([
      "2031-11-30T23:00:00.000Z",
      "2031-11-30T23:00:00.000Z",
    ]);

    const page = await context.newPage();
    await signInByRequest(page, customer.email, PASSWORD, "/redeem");
    await page.getByLabel("Coupon code").fill(future.code);
    await page.getByRole("button", { name: "Redeem" }).click();
    await expect(page.getByTestId("redeem-result")).toContainText(
      "This code isn't valid yet. You can redeem it from 1 Dec 2031, 00:00 Europe/Berlin.",
    );
  } finally {
    // Other suites read dates in UTC.
    await e2eDb().storeSettings.update({ where: { id: true }, data: { timeZone: "UTC" } });
    await context.close();
    await admin.context().close();
  }
});
