import { expect, test } from "@playwright/test";

test("the home page shows that the app runs and the database answers", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Once" })).toBeVisible();
  await expect(page.getByTestId("db-status")).toContainText("Database answering");
  await expect(page.getByTestId("db-status")).toContainText("PostgreSQL 18");
  await page.screenshot({ path: "test-results/screenshots/home.png", fullPage: true });
});
