/**
 * `npm run screenshots`: the README's admin screenshots, from a production build on a fresh embedded
 * database with the demo data. Starts the app (scripts/start.ts), lets Alice redeem two demo codes, place an
 * order with a discount code and fill her cart again, and the demo admin generate a batch; then writes
 * docs/screenshots/{coupons,batch,customer,customers,overview,admin-orders,admin-order,cart,orders,order}-
 * {desktop,phone}.png at 1280×800 and 390×844 (the viewport only, so the files stay small), and stops the app.
 *
 *   npm run screenshots -- [--port 3000] [--data-dir .data/screenshots]
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { type Browser, chromium, type Page } from "@playwright/test";
import { CHROMIUM_PATH } from "../e2e/chromium";
import { DEMO_USERS } from "../lib/seed";

const root = path.resolve(import.meta.dirname, "..");
const { values: args } = parseArgs({
  options: {
    port: { type: "string", default: "3000" },
    "data-dir": { type: "string", default: ".data/screenshots" },
  },
});
const baseURL = `http://localhost:${args.port}`;
const outDir = path.join(root, "docs/screenshots");
const SCREENS = {
  desktop: { viewport: { width: 1280, height: 800 } },
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
} as const;
const [admin, alice] = DEMO_USERS;

/** Starts the app on a fresh data folder and resolves once it answers its health check. */
async function startApp(): Promise<ChildProcess> {
  const app = spawn(
    path.join(root, "node_modules/.bin/tsx"),
    ["--conditions=react-server", "scripts/start.ts", "--port", args.port, "--data-dir", args["data-dir"], "--reset"],
    { cwd: root, stdio: ["ignore", "inherit", "inherit"] },
  );
  const exited = new Promise<never>((_, reject) =>
    app.once("exit", (code) => reject(new Error(`the app stopped before it answered (exit ${code})`))),
  );
  const healthy = (async () => {
    // The first start builds the app, which takes minutes: poll until it answers.
    for (;;) {
      const ok = await fetch(`${baseURL}/api/health`).then(
        (response) => response.ok,
        () => false,
      );
      if (ok) return;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  })();
  await Promise.race([healthy, exited]);
  return app;
}

async function signedIn(browser: Browser, user: { email: string; password: string }, screen: keyof typeof SCREENS) {
  const page = await (await browser.newContext({ ...SCREENS[screen], baseURL })).newPage();
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => url.pathname !== "/sign-in");
  return page;
}

/** Alice redeems two demo codes, so her customer page has a balance, a ledger and redemptions. */
async function aliceRedeems(browser: Browser): Promise<void> {
  const page = await signedIn(browser, alice, "desktop");
  for (const code of ["WELCOME10", "SPRING25"]) {
    await page.goto("/redeem");
    await page.getByLabel("Coupon code").fill(code);
    await page.getByRole("button", { name: "Redeem" }).click();
    await page.getByTestId("redeem-result").waitFor();
  }
  await page.context().close();
}

const productCard = (page: Page, sku: string) => page.locator(`[data-testid="product-card"][data-sku="${sku}"]`);

async function addToCart(page: Page, sku: string): Promise<void> {
  await page.goto("/shop");
  await productCard(page, sku)
    .getByRole("button", { name: /Add to cart/ })
    .click();
  await productCard(page, sku).getByTestId("add-result").filter({ hasText: "Added to your cart." }).waitFor();
}

async function applyCode(page: Page, code: string): Promise<void> {
  await page.goto("/cart");
  await page.getByLabel("Discount code").fill(code);
  await page.getByRole("button", { name: "Apply code" }).click();
  await page.getByTestId("code-preview").filter({ hasText: code }).waitFor();
}

/**
 * Alice buys the limited tee at half price, then puts it in her cart again with the 5.00-off code applied.
 * Returns her order's page (/orders/{id}; the admin's is under /admin).
 */
async function aliceShops(browser: Browser): Promise<string> {
  const page = await signedIn(browser, alice, "desktop");
  await addToCart(page, "LIMITED-TEE");
  await applyCode(page, "HALFOFF");
  await page.getByRole("button", { name: /Place order for/ }).click();
  await page.getByTestId("order-result").waitFor();
  await page.goto("/orders");
  const orderHref = await page.locator('a[href^="/orders/"]').first().getAttribute("href");
  if (!orderHref) throw new Error("Alice's order has no page to link to");
  await addToCart(page, "LIMITED-TEE");
  await addToCart(page, "MUG");
  await applyCode(page, "FIVEOFF");
  await page.context().close();
  return orderHref;
}

/** The demo admin generates a batch of 250 codes; returns the link to its codes. */
async function generateBatch(page: Page): Promise<string> {
  await page.goto("/admin/batches");
  await page.getByLabel("Prefix").fill("SPRING");
  await page.getByLabel("Number of codes").fill("250");
  await page.getByLabel("Value (USD)").fill("10.00");
  await page.getByRole("button", { name: "Generate codes" }).click();
  await page.getByTestId("batch-result").filter({ hasText: "Generated 250 codes." }).waitFor({ timeout: 120_000 });
  await page.reload();
  const href = await page
    .getByTestId("batches-table")
    .getByRole("link", { name: "SPRING" })
    .first()
    .getAttribute("href");
  if (!href) throw new Error("the new batch has no link to its codes");
  return href;
}

async function customerPageOfAlice(page: Page): Promise<string> {
  await page.goto(`/admin/redemptions?email=${encodeURIComponent(alice.email)}`);
  const href = await page.getByRole("link", { name: alice.email }).first().getAttribute("href");
  if (!href) throw new Error("no link to Alice's customer page");
  return href;
}

async function main(): Promise<void> {
  await mkdir(outDir, { recursive: true });
  const app = await startApp();
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ["--no-sandbox", "--disable-gpu"] });
  try {
    await aliceRedeems(browser);
    const orderHref = await aliceShops(browser);
    const setup = await signedIn(browser, admin, "desktop");
    const batchHref = await generateBatch(setup);
    const customerHref = await customerPageOfAlice(setup);
    await setup.context().close();
    const shots = [
      {
        user: admin,
        pages: {
          coupons: "/admin/coupons",
          batch: batchHref,
          customer: customerHref,
          overview: "/admin",
          "admin-orders": "/admin/orders",
          "admin-order": `/admin${orderHref}`,
          customers: "/admin/customers",
        },
      },
      { user: alice, pages: { cart: "/cart", orders: "/orders", order: orderHref } },
    ];
    for (const screen of Object.keys(SCREENS) as (keyof typeof SCREENS)[]) {
      for (const { user, pages } of shots) {
        const page = await signedIn(browser, user, screen);
        for (const [name, href] of Object.entries(pages)) {
          await page.goto(href);
          await page.waitForLoadState("networkidle");
          const file = path.join(outDir, `${name}-${screen}.png`);
          await page.screenshot({ path: file });
          console.log(`[screenshots] ${path.relative(root, file)}`);
        }
        await page.context().close();
      }
    }
  } finally {
    await browser.close();
    app.kill("SIGTERM");
    await new Promise((resolve) => (app.exitCode === null ? app.once("exit", resolve) : resolve(null)));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
