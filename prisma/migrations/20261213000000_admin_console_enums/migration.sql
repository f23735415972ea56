-- The admin console's new changes: archiving and restoring coupons, and manual store-credit adjustments
-- (a ledger kind of their own). Enum values get a migration of their own: PostgreSQL refuses to use a
-- value in the transaction that added it, and our runner applies each migration in one transaction.

-- AlterEnum
ALTER TYPE "LedgerKind" ADD VALUE 'ADJUSTMENT';
ALTER TYPE "AdminAction" ADD VALUE 'COUPON_ARCHIVED';
ALTER TYPE "AdminAction" ADD VALUE 'COUPON_RESTORED';
ALTER TYPE "AdminAction" ADD VALUE 'CREDIT_ADJUSTED';
