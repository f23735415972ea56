-- A store's own id for its customer (/api/v1: {"customer": {"id": …, "email": …}}), mapped to one Once
-- customer. UNIQUE makes the mapping one-to-one under any concurrency: of many concurrent first uses,
-- one insert wins and the others find its row (lib/store-customers.ts). Such a customer has no password
-- until someone signs up with its email (lib/accounts.ts).
ALTER TABLE "users" ADD COLUMN "store_customer_id" text;
ALTER TABLE "users" ADD CONSTRAINT "users_store_customer_id_key" UNIQUE ("store_customer_id");
ALTER TABLE "users" ADD CONSTRAINT "users_store_customer_id_length" CHECK (length("store_customer_id") BETWEEN 1 AND 200);
