-- Two-phase holds (lib/holds, README "Holds"): a store's checkout holds a code's use and an amount of
-- the customer's credit, then captures or releases it once; a hold nobody settles expires. Every move
-- is one guarded UPDATE on the status; these CHECKs stand behind them.

-- CreateEnum
CREATE TYPE "HoldStatus" AS ENUM ('HELD', 'CAPTURED', 'RELEASED', 'EXPIRED', 'REFUNDED');

-- CreateTable
CREATE TABLE "holds" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "coupon_id" UUID,
    "idempotency_key" TEXT NOT NULL,
    "status" "HoldStatus" NOT NULL DEFAULT 'HELD',
    "subtotal_cents" INTEGER NOT NULL,
    "discount_cents" INTEGER NOT NULL DEFAULT 0,
    "credit_cents" INTEGER NOT NULL DEFAULT 0,
    "refunded_cents" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "captured_at" TIMESTAMPTZ(3),
    "released_at" TIMESTAMPTZ(3),
    "refunded_at" TIMESTAMPTZ(3),

    CONSTRAINT "holds_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "holds_amounts" CHECK (
        "subtotal_cents" >= 0 AND "discount_cents" BETWEEN 0 AND "subtotal_cents"
        AND "credit_cents" BETWEEN 0 AND "subtotal_cents" - "discount_cents"),
    -- Never more refunded than was captured.
    CONSTRAINT "holds_refunded_within_captured" CHECK ("refunded_cents" BETWEEN 0 AND "credit_cents"),
    CONSTRAINT "holds_refunds_after_capture" CHECK ("refunded_cents" = 0 OR "status" IN ('CAPTURED', 'REFUNDED')),
    CONSTRAINT "holds_refunded_is_whole" CHECK ("status" <> 'REFUNDED' OR "refunded_cents" = "credit_cents"),
    CONSTRAINT "holds_captured_at_matches_status" CHECK (("status" IN ('CAPTURED', 'REFUNDED')) = ("captured_at" IS NOT NULL)),
    CONSTRAINT "holds_released_at_matches_status" CHECK (("status" IN ('RELEASED', 'EXPIRED')) = ("released_at" IS NOT NULL)),
    CONSTRAINT "holds_refunded_at_matches_status" CHECK (("status" = 'REFUNDED') = ("refunded_at" IS NOT NULL)),
    CONSTRAINT "holds_expire_after_creation" CHECK ("expires_at" > "created_at")
);

-- A client's key names one hold per customer.
CREATE UNIQUE INDEX "holds_user_id_idempotency_key_key" ON "holds"("user_id", "idempotency_key");
-- The expiry worker's scan: live holds past their time.
CREATE INDEX "holds_status_expires_at_idx" ON "holds"("status", "expires_at");
CREATE INDEX "holds_coupon_id_idx" ON "holds"("coupon_id");

ALTER TABLE "holds" ADD CONSTRAINT "holds_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "holds" ADD CONSTRAINT "holds_coupon_id_fkey" FOREIGN KEY ("coupon_id") REFERENCES "coupons"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The ledger: a hold's entries name it; the debit and its return are one each, refunds may be several.
ALTER TABLE "ledger_entries" ADD COLUMN "hold_id" UUID;
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_hold_id_fkey" FOREIGN KEY ("hold_id") REFERENCES "holds"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_hold_matches_kind" CHECK (
    ("kind" IN ('HOLD', 'HOLD_RETURN', 'HOLD_REFUND')) = ("hold_id" IS NOT NULL)
);
CREATE INDEX "ledger_entries_hold_id_idx" ON "ledger_entries"("hold_id");
CREATE UNIQUE INDEX "ledger_entries_hold_once" ON "ledger_entries"("hold_id", "kind") WHERE "kind" IN ('HOLD', 'HOLD_RETURN');

ALTER TABLE "ledger_entries" DROP CONSTRAINT "ledger_entries_sign_matches_kind";
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_sign_matches_kind" CHECK (
    ("kind" IN ('COUPON_CREDIT', 'ORDER_REFUND', 'HOLD_RETURN', 'HOLD_REFUND') AND "amount_cents" > 0)
    OR ("kind" IN ('COUPON_REVOCATION', 'PURCHASE', 'HOLD') AND "amount_cents" < 0)
    OR ("kind" = 'ADJUSTMENT' AND "amount_cents" <> 0)
);
