-- The CHECKs that name ORDER_REFUND, which 20261210000000 added (an enum value is usable only after the
-- transaction that added it commits). A cancelled order's refund is positive and names its order.

ALTER TABLE "ledger_entries" DROP CONSTRAINT "ledger_entries_sign_matches_kind";
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_sign_matches_kind" CHECK (
    ("kind" IN ('COUPON_CREDIT', 'ORDER_REFUND') AND "amount_cents" > 0)
    OR ("kind" IN ('COUPON_REVOCATION', 'PURCHASE') AND "amount_cents" < 0)
);
ALTER TABLE "ledger_entries" DROP CONSTRAINT "ledger_entries_order_matches_kind";
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_order_matches_kind" CHECK (
    ("kind" IN ('PURCHASE', 'ORDER_REFUND')) = ("order_id" IS NOT NULL)
);
