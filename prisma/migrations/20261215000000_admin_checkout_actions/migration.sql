-- Admin log entries for the checkout's admin side (issue 11): products created, stock adjusted, orders
-- cancelled by an admin. Only added here; nothing in this transaction uses them.
ALTER TYPE "AdminAction" ADD VALUE 'PRODUCT_CREATED';
ALTER TYPE "AdminAction" ADD VALUE 'STOCK_ADJUSTED';
ALTER TYPE "AdminAction" ADD VALUE 'ORDER_CANCELLED';
