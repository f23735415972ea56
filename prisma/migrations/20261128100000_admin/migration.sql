-- Admin dashboard: an append-only audit log of every admin change, batches of generated single-use
-- codes, and the indexes the redemptions audit table needs to page through millions of rows by keyset.

-- CreateEnum
CREATE TYPE "AdminAction" AS ENUM ('COUPON_CREATED', 'COUPON_UPDATED', 'COUPON_DISABLED', 'COUPON_ENABLED', 'REDEMPTION_REVOKED', 'BATCH_GENERATED', 'BATCH_DISABLED', 'BATCH_ENABLED');

-- CreateTable
CREATE TABLE "coupon_batches" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "prefix" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "value_cents" INTEGER NOT NULL,
    "created_by_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "coupon_batches_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "coupon_batches_prefix_format" CHECK ("prefix" ~ '^[A-Z0-9][A-Z0-9_-]{0,23}$'),
    CONSTRAINT "coupon_batches_quantity_range" CHECK ("quantity" BETWEEN 1 AND 100000),
    CONSTRAINT "coupon_batches_value_positive" CHECK ("value_cents" > 0)
);

-- AlterTable
ALTER TABLE "coupons" ADD COLUMN "batch_id" UUID;

-- CreateTable
CREATE TABLE "admin_audit_log" (
    "id" BIGSERIAL NOT NULL,
    "actor_id" UUID NOT NULL,
    "action" "AdminAction" NOT NULL,
    "target_type" TEXT NOT NULL,
    "target_id" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "admin_audit_log_pkey" PRIMARY KEY ("id")
);

-- The application only ever inserts into the audit log; the database refuses anything else, so not
-- even a bug (or a compromised admin session with SQL access through some future path) rewrites history.
CREATE FUNCTION "admin_audit_log_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'admin_audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER "admin_audit_log_no_update_delete" BEFORE UPDATE OR DELETE ON "admin_audit_log"
    FOR EACH ROW EXECUTE FUNCTION "admin_audit_log_refuse_change"();
CREATE TRIGGER "admin_audit_log_no_truncate" BEFORE TRUNCATE ON "admin_audit_log"
    FOR EACH STATEMENT EXECUTE FUNCTION "admin_audit_log_refuse_change"();

-- A revocation is made by the engine (lib/redemptions.ts) in its own transaction. Writing its audit row
-- here, in that same transaction, means a revocation can never commit without it, whoever calls the engine.
CREATE FUNCTION "redemptions_audit_revocation"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO "admin_audit_log" ("actor_id", "action", "target_type", "target_id", "summary", "before", "after")
    SELECT NEW."revoked_by_id", 'REDEMPTION_REVOKED', 'redemption', NEW."id"::text,
           'Revoked a redemption of ' || c."code" || ' worth ' || NEW."amount_cents" || ' cents',
           jsonb_build_object('status', OLD."status", 'couponCode', c."code", 'userId', NEW."user_id", 'amountCents', NEW."amount_cents"),
           jsonb_build_object('status', NEW."status", 'revokedAt', NEW."revoked_at")
    FROM "coupons" c WHERE c."id" = NEW."coupon_id";
    RETURN NEW;
END
$$;
CREATE TRIGGER "redemptions_audit_revocation" AFTER UPDATE OF "status" ON "redemptions"
    FOR EACH ROW WHEN (OLD."status" = 'ACTIVE' AND NEW."status" = 'REVOKED' AND NEW."revoked_by_id" IS NOT NULL)
    EXECUTE FUNCTION "redemptions_audit_revocation"();

-- The audit table pages by (created_at, id) under every filter: each filter column leads an index that
-- ends in (created_at, id), so a keyset page is an index range scan however deep it is. The two
-- (coupon_id | user_id, created_at) indexes are superseded by their (…, created_at, id) versions.
DROP INDEX "redemptions_coupon_id_created_at_idx";
DROP INDEX "redemptions_user_id_created_at_idx";

-- CreateIndex
CREATE INDEX "redemptions_coupon_id_created_at_id_idx" ON "redemptions"("coupon_id", "created_at", "id");
CREATE INDEX "redemptions_user_id_created_at_id_idx" ON "redemptions"("user_id", "created_at", "id");
CREATE INDEX "redemptions_status_created_at_id_idx" ON "redemptions"("status", "created_at", "id");
CREATE INDEX "coupons_batch_id_idx" ON "coupons"("batch_id");
CREATE INDEX "coupons_created_at_idx" ON "coupons"("created_at");
CREATE INDEX "coupon_batches_created_by_id_idx" ON "coupon_batches"("created_by_id");
CREATE INDEX "admin_audit_log_actor_id_idx" ON "admin_audit_log"("actor_id");
CREATE INDEX "admin_audit_log_target_type_target_id_id_idx" ON "admin_audit_log"("target_type", "target_id", "id");

-- AddForeignKey
ALTER TABLE "coupon_batches" ADD CONSTRAINT "coupon_batches_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "coupons" ADD CONSTRAINT "coupons_batch_id_fkey" FOREIGN KEY ("batch_id") REFERENCES "coupon_batches"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "admin_audit_log" ADD CONSTRAINT "admin_audit_log_actor_id_fkey" FOREIGN KEY ("actor_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
