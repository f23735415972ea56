-- Admin changes that the security work adds to the audit log: disabling and re-enabling a customer,
-- and clearing a rate-limit lock. Enum values get a migration of their own (PostgreSQL refuses to use
-- a value in the transaction that added it; our runner applies each migration in one transaction).

-- AlterEnum
ALTER TYPE "AdminAction" ADD VALUE 'CUSTOMER_DISABLED';
ALTER TYPE "AdminAction" ADD VALUE 'CUSTOMER_ENABLED';
ALTER TYPE "AdminAction" ADD VALUE 'RATE_LIMIT_CLEARED';
