import type { AdminAction, LedgerKind, StockMovementKind } from "@/lib/generated/prisma/enums";

/**
 * What admins read instead of the stored codes: each admin-log action, store-credit movement and stock
 * movement once, exhaustively (a new enum value does not compile until it is worded here).
 */
export const AUDIT_ACTION_LABELS: Record<AdminAction, string> = {
  COUPON_CREATED: "Coupon created",
  COUPON_UPDATED: "Coupon edited",
  COUPON_DISABLED: "Coupon disabled",
  COUPON_ENABLED: "Coupon enabled",
  COUPON_ARCHIVED: "Coupon archived",
  COUPON_RESTORED: "Coupon restored",
  REDEMPTION_REVOKED: "Redemption revoked",
  BATCH_GENERATED: "Batch generated",
  BATCH_DISABLED: "Batch disabled",
  BATCH_ENABLED: "Batch enabled",
  CUSTOMER_DISABLED: "Customer disabled",
  CUSTOMER_ENABLED: "Customer enabled",
  RATE_LIMIT_CLEARED: "Lock cleared",
  CREDIT_ADJUSTED: "Credit adjusted",
  PRODUCT_CREATED: "Product created",
  STOCK_ADJUSTED: "Stock adjusted",
  ORDER_CANCELLED: "Order cancelled",
  ORDER_FULFILLED: "Order fulfilled",
  ORDER_REFUNDED: "Order refunded",
  SETTINGS_CHANGED: "Settings changed",
  API_KEY_CREATED: "API key created",
  API_KEY_REVOKED: "API key revoked",
  WEBHOOK_ENDPOINT_CREATED: "Webhook endpoint added",
  WEBHOOK_ENDPOINT_ENABLED: "Webhook endpoint enabled",
  WEBHOOK_ENDPOINT_DISABLED: "Webhook endpoint disabled",
  WEBHOOK_DELIVERY_REPLAYED: "Webhook delivery replayed",
  WEBHOOK_TEST_SENT: "Webhook test sent",
};

export const LEDGER_KIND_LABELS: Record<LedgerKind, string> = {
  COUPON_CREDIT: "Credit from a code",
  COUPON_REVOCATION: "Code's credit reversed",
  PURCHASE: "Paid with store credit",
  ORDER_REFUND: "Refunded to store credit",
  ORDER_PARTIAL_REFUND: "Partial refund to store credit",
  ADJUSTMENT: "Adjusted by an admin",
  HOLD: "Held at checkout",
  HOLD_RETURN: "Hold released",
  HOLD_REFUND: "Hold refunded",
};

export const STOCK_MOVEMENT_LABELS: Record<StockMovementKind, string> = {
  INITIAL: "Initial stock",
  ADJUSTMENT: "Adjusted by an admin",
  SALE: "Sold",
  RETURN: "Returned to stock",
  RESTOCK: "Restocked by a refund",
};
