-- An option per coupon: a customer one of whose redemptions was revoked cannot redeem the coupon again.
-- The per-user usage row counts that customer's revoked uses, and the guarded UPDATE that takes a use
-- refuses when the coupon has the option and the count is not zero (lib/coupon-use.ts).
ALTER TABLE "coupons" ADD COLUMN "no_redeem_after_revoke" BOOLEAN NOT NULL DEFAULT false;

ALTER TABLE "coupon_usages"
    ADD COLUMN "revoked_uses" INTEGER NOT NULL DEFAULT 0,
    ADD CONSTRAINT "coupon_usages_revoked_uses_nonnegative" CHECK ("revoked_uses" >= 0);

UPDATE "coupon_usages" u
SET "revoked_uses" = r.revoked
FROM (SELECT "coupon_id", "user_id", count(*)::int AS revoked FROM "redemptions"
      WHERE "status" = 'REVOKED' GROUP BY "coupon_id", "user_id") r
WHERE r."coupon_id" = u."coupon_id" AND r."user_id" = u."user_id";

-- The option is part of what makes a coupon redeemable: changing it fences in-flight redemptions
-- through the terms version, like every other term.
CREATE OR REPLACE FUNCTION "coupons_bump_terms_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW."status", NEW."starts_at", NEW."expires_at", NEW."value_cents", NEW."per_user_limit", NEW."max_redemptions", NEW."counter_mode", NEW."no_redeem_after_revoke")
       IS DISTINCT FROM
       (OLD."status", OLD."starts_at", OLD."expires_at", OLD."value_cents", OLD."per_user_limit", OLD."max_redemptions", OLD."counter_mode", OLD."no_redeem_after_revoke") THEN
        NEW."terms_version" := OLD."terms_version" + 1;
    END IF;
    RETURN NEW;
END $$;
