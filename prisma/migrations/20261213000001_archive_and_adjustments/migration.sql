-- Archived coupons and manual credit adjustments.
--
-- Archiving hides a coupon from the admin's default list and keeps all of its history. An archived
-- coupon is always disabled (CHECK below): archiving sets both in one UPDATE of the coupon row, so it
-- orders itself against in-flight redemptions exactly as a disable does (the row lock, and the
-- terms-version trigger fencing hot-coupon slots), and the exactly-once primitive's guarded where-clause
-- (status = 'ACTIVE') refuses it without knowing about archiving. Enabling an archived coupon is refused
-- by the same CHECK; restoring it brings it back to the list, still disabled.

-- AlterTable
ALTER TABLE "coupons" ADD COLUMN "archived_at" TIMESTAMPTZ(3);
ALTER TABLE "coupons" ADD CONSTRAINT "coupons_archived_is_disabled" CHECK ("archived_at" IS NULL OR "status" = 'DISABLED');

-- A manual adjustment of a customer's store credit by an admin, with the reason the customer sees in
-- their wallet. It commits together with its ADJUSTMENT ledger entry (lib/admin/customers/adjust.ts),
-- under an idempotency key, so a retried form never adjusts twice.

-- CreateTable
CREATE TABLE "credit_adjustments" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "actor_id" UUID NOT NULL,
    "amount_cents" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "credit_adjustments_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "credit_adjustments_amount_non_zero" CHECK ("amount_cents" <> 0),
    CONSTRAINT "credit_adjustments_reason_given" CHECK (length(btrim("reason")) BETWEEN 3 AND 500)
);

-- AlterTable
ALTER TABLE "ledger_entries" ADD COLUMN "adjustment_id" UUID;

-- An adjustment moves credit either way; every other kind keeps its sign. An adjustment entry always
-- names its adjustment, as a purchase entry names its order.
ALTER TABLE "ledger_entries" DROP CONSTRAINT "ledger_entries_sign_matches_kind";
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_sign_matches_kind" CHECK (
    ("kind" = 'COUPON_CREDIT' AND "amount_cents" > 0)
    OR ("kind" IN ('COUPON_REVOCATION', 'PURCHASE') AND "amount_cents" < 0)
    OR ("kind" = 'ADJUSTMENT' AND "amount_cents" <> 0)
);
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_adjustment_matches_kind" CHECK (("kind" = 'ADJUSTMENT') = ("adjustment_id" IS NOT NULL));

-- CreateIndex
CREATE INDEX "credit_adjustments_user_id_created_at_idx" ON "credit_adjustments"("user_id", "created_at");
CREATE INDEX "credit_adjustments_actor_id_idx" ON "credit_adjustments"("actor_id");
CREATE UNIQUE INDEX "ledger_entries_adjustment_id_key" ON "ledger_entries"("adjustment_id");

-- AddForeignKey
ALTER TABLE "credit_adjustments" ADD CONSTRAINT "credit_adjustments_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "credit_adjustments" ADD CONSTRAINT "credit_adjustments_actor_id_fkey" FOREIGN KEY ("actor_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_adjustment_id_fkey" FOREIGN KEY ("adjustment_id") REFERENCES "credit_adjustments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
