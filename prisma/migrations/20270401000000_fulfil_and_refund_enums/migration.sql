-- The enum values fulfilment and partial refunds use, in a migration of their own: a value added by
-- ALTER TYPE is usable only after the transaction that added it commits (the CHECKs naming them are in
-- 20270401000001_fulfil_and_partial_refunds).
ALTER TYPE "AdminAction" ADD VALUE 'ORDER_FULFILLED';
ALTER TYPE "AdminAction" ADD VALUE 'ORDER_REFUNDED';
ALTER TYPE "LedgerKind" ADD VALUE 'ORDER_PARTIAL_REFUND';
ALTER TYPE "StockMovementKind" ADD VALUE 'RESTOCK';
