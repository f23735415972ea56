import { randomUUID } from "node:crypto";
import { type APIRequestContext, expect, test } from "@playwright/test";
import {
  balanceOf,
  createCustomer,
  createTestCoupon,
  e2eDb,
  expectInvariantsHold,
  sessionCookieOf,
  signInApi,
} from "./support";

/** Integration tests of POST /api/redemptions against the running `next start` server. */

const baseURL = () => test.info().project.use.baseURL!;

function post(
  api: APIRequestContext,
  body: unknown,
  key: string | null = randomUUID(),
  headers: Record<string, string> = {},
) {
  return api.post("/api/redemptions", {
    headers: { "Content-Type": "application/json", ...(key === null ? {} : { "Idempotency-Key": key }), ...headers },
    // A Buffer goes out byte for byte; Playwright would JSON-encode a string body again.
    data: Buffer.from(typeof body === "string" ? body : JSON.stringify(body)),
  });
}

test("unauthenticated requests get 401", async ({ playwright }) => {
  const anonymous = await playwright.request.newContext({ baseURL: baseURL() });
  const response = await post(anonymous, { code: "WELCOME10" });
  expect(response.status()).toBe(401);
  expect(await response.json()).toMatchObject({ reason: "unauthenticated" });
  await anonymous.dispose();
});

test("a missing or malformed Idempotency-Key, or a malformed body, gets 400/413/415 and changes nothing", async ({
  request,
}) => {
  const customer = await createCustomer();
  const coupon = await createTestCoupon();
  await signInApi(request, customer.email);

  const cases: [Awaited<ReturnType<typeof post>>, number, string][] = [
    [await post(request, { code: coupon.code }, null), 400, "missing_idempotency_key"],
    [await post(request, { code: coupon.code }, "short"), 400, "invalid_idempotency_key"],
    [await post(request, { code: coupon.code }, "has spaces in it"), 400, "invalid_idempotency_key"],
    [await post(request, { code: coupon.code }, "k".repeat(129)), 400, "invalid_idempotency_key"],
    [await post(request, "{not json"), 400, "invalid_json"],
    [await post(request, { coupon: coupon.code }), 400, "invalid_body"],
    [await post(request, { code: 42 }), 400, "invalid_body"],
    [await post(request, JSON.stringify({ code: "A".repeat(64 * 1024) })), 413, "body_too_large"],
    [
      await post(request, { code: coupon.code }, randomUUID(), { "Content-Type": "text/plain" }),
      415,
      "unsupported_media_type",
    ],
  ];
  for (const [response, status, reason] of cases) {
    expect(response.status(), reason).toBe(status);
    expect(await response.json()).toMatchObject({ status: "error", reason, message: expect.any(String) });
  }
  expect(await balanceOf(customer.id)).toBe(0);
});

test("201 on success; a replay returns the stored response, marked Idempotent-Replayed", async ({ request }) => {
  const customer = await createCustomer();
  const coupon = await createTestCoupon({ valueCents: 1_500, perUserLimit: 2 });
  await signInApi(request, customer.email);
  const key = randomUUID();

  const first = await post(request, { code: ` ${coupon.code.toLowerCase()} ` }, key);
  expect(first.status()).toBe(201);
  expect(first.headers()["idempotent-replayed"]).toBeUndefined();
  const body = await first.json();
  expect(body).toMatchObject({
    status: "redeemed",
    balanceCents: 1_500,
    redemption: { code: coupon.code, amountCents: 1_500 },
  });

  const replay = await post(request, { code: coupon.code }, key);
  expect(replay.status()).toBe(201);
  expect(replay.headers()["idempotent-replayed"]).toBe("true");
  expect(await replay.json()).toEqual(body);
  expect(await balanceOf(customer.id)).toBe(1_500);

  // The same key with another code is a client bug: 422, and still nothing more is credited.
  const other = await createTestCoupon();
  const reused = await post(request, { code: other.code }, key);
  expect(reused.status()).toBe(422);
  expect(await reused.json()).toMatchObject({ reason: "idempotency_key_reused" });
  expect(await balanceOf(customer.id)).toBe(1_500);
});

