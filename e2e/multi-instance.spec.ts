import { expect, test } from "@playwright/test";
import { createCoupon } from "@/lib/coupons";
import type { CounterMode } from "@/lib/generated/prisma/client";
import { findViolations } from "@/lib/invariants";
import { type RaceOptions, type RaceSummary, problemsOf, runRace } from "../scripts/race/run";
import { type Cluster, startCluster } from "./cluster";

/**
 * Exactly-once across several app instances sharing one PostgreSQL (there are no in-process locks to
 * lean on), through PgBouncer, and through faults: killed database backends, a SIGKILLed instance, a
 * PostgreSQL restart. Clients that lost their answer re-send the same request (same idempotency key)
 * and learn the true outcome; afterwards every invariant holds.
 */

test.describe.configure({ mode: "serial", timeout: 300_000 });

const REQUESTS = 300;
const LIMIT = 25;

async function couponFor(cluster: Cluster, counter: CounterMode = "SINGLE_ROW") {
  const code = `MULTI${Date.now().toString(36).toUpperCase()}`;
  const result = await createCoupon(cluster.db, { code, valueCents: 500, maxRedemptions: LIMIT, counter });
  if (!result.ok) throw new Error(JSON.stringify(result));
  return result.coupon;
}

async function expectExactlyOnce(cluster: Cluster, summary: RaceSummary, couponId: string) {
  expect(problemsOf(summary, LIMIT, LIMIT)).toEqual([]);
  expect(await cluster.db.redemption.count({ where: { couponId, status: "ACTIVE" } })).toBe(LIMIT);
  expect(await findViolations(cluster.db)).toEqual([]);
}

/** The burst every scenario fires: 300 API requests from 60 users, lost answers re-sent with their key. */
function burst(cluster: Cluster, code: string, options: Partial<RaceOptions> = {}) {
  return runRace({
    urls: cluster.urls,
    code,
    requests: REQUESTS,
    users: 60,
    target: "api",
    retryRounds: 5,
    ...options,
  });
}

function only5xxAre503(summary: RaceSummary) {
  return Object.keys(summary.burstStatuses).filter((s) => Number(s) >= 500 && s !== "503");
}

