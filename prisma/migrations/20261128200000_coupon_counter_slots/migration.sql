-- Hot-coupon mode. A coupon's uses are counted either on its own row (SINGLE_ROW: one guarded UPDATE
-- serialises every redemption of the code) or spread over coupon_counter_slots (SLOTS: the limit is
-- split into capacities, a redemption takes a use from one slot with the same guarded UPDATE).
-- Unlimited coupons always use slots without a capacity, so they never touch one hot row.

CREATE TYPE "CounterMode" AS ENUM ('SINGLE_ROW', 'SLOTS');

ALTER TABLE "coupons"
    ADD COLUMN "counter_mode" "CounterMode" NOT NULL DEFAULT 'SINGLE_ROW',
    ADD COLUMN "terms_version" INTEGER NOT NULL DEFAULT 1;

-- Existing unlimited coupons move their count into slots (below), so the row counter is zero for them.
UPDATE "coupons" SET "counter_mode" = 'SLOTS' WHERE "max_redemptions" IS NULL;

CREATE TABLE "coupon_counter_slots" (
    "coupon_id" UUID NOT NULL,
    "slot" INTEGER NOT NULL,
    -- null = unlimited coupon: the slot counts but never refuses.
    "capacity" INTEGER,
    "used" INTEGER NOT NULL DEFAULT 0,
    -- A copy of coupons.terms_version: the redemption's guarded UPDATE requires the version it judged.
    "terms_version" INTEGER NOT NULL,

    CONSTRAINT "coupon_counter_slots_pkey" PRIMARY KEY ("coupon_id", "slot"),
    CONSTRAINT "coupon_counter_slots_slot_non_negative" CHECK ("slot" >= 0),
    CONSTRAINT "coupon_counter_slots_used_within_capacity" CHECK ("used" >= 0 AND ("capacity" IS NULL OR "used" <= "capacity"))
);

ALTER TABLE "coupon_counter_slots" ADD CONSTRAINT "coupon_counter_slots_coupon_id_fkey" FOREIGN KEY ("coupon_id") REFERENCES "coupons"("id") ON DELETE CASCADE ON UPDATE CASCADE;

INSERT INTO "coupon_counter_slots" ("coupon_id", "slot", "capacity", "used", "terms_version")
SELECT "id", 0, NULL, "redeemed_count", "terms_version" FROM "coupons" WHERE "counter_mode" = 'SLOTS';
UPDATE "coupons" SET "redeemed_count" = 0 WHERE "counter_mode" = 'SLOTS';

-- Unlimited coupons are counted in slots; the row counter belongs to SINGLE_ROW coupons only.
ALTER TABLE "coupons"
    ADD CONSTRAINT "coupons_unlimited_use_slots" CHECK ("max_redemptions" IS NOT NULL OR "counter_mode" = 'SLOTS'),
    ADD CONSTRAINT "coupons_row_counter_single_row_only" CHECK ("counter_mode" = 'SINGLE_ROW' OR "redeemed_count" = 0);

-- Any change to what makes a coupon redeemable bumps its terms version and rewrites the copy on every
-- slot, inside the same transaction. Rewriting a slot waits for the redemption holding it, and a
-- redemption whose slot UPDATE waited behind it finds the version changed: so a disable, a new window
-- or a new limit orders itself against in-flight redemptions exactly as the single-row UPDATE does.
CREATE FUNCTION "coupons_bump_terms_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW."status", NEW."starts_at", NEW."expires_at", NEW."value_cents", NEW."per_user_limit", NEW."max_redemptions", NEW."counter_mode")
       IS DISTINCT FROM
       (OLD."status", OLD."starts_at", OLD."expires_at", OLD."value_cents", OLD."per_user_limit", OLD."max_redemptions", OLD."counter_mode") THEN
        NEW."terms_version" := OLD."terms_version" + 1;
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER "coupons_bump_terms_version" BEFORE UPDATE ON "coupons"
    FOR EACH ROW EXECUTE FUNCTION "coupons_bump_terms_version"();

CREATE FUNCTION "coupons_fence_counter_slots"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE "coupon_counter_slots" SET "terms_version" = NEW."terms_version" WHERE "coupon_id" = NEW."id";
    RETURN NULL;
END $$;

CREATE TRIGGER "coupons_fence_counter_slots" AFTER UPDATE ON "coupons"
    FOR EACH ROW WHEN (OLD."terms_version" IS DISTINCT FROM NEW."terms_version")
    EXECUTE FUNCTION "coupons_fence_counter_slots"();
