-- Spending store credit. The new enum value gets a migration of its own: PostgreSQL refuses to use an
-- enum value in the transaction that added it, and our runner applies each migration in one
-- transaction, so the CHECK and tables that mention 'PURCHASE' follow in the next migration.

-- AlterEnum
ALTER TYPE "LedgerKind" ADD VALUE 'PURCHASE';