// Every burst and fault runs with the coupon counted on its own row and in hot-coupon slots.
for (const counter of ["SINGLE_ROW", "SLOTS"] as const) {
  test.describe(`three instances, one database (${counter})`, () => {
    let cluster: Cluster;
    test.beforeAll(async () => {
      cluster = await startCluster(`direct-${counter}`, { instances: 3, unsafeFastForThrowawayData: true });
    });
    test.afterAll(() => cluster?.stop());

    test(`${REQUESTS} synchronized requests spread over three instances: exactly ${LIMIT}`, async () => {
      const coupon = await couponFor(cluster, counter);
      // Two cores run all three instances: a request that waits too long for a connection is told 503
      // (busy), and re-sending it with its key is what a client does.
      const summary = await burst(cluster, coupon.code);
      console.log(`three instances: ${JSON.stringify(summary)}`);
      expect(only5xxAre503(summary)).toEqual([]);
      await expectExactlyOnce(cluster, summary, coupon.id);
    });

    test("database backends terminated mid-burst: lost answers retried with their key give exactly the limit", async () => {
      const coupon = await couponFor(cluster, counter);
      let terminated = 0;
      let killer: NodeJS.Timeout | undefined;
      const summary = await burst(cluster, coupon.code, {
        retryRounds: 5,
        onRelease: () => {
          const stopAt = Date.now() + 1_500;
          killer = setInterval(() => {
            if (Date.now() > stopAt) return clearInterval(killer);
            void cluster.terminateBackends().then(
              (n) => (terminated += n),
              () => undefined,
            );
          }, 50);
        },
      });
      clearInterval(killer);
      console.log(`backends terminated (${terminated}): ${JSON.stringify(summary)}`);
      expect(terminated).toBeGreaterThan(0);
      expect(only5xxAre503(summary)).toEqual([]);
      await expectExactlyOnce(cluster, summary, coupon.id);
    });

    test("PostgreSQL restarted mid-burst: instances serve again by themselves; retries give exactly the limit", async () => {
      const coupon = await couponFor(cluster, counter);
      let restarted: Promise<void> | undefined;
      const summary = await burst(cluster, coupon.code, {
        retryRounds: 8,
        onRelease: () => {
          restarted = new Promise((resolve) => setTimeout(resolve, 100)).then(() => cluster.restartPostgres());
        },
      });
      await restarted;
      console.log(`postgres restarted: ${JSON.stringify(summary)}`);
      expect(only5xxAre503(summary)).toEqual([]);
      await expectExactlyOnce(cluster, summary, coupon.id);
      for (let i = 0; i < cluster.urls.length; i++) expect(await cluster.healthy(i)).toBe(true);
    });

    test("one instance SIGKILLed mid-burst: its clients retry on the others and the limit holds", async () => {
      const coupon = await couponFor(cluster, counter);
      const summary = await burst(cluster, coupon.code, {
        retryRounds: 3,
        onRelease: () => setTimeout(() => cluster.kill(2), 20),
      });
      console.log(`instance killed: ${JSON.stringify(summary)}`);
      expect(only5xxAre503(summary)).toEqual([]);
      await expectExactlyOnce(cluster, summary, coupon.id);
      expect(await cluster.healthy(0)).toBe(true);
      expect(await cluster.healthy(1)).toBe(true);
    });
  });

  test.describe(`three instances behind PgBouncer, transaction pooling (${counter})`, () => {
    let cluster: Cluster;
    test.beforeAll(async () => {
      cluster = await startCluster(`pgbouncer-${counter}`, {
        instances: 3,
        pgbouncer: true,
        unsafeFastForThrowawayData: true,
      });
    });
    test.afterAll(() => cluster?.stop());

    test(`${REQUESTS} synchronized requests: exactly ${LIMIT}`, async () => {
      const coupon = await couponFor(cluster, counter);
      const summary = await burst(cluster, coupon.code);
      console.log(`pgbouncer: ${JSON.stringify(summary)}`);
      expect(only5xxAre503(summary)).toEqual([]);
      await expectExactlyOnce(cluster, summary, coupon.id);
    });
  });
}

test.describe("pool exhaustion", () => {
  let cluster: Cluster;
  test.beforeAll(async () => {
    // Two connections, and a short wait for one: most of a 2,000-request burst cannot be served in time.
    cluster = await startCluster("pool", {
      instances: 1,
      env: { DATABASE_POOL_MAX: "2", DATABASE_POOL_TIMEOUT_MS: "1000", DATABASE_TX_MAX_WAIT_MS: "1000" },
      unsafeFastForThrowawayData: true,
    });
  });
  test.afterAll(() => cluster?.stop());

  test("2,000 concurrent requests get their answer or a clean 503 with Retry-After, never a 500 or a hang", async () => {
    const coupon = await couponFor(cluster);
    // 2,000 simultaneous connections to one instance can also lose some without an answer (seen in CI,
    // cause not yet known); those clients re-send with their key, as they would after any lost answer.
    const summary = await runRace({
      urls: cluster.urls,
      code: coupon.code,
      requests: 2_000,
      users: 40,
      target: "api",
      retryRounds: 3,
    });
    console.log(`pool exhaustion: ${JSON.stringify(summary)}`);
    expect(Object.keys(summary.statuses).sort()).toEqual(expect.arrayContaining(["201"]));
    expect(
      Object.keys(summary.burstStatuses).filter((s) => !["201", "409", "503", "connection_failed"].includes(s)),
    ).toEqual([]);
    expect(Object.keys(summary.statuses).filter((s) => !["201", "409", "503"].includes(s))).toEqual([]);
    expect(summary.busyWithoutRetryAfter).toBe(0);
    expect(summary.distinctRedemptions).toBeLessThanOrEqual(LIMIT);
    expect(await findViolations(cluster.db)).toEqual([]);
  });
});