test("refusals are 409/422 with a machine-readable reason, and replay identically", async ({ request }) => {
  const customer = await createCustomer();
  await signInApi(request, customer.email);
  const expired = await createTestCoupon({
    startsAt: new Date(Date.UTC(2025, 0, 1)),
    expiresAt: new Date(Date.UTC(2025, 5, 30, 12)),
  });
  const future = await createTestCoupon({ startsAt: new Date(Date.UTC(2031, 0, 1)) });
  const disabled = await createTestCoupon({ status: "DISABLED" });
  const usedUp = await createTestCoupon({ maxRedemptions: 1 });
  const mine = await createTestCoupon();
  const winner = await createCustomer();
  await (
    await import("@/lib/redemptions")
  ).redeemCoupon(e2eDb(), { userId: winner.id, code: usedUp.code, idempotencyKey: randomUUID() });
  expect((await post(request, { code: mine.code })).status()).toBe(201);

  const cases: [string, number, string, string][] = [
    ["NOPE-NOT-A-CODE", 422, "unknown_code", "We don't recognise that code."],
    ["bad code!", 422, "invalid_code", "Coupon codes contain only letters"],
    [expired.code, 409, "expired", "This code expired on 30 Jun 2025, 12:00 UTC."],
    [future.code, 409, "not_started", "You can redeem it from 1 Jan 2031, 00:00 UTC."],
    [disabled.code, 409, "disabled", "switched off"],
    [usedUp.code, 409, "exhausted", "already been used up"],
    [mine.code, 409, "per_user_limit", "You already redeemed this code"],
  ];
  for (const [code, status, reason, message] of cases) {
    const key = randomUUID();
    const response = await post(request, { code }, key);
    expect(response.status(), reason).toBe(status);
    const body = await response.json();
    expect(body).toMatchObject({ status: "refused", reason, message: expect.stringContaining(message) });
    const replay = await post(request, { code }, key);
    expect(replay.status(), `${reason} replay`).toBe(status);
    expect(await replay.json()).toEqual(body);
  }
  const expiredBody = await (await post(request, { code: expired.code })).json();
  expect(expiredBody.window).toEqual({ startsAt: "2025-01-01T00:00:00.000Z", expiresAt: "2025-06-30T12:00:00.000Z" });
  expect(await balanceOf(customer.id)).toBe(mine.valueCents);
});

test("concurrent requests with one key: one redemption, every response the same", async () => {
  const customer = await createCustomer();
  const coupon = await createTestCoupon({ valueCents: 900, perUserLimit: 10 });
  const cookie = await sessionCookieOf(baseURL(), customer.email);
  const key = randomUUID();

  const responses = await Promise.all(
    Array.from({ length: 25 }, () =>
      fetch(`${baseURL()}/api/redemptions`, {
        method: "POST",
        headers: { Cookie: cookie, "Content-Type": "application/json", "Idempotency-Key": key },
        body: JSON.stringify({ code: coupon.code }),
      }),
    ),
  );
  const bodies = await Promise.all(responses.map((r) => r.json()));
  expect(responses.map((r) => r.status)).toEqual(Array(25).fill(201));
  expect(new Set(bodies.map((b) => JSON.stringify(b))).size).toBe(1);
  expect(responses.filter((r) => r.headers.get("idempotent-replayed") === null)).toHaveLength(1);
  expect(await balanceOf(customer.id)).toBe(900);
  expect(await e2eDb().redemption.count({ where: { userId: customer.id } })).toBe(1);
});

test("200 concurrent requests for a single-use code over HTTP: exactly one 201, no 5xx", async () => {
  test.setTimeout(120_000);
  const USERS = 40;
  const PER_USER = 5;
  const coupon = await createTestCoupon({ valueCents: 2_500, maxRedemptions: 1 });
  const customers = await Promise.all(Array.from({ length: USERS }, () => createCustomer()));
  const cookies = await Promise.all(customers.map((c) => sessionCookieOf(baseURL(), c.email)));

  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const calls = cookies.flatMap((cookie) =>
    Array.from({ length: PER_USER }, () =>
      gate.then(() =>
        fetch(`${baseURL()}/api/redemptions`, {
          method: "POST",
          headers: { Cookie: cookie, "Content-Type": "application/json", "Idempotency-Key": randomUUID() },
          body: JSON.stringify({ code: coupon.code }),
        }).then(async (r) => ({
          status: r.status,
          reason: ((await r.json()) as { reason?: string }).reason ?? "redeemed",
        })),
      ),
    ),
  );
  release();
  const results = await Promise.all(calls);

  const counts: Record<string, number> = {};
  for (const r of results) counts[`${r.status} ${r.reason}`] = (counts[`${r.status} ${r.reason}`] ?? 0) + 1;
  console.log(`[race] ${results.length} concurrent requests for one single-use code:`, counts);
  test.info().annotations.push({ type: "http-race", description: JSON.stringify(counts) });

  expect(results).toHaveLength(USERS * PER_USER);
  expect(results.filter((r) => r.status === 201)).toHaveLength(1);
  expect(results.filter((r) => r.status >= 500)).toEqual([]);
  // Everyone else is told the code is used up; the winner's own other requests may be told they already redeemed it.
  const refusals = results.filter((r) => r.status !== 201);
  expect(refusals.every((r) => r.status === 409 && (r.reason === "exhausted" || r.reason === "per_user_limit"))).toBe(
    true,
  );
  expect(refusals.filter((r) => r.reason === "per_user_limit").length).toBeLessThan(PER_USER);
  const fresh = await e2eDb().coupon.findUniqueOrThrow({ where: { id: coupon.id } });
  expect(fresh.redeemedCount).toBe(1);
  expect(await e2eDb().redemption.count({ where: { couponId: coupon.id } })).toBe(1);
  await expectInvariantsHold();
});
