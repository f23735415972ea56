-- Human order numbers (#1001, #1002, …), assigned by the database: a sequence is the column's default, so
-- every insert (the checkout, the API, the naive control, the seed) gets the next one without asking, and
-- concurrent orders never share one. A number is never reused: a sequence never hands a value out twice,
-- also when the transaction that took it rolls back (that number is then skipped, not given to another
-- order). UNIQUE backs it.
CREATE SEQUENCE "orders_number_seq" AS integer START WITH 1001 MINVALUE 1001;

ALTER TABLE "orders" ADD COLUMN "number" integer;

-- Existing orders are numbered in the order they were placed (ties by id), from 1001.
UPDATE "orders" o
SET "number" = numbered.n
FROM (SELECT id, 1000 + row_number() OVER (ORDER BY created_at, id) AS n FROM "orders") numbered
WHERE numbered.id = o.id;

-- The next order continues after the last one numbered.
SELECT setval('"orders_number_seq"', coalesce((SELECT max("number") FROM "orders"), 1000) + 1, false);

ALTER TABLE "orders"
  ALTER COLUMN "number" SET DEFAULT nextval('"orders_number_seq"'),
  ALTER COLUMN "number" SET NOT NULL;
ALTER SEQUENCE "orders_number_seq" OWNED BY "orders"."number";
ALTER TABLE "orders" ADD CONSTRAINT "orders_number_key" UNIQUE ("number");
