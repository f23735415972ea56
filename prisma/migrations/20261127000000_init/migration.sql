-- Once: initial schema. Hand-written in Prisma's style (names, types) so that Prisma's own
-- migrate tooling sees no drift; the CHECK constraints are the second line of defence behind
-- the engine's guarded updates.

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('CUSTOMER', 'ADMIN');
CREATE TYPE "CouponStatus" AS ENUM ('ACTIVE', 'DISABLED');
CREATE TYPE "RedemptionStatus" AS ENUM ('ACTIVE', 'REVOKED');
CREATE TYPE "LedgerKind" AS ENUM ('COUPON_CREDIT', 'COUPON_REVOCATION');
CREATE TYPE "AttemptOutcome" AS ENUM ('REDEEMED', 'REFUSED');

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "password_hash" TEXT,
    "role" "Role" NOT NULL DEFAULT 'CUSTOMER',
    "balance_cents" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "users_balance_non_negative" CHECK ("balance_cents" >= 0),
    CONSTRAINT "users_email_normalised" CHECK ("email" = lower(btrim("email")) AND length("email") BETWEEN 3 AND 320)
);

-- CreateTable
CREATE TABLE "coupons" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "code" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "value_cents" INTEGER NOT NULL,
    "max_redemptions" INTEGER,
    "redeemed_count" INTEGER NOT NULL DEFAULT 0,
    "per_user_limit" INTEGER NOT NULL DEFAULT 1,
    "starts_at" TIMESTAMPTZ(3),
    "expires_at" TIMESTAMPTZ(3),
    "status" "CouponStatus" NOT NULL DEFAULT 'ACTIVE',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "coupons_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "coupons_code_format" CHECK ("code" ~ '^[A-Z0-9][A-Z0-9_-]{0,63}$'),
    CONSTRAINT "coupons_value_positive" CHECK ("value_cents" > 0),
    CONSTRAINT "coupons_max_positive" CHECK ("max_redemptions" IS NULL OR "max_redemptions" > 0),
    CONSTRAINT "coupons_redeemed_within_max" CHECK ("redeemed_count" >= 0 AND ("max_redemptions" IS NULL OR "redeemed_count" <= "max_redemptions")),
    CONSTRAINT "coupons_per_user_limit_positive" CHECK ("per_user_limit" >= 1),
    CONSTRAINT "coupons_window_ordered" CHECK ("starts_at" IS NULL OR "expires_at" IS NULL OR "starts_at" < "expires_at")
);

-- CreateTable
CREATE TABLE "coupon_usages" (
    "coupon_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "used" INTEGER NOT NULL DEFAULT 0,
    "per_user_limit" INTEGER NOT NULL,

    CONSTRAINT "coupon_usages_pkey" PRIMARY KEY ("coupon_id","user_id"),
    CONSTRAINT "coupon_usages_within_limit" CHECK ("used" >= 0 AND "used" <= "per_user_limit")
);

-- CreateTable
CREATE TABLE "redemptions" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "coupon_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "amount_cents" INTEGER NOT NULL,
    "status" "RedemptionStatus" NOT NULL DEFAULT 'ACTIVE',
    "idempotency_key" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMPTZ(3),
    "revoked_by_id" UUID,

    CONSTRAINT "redemptions_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "redemptions_amount_positive" CHECK ("amount_cents" > 0),
    CONSTRAINT "redemptions_revocation_consistent" CHECK (("status" = 'REVOKED') = ("revoked_at" IS NOT NULL))
);

-- CreateTable
CREATE TABLE "ledger_entries" (
    "id" BIGSERIAL NOT NULL,
    "user_id" UUID NOT NULL,
    "amount_cents" INTEGER NOT NULL,
    "kind" "LedgerKind" NOT NULL,
    "balance_after_cents" INTEGER NOT NULL,
    "redemption_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ledger_entries_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "ledger_entries_amount_non_zero" CHECK ("amount_cents" <> 0),
    CONSTRAINT "ledger_entries_balance_non_negative" CHECK ("balance_after_cents" >= 0),
    CONSTRAINT "ledger_entries_sign_matches_kind" CHECK (("kind" = 'COUPON_CREDIT') = ("amount_cents" > 0))
);

-- CreateTable
CREATE TABLE "redemption_requests" (
    "user_id" UUID NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "outcome" "AttemptOutcome" NOT NULL,
    "reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "redemption_requests_pkey" PRIMARY KEY ("user_id","idempotency_key"),
    CONSTRAINT "redemption_requests_reason_matches_outcome" CHECK (("outcome" = 'REFUSED') = ("reason" IS NOT NULL))
);

-- CreateTable
CREATE TABLE "redemption_attempts" (
    "id" BIGSERIAL NOT NULL,
    "user_id" UUID,
    "coupon_id" UUID,
    "code_typed" TEXT NOT NULL,
    "outcome" "AttemptOutcome" NOT NULL,
    "reason" TEXT,
    "replayed" BOOLEAN NOT NULL DEFAULT false,
    "idempotency_key" TEXT,
    "redemption_id" UUID,
    "ip" TEXT,
    "user_agent" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "redemption_attempts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");
CREATE UNIQUE INDEX "coupons_code_key" ON "coupons"("code");
CREATE INDEX "coupon_usages_user_id_idx" ON "coupon_usages"("user_id");
CREATE INDEX "redemptions_coupon_id_created_at_idx" ON "redemptions"("coupon_id", "created_at");
CREATE INDEX "redemptions_user_id_created_at_idx" ON "redemptions"("user_id", "created_at");
CREATE INDEX "redemptions_created_at_id_idx" ON "redemptions"("created_at", "id");
CREATE UNIQUE INDEX "redemptions_user_id_idempotency_key_key" ON "redemptions"("user_id", "idempotency_key");
CREATE INDEX "ledger_entries_user_id_id_idx" ON "ledger_entries"("user_id", "id");
CREATE UNIQUE INDEX "ledger_entries_redemption_id_kind_key" ON "ledger_entries"("redemption_id", "kind");
CREATE INDEX "redemption_attempts_created_at_idx" ON "redemption_attempts"("created_at");
CREATE INDEX "redemption_attempts_user_id_created_at_idx" ON "redemption_attempts"("user_id", "created_at");
CREATE INDEX "redemption_attempts_coupon_id_created_at_idx" ON "redemption_attempts"("coupon_id", "created_at");
CREATE INDEX "redemption_attempts_ip_created_at_idx" ON "redemption_attempts"("ip", "created_at");

-- AddForeignKey
ALTER TABLE "coupon_usages" ADD CONSTRAINT "coupon_usages_coupon_id_fkey" FOREIGN KEY ("coupon_id") REFERENCES "coupons"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "coupon_usages" ADD CONSTRAINT "coupon_usages_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "redemptions" ADD CONSTRAINT "redemptions_coupon_id_fkey" FOREIGN KEY ("coupon_id") REFERENCES "coupons"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "redemptions" ADD CONSTRAINT "redemptions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "redemptions" ADD CONSTRAINT "redemptions_revoked_by_id_fkey" FOREIGN KEY ("revoked_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_redemption_id_fkey" FOREIGN KEY ("redemption_id") REFERENCES "redemptions"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "redemption_requests" ADD CONSTRAINT "redemption_requests_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "redemption_attempts" ADD CONSTRAINT "redemption_attempts_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "redemption_attempts" ADD CONSTRAINT "redemption_attempts_coupon_id_fkey" FOREIGN KEY ("coupon_id") REFERENCES "coupons"("id") ON DELETE SET NULL ON UPDATE CASCADE;
