-- Checkout (issue 11, docs in /README.md "Checkout"): discount codes, stock, carts and multi-line orders.
-- Every limit keeps the project's rule: the guarded UPDATE that consumes it checks it, and a CHECK
-- stands behind it. The ledger's new ORDER_REFUND kind is only added here; the CHECKs that name it
-- follow in 20261210000001 (PostgreSQL refuses a new enum value in the transaction that added it).

-- AlterEnum
ALTER TYPE "LedgerKind" ADD VALUE 'ORDER_REFUND';

-- CreateEnum
CREATE TYPE "CouponKind" AS ENUM ('CREDIT', 'PERCENT_OFF', 'AMOUNT_OFF');
CREATE TYPE "OrderStatus" AS ENUM ('PLACED', 'CANCELLED', 'FULFILLED');
CREATE TYPE "StockMovementKind" AS ENUM ('INITIAL', 'ADJUSTMENT', 'SALE', 'RETURN');

-- Coupons: a kind and the conditions of a discount. value_cents means the credit (CREDIT) or the amount
-- off (AMOUNT_OFF); a PERCENT_OFF coupon has its percent and may leave value_cents at 0.
ALTER TABLE "coupons"
    ADD COLUMN "kind" "CouponKind" NOT NULL DEFAULT 'CREDIT',
    ADD COLUMN "percent_off" INTEGER,
    ADD COLUMN "max_discount_cents" INTEGER,
    ADD COLUMN "min_subtotal_cents" INTEGER;
ALTER TABLE "coupons" DROP CONSTRAINT "coupons_value_positive";
ALTER TABLE "coupons"
    ADD CONSTRAINT "coupons_value_matches_kind" CHECK (
        ("kind" = 'PERCENT_OFF' AND "value_cents" >= 0) OR ("kind" <> 'PERCENT_OFF' AND "value_cents" > 0)),
    ADD CONSTRAINT "coupons_percent_matches_kind" CHECK (
        ("kind" = 'PERCENT_OFF') = ("percent_off" IS NOT NULL) AND ("percent_off" IS NULL OR "percent_off" BETWEEN 1 AND 100)),
    ADD CONSTRAINT "coupons_cap_percent_only" CHECK (
        "max_discount_cents" IS NULL OR ("kind" = 'PERCENT_OFF' AND "max_discount_cents" > 0)),
    ADD CONSTRAINT "coupons_minimum_discount_only" CHECK (
        "min_subtotal_cents" IS NULL OR ("kind" <> 'CREDIT' AND "min_subtotal_cents" > 0));

-- The products a discount applies to; none listed = every product.
CREATE TABLE "coupon_products" (
    "coupon_id" UUID NOT NULL,
    "product_id" UUID NOT NULL,

    CONSTRAINT "coupon_products_pkey" PRIMARY KEY ("coupon_id", "product_id")
);
CREATE INDEX "coupon_products_product_id_idx" ON "coupon_products"("product_id");
ALTER TABLE "coupon_products" ADD CONSTRAINT "coupon_products_coupon_id_fkey" FOREIGN KEY ("coupon_id") REFERENCES "coupons"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "coupon_products" ADD CONSTRAINT "coupon_products_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "products"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The terms fence (20261128200000) now covers the discount terms too: an order judged its discount
-- under one version, and its guarded take of the use requires that version still.
CREATE OR REPLACE FUNCTION "coupons_bump_terms_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW."status", NEW."starts_at", NEW."expires_at", NEW."value_cents", NEW."per_user_limit", NEW."max_redemptions", NEW."counter_mode",
        NEW."kind", NEW."percent_off", NEW."max_discount_cents", NEW."min_subtotal_cents")
       IS DISTINCT FROM
       (OLD."status", OLD."starts_at", OLD."expires_at", OLD."value_cents", OLD."per_user_limit", OLD."max_redemptions", OLD."counter_mode",
        OLD."kind", OLD."percent_off", OLD."max_discount_cents", OLD."min_subtotal_cents") THEN
        NEW."terms_version" := OLD."terms_version" + 1;
    END IF;
    RETURN NEW;
