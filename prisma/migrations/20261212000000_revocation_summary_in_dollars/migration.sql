-- A revocation's audit entry names its amount in dollars ("worth $12.50"), as every admin page does,
-- instead of in cents ("worth 1250 cents"). Entries already written keep their text (the log is append-only).
CREATE OR REPLACE FUNCTION "redemptions_audit_revocation"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO "admin_audit_log" ("actor_id", "action", "target_type", "target_id", "summary", "before", "after")
    SELECT NEW."revoked_by_id", 'REDEMPTION_REVOKED', 'redemption', NEW."id"::text,
           'Revoked a redemption of ' || c."code" || ' worth $' || to_char(NEW."amount_cents" / 100.0, 'FM999,999,990.00'),
           jsonb_build_object('status', OLD."status", 'couponCode', c."code", 'userId', NEW."user_id", 'amountCents', NEW."amount_cents"),
           jsonb_build_object('status', NEW."status", 'revokedAt', NEW."revoked_at")
    FROM "coupons" c WHERE c."id" = NEW."coupon_id";
    RETURN NEW;
END
$$;
