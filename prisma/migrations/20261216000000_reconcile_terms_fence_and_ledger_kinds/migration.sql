-- Three migrations of this release each redefined one of two shared definitions from their own base:
-- the terms fence (checkout's discount terms in 20261210000000, the revoked-use option in 20261211000000)
-- and the ledger's sign rule (ORDER_REFUND in 20261210000001, ADJUSTMENT in 20261213000001). Whichever
-- ran last would have dropped the other's part; these are the unions.

CREATE OR REPLACE FUNCTION "coupons_bump_terms_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW."status", NEW."starts_at", NEW."expires_at", NEW."value_cents", NEW."per_user_limit", NEW."max_redemptions", NEW."counter_mode",
        NEW."kind", NEW."percent_off", NEW."max_discount_cents", NEW."min_subtotal_cents", NEW."no_redeem_after_revoke")
       IS DISTINCT FROM
       (OLD."status", OLD."starts_at", OLD."expires_at", OLD."value_cents", OLD."per_user_limit", OLD."max_redemptions", OLD."counter_mode",
        OLD."kind", OLD."percent_off", OLD."max_discount_cents", OLD."min_subtotal_cents", OLD."no_redeem_after_revoke") THEN
        NEW."terms_version" := OLD."terms_version" + 1;
    END IF;
    RETURN NEW;
END $$;

ALTER TABLE "ledger_entries" DROP CONSTRAINT "ledger_entries_sign_matches_kind";
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_sign_matches_kind" CHECK (
    ("kind" IN ('COUPON_CREDIT', 'ORDER_REFUND') AND "amount_cents" > 0)
    OR ("kind" IN ('COUPON_REVOCATION', 'PURCHASE') AND "amount_cents" < 0)
    OR ("kind" = 'ADJUSTMENT' AND "amount_cents" <> 0)
);
