import "server-only";
import type { Db } from "./db/client";

/**
 * The promises Once makes about its data, each checked by one SQL query over the whole database.
 * A healthy database returns no violations; the race tests run this after every scenario, and the
 * admin overview and `npm run db:verify` show it.
 */

export interface Violation {
  invariant: string;
  detail: string;
}

/** The holds that keep what they took: live (HELD) or sold (CAPTURED; a whole refund ends that). */
const LIVE_HOLD = `'HELD', 'CAPTURED'`;

/**
 * Every use of a code that its counters count, one row each (coupon_id, user_id, source): active
 * redemptions, orders not cancelled and live holds.
 */
const LIVE_USES = `
  SELECT coupon_id, user_id, 'redemption' AS source FROM redemptions WHERE status = 'ACTIVE'
  UNION ALL SELECT coupon_id, user_id, 'order' FROM orders WHERE status <> 'CANCELLED' AND coupon_id IS NOT NULL
  UNION ALL SELECT coupon_id, user_id, 'hold' FROM holds WHERE status IN (${LIVE_HOLD}) AND coupon_id IS NOT NULL`;

const CHECKS: { invariant: string; sql: string }[] = [
  {
    invariant:
      "coupon's counted uses (its row counter plus its slots) equal its active redemptions, orders not cancelled and live holds",
    sql: `SELECT c.code || ': counted ' || c.redeemed_count + coalesce(s.used, 0) || ', live uses ' || coalesce(x.uses, 0)
                 || ' (' || coalesce(x.redemptions, 0) || ' redemptions, ' || coalesce(x.orders, 0) || ' orders, '
                 || coalesce(x.holds, 0) || ' holds)' AS detail
          FROM coupons c
          LEFT JOIN (SELECT coupon_id, sum(used) AS used FROM coupon_counter_slots GROUP BY coupon_id) s ON s.coupon_id = c.id
          LEFT JOIN (SELECT coupon_id, count(*) AS uses, count(*) FILTER (WHERE source = 'redemption') AS redemptions,
                            count(*) FILTER (WHERE source = 'order') AS orders, count(*) FILTER (WHERE source = 'hold') AS holds
                     FROM (${LIVE_USES}) u GROUP BY coupon_id) x ON x.coupon_id = c.id
          WHERE c.redeemed_count + coalesce(s.used, 0) <> coalesce(x.uses, 0)`,
  },
  {
    invariant: "a hot coupon's slots exist, carry its terms version, and their capacities add up to its max",
    sql: `SELECT c.code || ': ' || count(s.slot) || ' slots, capacities ' || coalesce(sum(s.capacity)::text, 'none') || ', max ' || coalesce(c.max_redemptions::text, 'none')
                 || ', stale versions ' || count(s.slot) FILTER (WHERE s.terms_version <> c.terms_version) AS detail
          FROM coupons c LEFT JOIN coupon_counter_slots s ON s.coupon_id = c.id
          GROUP BY c.id
          HAVING (c.counter_mode = 'SLOTS' AND count(s.slot) = 0)
              OR (c.counter_mode = 'SINGLE_ROW' AND count(s.slot) > 0)
              OR count(s.slot) FILTER (WHERE s.terms_version <> c.terms_version) > 0
              OR count(s.slot) FILTER (WHERE (s.capacity IS NULL) <> (c.max_redemptions IS NULL)) > 0
              OR (c.max_redemptions IS NOT NULL AND count(s.slot) > 0 AND sum(s.capacity) <> c.max_redemptions)`,
  },
  {
    invariant: "coupon's active redemptions, live orders and live holds within max_redemptions",
    sql: `SELECT c.code || ': ' || u.uses || ' uses, max ' || c.max_redemptions AS detail
          FROM coupons c JOIN (SELECT coupon_id, count(*) AS uses FROM (${LIVE_USES}) x GROUP BY coupon_id) u
            ON u.coupon_id = c.id
          WHERE c.max_redemptions IS NOT NULL AND u.uses > c.max_redemptions`,
  },
  {
    invariant: "per-user usage counter equals the user's active redemptions, live orders and live holds with the code",
    sql: `SELECT coalesce(c.code, u.coupon_id::text) || ' / ' || coalesce(u.user_id, x.user_id) || ': counter ' || coalesce(u.used, 0)
                 || ', live uses ' || coalesce(x.uses, 0) AS detail
          FROM coupon_usages u
          FULL JOIN (
            SELECT coupon_id, user_id, count(*) AS uses FROM (${LIVE_USES}) y GROUP BY coupon_id, user_id) x ON x.coupon_id = u.coupon_id AND x.user_id = u.user_id
          LEFT JOIN coupons c ON c.id = coalesce(u.coupon_id, x.coupon_id)
          WHERE coalesce(u.used, 0) <> coalesce(x.uses, 0)`,
  },
  {
    invariant: "per-user revoked-use counter equals the user's revoked redemptions",
    sql: `SELECT c.code || ' / ' || u.user_id || ': revoked counter ' || u.revoked_uses || ', revoked redemptions ' || count(r.id) AS detail
          FROM coupon_usages u JOIN coupons c ON c.id = u.coupon_id
          LEFT JOIN redemptions r ON r.coupon_id = u.coupon_id AND r.user_id = u.user_id AND r.status = 'REVOKED'
          GROUP BY c.code, u.coupon_id, u.user_id, u.revoked_uses
          HAVING u.revoked_uses <> count(r.id)`,
  },
  {
    invariant: "per-user active redemptions within the per-user limit",
    sql: `SELECT c.code || ' / ' || u.user_id || ': ' || u.used || ' uses, limit ' || u.per_user_limit AS detail
          FROM coupon_usages u JOIN coupons c ON c.id = u.coupon_id
          WHERE u.used > u.per_user_limit OR u.used < 0`,
  },
  {
    invariant: "a tracked product's stock is not negative and equals the sum of its stock movements",
    sql: `SELECT p.sku || ': stock ' || coalesce(p.stock::text, 'untracked') || ', movements ' || coalesce(sum(m.quantity), 0) AS detail
          FROM products p LEFT JOIN stock_movements m ON m.product_id = p.id
          GROUP BY p.id
          HAVING p.stock < 0 OR (p.stock IS NOT NULL AND p.stock <> coalesce(sum(m.quantity), 0))`,
  },
  {
    invariant: "a sale is recorded once per line of a tracked order, returned exactly when the order is cancelled",
    sql: `SELECT 'order ' || o.id || ' (' || o.status || '), ' || ol.sku || ': sold ' || coalesce(-s.quantity, 0) || ' of ' || ol.quantity
                 || ', returned ' || coalesce(r.quantity, 0) AS detail
          FROM orders o JOIN order_lines ol ON ol.order_id = o.id
          LEFT JOIN stock_movements s ON s.order_id = o.id AND s.product_id = ol.product_id AND s.kind = 'SALE'
          LEFT JOIN stock_movements r ON r.order_id = o.id AND r.product_id = ol.product_id AND r.kind = 'RETURN'
          WHERE (s.id IS NOT NULL AND -s.quantity <> ol.quantity)
             OR (r.id IS NOT NULL) <> (o.status = 'CANCELLED' AND s.id IS NOT NULL)
             OR (r.id IS NOT NULL AND r.quantity <> -s.quantity)`,
  },
  {
    invariant: "every stock movement of an order belongs to one of its lines",
    sql: `SELECT 'movement ' || m.id || ' (' || m.kind || ') of order ' || m.order_id || ' has no line for its product' AS detail
          FROM stock_movements m
          WHERE m.order_id IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM order_lines ol WHERE ol.order_id = m.order_id AND ol.product_id = m.product_id)`,
  },
  {
    invariant: "balance equals the sum of the user's ledger and is not negative",
    sql: `SELECT u.email || ': balance ' || u.balance_cents || ', ledger sum ' || coalesce(sum(l.amount_cents), 0) AS detail
          FROM users u LEFT JOIN ledger_entries l ON l.user_id = u.id
          GROUP BY u.id HAVING u.balance_cents <> coalesce(sum(l.amount_cents), 0) OR u.balance_cents < 0`,
  },
  {
    invariant: "each ledger entry's running balance follows from the previous one",
    sql: `SELECT 'ledger entry ' || id || ': balance_after ' || balance_after_cents || ', expected ' || expected AS detail
          FROM (SELECT id, balance_after_cents,
                       sum(amount_cents) OVER (PARTITION BY user_id ORDER BY id) AS expected
                FROM ledger_entries) l
          WHERE balance_after_cents <> expected`,
  },
  {
    invariant: "every redemption has exactly its credit, and a reversal exactly when revoked",
    sql: `SELECT 'redemption ' || r.id || ' (' || r.status || '): ' || count(l.id) FILTER (WHERE l.kind = 'COUPON_CREDIT') || ' credits, '
                 || count(l.id) FILTER (WHERE l.kind = 'COUPON_REVOCATION') || ' reversals' AS detail
          FROM redemptions r LEFT JOIN ledger_entries l ON l.redemption_id = r.id
          GROUP BY r.id
          HAVING count(l.id) FILTER (WHERE l.kind = 'COUPON_CREDIT' AND l.amount_cents = r.amount_cents) <> 1
              OR count(l.id) FILTER (WHERE l.kind = 'COUPON_CREDIT') <> 1
              OR count(l.id) FILTER (WHERE l.kind = 'COUPON_REVOCATION' AND l.amount_cents = -r.amount_cents)
                 <> CASE WHEN r.status = 'REVOKED' THEN 1 ELSE 0 END
              OR count(l.id) FILTER (WHERE l.kind = 'COUPON_REVOCATION') <> CASE WHEN r.status = 'REVOKED' THEN 1 ELSE 0 END`,
  },
  {
    invariant: "no credit without a redemption",
    sql: `SELECT 'ledger entry ' || id || ' (' || kind || ') has no redemption' AS detail
          FROM ledger_entries WHERE kind IN ('COUPON_CREDIT', 'COUPON_REVOCATION') AND redemption_id IS NULL`,
  },
  {
    invariant: "at most one redemption per idempotency key, and its key answers with it",
    sql: `SELECT 'user ' || r.user_id || ', key ' || r.idempotency_key || ': ' || count(*) || ' redemptions, key outcome ' || coalesce(min(q.outcome::text), 'missing') AS detail
          FROM redemptions r
          LEFT JOIN idempotency_keys q ON q.scope = 'redeem' AND q.user_id = r.user_id AND q.idempotency_key = r.idempotency_key
          GROUP BY r.user_id, r.idempotency_key
          HAVING count(*) > 1 OR min(q.outcome::text) IS DISTINCT FROM 'SUCCEEDED' OR bool_or(q.result_id IS DISTINCT FROM r.id)`,
  },
  {
    invariant: "every redeem key recorded as succeeded has its redemption",
    sql: `SELECT 'user ' || q.user_id || ', key ' || q.idempotency_key || ' is recorded as redeemed without its redemption' AS detail
          FROM idempotency_keys q LEFT JOIN redemptions r ON r.id = q.result_id
          WHERE q.scope = 'redeem' AND q.outcome = 'SUCCEEDED'
            AND (r.id IS NULL OR r.user_id <> q.user_id OR r.idempotency_key <> q.idempotency_key)`,
  },
  {
    invariant:
      "every order is charged its total once (no entry for a zero total) and refunded it once exactly when cancelled",
    sql: `SELECT 'order ' || o.id || ' (' || o.status || ', total ' || o.total_cents || '): '
                 || count(l.id) FILTER (WHERE l.kind = 'PURCHASE') || ' charges, '
                 || count(l.id) FILTER (WHERE l.kind = 'ORDER_REFUND') || ' refunds' AS detail
          FROM orders o LEFT JOIN ledger_entries l ON l.order_id = o.id
          GROUP BY o.id
          HAVING count(l.id) FILTER (WHERE l.kind = 'PURCHASE' AND l.amount_cents = -o.total_cents AND l.user_id = o.user_id)
                 <> CASE WHEN o.total_cents > 0 THEN 1 ELSE 0 END
              OR count(l.id) FILTER (WHERE l.kind = 'PURCHASE') <> CASE WHEN o.total_cents > 0 THEN 1 ELSE 0 END
              OR count(l.id) FILTER (WHERE l.kind = 'ORDER_REFUND' AND l.amount_cents = o.total_cents AND l.user_id = o.user_id)
                 <> CASE WHEN o.status = 'CANCELLED' AND o.total_cents > 0 THEN 1 ELSE 0 END
              OR count(l.id) FILTER (WHERE l.kind = 'ORDER_REFUND')
                 <> CASE WHEN o.status = 'CANCELLED' AND o.total_cents > 0 THEN 1 ELSE 0 END`,
  },
  {
    invariant:
      "a customer's live-order count (first-order-only codes) equals their orders not cancelled plus their live holds",
    sql: `SELECT u.email || ': live_orders ' || u.live_orders || ', orders not cancelled ' || coalesce(o.live, 0)
                 || ', live holds ' || coalesce(h.live, 0) AS detail
          FROM users u
          LEFT JOIN (SELECT user_id, count(*) AS live FROM orders WHERE status <> 'CANCELLED' GROUP BY user_id) o ON o.user_id = u.id
          LEFT JOIN (SELECT user_id, count(*) AS live FROM holds WHERE status IN (${LIVE_HOLD}) GROUP BY user_id) h ON h.user_id = u.id
          WHERE u.live_orders <> coalesce(o.live, 0) + coalesce(h.live, 0)`,
  },
  {
    invariant: "each order's subtotal is the sum of its lines and its discount the sum of their shares",
    sql: `SELECT 'order ' || o.id || ': subtotal ' || o.subtotal_cents || ', lines ' || coalesce(sum(ol.unit_price_cents * ol.quantity), 0)
                 || '; discount ' || o.discount_cents || ', line shares ' || coalesce(sum(ol.discount_cents), 0) AS detail
          FROM orders o LEFT JOIN order_lines ol ON ol.order_id = o.id
          GROUP BY o.id
          HAVING count(ol.line_no) = 0
              OR o.subtotal_cents <> sum(ol.unit_price_cents * ol.quantity)
              OR o.discount_cents <> sum(ol.discount_cents)`,
  },
  {
    invariant: "no purchase or refund entry without an order",
    sql: `SELECT 'ledger entry ' || id || ' (' || kind || ') has no order' AS detail
          FROM ledger_entries WHERE kind IN ('PURCHASE', 'ORDER_REFUND') AND order_id IS NULL`,
  },
  {
    invariant: "an order's refunded total equals the sum of its partial refunds, and never exceeds what was paid",
    sql: `SELECT 'order ' || o.id || ' (total ' || o.total_cents || '): refunded_cents ' || o.refunded_cents
                 || ', partial refunds ' || coalesce(sum(r.amount_cents), 0) AS detail
          FROM orders o LEFT JOIN order_refunds r ON r.order_id = o.id
          GROUP BY o.id
          HAVING o.refunded_cents <> coalesce(sum(r.amount_cents), 0) OR coalesce(sum(r.amount_cents), 0) > o.total_cents`,
  },
  {
    invariant: "every partial refund credits its amount once, to the order's customer",
    sql: `SELECT 'refund ' || r.id || ' of ' || r.amount_cents || ': ' || count(l.id) || ' credits' AS detail
          FROM order_refunds r JOIN orders o ON o.id = r.order_id
          LEFT JOIN ledger_entries l ON l.refund_id = r.id
          GROUP BY r.id, o.user_id
          HAVING count(l.id) <> 1
              OR count(l.id) FILTER (WHERE l.kind = 'ORDER_PARTIAL_REFUND' AND l.amount_cents = r.amount_cents
                                       AND l.user_id = o.user_id) <> 1`,
  },
  {
    invariant: "a line's refunded units equal its refunds' units, and a restock puts back at most those of a sold line",
    sql: `SELECT 'order ' || ol.order_id || ' line ' || ol.line_no || ': refunded_quantity ' || ol.refunded_quantity
                 || ', refunds ' || coalesce(rl.units, 0) || ', restocked ' || coalesce(rs.units, 0)
                 || ', sold ' || coalesce(-s.quantity, 0) AS detail
          FROM order_lines ol
          LEFT JOIN (SELECT order_id, line_no, sum(quantity) AS units FROM order_refund_lines GROUP BY order_id, line_no) rl
                 ON rl.order_id = ol.order_id AND rl.line_no = ol.line_no
          LEFT JOIN (SELECT r.order_id, m.product_id, sum(m.quantity) AS units
                     FROM stock_movements m JOIN order_refunds r ON r.id = m.refund_id
                     WHERE m.kind = 'RESTOCK' GROUP BY r.order_id, m.product_id) rs
                 ON rs.order_id = ol.order_id AND rs.product_id = ol.product_id
          LEFT JOIN stock_movements s ON s.order_id = ol.order_id AND s.product_id = ol.product_id AND s.kind = 'SALE'
          WHERE ol.refunded_quantity <> coalesce(rl.units, 0)
             OR coalesce(rs.units, 0) > ol.refunded_quantity
             OR (rs.units IS NOT NULL AND s.id IS NULL)`,
  },
  {
    invariant:
      "every hold takes its credit once (none without credit), gives it back once exactly when released or expired, and its refunds add up to its refunded cents",
    sql: `SELECT 'hold ' || h.id || ' (' || h.status || ', credit ' || h.credit_cents || ', refunded ' || h.refunded_cents || '): '
                 || count(l.id) FILTER (WHERE l.kind = 'HOLD') || ' debits, ' || count(l.id) FILTER (WHERE l.kind = 'HOLD_RETURN')
                 || ' returns, refunds ' || coalesce(sum(l.amount_cents) FILTER (WHERE l.kind = 'HOLD_REFUND'), 0) AS detail
          FROM holds h LEFT JOIN ledger_entries l ON l.hold_id = h.id
          GROUP BY h.id
          HAVING count(l.id) FILTER (WHERE l.kind = 'HOLD' AND l.amount_cents = -h.credit_cents AND l.user_id = h.user_id)
                 <> CASE WHEN h.credit_cents > 0 THEN 1 ELSE 0 END
              OR count(l.id) FILTER (WHERE l.kind = 'HOLD') <> CASE WHEN h.credit_cents > 0 THEN 1 ELSE 0 END
              OR count(l.id) FILTER (WHERE l.kind = 'HOLD_RETURN' AND l.amount_cents = h.credit_cents AND l.user_id = h.user_id)
                 <> CASE WHEN h.status IN ('RELEASED', 'EXPIRED') AND h.credit_cents > 0 THEN 1 ELSE 0 END
              OR count(l.id) FILTER (WHERE l.kind = 'HOLD_RETURN')
                 <> CASE WHEN h.status IN ('RELEASED', 'EXPIRED') AND h.credit_cents > 0 THEN 1 ELSE 0 END
              OR coalesce(sum(l.amount_cents) FILTER (WHERE l.kind = 'HOLD_REFUND'), 0) <> h.refunded_cents
              OR bool_or(l.kind = 'HOLD_REFUND' AND l.user_id <> h.user_id)`,
  },
  {
    // CHECK holds_refunded_within_captured stands behind it; this shows it on the admin overview too.
    invariant: "a hold's refunds stay within the credit it captured, and only a captured hold is refunded",
    sql: `SELECT 'hold ' || id || ' (' || status || '): refunded ' || refunded_cents || ' of ' || credit_cents AS detail
          FROM holds
          WHERE refunded_cents < 0 OR refunded_cents > credit_cents
             OR (refunded_cents > 0 AND status NOT IN ('CAPTURED', 'REFUNDED'))`,
  },
  {
    // Written by a trigger inside the revoking transaction (migration 20261128100000_admin).
    invariant: "every revoked redemption has its entry in the admin audit log",
    sql: `SELECT 'redemption ' || r.id || ' is revoked but the admin audit log has no entry for it' AS detail
          FROM redemptions r
          WHERE r.status = 'REVOKED' AND NOT EXISTS (
            SELECT 1 FROM admin_audit_log a
            WHERE a.target_type = 'redemption' AND a.target_id = r.id::text AND a.action = 'REDEMPTION_REVOKED')`,
  },
  {
    // The outbox (lib/webhooks/outbox.ts) fans an event out in its own transaction.
    invariant: "every webhook event has a delivery for every enabled endpoint that takes it",
    sql: `SELECT 'event ' || e.id || ' (' || e.type || ') has no delivery to ' || w.url AS detail
          FROM webhook_events e JOIN webhook_endpoints w
            ON w.enabled AND w.enabled_at < e.created_at AND e.endpoint_id IS NULL
               AND (cardinality(w.event_types) = 0 OR e.type = ANY(w.event_types))
          WHERE NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id AND d.endpoint_id = w.id)`,
  },
  {
    invariant: "every webhook delivery is of its event, to an endpoint that event goes to",
    sql: `SELECT 'delivery ' || d.id || ' of event ' || e.id || ' (' || e.type || ') to ' || w.url AS detail
          FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id JOIN webhook_endpoints w ON w.id = d.endpoint_id
          WHERE d.ordering_key <> e.ordering_key OR d.event_seq <> e.seq
             OR CASE WHEN e.endpoint_id IS NOT NULL THEN e.endpoint_id <> w.id
                     ELSE NOT (cardinality(w.event_types) = 0 OR e.type = ANY(w.event_types)) END`,
  },
];

export async function findViolations(db: Db): Promise<Violation[]> {
  const violations: Violation[] = [];
  for (const check of CHECKS) {
    const rows = await db.$queryRawUnsafe<{ detail: string }[]>(`${check.sql} LIMIT 100`);
    for (const row of rows) violations.push({ invariant: check.invariant, detail: row.detail });
  }
  return violations;
}
