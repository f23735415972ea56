import { randomUUID } from "node:crypto";
import path from "node:path";
import {
  type APIRequestContext,
  type Browser,
  type Page,
  expect,
  request as playwrightRequest,
} from "@playwright/test";
import { type NewCoupon, createCoupon } from "@/lib/coupons";
import { createDb, type Db } from "@/lib/db/client";
import { runningEmbeddedPostgresUrl } from "@/lib/db/embedded";
import { findViolations } from "@/lib/invariants";
import { hashPassword } from "@/lib/passwords";
import { redeemCoupon } from "@/lib/redemptions";

/**
 * Test data for the e2e suites, written straight into the database of the server under test (the one
 * playwright.config.ts starts with --data-dir $E2E_DATA_DIR --reset), so every test makes its own users
 * and coupons and no test depends on another.
 */

export const PASSWORD = "e2e-password-123";
// Set by playwright.config.ts for the whole run, workers included.
const DATA_DIR = path.resolve(import.meta.dirname, "..", process.env.E2E_DATA_DIR!);

let db: Db | undefined;
let passwordHash: Promise<string> | undefined;

/** The server's embedded PostgreSQL: its port and generated password are in its data folder. */
export function e2eDatabaseUrl(): string {
  return process.env.E2E_DATABASE_URL ?? runningEmbeddedPostgresUrl(path.join(DATA_DIR, "pg"));
}

export function e2eDb(): Db {
  db ??= createDb(e2eDatabaseUrl(), { max: 8 });
  return db;
}

export const uniqueTag = () => randomUUID().replaceAll("-", "").slice(0, 10);

export interface Customer {
  id: string;
  email: string;
  name: string;
}

/** A customer who can sign in with PASSWORD, optionally holding store credit (given by a real redemption). */
export async function createCustomer(options: { creditCents?: number; name?: string } = {}): Promise<Customer> {
  passwordHash ??= hashPassword(PASSWORD);
  const tag = uniqueTag();
  const user = await e2eDb().user.create({
    data: {
      email: `e2e-${tag}@once.test`,
      name: options.name ?? `Casey ${tag.slice(0, 4)}`,
      passwordHash: await passwordHash,
    },
    select: { id: true, email: true, name: true },
  });
  if (options.creditCents) {
    const coupon = await createTestCoupon({ valueCents: options.creditCents });
    const result = await redeemCoupon(e2eDb(), { userId: user.id, code: coupon.code, idempotencyKey: randomUUID() });
    expect(result.ok, "funding the test customer").toBe(true);
  }
  return user;
}

export async function createTestCoupon(overrides: Partial<NewCoupon> = {}) {
  const result = await createCoupon(e2eDb(), {
    code: `E2E${uniqueTag().toUpperCase()}`,
    valueCents: 1_000,
    ...overrides,
  });
  if (!result.ok) throw new Error(`test coupon rejected: ${JSON.stringify(result)}`);
  return result.coupon;
}

/** A product of its own (stock-tracked when `stock` is a number, with its INITIAL movement), in the shop. */
export async function createTestProduct(options: { priceCents: number; stock: number | null; name?: string }) {
  const sku = `E2E-${uniqueTag().toUpperCase()}`;
  const { priceCents, stock, name = `Test item ${sku.slice(4, 8)}` } = options;
  return e2eDb().product.create({
    data: {
      sku,
      name,
      priceCents,
      stock,
      ...(stock === null ? {} : { stockMovements: { create: { kind: "INITIAL", quantity: stock } } }),
    },
  });
}

export async function balanceOf(userId: string): Promise<number> {
  return (await e2eDb().user.findUniqueOrThrow({ where: { id: userId }, select: { balanceCents: true } })).balanceCents;
}

export async function expectInvariantsHold(): Promise<void> {
  expect(await findViolations(e2eDb())).toEqual([]);
}

/** Signs in through the real sign-in page and waits for the page it leads to. */
export async function signInWithUi(page: Page, email: string, password = PASSWORD, goTo = "/redeem"): Promise<void> {
  await page.goto(`/sign-in?callbackUrl=${encodeURIComponent(goTo)}`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => url.pathname === goTo);
}

/**
 * Signs the page's browser context in with the request the sign-in form sends (next-auth's credentials
 * endpoint: the same password check and session), then opens `goTo`, hydrated. auth.spec.ts tests the
 * form itself; elsewhere rendering it only cost time (about 0.3 s a sign-in, quiet).
 */
export async function signInByRequest(page: Page, email: string, password = PASSWORD, goTo = "/redeem"): Promise<void> {
  await signInApi(page.context().request, email, password);
  await gotoHydrated(page, goTo);
}

/** A page in its own browser context (own cookies), signed in as `email`. */
export async function signedInPage(browser: Browser, email: string, goTo = "/redeem"): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInByRequest(page, email, PASSWORD, goTo);
  return page;
}

/** Signs an API client in through next-auth's credentials endpoint, as a browser's sign-in form does. */
export async function signInApi(api: APIRequestContext, email: string, password = PASSWORD): Promise<void> {
  const { csrfToken } = (await (await api.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const response = await api.post("/api/auth/callback/credentials", {
    form: { csrfToken, email, password, json: "true" },
  });
  expect(response.ok()).toBe(true);
  const session = (await (await api.get("/api/auth/session")).json()) as { user?: { email?: string } };
  expect(session.user?.email).toBe(email);
}

/** The Cookie header of a signed-in API client, for plain fetch() bursts that bypass Playwright's queue. */
export async function sessionCookieOf(baseURL: string, email: string): Promise<string> {
  const api = await playwrightRequest.newContext({ baseURL });
  try {
    await signInApi(api, email);
    const { cookies } = await api.storageState();
    return cookies.map((c) => `${c.name}=${c.value}`).join("; ");
  } finally {
    await api.dispose();
  }
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });
}

/** The demo admin the start script seeds. */
export const ADMIN = { email: "admin@once.test", password: "once-admin-demo" };

/** The two screens every page is looked at on: a laptop and a phone (390 × 844, as an iPhone 13). */
export const SCREENS = {
  desktop: { viewport: { width: 1280, height: 800 } },
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
} as const;
export type ScreenName = keyof typeof SCREENS;

/** A page in its own browser context at `screen`, signed in as the demo admin, at `goTo`. */
export async function adminPage(browser: Browser, goTo = "/admin", screen: ScreenName = "desktop"): Promise<Page> {
  const page = await (await browser.newContext({ ...SCREENS[screen], acceptDownloads: true })).newPage();
  await signInByRequest(page, ADMIN.email, ADMIN.password, goTo);
  return page;
}

/** Opens `path` and waits until React has hydrated it (components/hydration-marker.tsx). */
export async function gotoHydrated(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
}

/** How far the page scrolls sideways (0 when it fits its viewport). */
export async function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}
