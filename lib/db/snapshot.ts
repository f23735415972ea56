import "server-only";
import type { Db } from "./client";

/**
 * Row counts and states of everything a server action or route could change, as one string: two equal
 * snapshots around a refused call prove it changed nothing (the access tests, unit and e2e). Rate-limit
 * counters are left out: a refused guess is meant to cost points, and expired counters are swept at any time.
 */
export async function snapshot(db: Db): Promise<string> {
  const [row] = await db.$queryRaw<Record<string, unknown>[]>`
    SELECT (SELECT count(*) FROM admin_audit_log)::int AS audit,
           (SELECT count(*) FROM coupons)::int AS coupons,
           (SELECT count(*) FROM coupon_batches)::int AS batches,
           (SELECT string_agg(code || ':' || status || ':' || value_cents || ':' || coalesce(max_redemptions, -1) || ':' || redeemed_count || ':' || (archived_at IS NOT NULL), ',' ORDER BY code) FROM coupons) AS terms,
           (SELECT string_agg(id::text || ':' || status, ',' ORDER BY id) FROM redemptions) AS redemptions,
           (SELECT count(*) FROM ledger_entries)::int AS ledger,
           (SELECT count(*) FROM orders)::int AS orders,
           (SELECT string_agg(o.id::text || ':' || o.status, ',' ORDER BY o.id) FROM orders o) AS order_statuses,
           (SELECT string_agg(sku || ':' || coalesce(stock, -1), ',' ORDER BY sku) FROM products) AS products,
           (SELECT count(*) FROM stock_movements)::int AS stock_movements,
           (SELECT count(*) FROM cart_items)::int AS cart_items,
           (SELECT count(*) FROM users)::int AS users,
           (SELECT count(*) FROM users WHERE disabled)::int AS disabled_users,
           (SELECT sum(balance_cents) FROM users)::bigint::text AS balances,
           (SELECT count(*) FROM credit_adjustments)::int AS adjustments,
           (SELECT string_agg(id::text || ':' || status || ':' || refunded_cents, ',' ORDER BY id) FROM holds) AS holds`;
  return JSON.stringify(row);
}
