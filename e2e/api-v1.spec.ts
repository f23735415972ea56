import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { createApiKey, revokeApiKey } from "@/lib/api-keys";
import { createEndpoint, setEndpointEnabled } from "@/lib/webhooks/endpoints";
import { startReceiver } from "@/lib/webhooks/test-receiver";
import { ADMIN, createTestCoupon, e2eDb, expectInvariantsHold, uniqueTag } from "./support";

/**
 * A store's server against the running production build with nothing but an API key: no browser, no
 * cookie, plain fetch. It validates a code, holds it with some credit, captures, refunds in part and
 * whole, holds again and releases; then the invariant checker runs over the whole database. The store's
 * webhook receiver (verifying every signature, applying each webhook-id once) hears each of those changes
 * once, in order, from the worker `npm start` runs.
 */

const baseURL = () => test.info().project.use.baseURL!;

function api(secret: string) {
  return async (method: "GET" | "POST", path: string, body?: unknown) => {
    const response = await fetch(`${baseURL()}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${secret}`,
        ...(method === "POST" ? { "Idempotency-Key": randomUUID(), "Content-Type": "application/json" } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  };
}

test("with only an API key, a store validates, holds, captures, refunds and releases", async () => {
  const created = await createApiKey(
    e2eDb(),
    { name: `e2e ${uniqueTag()}`, scopes: ["read", "redeem", "checkout"] },
    null,
  );
  if (!created.ok) throw new Error("could not create the key");
  const call = api(created.secret);
  const customer = { id: `shop-${uniqueTag()}`, email: `shop-${uniqueTag()}@store.test` };
  const admin = await e2eDb().user.findUniqueOrThrow({ where: { email: ADMIN.email } });
  const eventTypes = ["redemption.created", "hold.created", "hold.captured", "hold.refunded", "hold.released"] as const;
  const endpoint = await createEndpoint(e2eDb(), admin.id, {
    url: "http://127.0.0.1:9/not-yet",
    eventTypes: [...eventTypes],
  });
  if (!endpoint.ok) throw new Error("could not add the endpoint");
  // The receiver needs the secret and the endpoint the receiver's port: its URL is set once both exist.
  const receiver = await startReceiver(endpoint.value.secret);
  await e2eDb().webhookEndpoint.update({ where: { id: endpoint.value.id }, data: { url: receiver.url } });
  try {
    const credit = await createTestCoupon({ valueCents: 2_000 });
    const discount = await createTestCoupon({ kind: "AMOUNT_OFF", valueCents: 500, maxRedemptions: 1 });

    expect(await call("POST", "/api/v1/redemptions", { customer, code: credit.code })).toMatchObject({
      status: 201,
      body: { status: "redeemed", balanceCents: 2_000 },
    });
    expect(
      await call("POST", "/api/v1/codes/validate", { customer, code: discount.code, subtotalCents: 3_000 }),
    ).toMatchObject({ status: 200, body: { status: "applies", discountCents: 500, totalCents: 2_500 } });

    const held = await call("POST", "/api/v1/holds", {
      customer,
      code: discount.code,
      subtotalCents: 3_000,
      creditCents: 1_500,
    });
    expect(held).toMatchObject({
      status: 201,
      body: { hold: { status: "HELD", discountCents: 500, creditCents: 1_500 } },
    });
    const id = held.body.hold.id as string;
    expect(await call("POST", `/api/v1/holds/${id}/capture`)).toMatchObject({
      status: 200,
      body: { status: "captured" },
    });
    expect(await call("POST", `/api/v1/holds/${id}/refund`, { amountCents: 400 })).toMatchObject({
      status: 200,
      body: { hold: { refundedCents: 400 } },
    });
    expect(await call("POST", `/api/v1/holds/${id}/refund`, {})).toMatchObject({
      status: 200,
      body: { status: "refunded", hold: { refundedCents: 1_500 } },
    });

    const again = await call("POST", "/api/v1/holds", { customer, code: discount.code, subtotalCents: 3_000 });
    expect(again).toMatchObject({ status: 201 });
    expect(await call("POST", `/api/v1/holds/${again.body.hold.id}/release`)).toMatchObject({
      status: 200,
      body: { status: "released" },
    });
    expect(await call("GET", `/api/v1/holds/${again.body.hold.id}`)).toMatchObject({
      status: 200,
      body: { hold: { status: "RELEASED" } },
    });
    const account = await call("GET", `/api/v1/customers/${customer.id}`);
    expect(account).toMatchObject({ status: 200, body: { balanceCents: 2_000 } });
    expect((await e2eDb().coupon.findUniqueOrThrow({ where: { id: discount.id } })).redeemedCount).toBe(0);

    // Revoked: the very next request is refused.
    await revokeApiKey(e2eDb(), created.key.id, null);
    expect(await call("GET", `/api/v1/customers/${customer.id}`)).toMatchObject({
      status: 401,
      body: { reason: "invalid_api_key" },
    });
    await expectInvariantsHold();

    // Each change once, in the order it committed, every attempt signed; another customer's events are not ours.
    const onceCustomer = await e2eDb().user.findUniqueOrThrow({ where: { email: customer.email } });
    const ours = () => receiver.applied.filter((event) => event.data.customerId === onceCustomer.id);
    await expect
      .poll(() => ours().map((event) => event.type), { timeout: 60_000 })
      .toEqual([
        "redemption.created",
        "hold.created",
        "hold.captured",
        "hold.refunded",
        "hold.refunded",
        "hold.created",
        "hold.released",
      ]);
    expect(
      ours().map((event) => [event.data.holdId ?? null, event.data.amountCents ?? null, event.data.whole ?? null]),
    ).toEqual([
      [null, 2_000, null],
      [id, null, null],
      [id, null, null],
      [id, 400, false],
      [id, 1_100, true],
      [again.body.hold.id, null, null],
      [again.body.hold.id, null, null],
    ]);
    expect(receiver.attempts.filter((attempt) => !attempt.verified)).toEqual([]);
  } finally {
    await setEndpointEnabled(e2eDb(), admin.id, endpoint.value.id, false);
    await receiver.close();
  }
});

test("the reference page renders every operation of the generated document", async ({ page }) => {
  const document = (await (await fetch(`${baseURL()}/api/v1/openapi.json`)).json()) as {
    paths: Record<string, object>;
  };
  const count = Object.values(document.paths).reduce((sum, item) => sum + Object.keys(item).length, 0);
  await page.goto("/docs/api");
  await expect(page.getByTestId("api-operation")).toHaveCount(count);
  await expect(page.getByRole("heading", { name: "POST /api/v1/holds", exact: true })).toBeVisible();
});
