import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { hashPassword } from "@/lib/passwords";
import { type RawResponse, burst, connect, cookieHeader, send, serialise } from "../scripts/race/http";
import { signIn } from "../scripts/race/session";
import { type Cluster, startCluster } from "./cluster";

/**
 * Abuse limits on real `next start` instances sharing one PostgreSQL: a synchronized burst of guesses
 * spread over three instances gets no more than the configured budget to the engine; the client
 * address trusts X-Forwarded-For only from TRUSTED_PROXIES; session cookies are Secure behind HTTPS.
 */

test.describe.configure({ mode: "serial", timeout: 300_000 });

const PASSWORD = "limits-password-123";
const GUESSES = 1_000;
// The production defaults: 60 points per customer per 15 minutes, an unknown code costs 5.
const DEFAULT_LIMITS = {
  RATE_LIMIT_REDEEM_CUSTOMER: "60/15m",
  RATE_LIMIT_REDEEM_ADDRESS: "300/15m",
  RATE_LIMIT_REDEEM_UNKNOWN_COST: "5",
};

async function customer(cluster: Cluster): Promise<{ id: string; email: string }> {
  const email = `limits-${randomUUID()}@test.once`;
  return cluster.db.user.create({
    data: { email, name: "Guesser", passwordHash: await hashPassword(PASSWORD) },
    select: { id: true, email: true },
  });
}

async function sessionCookie(base: URL, email: string): Promise<string> {
  const jar = await signIn(base, email, PASSWORD);
  if (!jar) throw new Error(`could not sign ${email} in at ${base.origin}`);
  return cookieHeader(jar);
}

function redeemRequest(url: URL, cookie: string, code: string, extra: Record<string, string> = {}) {
  return serialise(url, {
    method: "POST",
    path: "/api/redemptions",
    headers: { "Content-Type": "application/json", "Idempotency-Key": randomUUID(), Cookie: cookie, ...extra },
    body: Buffer.from(JSON.stringify({ code })),
  });
}

/** The same bytes again: same Idempotency-Key, same session. */
async function resend(url: URL, bytes: Buffer): Promise<RawResponse> {
  const connection = await connect(url);
  connection.socket.write(bytes);
  return connection.response;
}

