-- Fulfilment and partial refunds (issue 22).
--
-- Fulfil is the guarded status change PLACED -> FULFILLED (lib/admin/order-fulfil.ts); the cancel's own
-- guarded write requires PLACED, so a fulfilled order is never cancelled, only refunded.
ALTER TABLE "orders"
    ADD COLUMN "fulfilled_at" TIMESTAMPTZ(3),
    ADD COLUMN "fulfilled_by_id" UUID,
    -- What partial refunds have given back so far, raised by one guarded UPDATE per refund
    -- (refunded_cents + amount <= total_cents in its where-clause); the CHECK backs it.
    ADD COLUMN "refunded_cents" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "orders"
    ADD CONSTRAINT "orders_fulfilment_consistent" CHECK (("status" = 'FULFILLED') = ("fulfilled_at" IS NOT NULL)),
    ADD CONSTRAINT "orders_fulfiller_only_when_fulfilled" CHECK ("fulfilled_by_id" IS NULL OR "status" = 'FULFILLED'),
    ADD CONSTRAINT "orders_refunded_within_total" CHECK ("refunded_cents" >= 0 AND "refunded_cents" <= "total_cents"),
    -- A placed order is cancelled (a full refund); only a fulfilled one is refunded in part.
    ADD CONSTRAINT "orders_refunds_only_when_fulfilled" CHECK ("refunded_cents" = 0 OR "status" = 'FULFILLED');
ALTER TABLE "orders" ADD CONSTRAINT "orders_fulfilled_by_id_fkey" FOREIGN KEY ("fulfilled_by_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Units of a line refunded so far, raised by one guarded UPDATE per refunded line.
ALTER TABLE "order_lines" ADD COLUMN "refunded_quantity" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_refunded_within_quantity" CHECK ("refunded_quantity" BETWEEN 0 AND "quantity");

-- One partial refund to store credit: an amount, or units of lines (order_refund_lines), under the
-- admin's idempotency key (idempotency_keys, scope order_refund; this row's id is the key's result).
CREATE TABLE "order_refunds" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "order_id" UUID NOT NULL,
    "actor_id" UUID NOT NULL,
    "amount_cents" INTEGER NOT NULL,
    "restocked" BOOLEAN NOT NULL DEFAULT false,
    "reason" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "order_refunds_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "order_refunds_amount_positive" CHECK ("amount_cents" > 0),
    CONSTRAINT "order_refunds_reason_given" CHECK (length(btrim("reason")) BETWEEN 3 AND 500)
);
CREATE INDEX "order_refunds_order_id_created_at_idx" ON "order_refunds"("order_id", "created_at");
ALTER TABLE "order_refunds" ADD CONSTRAINT "order_refunds_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "order_refunds" ADD CONSTRAINT "order_refunds_actor_id_fkey" FOREIGN KEY ("actor_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "order_refund_lines" (
    "refund_id" UUID NOT NULL,
    "order_id" UUID NOT NULL,
    "line_no" INTEGER NOT NULL,
    "quantity" INTEGER NOT NULL,

    CONSTRAINT "order_refund_lines_pkey" PRIMARY KEY ("refund_id", "line_no"),
    CONSTRAINT "order_refund_lines_quantity_positive" CHECK ("quantity" > 0)
);
CREATE INDEX "order_refund_lines_order_id_line_no_idx" ON "order_refund_lines"("order_id", "line_no");
ALTER TABLE "order_refund_lines" ADD CONSTRAINT "order_refund_lines_refund_id_fkey" FOREIGN KEY ("refund_id") REFERENCES "order_refunds"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "order_refund_lines" ADD CONSTRAINT "order_refund_lines_order_id_line_no_fkey" FOREIGN KEY ("order_id", "line_no") REFERENCES "order_lines"("order_id", "line_no") ON DELETE RESTRICT ON UPDATE CASCADE;

-- A partial refund's credit names its refund (an order keeps one PURCHASE and at most one ORDER_REFUND).
ALTER TABLE "ledger_entries" ADD COLUMN "refund_id" UUID;
ALTER TABLE "ledger_entries" DROP CONSTRAINT "ledger_entries_sign_matches_kind";
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_sign_matches_kind" CHECK (
    ("kind" IN ('COUPON_CREDIT', 'ORDER_REFUND', 'ORDER_PARTIAL_REFUND', 'HOLD_RETURN', 'HOLD_REFUND') AND "amount_cents" > 0)
    OR ("kind" IN ('COUPON_REVOCATION', 'PURCHASE', 'HOLD') AND "amount_cents" < 0)
    OR ("kind" = 'ADJUSTMENT' AND "amount_cents" <> 0)
);
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_refund_matches_kind" CHECK (("kind" = 'ORDER_PARTIAL_REFUND') = ("refund_id" IS NOT NULL));
CREATE UNIQUE INDEX "ledger_entries_refund_id_key" ON "ledger_entries"("refund_id");
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_refund_id_fkey" FOREIGN KEY ("refund_id") REFERENCES "order_refunds"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- A refund that puts units back on the shelf moves stock by a RESTOCK movement naming the refund.
ALTER TABLE "stock_movements" ADD COLUMN "refund_id" UUID;
ALTER TABLE "stock_movements" DROP CONSTRAINT "stock_movements_sign_matches_kind";
ALTER TABLE "stock_movements" ADD CONSTRAINT "stock_movements_sign_matches_kind" CHECK (
    ("kind" = 'INITIAL' AND "quantity" >= 0) OR ("kind" = 'ADJUSTMENT' AND "quantity" <> 0)
    OR ("kind" = 'SALE' AND "quantity" < 0) OR ("kind" IN ('RETURN', 'RESTOCK') AND "quantity" > 0));
ALTER TABLE "stock_movements" ADD CONSTRAINT "stock_movements_refund_matches_kind" CHECK (("kind" = 'RESTOCK') = ("refund_id" IS NOT NULL));
CREATE UNIQUE INDEX "stock_movements_refund_id_product_id_key" ON "stock_movements"("refund_id", "product_id");
ALTER TABLE "stock_movements" ADD CONSTRAINT "stock_movements_refund_id_fkey" FOREIGN KEY ("refund_id") REFERENCES "order_refunds"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
