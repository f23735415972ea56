import { type APIRequestContext, expect, test } from "@playwright/test";
import { PASSWORD, createCustomer, e2eDb, screenshot, signInApi, signInWithUi, uniqueTag } from "./support";

test("sign up validates each field, then signs the new customer in and lands where they were going", async ({
  page,
}) => {
  await page.goto("/wallet");
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Fwallet$/);
  await page.getByRole("link", { name: "Create an account" }).click();
  await expect(page).toHaveURL(/\/sign-up\?callbackUrl=%2Fwallet$/);

  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Enter your name.")).toBeVisible();
  await expect(page.getByText("Enter a valid email address")).toBeVisible();
  await expect(page.getByText("Use at least 8 characters.")).toBeVisible();
  await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
  await screenshot(page, "sign-up");

  const email = `New.Customer-${uniqueTag()}@Once.Test`;
  await page.getByLabel("Name").fill("Nova Customer");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  // This submission's own answer (the message on screen is still the previous one's): the form resets
  // when its action has finished, and only then may the password be typed again.
  await expect(page.getByLabel("Password")).toHaveValue("");
  await expect(page.getByText("Use at least 8 characters.")).toBeVisible();
  await expect(page.getByLabel("Email")).toHaveValue(email);

  await page.getByLabel("Password").fill("a-long-enough-password");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL((url) => url.pathname === "/wallet");
  await expect(page.getByText("No activity yet")).toBeVisible();
  const user = await e2eDb().user.findUniqueOrThrow({ where: { email: email.toLowerCase() } });
  expect(user.role).toBe("CUSTOMER");
  expect(user.passwordHash).toMatch(/^\$argon2id\$/);

  // The same email again (any case) is refused on its field.
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL((url) => url.pathname === "/sign-in");
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill("Someone Else");
  await page.getByLabel("Email").fill(email.toUpperCase());
  await page.getByLabel("Password").fill("another-long-password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("An account with this email already exists.")).toBeVisible();
});

test("sign in: one generic message for a wrong password and for an unknown email", async ({ page }) => {
  const customer = await createCustomer();
  await page.goto("/sign-in");
  await screenshot(page, "sign-in");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Enter your email address.")).toBeVisible();
  await expect(page.getByText("Enter your password.")).toBeVisible();

  const messages: string[] = [];
  for (const [email, password] of [
    [customer.email, "not-the-password"],
    [`nobody-${uniqueTag()}@once.test`, PASSWORD],
  ]) {
    await page.getByLabel("Email").fill(email!);
    await page.getByLabel("Password").fill(password!);
    await page.getByRole("button", { name: "Sign in" }).click();
    // This attempt's own answer: React resets the form once its action has finished. (The error on
    // screen may still be the previous attempt's; filling in the form before the reset loses the input.)
    await expect(page.getByLabel("Password")).toHaveValue("");
    const error = page.getByTestId("sign-in-error");
    await expect(error).toBeVisible();
    messages.push(await error.innerText());
    await expect(page).toHaveURL(/\/sign-in/);
  }
  expect(messages[0]).toBe(messages[1]);
  expect(messages[0]).toContain("That email and password don't match an account.");
  await screenshot(page, "sign-in-error");

  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByLabel("Email").fill(customer.email.toUpperCase());
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => url.pathname === "/redeem");
  await expect(page.getByTestId("header-balance")).toHaveText("$0.00");
});

test("protected pages send signed-out visitors to sign-in and bring them back afterwards", async ({ page }) => {
  const customer = await createCustomer();
  for (const path of ["/redeem", "/shop", "/wallet"]) {
    await page.goto(path);
    await expect(page).toHaveURL(new RegExp(`/sign-in\\?callbackUrl=${encodeURIComponent(path)}$`));
  }
  await page.getByLabel("Email").fill(customer.email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => url.pathname === "/wallet");

  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL((url) => url.pathname === "/sign-in");
  await page.goto("/shop");
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Fshop$/);
});