END $$;

-- Adding or removing a product from a code's list changes its terms as well.
CREATE FUNCTION "coupon_products_bump_terms_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE "coupons" SET "terms_version" = "terms_version" + 1
    WHERE "id" IN (SELECT "coupon_id" FROM changed);
    RETURN NULL;
END $$;
CREATE TRIGGER "coupon_products_bump_terms_version_insert" AFTER INSERT ON "coupon_products"
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "coupon_products_bump_terms_version"();
CREATE TRIGGER "coupon_products_bump_terms_version_delete" AFTER DELETE ON "coupon_products"
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "coupon_products_bump_terms_version"();

-- Products: a stock (NULL = not tracked) that only moves with a stock_movements row.
ALTER TABLE "products" ADD COLUMN "stock" INTEGER;
ALTER TABLE "products" ADD CONSTRAINT "products_stock_non_negative" CHECK ("stock" IS NULL OR "stock" >= 0);

-- Orders become multi-line. Existing single-product orders become one line each (below).
ALTER TABLE "orders"
    ADD COLUMN "status" "OrderStatus" NOT NULL DEFAULT 'PLACED',
    ADD COLUMN "subtotal_cents" INTEGER,
    ADD COLUMN "discount_cents" INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN "total_cents" INTEGER,
    ADD COLUMN "coupon_id" UUID,
    ADD COLUMN "cancelled_at" TIMESTAMPTZ(3),
    ADD COLUMN "cancelled_by_id" UUID;

CREATE TABLE "order_lines" (
    "order_id" UUID NOT NULL,
    "line_no" INTEGER NOT NULL,
    "product_id" UUID NOT NULL,
    "sku" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "unit_price_cents" INTEGER NOT NULL,
    "quantity" INTEGER NOT NULL,
    -- This line's share of the order's discount (lib/coupon-value.ts allocateDiscount).
    "discount_cents" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "order_lines_pkey" PRIMARY KEY ("order_id", "line_no"),
    CONSTRAINT "order_lines_line_no_positive" CHECK ("line_no" >= 1),
    CONSTRAINT "order_lines_price_positive" CHECK ("unit_price_cents" > 0),
    CONSTRAINT "order_lines_quantity_range" CHECK ("quantity" BETWEEN 1 AND 99),
    CONSTRAINT "order_lines_discount_within_line" CHECK ("discount_cents" >= 0 AND "discount_cents" <= "unit_price_cents" * "quantity")
);

INSERT INTO "order_lines" ("order_id", "line_no", "product_id", "sku", "name", "unit_price_cents", "quantity", "discount_cents")
SELECT o."id", 1, o."product_id", p."sku", p."name", o."price_cents", 1, 0
FROM "orders" o JOIN "products" p ON p."id" = o."product_id";
UPDATE "orders" SET "subtotal_cents" = "price_cents", "total_cents" = "price_cents";

-- The lines say what was bought and for how much; the order's own product and price go.
ALTER TABLE "orders" DROP CONSTRAINT "orders_product_id_fkey";
ALTER TABLE "orders" DROP CONSTRAINT "orders_price_positive";
ALTER TABLE "orders" DROP COLUMN "product_id", DROP COLUMN "price_cents";
ALTER TABLE "orders" ALTER COLUMN "subtotal_cents" SET NOT NULL, ALTER COLUMN "total_cents" SET NOT NULL;
ALTER TABLE "orders"
    ADD CONSTRAINT "orders_amounts_add_up" CHECK (
        "subtotal_cents" > 0 AND "discount_cents" >= 0 AND "total_cents" >= 0 AND "total_cents" = "subtotal_cents" - "discount_cents"),
    ADD CONSTRAINT "orders_discount_needs_coupon" CHECK ("coupon_id" IS NOT NULL OR "discount_cents" = 0),
    ADD CONSTRAINT "orders_cancellation_consistent" CHECK (("status" = 'CANCELLED') = ("cancelled_at" IS NOT NULL)),
    ADD CONSTRAINT "orders_canceller_only_when_cancelled" CHECK ("cancelled_by_id" IS NULL OR "status" = 'CANCELLED');

