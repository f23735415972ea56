import { randomUUID } from "node:crypto";
import { type APIRequestContext, type Page, expect, request as playwrightRequest, test } from "@playwright/test";
import { send } from "../scripts/race/http";
import { formRequest, signIn as rawSignIn, readForm } from "../scripts/race/session";
import { PASSWORD, createCustomer, createTestCoupon, e2eDb, signInByRequest } from "./support";

/**
 * Security headers on pages, API answers and error pages, with a per-request CSP nonce that leaves
 * the app working (no violation while signing in, redeeming, browsing); sessions that end on the
 * server at sign-out; sign-in that slows down, then locks, and says when to retry; CSRF refusals.
 */

const base = () => new URL(test.info().project.use.baseURL!);

function expectSecurityHeaders(headers: Record<string, string>) {
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(headers["permissions-policy"]).toContain("camera=()");
  const csp = headers["content-security-policy"] ?? "";
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{20,}' 'strict-dynamic'(;|$)/);
  expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  expect(csp).not.toMatch(/script-src[^;]*'unsafe-eval'/);
  return /'nonce-([^']+)'/.exec(csp)![1]!;
}

/** Records every CSP violation and CSP console error the page reports, from its first script on. */
async function watchCsp(page: Page): Promise<string[]> {
  const violations: string[] = [];
  await page.exposeFunction("__reportCspViolation", (v: string) => violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      (window as unknown as { __reportCspViolation(v: string): void }).__reportCspViolation(
        `${e.violatedDirective} blocked ${e.blockedURI}`,
      );
    });
  });
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  return violations;
}

test("every response carries the security headers: a page, its scripts, an API answer, an error page", async ({
  request,
}) => {
  const page = await request.get("/");
  const nonce = expectSecurityHeaders(page.headers());
  const html = await page.text();
  // Next.js put this request's nonce on its scripts, and a second request gets another nonce.
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  expect(scripts.length).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
  expect(expectSecurityHeaders((await request.get("/")).headers())).not.toBe(nonce);

  const asset = /<script\b[^>]*src="([^"]+)"/.exec(html)![1]!;
  const script = await request.get(asset);
  expect(script.status()).toBe(200);
  expect(script.headers()["x-content-type-options"]).toBe("nosniff");
  expect(script.headers()["x-frame-options"]).toBe("DENY");

  const health = await request.get("/api/health");
  expectSecurityHeaders(health.headers());
  const unauthenticated = await request.post("/api/redemptions", { data: { code: "X" } });
  expect(unauthenticated.status()).toBe(401);
  expectSecurityHeaders(unauthenticated.headers());

  const missing = await request.get(`/no-such-page-${randomUUID()}`);
  expect(missing.status()).toBe(404);
  const missingNonce = expectSecurityHeaders(missing.headers());
  expect(await missing.text()).toContain(`nonce="${missingNonce}"`);
});

test("under the CSP pages hydrate and work: sign in, redeem, wallet, a 404 page, with no violation", async ({
  page,
}) => {
  const violations = await watchCsp(page);
  const customer = await createCustomer();
  const coupon = await createTestCoupon({ valueCents: 700 });
  await page.goto("/");
  await signInByRequest(page, customer.email);
  await page.getByLabel("Coupon code").fill(coupon.code);
  await page.getByRole("button", { name: "Redeem" }).click();
  await expect(page.getByTestId("header-balance")).toHaveText("$7.00");
  await page.goto("/wallet");
  await expect(page.getByText(coupon.code).first()).toBeVisible();
  await page.goto(`/no-such-page-${randomUUID()}`);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  // A client-side navigation from the 404 page (the window survives it; a full page load would not)
  // proves that page hydrated too.
  await page.evaluate(() => ((window as unknown as { __stayed: boolean }).__stayed = true));
  await page.getByRole("link", { name: "Go to the start page" }).click();
  await page.waitForURL((url) => url.pathname === "/");
  expect(await page.evaluate(() => (window as unknown as { __stayed?: boolean }).__stayed)).toBe(true);
  expect(violations).toEqual([]);

  // Control: markup that smuggles in a script without the nonce (as stored XSS would) is blocked,
  // and the watcher above does see it.
  await page.route("**/", async (route) => {
    const response = await route.fetch();
    const body = (await response.text()).replace("</body>", "<script>window.__injected = true</script></body>");
    await route.fulfill({ response, body });
  });
  await page.goto("/");
  await expect.poll(() => violations.length).toBeGreaterThan(0);
  expect(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected)).toBeUndefined();
});

