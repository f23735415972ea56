-- A wallet holds at most 10,000,000.00 of store credit. balance_cents is a 32-bit integer (at most
-- 21,474,836.47); without a bound, enough redemptions of a large coupon overflowed it and the credit
-- failed with a 500. The credit is now a guarded increment (lib/ledger.ts: balance_cents <= bound -
-- amount) that refuses cleanly ("balance_limit"); this CHECK stands behind it.

-- AlterTable
ALTER TABLE "users" ADD CONSTRAINT "users_balance_within_limit" CHECK ("balance_cents" <= 1000000000);