CREATE INDEX "orders_coupon_id_created_at_id_idx" ON "orders"("coupon_id", "created_at", "id");
CREATE INDEX "orders_status_created_at_id_idx" ON "orders"("status", "created_at", "id");
CREATE INDEX "orders_created_at_id_idx" ON "orders"("created_at", "id");
CREATE INDEX "order_lines_product_id_idx" ON "order_lines"("product_id");
CREATE UNIQUE INDEX "order_lines_order_id_product_id_key" ON "order_lines"("order_id", "product_id");
ALTER TABLE "orders" ADD CONSTRAINT "orders_coupon_id_fkey" FOREIGN KEY ("coupon_id") REFERENCES "coupons"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "orders" ADD CONSTRAINT "orders_cancelled_by_id_fkey" FOREIGN KEY ("cancelled_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "products"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Append-only record of every stock change, like the ledger for credit: a sale or a return of an order's
-- line can be recorded once (unique order, product, kind).
CREATE TABLE "stock_movements" (
    "id" BIGSERIAL NOT NULL,
    "product_id" UUID NOT NULL,
    "kind" "StockMovementKind" NOT NULL,
    "quantity" INTEGER NOT NULL,
    "order_id" UUID,
    "actor_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "stock_movements_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "stock_movements_sign_matches_kind" CHECK (
        ("kind" = 'INITIAL' AND "quantity" >= 0) OR ("kind" = 'ADJUSTMENT' AND "quantity" <> 0)
        OR ("kind" = 'SALE' AND "quantity" < 0) OR ("kind" = 'RETURN' AND "quantity" > 0)),
    CONSTRAINT "stock_movements_order_matches_kind" CHECK (("kind" IN ('SALE', 'RETURN')) = ("order_id" IS NOT NULL)),
    CONSTRAINT "stock_movements_actor_for_admin_kinds" CHECK ("actor_id" IS NULL OR "kind" IN ('INITIAL', 'ADJUSTMENT'))
);
CREATE INDEX "stock_movements_product_id_id_idx" ON "stock_movements"("product_id", "id");
CREATE UNIQUE INDEX "stock_movements_order_id_product_id_kind_key" ON "stock_movements"("order_id", "product_id", "kind");
ALTER TABLE "stock_movements" ADD CONSTRAINT "stock_movements_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "products"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "stock_movements" ADD CONSTRAINT "stock_movements_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "stock_movements" ADD CONSTRAINT "stock_movements_actor_id_fkey" FOREIGN KEY ("actor_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- A cart per customer, kept in the database.
CREATE TABLE "carts" (
    "user_id" UUID NOT NULL,
    "discount_code" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "carts_pkey" PRIMARY KEY ("user_id")
);
CREATE TABLE "cart_items" (
    "user_id" UUID NOT NULL,
    "product_id" UUID NOT NULL,
    "quantity" INTEGER NOT NULL,
    "added_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "cart_items_pkey" PRIMARY KEY ("user_id", "product_id"),
    CONSTRAINT "cart_items_quantity_range" CHECK ("quantity" BETWEEN 1 AND 99)
);
ALTER TABLE "carts" ADD CONSTRAINT "carts_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "cart_items" ADD CONSTRAINT "cart_items_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "carts"("user_id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "cart_items" ADD CONSTRAINT "cart_items_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "products"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- An order is charged once and refunded once: unique (order, kind) instead of unique order.
DROP INDEX "ledger_entries_order_id_key";
CREATE UNIQUE INDEX "ledger_entries_order_id_kind_key" ON "ledger_entries"("order_id", "kind");
