-- Webhooks from a transactional outbox (lib/webhooks, README "Webhooks"). An event row is written in the
-- transaction of the change it reports, with one delivery per matching enabled endpoint and a queued job
-- (graphile_worker.add_job) in that same transaction: no change without its event, no event without its
-- change, and no event without its deliveries.

-- CreateEnum
CREATE TYPE "WebhookDeliveryStatus" AS ENUM ('PENDING', 'DELIVERED');

-- CreateTable
CREATE TABLE "webhook_endpoints" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "url" TEXT NOT NULL,
    -- The signing key (whsec_…): shown to the admin once; kept here because every POST is signed with it.
    "secret" TEXT NOT NULL,
    -- Event types this endpoint receives; empty: all of them.
    "event_types" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "disabled_reason" TEXT,
    "consecutive_failures" INTEGER NOT NULL DEFAULT 0,
    -- Since when it receives events: the invariants expect a delivery for every later event.
    "enabled_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_endpoints_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "webhook_endpoints_disabled_has_reason" CHECK ("enabled" = ("disabled_reason" IS NULL)),
    CONSTRAINT "webhook_endpoints_failures_not_negative" CHECK ("consecutive_failures" >= 0)
);

-- CreateTable
CREATE TABLE "webhook_events" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    -- Commit order within one ordering key (the customer's row lock serialises their changes).
    "seq" BIGSERIAL NOT NULL,
    "type" TEXT NOT NULL,
    -- Deliveries to one endpoint are made in seq order per key: "customer:<id>", "coupon:<id>".
    "ordering_key" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    -- Set for a test event: it goes to this endpoint only.
    "endpoint_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_events_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "webhook_events_seq_key" ON "webhook_events"("seq");
CREATE INDEX "webhook_events_created_at_idx" ON "webhook_events"("created_at");

-- CreateTable
CREATE TABLE "webhook_deliveries" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "event_id" UUID NOT NULL,
    "endpoint_id" UUID NOT NULL,
    -- The event's key and seq, copied so the head of an endpoint's queue is one index scan.
    "ordering_key" TEXT NOT NULL,
    "event_seq" BIGINT NOT NULL,
    "status" "WebhookDeliveryStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    -- A sender holds the delivery until then; a sender that died lets it go when it passes.
    "lease_until" TIMESTAMPTZ(3),
    "last_attempt_at" TIMESTAMPTZ(3),
    "last_response_status" INTEGER,
    "last_response_body" TEXT,
    "last_error" TEXT,
    "delivered_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "webhook_deliveries_attempts_not_negative" CHECK ("attempts" >= 0),
    CONSTRAINT "webhook_deliveries_delivered_at_matches_status" CHECK (("status" = 'DELIVERED') = ("delivered_at" IS NOT NULL))
);

-- One delivery per event and endpoint: a fan-out never doubles, a replay reuses it.
CREATE UNIQUE INDEX "webhook_deliveries_event_id_endpoint_id_key" ON "webhook_deliveries"("event_id", "endpoint_id");
-- The head of a queue: an endpoint's oldest delivery of one key not yet delivered.
CREATE INDEX "webhook_deliveries_endpoint_id_ordering_key_event_seq_idx" ON "webhook_deliveries"("endpoint_id", "ordering_key", "event_seq");
CREATE INDEX "webhook_deliveries_endpoint_id_created_at_idx" ON "webhook_deliveries"("endpoint_id", "created_at");
CREATE INDEX "webhook_deliveries_status_next_attempt_at_idx" ON "webhook_deliveries"("status", "next_attempt_at");

ALTER TABLE "webhook_events" ADD CONSTRAINT "webhook_events_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "webhook_endpoints"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "webhook_events"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "webhook_endpoints"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
