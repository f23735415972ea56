import { expect, test } from "@playwright/test";
import { PASSWORD, createCustomer, e2eDb, signInByRequest } from "./support";

test("the home page tells anonymous visitors only that the service is up", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Once" })).toBeVisible();
  await expect(page.getByTestId("db-status")).toHaveText("Up and answering.");
  await expect(page.locator("body")).not.toContainText("PostgreSQL");
  await expect(page.locator("body")).not.toContainText("migrations");
  await page.screenshot({ path: "test-results/screenshots/home.png", fullPage: true });
});

test("GET /api/health answers up or not, with no details", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  expect(await response.json()).toEqual({ status: "ok" });
});

test("admins still see what the service runs on, on the admin overview", async ({ page }) => {
  const admin = await createCustomer();
  await e2eDb().user.update({ where: { id: admin.id }, data: { role: "ADMIN" } });
  await signInByRequest(page, admin.email, PASSWORD, "/admin");
  await expect(page.getByTestId("system-details")).toContainText(
    /PostgreSQL 18\.\d+ · \d+ migrations applied · [\d,]+ coupons/,
  );
});
