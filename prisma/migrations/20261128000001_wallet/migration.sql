-- Spending store credit on a small catalogue. An order and its PURCHASE ledger entry commit together
-- (lib/wallet.ts); (user_id, idempotency_key) makes a purchase idempotent like a redemption.

-- CreateTable
CREATE TABLE "products" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "sku" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "price_cents" INTEGER NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "products_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "products_price_positive" CHECK ("price_cents" > 0)
);

-- CreateTable
CREATE TABLE "orders" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "product_id" UUID NOT NULL,
    "price_cents" INTEGER NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "orders_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "orders_price_positive" CHECK ("price_cents" > 0)
);

-- AlterTable
ALTER TABLE "ledger_entries" ADD COLUMN "order_id" UUID;

-- The original CHECK said "only COUPON_CREDIT is positive", which a future positive kind would break
-- silently; every kind now states its sign, and a purchase entry always names its order.
ALTER TABLE "ledger_entries" DROP CONSTRAINT "ledger_entries_sign_matches_kind";
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_sign_matches_kind" CHECK (
    ("kind" = 'COUPON_CREDIT' AND "amount_cents" > 0)
    OR ("kind" IN ('COUPON_REVOCATION', 'PURCHASE') AND "amount_cents" < 0)
);
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_order_matches_kind" CHECK (("kind" = 'PURCHASE') = ("order_id" IS NOT NULL));

-- CreateIndex
CREATE UNIQUE INDEX "products_sku_key" ON "products"("sku");
CREATE INDEX "orders_user_id_created_at_idx" ON "orders"("user_id", "created_at");
CREATE UNIQUE INDEX "orders_user_id_idempotency_key_key" ON "orders"("user_id", "idempotency_key");
CREATE UNIQUE INDEX "ledger_entries_order_id_key" ON "ledger_entries"("order_id");

-- AddForeignKey
ALTER TABLE "orders" ADD CONSTRAINT "orders_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "orders" ADD CONSTRAINT "orders_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "products"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
