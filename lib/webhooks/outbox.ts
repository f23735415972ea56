import "server-only";
import type { Tx } from "@/lib/db/transaction";
import { Prisma } from "@/lib/generated/prisma/client";

/**
 * The transactional outbox (README "Webhooks"). A domain function that changes something calls
 * `recordEvent` inside its own transaction, once, after the change's guarded writes: the event row, one
 * delivery per matching enabled endpoint and a queued delivery job (graphile_worker.add_job) are one
 * statement of that transaction. So a change that commits has its event and deliveries, one that rolls
 * back has neither, and a replayed idempotent call (which runs no work: lib/idempotency.ts) writes none.
 *
 * Order: deliveries to an endpoint are made in `seq` order per ordering key (lib/webhooks/deliver.ts).
 * Events of one customer are keyed by the customer; their changes lock the customer's row before the
 * event is written, so `seq` follows commit order within a key.
 */

/** What every customer event names: the Once customer (a store's customer maps to one: lib/store-customers.ts). */
interface CustomerEvent {
  customerId: string;
}

/** The documented payloads (`data` of the body a receiver gets), by event type. */
export interface WebhookPayloads {
  "redemption.created": CustomerEvent & { redemptionId: string; couponId: string; code: string; amountCents: number };
  "redemption.revoked": CustomerEvent & { redemptionId: string; amountCents: number; balanceCents: number };
  "hold.created": CustomerEvent & {
    holdId: string;
    couponId: string | null;
    discountCents: number;
    creditCents: number;
    expiresAt: string;
  };
  "hold.captured": CustomerEvent & { holdId: string };
  "hold.released": CustomerEvent & { holdId: string };
  "hold.expired": CustomerEvent & { holdId: string };
  /** `whole`: the hold ended REFUNDED (its code's use went back too); otherwise part of its credit. */
  "hold.refunded": CustomerEvent & { holdId: string; amountCents: number; whole: boolean };
  "order.placed": CustomerEvent & {
    orderId: string;
    totalCents: number;
    discountCents: number;
    couponId: string | null;
  };
  "order.cancelled": CustomerEvent & { orderId: string; refundedCents: number };
  "order.fulfilled": CustomerEvent & { orderId: string };
  "order.refunded": CustomerEvent & { orderId: string; refundId: string; amountCents: number; refundedCents: number };
  "credit.adjusted": CustomerEvent & { adjustmentId: string; amountCents: number; balanceCents: number };
  /** The last use of a limited code was taken (again, if uses came back since). */
  "coupon.exhausted": { couponId: string; code: string; maxRedemptions: number };
  /** "Send test event" on /admin/webhooks: to that endpoint only. */
  "webhook.test": { endpointId: string };
}

export type WebhookEventType = keyof WebhookPayloads;

export type WebhookEvent = { [T in WebhookEventType]: { type: T; data: WebhookPayloads[T] } }[WebhookEventType];

/** Every type an endpoint may subscribe to (webhook.test is sent on request, whatever the filter). */
export const EVENT_TYPES = [
  "redemption.created",
  "redemption.revoked",
  "hold.created",
  "hold.captured",
  "hold.released",
  "hold.expired",
  "hold.refunded",
  "order.placed",
  "order.cancelled",
  "order.fulfilled",
  "order.refunded",
  "credit.adjusted",
  "coupon.exhausted",
] as const satisfies readonly Exclude<WebhookEventType, "webhook.test">[];

/** The delivery job graphile-worker runs (lib/webhooks/worker.ts) for one endpoint and ordering key. */
export const DRAIN_TASK = "webhook_drain";

/** One job per endpoint and key waits at a time (graphile-worker job_key): a burst of events is one drain. */
export function drainJobKey(endpointId: string, orderingKey: string): string {
  return `webhook:${endpointId}:${orderingKey}`;
}

export function orderingKeyOf(event: WebhookEvent): string {
  switch (event.type) {
    case "coupon.exhausted":
      return `coupon:${event.data.couponId}`;
    case "webhook.test":
      return `test:${event.data.endpointId}`;
    default:
      return `customer:${event.data.customerId}`;
  }
}

/**
 * Writes `event` with its deliveries and their jobs, in the caller's transaction, as one statement.
 * A test event goes to its endpoint alone; every other to each enabled endpoint whose filter takes it.
 *
 * `alongside`: the caller's own writes, as data-modifying CTEs (`"name" AS (INSERT …)`, comma-separated,
 * none named "event", "delivery" or "job"), sent in the same statement, so what a change leaves behind
 * and its event cost one round trip. PostgreSQL runs every data-modifying CTE whether or not it is read.
 */
export async function recordEvent(tx: Tx, event: WebhookEvent, alongside?: Prisma.Sql): Promise<string> {
  const testEndpoint = event.type === "webhook.test" ? event.data.endpointId : null;
  const [row] = await tx.$queryRaw<{ id: string }[]>`
    WITH ${alongside ? Prisma.sql`${alongside},` : Prisma.empty} "event" AS (
      INSERT INTO "webhook_events" ("type", "ordering_key", "payload", "endpoint_id")
      VALUES (${event.type}, ${orderingKeyOf(event)}, ${JSON.stringify(event.data)}::jsonb, ${testEndpoint}::uuid)
      RETURNING "id", "seq", "type", "ordering_key", "endpoint_id"
    ), "delivery" AS (
      INSERT INTO "webhook_deliveries" ("event_id", "endpoint_id", "ordering_key", "event_seq")
      SELECT e."id", w."id", e."ordering_key", e."seq"
      FROM "event" e JOIN "webhook_endpoints" w ON w."enabled" AND CASE
        WHEN e."endpoint_id" IS NOT NULL THEN w."id" = e."endpoint_id"
        ELSE cardinality(w."event_types") = 0 OR e."type" = ANY(w."event_types") END
      RETURNING "endpoint_id", "ordering_key"
    ), "job" AS (
      SELECT graphile_worker.add_job(${DRAIN_TASK},
        json_build_object('endpointId', d."endpoint_id", 'orderingKey', d."ordering_key"),
        job_key := 'webhook:' || d."endpoint_id" || ':' || d."ordering_key") AS "queued"
      FROM "delivery" d
    )
    SELECT e."id"::text AS "id", (SELECT count(*) FROM "job") AS "jobs" FROM "event" e`;
  return row!.id;
}
