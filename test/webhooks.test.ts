/**
 * Webhooks from the transactional outbox (lib/webhooks), against a real PostgreSQL: an event exists
 * exactly when its change committed; a local receiver that verifies every signature, fails, times out
 * and comes back applies each event once and in order per customer; an endpoint that keeps failing is
 * disabled; and a worker killed (SIGKILL) between commit and delivery loses nothing and invents nothing.
 */
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { Rollback, runTransaction } from "@/lib/db/transaction";
import { createHold } from "@/lib/holds/create-hold";
import { expireHolds } from "@/lib/holds/expiry";
import { captureHold, releaseHold } from "@/lib/holds/settle-hold";
import { findViolations } from "@/lib/invariants";
import { redeemCoupon, revokeRedemption } from "@/lib/redemptions";
import type { DeliveryOptions } from "@/lib/webhooks/deliver";
import { createEndpoint, replayDelivery, sendTestEvent, setEndpointEnabled } from "@/lib/webhooks/endpoints";
import { recordEvent } from "@/lib/webhooks/outbox";
import { startWebhookWorker, type WebhookWorker } from "@/lib/webhooks/worker";
import { eventually, makeCoupon, makeCustomersWithCredit, makeUsers, newKey, race, scenarioDatabase } from "./helpers";
import { type Behaviour, type Receiver, startReceiver } from "@/lib/webhooks/test-receiver";

const FAST: DeliveryOptions = { timeoutMs: 500, retryBaseMs: 20, retryMaxMs: 200, disableAfter: 1_000 };

const figures: string[] = [];
afterAll(() => console.log(`\nwebhook figures\n${figures.join("\n")}`));

const events = (db: Db, type?: string) => db.webhookEvent.count({ where: type ? { type } : {} });
const violationsOf = async (db: Db) => (await findViolations(db)).map((v) => `${v.invariant}: ${v.detail}`);

async function endpointFor(db: Db, admin: string, url: string, eventTypes: string[] = []) {
  const created = await createEndpoint(db, admin, { url, eventTypes: eventTypes as never });
  if (!created.ok) throw new Error(`endpoint refused: ${created.reason}`);
  return created.value;
}

/** An endpoint for a receiver that starts before it knows its secret: the secret is set once made. */
async function receiverEndpoint(db: Db, admin: string, behaviour?: Behaviour) {
  const placeholder = await startReceiver("whsec_" + Buffer.from("x".repeat(24)).toString("base64"));
  const url = placeholder.url;
  await placeholder.close();
  const endpoint = await endpointFor(db, admin, url);
  const receiver = await startReceiver(endpoint.secret, behaviour);
  await db.webhookEndpoint.update({ where: { id: endpoint.id }, data: { url: receiver.url } });
  return { endpoint, receiver };
}

const allDelivered = (db: Db) => async () =>
  (await db.webhookDelivery.count({ where: { status: "PENDING" } })) === 0 && (await db.webhookDelivery.count()) > 0;

