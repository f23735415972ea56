import "server-only";
import { Webhook } from "standardwebhooks";
import type { Db } from "@/lib/db/client";
import type { Tx } from "@/lib/db/transaction";
import { env } from "@/lib/env";
import { DRAIN_TASK, drainJobKey } from "./outbox";

/**
 * Sending deliveries (README "Webhooks"). One graphile-worker job drains one endpoint's queue for one
 * ordering key: it sends the oldest undelivered delivery of that key, and only once it is delivered
 * the next, so a receiver sees one customer's events in order. A failed attempt is tried again after an
 * exponential delay with jitter, and the queue waits for it; an endpoint failing WEBHOOK_DISABLE_AFTER
 * attempts in a row is disabled, and its queues wait until an admin enables it.
 *
 * A sender takes the head delivery with a guarded UPDATE (a lease, count checked), so two jobs of one
 * queue never send at once; a sender that dies mid-attempt leaves a lease that lapses, and the next
 * job or the sweep (every minute, and when the worker starts) takes it over. Delivery is therefore at
 * least once: the receiver dedupes by `webhook-id` (the event's id, the same on every attempt).
 */

export interface DeliveryOptions {
  timeoutMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  disableAfter: number;
}

export function deliveryOptions(): DeliveryOptions {
  const e = env();
  return {
    timeoutMs: e.WEBHOOK_TIMEOUT_MS,
    retryBaseMs: e.WEBHOOK_RETRY_BASE_MS,
    retryMaxMs: e.WEBHOOK_RETRY_MAX_MS,
    disableAfter: e.WEBHOOK_DISABLE_AFTER,
  };
}

/** A lease outlives the attempt's timeout by this much, so a live sender never loses its delivery. */
const LEASE_MARGIN_MS = 5_000;
/** What is kept of a receiver's answer, for the admin page. */
const BODY_EXCERPT = 500;

/**
 * The delay before attempt `attempts + 1`: base·2^(attempts−1), at most max, then "equal jitter" (half
 * fixed, half random) so a receiver coming back is not hit by every queue at the same instant.
 */
export function retryDelayMs(attempts: number, { retryBaseMs, retryMaxMs }: DeliveryOptions, random = Math.random) {
  const exponential = Math.min(retryMaxMs, retryBaseMs * 2 ** Math.min(attempts - 1, 30));
  return Math.round(exponential / 2 + (random() * exponential) / 2);
}

/**
 * Queues a drain of one endpoint's key at `runAt`. One job waits per key (graphile-worker job_key): a
 * waiting one is moved to `runAt`, or with "preserve_run_at" left where it is; one that is running
 * (or whose worker died) keeps running and this one is queued beside it.
 */
export async function enqueueDrain(
  db: Db | Tx,
  endpointId: string,
  orderingKey: string,
  runAt = new Date(),
  mode: "replace" | "preserve_run_at" = "replace",
) {
  await db.$queryRaw`
    SELECT graphile_worker.add_job(${DRAIN_TASK}, json_build_object('endpointId', ${endpointId}::text, 'orderingKey', ${orderingKey}::text),
      run_at := ${runAt}, job_key := ${drainJobKey(endpointId, orderingKey)}, job_key_mode := ${mode})::text`;
}

/**
 * Queues a drain for every key with an undelivered delivery to an enabled endpoint: run when the worker
 * starts and every minute, so deliveries whose sender died (its job still locked) are taken over.
 */
export async function sweepDeliveries(db: Db | Tx, endpointId?: string): Promise<number> {
  const keys = await db.$queryRaw<{ endpoint_id: string; ordering_key: string }[]>`
    SELECT DISTINCT d."endpoint_id"::text, d."ordering_key" FROM "webhook_deliveries" d
    JOIN "webhook_endpoints" w ON w."id" = d."endpoint_id" AND w."enabled"
    WHERE d."status" = 'PENDING' AND (${endpointId ?? null}::uuid IS NULL OR d."endpoint_id" = ${endpointId ?? null}::uuid)`;
  // A queue waiting for a retry keeps its time; a lapsed lease is seen by the drain, which waits for it.
  for (const key of keys) await enqueueDrain(db, key.endpoint_id, key.ordering_key, new Date(), "preserve_run_at");
  return keys.length;
}

export type DrainOutcome =
  /** Everything of this key was delivered. */
  | { kind: "drained"; delivered: number }
  /** The head failed or is not due: a job is queued for when it is. */
  | { kind: "waiting"; delivered: number; until: Date }
  /** The endpoint is disabled (or gone): its queues wait for it to be enabled. */
  | { kind: "disabled"; delivered: number };

