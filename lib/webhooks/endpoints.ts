import "server-only";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { recordAdminChange } from "@/lib/admin-changes";
import type { Db } from "@/lib/db/client";
import { Rollback, runTransaction, type Tx } from "@/lib/db/transaction";
import { storableText } from "@/lib/input-rules";
import { enqueueDrain, sweepDeliveries } from "./deliver";
import { EVENT_TYPES, recordEvent } from "./outbox";

/**
 * An admin's webhook endpoints (/admin/webhooks): add one (its signing secret is answered once), enable
 * or disable it, send it a test event, replay one of its deliveries. Each change is one transaction
 * with its audit entry; the status changes are guarded UPDATEs, count checked.
 */

export const eventTypesSchema = z.array(z.enum(EVENT_TYPES, "Choose event types from the list."));

export const endpointSchema = z.object({
  url: storableText()
    .trim()
    .max(2000, "That URL is too long.")
    .pipe(z.url({ protocol: /^https?$/, error: "Give an http:// or https:// URL." })),
  eventTypes: eventTypesSchema.default([]),
});

export type EndpointInput = z.input<typeof endpointSchema>;

export type EndpointRefusal = "not_found" | "endpoint_disabled" | "in_flight" | "busy";

type Outcome<T> = { ok: true; value: T } | { ok: false; reason: EndpointRefusal };

/** A Standard Webhooks secret: whsec_ and 24 random bytes in base64. */
function newSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}

async function inTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<Outcome<T>> {
  const outcome = await runTransaction<T, EndpointRefusal>(db, work);
  switch (outcome.kind) {
    case "committed":
      return { ok: true, value: outcome.value };
    case "rolled_back":
      return { ok: false, reason: outcome.reason };
    case "busy":
      return { ok: false, reason: "busy" };
  }
}

export async function createEndpoint(db: Db, actorId: string, input: z.output<typeof endpointSchema>) {
  const secret = newSecret();
  return inTransaction(db, async (tx) => {
    const endpoint = await tx.webhookEndpoint.create({
      data: { url: input.url, secret, eventTypes: input.eventTypes },
    });
    await recordAdminChange(tx, actorId, {
      action: "WEBHOOK_ENDPOINT_CREATED",
      targetType: "webhook_endpoint",
      targetId: endpoint.id,
      summary: `Added webhook endpoint ${endpoint.url} (${input.eventTypes.length ? input.eventTypes.join(", ") : "all events"})`,
      after: { url: endpoint.url, eventTypes: input.eventTypes },
    });
    return { id: endpoint.id, secret };
  });
}

/**
 * Enabling resets the failure count and queues the endpoint's waiting deliveries again; disabling
 * stops its sends after the attempt in flight. Either is a success that changes nothing when the
 * endpoint is that way already.
 */
export async function setEndpointEnabled(db: Db, actorId: string, endpointId: string, enabled: boolean) {
  if (!z.uuid().safeParse(endpointId).success) return { ok: false as const, reason: "not_found" as const };
  return inTransaction(db, async (tx) => {
    const changed = await tx.webhookEndpoint.updateMany({
      where: { id: endpointId, enabled: !enabled },
      data: enabled
        ? { enabled: true, disabledReason: null, consecutiveFailures: 0, enabledAt: new Date() }
        : { enabled: false, disabledReason: "Disabled by an admin." },
    });
    const endpoint = await tx.webhookEndpoint.findUnique({ where: { id: endpointId }, select: { url: true } });
    if (!endpoint) throw new Rollback<EndpointRefusal>("not_found");
    if (changed.count === 0) return { changed: false };
    if (enabled) await sweepDeliveries(tx, endpointId);
    await recordAdminChange(tx, actorId, {
      action: enabled ? "WEBHOOK_ENDPOINT_ENABLED" : "WEBHOOK_ENDPOINT_DISABLED",
      targetType: "webhook_endpoint",
      targetId: endpointId,
      summary: `${enabled ? "Enabled" : "Disabled"} webhook endpoint ${endpoint.url}`,
      before: { enabled: !enabled },
      after: { enabled },
    });
    return { changed: true };
  });
}

