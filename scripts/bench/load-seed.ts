import { randomBytes } from "node:crypto";
import { SLOT_COUNT } from "@/lib/coupon-terms";
import type { Db } from "@/lib/db/client";

/**
 * Load data for the audit pages and their benchmark: N redemptions over the last 90 days, generated in
 * SQL (INSERT … SELECT generate_series), with everything the invariant checker demands kept true:
 * coupon counts, per-user usages, one credit per redemption and one reversal per revoked one with exact
 * running balances, balances equal to ledger sums, a request record per redemption, an audit entry per
 * revocation. Every 50th redemption is revoked; one refused attempt is added per ten redemptions.
 */

export interface LoadOptions {
  redemptions: number;
  coupons?: number;
  log?: (line: string) => void;
}

export interface LoadResult {
  tag: string;
  redemptions: number;
  users: number;
  coupons: number;
}

const REASONS = ["unknown_code", "exhausted", "per_user_limit", "expired", "disabled", "not_started"];

export async function seedLoad(db: Db, options: LoadOptions): Promise<LoadResult> {
  const n = Math.floor(options.redemptions);
  if (!(n >= 1 && n <= 50_000_000)) throw new Error("redemptions must be between 1 and 50,000,000");
  const started = performance.now();
  const log = (line: string) => options.log?.(`${line} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  const couponCount = options.coupons ?? 100;
  // Enough users that a (coupon, user) pair repeats rarely; the per-user limit covers the repeats.
  const users = Math.min(Math.max(Math.ceil(n / couponCount), 10), 20_000);
  const perUserLimit = Math.min(1_000, Math.max(1, Math.ceil(n / (couponCount * users))));
  const tag = randomBytes(4).toString("hex").toUpperCase();

  // Plain values interpolated below are numbers this function computed and a hex tag, never input.
  await db.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe(`
        INSERT INTO users (email, name, role)
        SELECT 'load-${tag.toLowerCase()}-' || u || '@load.once.test', 'Load customer ' || u, 'CUSTOMER'
        FROM generate_series(0, ${users - 1}) u`);
      await tx.$executeRawUnsafe(`
        INSERT INTO users (email, name, role) VALUES ('load-admin-${tag.toLowerCase()}@load.once.test', 'Load admin', 'ADMIN')`);
      await tx.$executeRawUnsafe(`
        -- Unlimited, so counted in slots like every unlimited coupon (lib/counters.ts).
        INSERT INTO coupons (code, description, value_cents, per_user_limit, counter_mode, created_at)
        SELECT 'LOAD-${tag}-' || lpad(c::text, 4, '0'), 'Load coupon ' || c, 100 + (c % 20) * 50, ${perUserLimit}, 'SLOTS', now() - interval '100 days'
        FROM generate_series(0, ${couponCount - 1}) c`);
      log(`users and coupons: ${users} customers, ${couponCount} coupons`);
      await tx.$executeRawUnsafe(`
        CREATE TEMP TABLE load_users ON COMMIT DROP AS
        SELECT (row_number() OVER (ORDER BY id) - 1)::int AS n, id FROM users WHERE email LIKE 'load-${tag.toLowerCase()}-%'`);
      await tx.$executeRawUnsafe(`
        CREATE TEMP TABLE load_coupons ON COMMIT DROP AS
        SELECT (row_number() OVER (ORDER BY code) - 1)::int AS n, id, code, value_cents FROM coupons WHERE code LIKE 'LOAD-${tag}-%'`);
      await tx.$executeRawUnsafe(`
        CREATE TEMP TABLE load_r ON COMMIT DROP AS
        SELECT gen_random_uuid() AS id, i, c.id AS coupon_id, c.code, u.id AS user_id, c.value_cents AS amount,
               now() - interval '90 days' * (1 - i::float8 / ${n}) - interval '1 minute' AS created_at,
               i % 50 = 49 AS revoked
        FROM generate_series(0, ${n - 1}) i
        JOIN load_coupons c ON c.n = i % ${couponCount}
        JOIN load_users u ON u.n = (i / ${couponCount}) % ${users}`);
      log(`planned ${n} redemptions`);
      await tx.$executeRawUnsafe(`
        INSERT INTO redemptions (id, coupon_id, user_id, amount_cents, status, idempotency_key, created_at, revoked_at, revoked_by_id)
        SELECT id, coupon_id, user_id, amount, CASE WHEN revoked THEN 'REVOKED' ELSE 'ACTIVE' END::"RedemptionStatus",
               'load-${tag}-' || i, created_at,
               CASE WHEN revoked THEN created_at + interval '30 seconds' END,
               CASE WHEN revoked THEN (SELECT id FROM users WHERE email = 'load-admin-${tag.toLowerCase()}@load.once.test') END
        FROM load_r`);
      // Revocations made by the engine are audited by a trigger on UPDATE; these rows are inserted revoked.
      await tx.$executeRawUnsafe(`
        INSERT INTO admin_audit_log (actor_id, action, target_type, target_id, summary, created_at)
        SELECT revoked_by_id, 'REDEMPTION_REVOKED', 'redemption', id::text, 'Revoked a load-test redemption', revoked_at
        FROM redemptions WHERE idempotency_key LIKE 'load-${tag}-%' AND status = 'REVOKED'`);
      log("redemptions inserted");
      await tx.$executeRawUnsafe(`
        -- The fingerprint of {"code": …} as lib/idempotency.ts fingerprint() computes it.
        INSERT INTO idempotency_keys (user_id, scope, idempotency_key, fingerprint, outcome, result_id, created_at)
        SELECT user_id, 'redeem', 'load-${tag}-' || i,
               encode(sha256(convert_to('{"code":' || to_json(code)::text || '}', 'UTF8')), 'hex'),
               'SUCCEEDED', id, created_at
        FROM load_r`);
      // Ledger ids are reserved from the sequence first, so the app may keep writing while this runs.
      await tx.$executeRawUnsafe(`
        CREATE TEMP TABLE load_ids ON COMMIT DROP AS
        SELECT setval(pg_get_serial_sequence('ledger_entries', 'id'),
                      nextval(pg_get_serial_sequence('ledger_entries', 'id')) + ${n + Math.ceil(n / 50)}) - ${n + Math.ceil(n / 50)} AS base`);
      await tx.$executeRawUnsafe(`
        WITH events AS (
          SELECT user_id, amount, 'COUPON_CREDIT' AS kind, id AS redemption_id, created_at AS at, 0 AS ord FROM load_r
          UNION ALL
          SELECT user_id, -amount, 'COUPON_REVOCATION', id, created_at + interval '30 seconds', 1 FROM load_r WHERE revoked
        )
        INSERT INTO ledger_entries (id, user_id, amount_cents, kind, balance_after_cents, redemption_id, created_at)
        SELECT (SELECT base FROM load_ids) + row_number() OVER (ORDER BY at, ord, redemption_id),
               user_id, amount, kind::"LedgerKind",
               sum(amount) OVER (PARTITION BY user_id ORDER BY at, ord, redemption_id), redemption_id, at
        FROM events`);
      log("ledger entries inserted");
      await tx.$executeRawUnsafe(`
        UPDATE users u SET balance_cents = s.total
        FROM (SELECT user_id, sum(amount_cents) AS total FROM ledger_entries WHERE user_id IN (SELECT id FROM load_users) GROUP BY user_id) s
        WHERE u.id = s.user_id`);
      await tx.$executeRawUnsafe(`
        INSERT INTO coupon_usages (coupon_id, user_id, used, per_user_limit, revoked_uses)
        SELECT coupon_id, user_id, count(*) FILTER (WHERE NOT revoked), ${perUserLimit}, count(*) FILTER (WHERE revoked)
        FROM load_r GROUP BY coupon_id, user_id`);
      await tx.$executeRawUnsafe(`
        INSERT INTO coupon_counter_slots (coupon_id, slot, capacity, used, terms_version)
        SELECT c.id, g, NULL, coalesce(s.used, 0) / ${SLOT_COUNT} + (g < coalesce(s.used, 0) % ${SLOT_COUNT})::int, c.terms_version
        FROM load_coupons lc JOIN coupons c ON c.id = lc.id
        CROSS JOIN generate_series(0, ${SLOT_COUNT - 1}) g
        LEFT JOIN (SELECT coupon_id, count(*) FILTER (WHERE NOT revoked)::int AS used FROM load_r GROUP BY coupon_id) s ON s.coupon_id = c.id`);
      log("balances, usages and counts set");
      await tx.$executeRawUnsafe(`
        INSERT INTO redemption_attempts (user_id, coupon_id, code_typed, outcome, idempotency_key, redemption_id, ip, user_agent, created_at)
        SELECT user_id, coupon_id, code, 'REDEEMED', 'load-${tag}-' || i, id,
               '10.' || (i % 250) || '.' || ((i / 250) % 250) || '.' || (i % 7), 'load-seed', created_at
        FROM load_r`);
      await tx.$executeRawUnsafe(`
        INSERT INTO redemption_attempts (user_id, coupon_id, code_typed, outcome, reason, ip, user_agent, created_at)
        SELECT r.user_id, CASE WHEN k = 0 THEN NULL ELSE r.coupon_id END,
               CASE WHEN k = 0 THEN 'GUESS-' || upper(substr(md5(r.i::text), 1, 8)) ELSE r.code END,
               'REFUSED', (ARRAY['${REASONS.join("','")}'])[k + 1], '10.' || (r.i % 250) || '.0.1', 'load-seed', r.created_at + interval '1 second'
        FROM (SELECT *, (i / 10) % ${REASONS.length} AS k FROM load_r WHERE i % 10 = 0) r`);
      log("attempts inserted");
    },
    { timeout: 60 * 60_000, maxWait: 60_000 },
  );
  await db.$executeRawUnsafe("ANALYZE");
  return { tag, redemptions: n, users, coupons: couponCount };
}