/** Sends this key's deliveries to the endpoint in order, until one fails or none is left. */
export async function drain(
  db: Db,
  { endpointId, orderingKey }: { endpointId: string; orderingKey: string },
  options: DeliveryOptions = deliveryOptions(),
): Promise<DrainOutcome> {
  let delivered = 0;
  for (;;) {
    const endpoint = await db.webhookEndpoint.findUnique({ where: { id: endpointId } });
    if (!endpoint?.enabled) return { kind: "disabled", delivered };
    const head = await db.webhookDelivery.findFirst({
      where: { endpointId, orderingKey, status: "PENDING" },
      orderBy: { eventSeq: "asc" },
      include: { event: true },
    });
    if (!head) return { kind: "drained", delivered };
    const now = new Date();
    const leaseUntil = new Date(now.getTime() + options.timeoutMs + LEASE_MARGIN_MS);
    const leased = await db.webhookDelivery.updateMany({
      where: {
        id: head.id,
        status: "PENDING",
        nextAttemptAt: { lte: now },
        OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }],
      },
      data: { leaseUntil, attempts: { increment: 1 }, lastAttemptAt: now },
    });
    if (leased.count === 0) {
      // Not due yet, or another sender holds it: come back when that changes.
      const current = await db.webhookDelivery.findUniqueOrThrow({ where: { id: head.id } });
      if (current.status === "DELIVERED") continue;
      const until = new Date(Math.max(current.nextAttemptAt.getTime(), current.leaseUntil?.getTime() ?? 0));
      await enqueueDrain(db, endpointId, orderingKey, until);
      return { kind: "waiting", delivered, until };
    }
    const body = JSON.stringify({ type: head.event.type, timestamp: head.event.createdAt, data: head.event.payload });
    const answer = await send(endpoint.url, endpoint.secret, head.event.id, body, options.timeoutMs);
    if (answer.ok) {
      await db.$transaction([
        db.webhookDelivery.update({
          where: { id: head.id },
          data: {
            status: "DELIVERED",
            deliveredAt: new Date(),
            leaseUntil: null,
            lastResponseStatus: answer.status,
            lastResponseBody: answer.body,
            lastError: null,
          },
        }),
        db.webhookEndpoint.updateMany({ where: { id: endpointId }, data: { consecutiveFailures: 0 } }),
      ]);
      delivered++;
      continue;
    }
    const attempts = head.attempts + 1;
    const until = new Date(Date.now() + retryDelayMs(attempts, options));
    await db.webhookDelivery.update({
      where: { id: head.id },
      data: {
        nextAttemptAt: until,
        leaseUntil: null,
        lastResponseStatus: answer.status ?? null,
        lastResponseBody: answer.body ?? null,
        lastError: answer.error,
      },
    });
    if (await countFailure(db, endpointId, options.disableAfter)) return { kind: "disabled", delivered };
    await enqueueDrain(db, endpointId, orderingKey, until);
    return { kind: "waiting", delivered, until };
  }
}

/** One more failure in a row; true when it disabled the endpoint (in the same guarded UPDATE). */
async function countFailure(db: Db, endpointId: string, disableAfter: number): Promise<boolean> {
  const [row] = await db.$queryRaw<{ enabled: boolean }[]>`
    UPDATE "webhook_endpoints" SET "consecutive_failures" = "consecutive_failures" + 1,
      "enabled" = "consecutive_failures" + 1 < ${disableAfter},
      "disabled_reason" = CASE WHEN "consecutive_failures" + 1 < ${disableAfter} THEN NULL
        ELSE ${`Disabled after ${disableAfter} failed attempts in a row.`} END
    WHERE "id" = ${endpointId}::uuid AND "enabled"
    RETURNING "enabled"`;
  return row !== undefined && !row.enabled;
}

type Answer = { ok: true; status: number; body: string } | { ok: false; status?: number; body?: string; error: string };

/** One signed POST (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature); 2xx is delivered. */
async function send(url: string, secret: string, id: string, body: string, timeoutMs: number): Promise<Answer> {
  const timestamp = new Date();
  const headers = {
    "content-type": "application/json",
    "user-agent": "Once-Webhooks/1",
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
    "webhook-signature": new Webhook(secret).sign(id, timestamp, body),
  };
  try {
    const response = await fetch(url, {
      method: "POST",
      headers,
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = (await response.text()).slice(0, BODY_EXCERPT);
    if (response.ok) return { ok: true, status: response.status, body: text };
    return { ok: false, status: response.status, body: text, error: `HTTP ${response.status}` };
  } catch (error) {
    const timedOut = (error as Error).name === "TimeoutError";
    return { ok: false, error: timedOut ? `No answer within ${timeoutMs} ms` : (error as Error).message };
  }
}