/** A webhook.test event to this endpoint alone, delivered like any other (signed, retried, listed). */
export async function sendTestEvent(db: Db, actorId: string, endpointId: string) {
  if (!z.uuid().safeParse(endpointId).success) return { ok: false as const, reason: "not_found" as const };
  return inTransaction(db, async (tx) => {
    const endpoint = await tx.webhookEndpoint.findUnique({ where: { id: endpointId }, select: { url: true } });
    if (!endpoint) throw new Rollback<EndpointRefusal>("not_found");
    const eventId = await recordEvent(tx, { type: "webhook.test", data: { endpointId } });
    // The fan-out decides: a disabled endpoint got no delivery, so nothing is kept.
    if ((await tx.webhookDelivery.count({ where: { eventId } })) === 0) {
      throw new Rollback<EndpointRefusal>("endpoint_disabled");
    }
    await recordAdminChange(tx, actorId, {
      action: "WEBHOOK_TEST_SENT",
      targetType: "webhook_endpoint",
      targetId: endpointId,
      summary: `Sent a test event to ${endpoint.url}`,
    });
    return { eventId };
  });
}

/**
 * Sends a delivery again (same webhook-id, so a receiver that has it ignores it): it goes back to the
 * head of its queue. Not while an attempt is in flight, nor to a disabled endpoint.
 */
export async function replayDelivery(db: Db, actorId: string, deliveryId: string) {
  if (!z.uuid().safeParse(deliveryId).success) return { ok: false as const, reason: "not_found" as const };
  return inTransaction(db, async (tx) => {
    const now = new Date();
    const [replayed] = await tx.webhookDelivery.updateManyAndReturn({
      where: {
        id: deliveryId,
        endpoint: { enabled: true },
        OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }],
      },
      data: { status: "PENDING", deliveredAt: null, nextAttemptAt: now, leaseUntil: null },
      select: { endpointId: true, orderingKey: true, eventId: true, endpoint: { select: { url: true } } },
    });
    if (!replayed) {
      const delivery = await tx.webhookDelivery.findUnique({
        where: { id: deliveryId },
        select: { endpoint: { select: { enabled: true } } },
      });
      if (!delivery) throw new Rollback<EndpointRefusal>("not_found");
      throw new Rollback<EndpointRefusal>(delivery.endpoint.enabled ? "in_flight" : "endpoint_disabled");
    }
    await enqueueDrain(tx, replayed.endpointId, replayed.orderingKey, now);
    await recordAdminChange(tx, actorId, {
      action: "WEBHOOK_DELIVERY_REPLAYED",
      targetType: "webhook_endpoint",
      targetId: replayed.endpointId,
      summary: `Replayed event ${replayed.eventId} to ${replayed.endpoint.url}`,
      after: { deliveryId },
    });
    return { deliveryId };
  });
}

/** The admin's list: every endpoint, newest first, with how many of its deliveries wait. */
export async function listEndpoints(db: Db) {
  const endpoints = await db.webhookEndpoint.findMany({
    orderBy: { createdAt: "desc" },
    select: {
      id: true,
      url: true,
      eventTypes: true,
      enabled: true,
      disabledReason: true,
      consecutiveFailures: true,
      createdAt: true,
      _count: { select: { deliveries: { where: { status: "PENDING" } } } },
    },
  });
  return endpoints.map(({ _count, ...endpoint }) => ({ ...endpoint, waiting: _count.deliveries }));
}

export const DELIVERIES_SHOWN = 100;

/** One endpoint (never its secret) with its latest deliveries and their last answers; null if unknown. */
export async function endpointDetail(db: Db, endpointId: string) {
  if (!z.uuid().safeParse(endpointId).success) return null;
  return db.webhookEndpoint.findUnique({
    where: { id: endpointId },
    select: {
      id: true,
      url: true,
      eventTypes: true,
      enabled: true,
      disabledReason: true,
      consecutiveFailures: true,
      createdAt: true,
      deliveries: {
        orderBy: { createdAt: "desc" },
        take: DELIVERIES_SHOWN,
        select: {
          id: true,
          status: true,
          attempts: true,
          nextAttemptAt: true,
          lastAttemptAt: true,
          lastResponseStatus: true,
          lastResponseBody: true,
          lastError: true,
          deliveredAt: true,
          event: { select: { id: true, type: true, createdAt: true } },
        },
      },
    },
  });
}
