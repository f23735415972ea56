import { expect, test } from "@playwright/test";

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