describe("the outbox", () => {
  it("writes an event exactly when its change commits: none for a refusal, a rollback or a replayed key", async () => {
    const { db } = await scenarioDatabase(8);
    const [admin, customer] = await makeUsers(db, 2);
    await endpointFor(db, admin!, "http://127.0.0.1:9/never");
    const coupon = await makeCoupon(db, { valueCents: 500, maxRedemptions: 10 });
    const key = newKey();

    expect((await redeemCoupon(db, { userId: customer!, code: coupon.code, idempotencyKey: key })).ok).toBe(true);
    expect((await redeemCoupon(db, { userId: customer!, code: coupon.code, idempotencyKey: key })).ok).toBe(true);
    const refused = await redeemCoupon(db, { userId: customer!, code: "NO-SUCH-CODE", idempotencyKey: newKey() });
    expect(refused.ok).toBe(false);
    const rolledBack = await runTransaction(db, async (tx) => {
      await recordEvent(tx, { type: "hold.captured", data: { customerId: customer!, holdId: newKey() } });
      throw new Rollback("changed_my_mind");
    });
    expect(rolledBack.kind).toBe("rolled_back");

    expect(await events(db, "redemption.created")).toBe(1);
    expect(await events(db)).toBe(1);
    // Its delivery and its job were written with it.
    expect(await db.webhookDelivery.count()).toBe(1);
    const [jobs] = await db.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE task_identifier = 'webhook_drain'`;
    expect(jobs!.n).toBe(1);
    expect(await violationsOf(db)).toEqual([]);
  });

  it("writes one event per hold move, and none for a repeated capture or release", async () => {
    const { db } = await scenarioDatabase(8);
    const [customer] = await makeCustomersWithCredit(db, 1, 5_000);
    const coupon = await makeCoupon(db, { kind: "AMOUNT_OFF", valueCents: 100, maxRedemptions: 5, perUserLimit: 5 });
    const make = () =>
      createHold(db, {
        userId: customer!,
        code: coupon.code,
        subtotalCents: 1_000,
        creditCents: 200,
        idempotencyKey: newKey(),
      });
    const first = await make();
    const second = await make();
    if (!first.ok || !second.ok) throw new Error("holds refused");
    for (let i = 0; i < 2; i++) {
      await captureHold(db, { holdId: first.hold.id, userId: customer! });
      await releaseHold(db, { holdId: second.hold.id, userId: customer! });
    }
    expect(await events(db, "hold.created")).toBe(2);
    expect(await events(db, "hold.captured")).toBe(1);
    expect(await events(db, "hold.released")).toBe(1);
  });

  it("gives each hold one ending event when capture, release and expiry race on it", async () => {
    const { db } = await scenarioDatabase();
    const customers = await makeCustomersWithCredit(db, 30, 1_000);
    const now = new Date();
    const holds = await Promise.all(
      customers.map(async (userId) => {
        const made = await createHold(db, {
          userId,
          subtotalCents: 500,
          creditCents: 300,
          ttlSeconds: 60,
          idempotencyKey: newKey(),
          now,
        });
        if (!made.ok) throw new Error(made.reason);
        return { holdId: made.hold.id, userId };
      }),
    );
    // Capture and release at a time the hold is live, the sweep at one it has expired: one of them wins.
    const live = new Date(now.getTime() + 30_000);
    await race<unknown>(holds.length * 3, (i) => {
      const hold = holds[Math.floor(i / 3)]!;
      if (i % 3 === 0) return captureHold(db, { ...hold, now: live });
      if (i % 3 === 1) return releaseHold(db, { ...hold, now: live });
      return expireHolds(db, new Date(now.getTime() + 120_000));
    });
    const endings = await db.webhookEvent.groupBy({
      by: ["orderingKey"],
      where: { type: { in: ["hold.captured", "hold.released", "hold.expired"] } },
      _count: true,
    });
    const statuses = await db.hold.groupBy({ by: ["status"], _count: true });
    figures.push(
      `hold endings: ${holds.length} holds raced three ways: ${statuses.map((s) => `${s._count} ${s.status}`).join(", ")}; ` +
        `${endings.reduce((sum, e) => sum + e._count, 0)} ending events`,
    );
    expect(endings).toHaveLength(holds.length);
    expect(endings.every((e) => e._count === 1)).toBe(true);
    expect(await violationsOf(db)).toEqual([]);
  });

  it("reports a code exhausted exactly once when racers take its last uses, in both counter modes", async () => {
    const { db } = await scenarioDatabase();
    const users = await makeUsers(db, 20);
    for (const counter of ["SINGLE_ROW", "SLOTS"] as const) {
      const coupon = await makeCoupon(db, { valueCents: 100, maxRedemptions: 10, counter });
      const results = await race(users.length, (i) =>
        redeemCoupon(db, { userId: users[i]!, code: coupon.code, idempotencyKey: newKey() }),
      );
      const granted = results.filter((r) => r.status === "fulfilled" && r.value.ok).length;
      const exhausted = await db.webhookEvent.count({
        where: { type: "coupon.exhausted", payload: { path: ["couponId"], equals: coupon.id } },
      });
      figures.push(`coupon.exhausted ${counter}: ${granted} of 10 uses granted to 20 racers, ${exhausted} event`);
      expect(granted).toBe(10);
      expect(exhausted).toBe(1);
    }
    // A revocation writes its own event.
    const revoker = users[0]!;
    const redemption = await db.redemption.findFirstOrThrow({ where: { coupon: { counterMode: "SINGLE_ROW" } } });
    expect((await revokeRedemption(db, { redemptionId: redemption.id, revokedById: revoker })).ok).toBe(true);
    expect(await events(db, "redemption.revoked")).toBe(1);
    expect(await violationsOf(db)).toEqual([]);
  });
});

describe("delivery", () => {
  it("applies each event once, in order per customer, through failures and timeouts", async () => {
    const { db, url } = await scenarioDatabase(8);
    const [admin, ...customers] = await makeUsers(db, 4);
    // Each event's first attempt fails, its second times out (no answer), its third is answered.
    const behaviour: Behaviour = ({ attemptOfThisId }) =>
      attemptOfThisId === 1 ? "fail" : attemptOfThisId === 2 ? "hang" : "ok";
    const { receiver } = await receiverEndpoint(db, admin!, behaviour);
    let worker: WebhookWorker | null = null;
    try {
      const coupons = await Promise.all(
        [0, 1, 2, 3].map(() => makeCoupon(db, { valueCents: 100, maxRedemptions: null, perUserLimit: 10 })),
      );
      // Four redemptions per customer, the customers side by side.
      await Promise.all(
        customers.map(async (userId) => {
          for (const coupon of coupons) {
            const redeemed = await redeemCoupon(db, { userId: userId!, code: coupon.code, idempotencyKey: newKey() });
            if (!redeemed.ok) throw new Error(redeemed.reason);
          }
        }),
      );
      worker = await startWebhookWorker({ databaseUrl: url, delivery: FAST, pollIntervalMs: 200 });
      await eventually("every delivery delivered", allDelivered(db));
      await checkReceived(db, receiver, "failing, then timing out, then back");
    } finally {
      await worker?.stop();
      await receiver.close();
    }
  });

  it("disables an endpoint after repeated failures; enabling it again delivers what waited", async () => {
    const { db, url } = await scenarioDatabase(8);
    const [admin, customer] = await makeUsers(db, 2);
    let up = false;
    const { endpoint, receiver } = await receiverEndpoint(db, admin!, () => (up ? "ok" : "fail"));
    let worker: WebhookWorker | null = null;
    try {
      const coupon = await makeCoupon(db, { valueCents: 100, maxRedemptions: null });
      await redeemCoupon(db, { userId: customer!, code: coupon.code, idempotencyKey: newKey() });
      worker = await startWebhookWorker({
        databaseUrl: url,
        delivery: { ...FAST, disableAfter: 3 },
        pollIntervalMs: 200,
      });
      await eventually("the endpoint disabled", async () => {
        const row = await db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
        return !row.enabled;
      });
      const disabled = await db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
      expect(disabled).toMatchObject({
        consecutiveFailures: 3,
        disabledReason: "Disabled after 3 failed attempts in a row.",
      });
      expect(receiver.attempts.length).toBe(3);
      expect((await sendTestEvent(db, admin!, endpoint.id)).ok).toBe(false);

      up = true;
      expect((await setEndpointEnabled(db, admin!, endpoint.id, true)).ok).toBe(true);
      await eventually("the waiting delivery delivered", allDelivered(db));
      expect(receiver.applied.map((e) => e.type)).toEqual(["redemption.created"]);

      // A test event and a replay: the replay carries the same webhook-id, so the receiver ignores it.
      expect((await sendTestEvent(db, admin!, endpoint.id)).ok).toBe(true);
      await eventually("the test event delivered", allDelivered(db));
      const delivered = await db.webhookDelivery.findFirstOrThrow({ where: { event: { type: "redemption.created" } } });
      expect((await replayDelivery(db, admin!, delivered.id)).ok).toBe(true);
      await eventually("the replay delivered", allDelivered(db));
      expect(receiver.applied.map((e) => e.type)).toEqual(["redemption.created", "webhook.test"]);
      expect(receiver.attempts.filter((a) => a.id === delivered.eventId).length).toBe(5);
      expect(await violationsOf(db)).toEqual([]);
    } finally {
      await worker?.stop();
      await receiver.close();
    }
  });

  it("loses nothing and invents nothing when the worker is killed between commit and delivery", async () => {
    const { db, url } = await scenarioDatabase(8);
    const [admin, ...customers] = await makeUsers(db, 4);
    let hangNext = true;
    // The first attempt to arrive gets no answer: the worker is killed while it waits.
    const { receiver } = await receiverEndpoint(db, admin!, () => {
      if (!hangNext) return "ok";
      hangNext = false;
      return "hang";
    });
    const coupon = await makeCoupon(db, { valueCents: 100, maxRedemptions: null, perUserLimit: 20 });
    const redeemAll = (rounds: number) =>
      Promise.all(
        customers.map(async (userId) => {
          for (let i = 0; i < rounds; i++)
            await redeemCoupon(db, { userId: userId!, code: coupon.code, idempotencyKey: newKey() });
        }),
      );
    let child: ChildProcess | null = null;
    try {
      // Committed while no worker runs.
      await redeemAll(3);
      child = startWorkerProcess(url);
      const attempted = new Promise<void>((resolve) => (receiver.onAttempt = () => resolve()));
      await attempted;
      const killed = child;
      await new Promise<void>((resolve) => {
        killed.once("exit", () => resolve());
        killed.kill("SIGKILL");
      });
      child = null;
      // More committed while it is dead.
      await redeemAll(2);
      child = startWorkerProcess(url);
      await eventually("every delivery delivered after the restart", allDelivered(db), 120_000);
      await checkReceived(db, receiver, "worker SIGKILLed mid-delivery, restarted");
      // Ctrl-C stops it cleanly.
      const stopping = child;
      const code = await new Promise<number | null>((resolve) => {
        stopping.once("exit", (exitCode) => resolve(exitCode));
        stopping.kill("SIGINT");
      });
      child = null;
      expect(code).toBe(0);
    } finally {
      child?.kill("SIGKILL");
      await receiver.close();
    }
  });
});

function startWorkerProcess(url: string): ChildProcess {
  const root = path.resolve(import.meta.dirname, "..");
  // One process (tsx as a loader, not its CLI, which would stand between the signal and the worker).
  return spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "scripts/webhook-worker.ts"], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: url,
      WEBHOOK_TIMEOUT_MS: "1000",
      WEBHOOK_RETRY_BASE_MS: "50",
      WEBHOOK_RETRY_MAX_MS: "500",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
}

/**
 * Every committed event was applied once (by webhook-id), every attempt's signature verified, nothing
 * applied that was not committed, and each customer's events applied in the order they were committed.
 */
async function checkReceived(db: Db, receiver: Receiver, scenario: string) {
  const committed = await db.webhookEvent.findMany({ orderBy: { seq: "asc" } });
  const delivered = await db.webhookDelivery.count({ where: { status: "DELIVERED" } });
  const appliedIds = receiver.applied.map((e) => e.id);
  figures.push(
    `${scenario}: ${committed.length} events committed, ${delivered} delivered, ${appliedIds.length} applied ` +
      `(${receiver.attempts.length} attempts, ${receiver.attempts.filter((a) => !a.verified).length} bad signatures)`,
  );
  expect(receiver.attempts.every((a) => a.verified)).toBe(true);
  expect(delivered).toBe(committed.length);
  expect(new Set(appliedIds).size).toBe(appliedIds.length);
  expect([...appliedIds].sort()).toEqual(committed.map((e) => e.id).sort());
  const keyOf = new Map(committed.map((e) => [e.id, e.orderingKey]));
  for (const key of new Set(committed.map((e) => e.orderingKey))) {
    const inCommitOrder = committed.filter((e) => e.orderingKey === key).map((e) => e.id);
    expect(appliedIds.filter((id) => keyOf.get(id) === key)).toEqual(inCommitOrder);
  }
  expect(await violationsOf(db)).toEqual([]);
}