function histogram(responses: PromiseSettledResult<RawResponse>[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of responses) {
    const key = r.status === "fulfilled" ? String(r.value.status) : "connection_failed";
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

test.describe("a burst of guesses over three instances", () => {
  let cluster: Cluster;
  test.beforeAll(async () => {
    cluster = await startCluster("limits", { instances: 3, env: DEFAULT_LIMITS });
  });
  test.afterAll(() => cluster?.stop());

  test(`${GUESSES} synchronized guesses from one customer: at most budget / cost reach the engine, the rest 429`, async () => {
    const user = await customer(cluster);
    // The session is a row every instance checks: signing in at one is enough.
    const cookie = await sessionCookie(cluster.urls[0]!, user.email);
    const perInstance = cluster.urls.map((url, instance) => ({
      url,
      requests: Array.from({ length: GUESSES }, (_, i) => i)
        .filter((i) => i % cluster.urls.length === instance)
        .map((i) => redeemRequest(url, cookie, `GUESS${i}`)),
    }));
    const results = await Promise.all(perInstance.map(({ url, requests }) => burst(url, requests, 500)));
    const burstByInstance = results.map((r) => histogram(r.responses));
    // On two loaded cores some requests wait too long for a pool connection and are told 503 (busy,
    // nothing decided); a client re-sends those with the same key, as the race tool does.
    let resent = 0;
    for (let round = 0; round < 5; round++) {
      const lost = results.flatMap(({ responses }, instance) =>
        responses.flatMap((r, i) => (r.status === "rejected" || r.value.status === 503 ? [{ instance, i }] : [])),
      );
      if (lost.length === 0) break;
      resent += lost.length;
      for (const { instance, i } of lost) {
        const bytes = perInstance[instance]!.requests[i]!;
        const [again] = await Promise.allSettled([resend(cluster.urls[instance]!, bytes)]);
        results[instance]!.responses[i] = again!;
      }
    }
    const byInstance = results.map((r) => histogram(r.responses));
    const all = histogram(results.flatMap((r) => r.responses));
    const releaseSpreadMs = results.map((r) => Number(r.releaseSpreadMs.toFixed(1)));
    console.log(`burst: ${JSON.stringify({ all, byInstance, burstByInstance, resent, releaseSpreadMs })}`);

    const admitted = 60 / 5;
    expect(all).toEqual({ "422": admitted, "429": GUESSES - admitted });
    expect(await cluster.db.redemptionAttempt.count({ where: { userId: user.id } })).toBe(admitted);

    const refused = results
      .flatMap((r) => r.responses)
      .find((r) => r.status === "fulfilled" && r.value.status === 429) as PromiseFulfilledResult<RawResponse>;
    const retryAfter = Number(refused.value.headers["retry-after"]?.[0]);
    expect(retryAfter).toBeGreaterThan(14 * 60);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(JSON.parse(refused.value.body)).toMatchObject({
      status: "refused",
      reason: "rate_limited",
      scope: "customer",
      retryAfterSeconds: retryAfter,
      message: expect.stringContaining("Try again in 15 minutes"),
    });
  });
});

test.describe("client address", () => {
  let cluster: Cluster;
  test.beforeAll(async () => {
    // Instance 0 trusts no proxy (the default); instance 1 trusts the loopback proxy in front of it and
    // the 198.51.100.0/24 proxies behind that.
    cluster = await startCluster("address", {
      instances: 2,
      instanceEnv: [{}, { TRUSTED_PROXIES: "loopback, 198.51.100.0/24" }],
    });
  });
  test.afterAll(() => cluster?.stop());

  async function recordedAddress(instance: number, forwardedFor: string | null): Promise<string | null> {
    const url = cluster.urls[instance]!;
    const user = await customer(cluster);
    const cookie = await sessionCookie(url, user.email);
    const extra: Record<string, string> = forwardedFor ? { "X-Forwarded-For": forwardedFor } : {};
    // A forged peer header from the client is overwritten by the server's own stamp.
    extra["X-Once-Peer-Address"] = "192.0.2.66";
    const bytes = redeemRequest(url, cookie, "NOSUCHCODE", extra);
    const response = await burst(url, [bytes], 0);
    expect(response.responses[0]).toMatchObject({ status: "fulfilled", value: { status: 422 } });
    const attempt = await cluster.db.redemptionAttempt.findFirstOrThrow({ where: { userId: user.id } });
    return attempt.ip;
  }

  test("without trusted proxies the socket address is the client, whatever X-Forwarded-For claims", async () => {
    expect(await recordedAddress(0, "203.0.113.9")).toBe("127.0.0.1");
    expect(await recordedAddress(0, null)).toBe("127.0.0.1");
  });

  test("behind trusted proxies the walk goes right to left and stops at the first untrusted hop", async () => {
    // 127.0.0.1 (trusted) → 198.51.100.7 (trusted) → 203.0.113.9: the client.
    expect(await recordedAddress(1, "203.0.113.9, 198.51.100.7")).toBe("203.0.113.9");
    // A client prepending a forged entry does not move the answer: the walk stops at the first untrusted hop.
    expect(await recordedAddress(1, "10.9.9.9, 203.0.113.9, 198.51.100.7")).toBe("203.0.113.9");
    // An untrusted last hop is the client, whatever it forwarded.
    expect(await recordedAddress(1, "203.0.113.9, 192.0.2.50")).toBe("192.0.2.50");
    expect(await recordedAddress(1, null)).toBe("127.0.0.1");
  });
});

test.describe("behind HTTPS", () => {
  let cluster: Cluster;
  test.beforeAll(async () => {
    // The app is served over plain HTTP on loopback here, as behind a TLS-terminating proxy; its public
    // URL is https, which is what next-auth's Secure cookies and the HSTS header follow.
    cluster = await startCluster("https", { instances: 1, env: { NEXTAUTH_URL: "https://once.example" } });
  });
  test.afterAll(() => cluster?.stop());

  test("session cookies are Secure and __Secure- prefixed; HSTS and upgrade-insecure-requests are sent", async () => {
    const base = cluster.urls[0]!;
    const user = await customer(cluster);
    const csrf = await send(base, { method: "GET", path: "/api/auth/csrf", headers: {} });
    const csrfCookie = csrf.headers["set-cookie"]!.find((c) => c.includes("csrf-token"))!;
    expect(csrfCookie).toMatch(/^__Host-next-auth\.csrf-token=/);
    expect(csrfCookie).toMatch(/; Secure/i);

    const jar = await signIn(base, user.email, PASSWORD);
    expect(jar && Object.keys(jar)).toContain("__Secure-next-auth.session-token");

    const page = await send(base, { method: "GET", path: "/", headers: {} });
    expect(page.headers["strict-transport-security"]?.[0]).toBe("max-age=31536000; includeSubDomains");
    expect(page.headers["content-security-policy"]?.[0]).toContain("upgrade-insecure-requests");
  });
});