test("signing out keeps the host the customer came by, not the configured URL's", async ({ page, baseURL }) => {
  // The server's configured URL names localhost; this visitor reaches it by 127.0.0.1.
  const otherHost = new URL(baseURL!);
  otherHost.hostname = "127.0.0.1";
  const customer = await createCustomer();
  await page.goto(new URL("/sign-in?callbackUrl=%2Fwallet", otherHost).href);
  await page.getByLabel("Email").fill(customer.email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => url.pathname === "/wallet");

  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL((url) => url.pathname === "/sign-in");
  expect(new URL(page.url()).host).toBe(otherHost.host);
  // Signed out on this host too: the wallet asks for a sign-in again.
  await page.goto(new URL("/wallet", otherHost).href);
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Fwallet$/);
});

test("callbackUrl only ever leads to a page of this site", async ({ page }) => {
  const customer = await createCustomer();
  for (const hostile of [
    "https://evil.example/phish",
    "//evil.example/phish",
    "/\\evil.example",
    "javascript:alert(1)",
  ]) {
    await page.context().clearCookies();
    await page.goto(`/sign-in?callbackUrl=${encodeURIComponent(hostile)}`);
    await page.getByLabel("Email").fill(customer.email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((url) => url.pathname === "/redeem");
    expect(new URL(page.url()).host).toBe(new URL(test.info().project.use.baseURL!).host);
  }
  // A signed-in visitor opening sign-in is sent straight on, to a safe place only.
  await page.goto(`/sign-in?callbackUrl=${encodeURIComponent("/wallet?tab=1")}`);
  await expect(page).toHaveURL(/\/wallet\?tab=1$/);
});

test("the session's role is not trusted: a user deleted from the database is signed out", async ({ page }) => {
  const customer = await createCustomer();
  await signInWithUi(page, customer.email);
  await e2eDb().redemptionAttempt.deleteMany({ where: { userId: customer.id } });
  await e2eDb().user.delete({ where: { id: customer.id } });
  await page.goto("/wallet");
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Fwallet$/);
});

/** The server action ids a page hands to its forms (42 hex digits in its RSC payload). */
async function actionIdsOn(api: APIRequestContext, page: string): Promise<{ page: string; id: string }[]> {
  const html = await (await api.get(page)).text();
  return [...new Set(html.match(/\b[0-9a-f]{42}\b/g) ?? [])].map((id) => ({ page, id }));
}

/** Calls a server action as React does, with its arguments as JSON: here none at all. */
function postNoArguments(api: APIRequestContext, { page, id }: { page: string; id: string }) {
  return api.post(page, {
    headers: { "Next-Action": id, "Content-Type": "text/plain;charset=UTF-8", Accept: "text/x-component" },
    data: "[]",
  });
}

test("every server action posted with no arguments by a signed-out caller is refused cleanly, never a 500", async ({
  playwright,
  baseURL,
}) => {
  const customer = await createCustomer();
  const coupon = await e2eDb().coupon.findFirstOrThrow({ select: { id: true } });
  const asCustomer = await playwright.request.newContext({ baseURL });
  const asAdmin = await playwright.request.newContext({ baseURL });
  const anonymous = await playwright.request.newContext({ baseURL });
  try {
    await signInApi(asCustomer, customer.email);
    await signInApi(asAdmin, "admin@once.test", "once-admin-demo");
    const actions = [
      ...(await actionIdsOn(asCustomer, "/redeem")),
      ...(await actionIdsOn(asCustomer, "/shop")),
      ...(await actionIdsOn(asAdmin, "/admin/coupons/new")),
      ...(await actionIdsOn(asAdmin, `/admin/coupons/${coupon.id}`)),
    ];
    // redeem, buy, create, update and disable (and revoke when the coupon has redemptions).
    expect(new Set(actions.map((a) => a.id)).size).toBeGreaterThanOrEqual(5);
    for (const action of actions) {
      const response = await postNoArguments(anonymous, action);
      expect(response.status(), action.page).toBe(200);
      expect(await response.text(), action.page).toContain('"reason":"unauthenticated"');
    }
    const [signUp] = await actionIdsOn(anonymous, "/sign-up");
    const response = await postNoArguments(anonymous, signUp!);
    expect(response.status()).toBe(200);
    expect(await response.text()).toContain('"reason":"invalid"');
  } finally {
    await Promise.all([asCustomer.dispose(), asAdmin.dispose(), anonymous.dispose()]);
  }
});
