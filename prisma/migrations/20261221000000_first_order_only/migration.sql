-- "First order only" discount codes (issue 13). A customer's orders that are not cancelled are counted
-- on their row; placing an order with such a code takes the count from 0 to 1 by a guarded UPDATE
-- (live_orders = 0, count checked) in the order's transaction, so no read decides it (lib/checkout/place-order.ts).
ALTER TABLE "coupons"
    ADD COLUMN "first_order_only" BOOLEAN NOT NULL DEFAULT false,
    -- A store-credit code has no order to be the first of.
    ADD CONSTRAINT "coupons_first_order_only_discounts_only" CHECK (NOT "first_order_only" OR "kind" <> 'CREDIT');

ALTER TABLE "users"
    ADD COLUMN "live_orders" INTEGER NOT NULL DEFAULT 0,
    ADD CONSTRAINT "users_live_orders_nonnegative" CHECK ("live_orders" >= 0);

UPDATE "users" u
SET "live_orders" = o.live
FROM (SELECT "user_id", count(*)::int AS live FROM "orders" WHERE "status" <> 'CANCELLED' GROUP BY "user_id") o
WHERE o."user_id" = u."id";

-- The option is a term: changing it fences in-flight orders through the terms version. The function as
-- 20261216000000_reconcile_terms_fence_and_ledger_kinds defines it, plus first_order_only.
CREATE OR REPLACE FUNCTION "coupons_bump_terms_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW."status", NEW."starts_at", NEW."expires_at", NEW."value_cents", NEW."per_user_limit", NEW."max_redemptions", NEW."counter_mode",
        NEW."kind", NEW."percent_off", NEW."max_discount_cents", NEW."min_subtotal_cents", NEW."no_redeem_after_revoke",
        NEW."first_order_only")
       IS DISTINCT FROM
       (OLD."status", OLD."starts_at", OLD."expires_at", OLD."value_cents", OLD."per_user_limit", OLD."max_redemptions", OLD."counter_mode",
        OLD."kind", OLD."percent_off", OLD."max_discount_cents", OLD."min_subtotal_cents", OLD."no_redeem_after_revoke",
        OLD."first_order_only") THEN
        NEW."terms_version" := OLD."terms_version" + 1;
    END IF;
    RETURN NEW;
END $$;