async function signedInApi(email: string): Promise<APIRequestContext> {
  const api = await playwrightRequest.newContext({ baseURL: base().toString() });
  const { csrfToken } = (await (await api.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const signedIn = await api.post("/api/auth/callback/credentials", {
    form: { csrfToken, email, password: PASSWORD, json: "true" },
  });
  expect(signedIn.ok()).toBe(true);
  return api;
}

for (const role of ["CUSTOMER", "ADMIN"] as const) {
  test(`after sign-out the old ${role.toLowerCase()} cookie reads no session, opens no page and redeems nothing`, async ({
    browser,
  }) => {
    const user = await createCustomer();
    if (role === "ADMIN") await e2eDb().user.update({ where: { id: user.id }, data: { role } });
    const context = await browser.newContext();
    const page = await context.newPage();
    const home = role === "ADMIN" ? "/admin" : "/wallet";
    await signInByRequest(page, user.email, PASSWORD, home);
    const oldCookies = await context.cookies();
    const session = oldCookies.find((c) => c.name.endsWith("next-auth.session-token"))!;

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL((url) => url.pathname === "/sign-in");
    const ended = await e2eDb().session.findMany({ where: { userId: user.id } });
    expect(ended.map((s) => s.endReason)).toEqual(["SIGNED_OUT"]);

    // Replay the cookie the browser held before signing out.
    const replay = await playwrightRequest.newContext({
      baseURL: base().toString(),
      extraHTTPHeaders: { Cookie: `${session.name}=${session.value}` },
    });
    try {
      expect(await (await replay.get("/api/auth/session")).json()).toEqual({});
      // Signed out, a customer page redirects to sign-in; an admin page answers 401 with a sign-in link.
      const protectedPage = await replay.get(home, { maxRedirects: 0 });
      if (role === "ADMIN") {
        expect(protectedPage.status()).toBe(401);
        expect(await protectedPage.text()).toContain("/sign-in");
      } else {
        expect(protectedPage.status()).toBe(307);
        expect(protectedPage.headers().location).toContain("/sign-in");
      }
      const coupon = await createTestCoupon();
      const redeem = await replay.post("/api/redemptions", {
        headers: { "Idempotency-Key": randomUUID() },
        data: { code: coupon.code },
      });
      expect(redeem.status()).toBe(401);
      expect(await e2eDb().redemption.count({ where: { userId: user.id } })).toBe(0);
    } finally {
      await replay.dispose();
      await context.close();
    }
  });
}

test("a disabled customer's open session ends at once", async () => {
  const user = await createCustomer();
  const api = await signedInApi(user.email);
  try {
    expect(((await (await api.get("/api/auth/session")).json()) as { user?: unknown }).user).toBeTruthy();
    await e2eDb().user.update({ where: { id: user.id }, data: { disabled: true } });
    expect(await (await api.get("/api/auth/session")).json()).toEqual({});
    expect((await api.get("/wallet", { maxRedirects: 0 })).status()).toBe(307);
  } finally {
    await api.dispose();
  }
});

test("failed sign-ins slow down, then lock the account; the page says when to try again", async ({ page }) => {
  const user = await createCustomer();
  const api = await playwrightRequest.newContext({ baseURL: base().toString() });
  const errors: string[] = [];
  try {
    // Wrong passwords as fast as they come, until the account is locked (10 failures by default).
    for (let i = 0; i < 30 && !errors.at(-1)?.endsWith(":lock"); i++) {
      const { csrfToken } = (await (await api.get("/api/auth/csrf")).json()) as { csrfToken: string };
      const answer = await api.post("/api/auth/callback/credentials", {
        form: { csrfToken, email: user.email, password: `wrong-${i}`, json: "true" },
      });
      expect(answer.status()).toBe(401);
      errors.push(new URL(((await answer.json()) as { url: string }).url).searchParams.get("error")!);
    }
  } finally {
    await api.dispose();
  }
  expect(errors.slice(0, 5)).toEqual(Array(5).fill("CredentialsSignin"));
  expect(errors.some((e) => e.endsWith(":slow"))).toBe(true);
  expect(errors.at(-1)).toMatch(/^SignInLimited:\d+:lock$/);

  // Now even the right password is refused, and the page says for how long.
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("sign-in-error")).toHaveText(
    "Too many failed sign-ins. Sign-in is locked for 15 minutes; try again then.",
  );
  await expect(page).toHaveURL(/\/sign-in/);
  expect(await e2eDb().session.count({ where: { userId: user.id } })).toBe(0);
});

test("CSRF: the redeem server action posted from another origin changes nothing", async () => {
  const user = await createCustomer();
  const coupon = await createTestCoupon();
  const jar = await rawSignIn(base(), user.email, PASSWORD);
  expect(jar).not.toBeNull();
  // The form as the page renders it (its progressive-enhancement fields name the action), posted as a
  // browser would from a page on another site.
  const post = async (origin: string) => {
    const form = await readForm(base(), "/redeem", jar!, "code");
    const request = formRequest(form, jar!, { code: coupon.code });
    request.headers.Origin = origin;
    return send(base(), request);
  };
  const foreign = await post("https://evil.example");
  expect(foreign.status).toBeGreaterThanOrEqual(400);
  expect(await e2eDb().redemptionAttempt.count({ where: { userId: user.id } })).toBe(0);
  // The same post from the app's own origin works, so the refusal above was the Origin check.
  const own = await post(base().origin);
  expect(own.status).toBe(200);
  expect(await e2eDb().redemption.count({ where: { userId: user.id } })).toBe(1);
});
