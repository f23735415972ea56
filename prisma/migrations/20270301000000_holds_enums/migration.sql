-- Two-phase holds (lib/holds): store credit a hold takes (HOLD), gives back when released or expired
-- (HOLD_RETURN) and refunds after capture (HOLD_REFUND). Enum values get a migration of their own:
-- PostgreSQL refuses to use a value in the transaction that added it.

-- AlterEnum
ALTER TYPE "LedgerKind" ADD VALUE 'HOLD';
ALTER TYPE "LedgerKind" ADD VALUE 'HOLD_RETURN';
ALTER TYPE "LedgerKind" ADD VALUE 'HOLD_REFUND';
