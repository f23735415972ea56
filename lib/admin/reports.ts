import "server-only";
import { z } from "zod";
import { type AttemptOutcome, type AttemptSource, Prisma } from "@/lib/generated/prisma/client";
import { refusalLabel } from "@/lib/refusals";
import type { Db } from "@/lib/db/client";
import { bigintIdSchema, parseIgnoringInvalid, storableText } from "@/lib/input-rules";
import { type ExportFilters, exportFilters } from "./filters";
import type { CsvSource } from "./csv";
import { containsPattern, searchText } from "./redemptions";
import { storeDayStart, storeToday } from "./store-days";

/** Read-only figures for the overview, the coupon detail page and the attempts view. */

const DAY = 86_400_000;

export interface Totals {
  redemptions: number;
  revoked: number;
  creditCents: number;
}

export interface Overview {
  today: Totals;
  week: Totals;
  month: Totals;
  topCoupons: { id: string; code: string; redemptions: number; creditCents: number }[];
  refusals: { reason: string; count: number }[];
  outstandingCreditCents: number;
  /** Redemptions per store day over the last 30 days, for the trend chart. */
  daily: DailyCount[];
}

/** Today = since 00:00 on the store's clocks; 7 and 30 days are rolling windows ending now. */
export async function overview(db: Db, now = new Date()): Promise<Overview> {
  const today = storeDayStart(storeToday(now));
  const week = new Date(now.getTime() - 7 * DAY);
  const month = new Date(now.getTime() - 30 * DAY);
  const [totals] = await db.$queryRaw<Record<string, number>[]>`
    SELECT count(*) FILTER (WHERE created_at >= ${today})::int AS today_n,
           count(*) FILTER (WHERE created_at >= ${today} AND status = 'REVOKED')::int AS today_revoked,
           coalesce(sum(amount_cents) FILTER (WHERE created_at >= ${today} AND status = 'ACTIVE'), 0)::bigint::float8 AS today_credit,
           count(*) FILTER (WHERE created_at >= ${week})::int AS week_n,
           count(*) FILTER (WHERE created_at >= ${week} AND status = 'REVOKED')::int AS week_revoked,
           coalesce(sum(amount_cents) FILTER (WHERE created_at >= ${week} AND status = 'ACTIVE'), 0)::bigint::float8 AS week_credit,
           count(*)::int AS month_n,
           count(*) FILTER (WHERE status = 'REVOKED')::int AS month_revoked,
           coalesce(sum(amount_cents) FILTER (WHERE status = 'ACTIVE'), 0)::bigint::float8 AS month_credit
    FROM redemptions WHERE created_at >= ${month}`;
  const t = totals!;
  const topCoupons = await db.$queryRaw<Overview["topCoupons"]>`
    SELECT c.id, c.code, top.n AS redemptions, top.credit AS "creditCents"
    FROM (SELECT coupon_id, count(*)::int AS n, sum(amount_cents)::bigint::float8 AS credit
          FROM redemptions WHERE created_at >= ${month} AND status = 'ACTIVE'
          GROUP BY coupon_id ORDER BY n DESC LIMIT 5) top
    JOIN coupons c ON c.id = top.coupon_id ORDER BY top.n DESC, c.code`;
  const refusals = await db.$queryRaw<Overview["refusals"]>`
    SELECT reason, count(*)::int AS count FROM redemption_attempts
    WHERE created_at >= ${month} AND outcome = 'REFUSED' GROUP BY reason ORDER BY count DESC`;
  const [outstanding] = await db.$queryRaw<
    { cents: number }[]
  >`SELECT coalesce(sum(balance_cents), 0)::bigint::float8 AS cents FROM users`;
  return {
    today: { redemptions: t.today_n!, revoked: t.today_revoked!, creditCents: t.today_credit! },
    week: { redemptions: t.week_n!, revoked: t.week_revoked!, creditCents: t.week_credit! },
    month: { redemptions: t.month_n!, revoked: t.month_revoked!, creditCents: t.month_credit! },
    topCoupons,
    refusals,
    outstandingCreditCents: outstanding!.cents,
    daily: await redemptionsPerDay(db, { now }),
  };
}

export interface DailyCount {
  day: string;
  count: number;
}

/**
 * Redemptions (revoked ones included) per store day over the last `days` days, oldest first,
 * zero-filled: one index range per day, from its midnight to the next on the store's clocks (a day
 * with a clock change has 23 or 25 hours).
 */
export async function redemptionsPerDay(
  db: Db,
  { couponId, days = 30, now = new Date() }: { couponId?: string; days?: number; now?: Date },
): Promise<DailyCount[]> {
  const ofCoupon = couponId ? Prisma.sql`AND r.coupon_id = ${couponId}::uuid` : Prisma.empty;
  return db.$queryRaw<DailyCount[]>`
    SELECT to_char(d.day, 'YYYY-MM-DD') AS day, count(r.id)::int AS count
    FROM (SELECT ${storeToday(now)} - n AS day FROM generate_series(0, ${days - 1}::int) AS n) d
    LEFT JOIN redemptions r
      ON r.created_at >= ${storeDayStart(Prisma.sql`d.day`)} AND r.created_at < ${storeDayStart(Prisma.sql`d.day + 1`)} ${ofCoupon}
    GROUP BY d.day ORDER BY d.day`;
}

// ---------------------------------------------------------------------------------------------
// Coupon detail

export interface CouponActivity {
  refusals: { reason: string; count: number }[];
  /** Redemptions per store day over the last `days` days, oldest first, zero-filled. */
  daily: DailyCount[];
}

export async function couponActivity(db: Db, couponId: string, days = 30, now = new Date()): Promise<CouponActivity> {
  const refusals = await db.$queryRaw<CouponActivity["refusals"]>`
    SELECT reason, count(*)::int AS count FROM redemption_attempts
    WHERE coupon_id = ${couponId}::uuid AND outcome = 'REFUSED' GROUP BY reason ORDER BY count DESC`;
  return { refusals, daily: await redemptionsPerDay(db, { couponId, days, now }) };
}

// ---------------------------------------------------------------------------------------------
// Attempts

/** Strict: the export refuses a wrong filter (lib/admin/filters.ts); the page ignores it (attemptFilters). */
export const attemptFiltersSchema = z.object({
  reason: z
    .string()
    .trim()
    .max(64)
    .regex(/^[a-z_]*$/, "Not a refusal reason.")
    .default(""),
  ip: storableText().trim().max(64).default(""),
  /** Part of a customer's email, any case. */
  email: searchText.default(""),
  /** Part of the code typed, any case. */
  code: searchText.default(""),
  /** Exact: one customer's attempts (their admin page). */
  userId: z.uuid().optional(),
  outcome: z.enum(["REFUSED", "ALL"]).default("REFUSED"),
  before: bigintIdSchema.optional(),
});

/** For the page: a filter that fails its rule is ignored. */
export function attemptFilters(params: Record<string, unknown>): AttemptFilters {
  return parseIgnoringInvalid(attemptFiltersSchema, params);
}

/** For the export: the filters, or which one is wrong, decided before anything is streamed. */
export function attemptExportFilters(params: URLSearchParams): ExportFilters<AttemptFilters> {
  return exportFilters(attemptFiltersSchema.safeParse(Object.fromEntries(params)));
}

export type AttemptFilters = z.infer<typeof attemptFiltersSchema>;

export interface AttemptRow {
  id: string;
  createdAt: Date;
  outcome: AttemptOutcome;
  source: AttemptSource;
  reason: string | null;
  codeTyped: string;
  replayed: boolean;
  userId: string | null;
  email: string | null;
  ip: string | null;
  userAgent: string | null;
}

function attemptsWhere(filters: AttemptFilters): Prisma.Sql {
  const conditions: Prisma.Sql[] = [];
  if (filters.outcome === "REFUSED") conditions.push(Prisma.sql`a.outcome = 'REFUSED'`);
  if (filters.reason) conditions.push(Prisma.sql`a.reason = ${filters.reason}`);
  if (filters.ip) conditions.push(Prisma.sql`a.ip = ${filters.ip}`);
  if (filters.email) {
    conditions.push(
      Prisma.sql`a.user_id = ANY(ARRAY(SELECT id FROM users WHERE email ILIKE ${containsPattern(filters.email)}))`,
    );
  }
  if (filters.code) conditions.push(Prisma.sql`a.code_typed ILIKE ${containsPattern(filters.code)}`);
  if (filters.userId) conditions.push(Prisma.sql`a.user_id = ${filters.userId}::uuid`);
  if (filters.before) conditions.push(Prisma.sql`a.id < ${BigInt(filters.before)}`);
  return conditions.length ? Prisma.sql`WHERE ${Prisma.join(conditions, " AND ")}` : Prisma.empty;
}

/** How many attempts the filters match, on every page. */
export async function countAttempts(db: Db, filters: AttemptFilters): Promise<number> {
  const [{ total }] = await db.$queryRaw<[{ total: number }]>`
    SELECT count(*)::int AS total FROM redemption_attempts a ${attemptsWhere({ ...filters, before: undefined })}`;
  return total;
}

/** Newest first, by id (the sequence follows insertion), so paging is a primary-key range scan. */
export async function listAttempts(
  db: Db,
  filters: AttemptFilters,
  limit = 50,
): Promise<{ rows: AttemptRow[]; nextBefore: string | null }> {
  const where = attemptsWhere(filters);
  const rows = await db.$queryRaw<(Omit<AttemptRow, "id"> & { id: bigint })[]>`
    SELECT a.id, a.created_at AS "createdAt", a.outcome, a.source, a.reason, a.code_typed AS "codeTyped", a.replayed,
           a.user_id AS "userId", u.email, a.ip, a.user_agent AS "userAgent"
    FROM redemption_attempts a LEFT JOIN users u ON u.id = a.user_id
    ${where} ORDER BY a.id DESC LIMIT ${limit + 1}`;
  const page = rows.slice(0, limit).map((r) => ({ ...r, id: r.id.toString() }));
  return { rows: page, nextBefore: rows.length > limit ? page.at(-1)!.id : null };
}

export const ATTEMPT_EXPORT_PAGE_SIZE = 2_000;

/** The attempts table as CSV: the same filters, newest first, streamed in keyset pages on the id. */
export function attemptsCsv(db: Db, filters: AttemptFilters): CsvSource<AttemptRow, string> {
  return {
    header: [
      "attempted_at_utc",
      "outcome",
      "source",
      "reason",
      "reason_label",
      "code_typed",
      "replayed",
      "customer_email",
      "ip",
      "user_agent",
    ],
    async page(before) {
      const { rows, nextBefore } = await listAttempts(
        db,
        { ...filters, before: before ?? filters.before },
        ATTEMPT_EXPORT_PAGE_SIZE,
      );
      return { rows, next: nextBefore };
    },
    cells: (a) => [
      a.createdAt.toISOString(),
      a.outcome,
      a.source,
      a.reason,
      a.reason ? refusalLabel(a.reason) : "",
      a.codeTyped,
      a.replayed ? "yes" : "no",
      a.email,
      a.ip,
      a.userAgent,
    ],
  };
}

export const SUSPICION = {
  windowMinutes: 60,
  /** Refusals by one user or one IP within the window. */
  failures: 10,
  /** Codes that do not exist, tried by one user or one IP within the window: guessing. */
  unknownCodes: 5,
} as const;

export interface Suspect {
  kind: "user" | "ip";
  key: string;
  label: string;
  failures: number;
  unknownCodes: number;
  lastAt: Date;
  guessing: boolean;
}

/** Users and IPs whose recent refusals look like abuse: many failures, or many codes that do not exist. */
export async function suspiciousActivity(db: Db, now = new Date()): Promise<Suspect[]> {
  const since = new Date(now.getTime() - SUSPICION.windowMinutes * 60_000);
  const rows = await db.$queryRaw<Omit<Suspect, "guessing">[]>`
    WITH recent AS (
      SELECT user_id, ip, reason, created_at FROM redemption_attempts WHERE created_at >= ${since} AND outcome = 'REFUSED'
    )
    SELECT 'user' AS kind, r.user_id::text AS key, coalesce(u.email, r.user_id::text) AS label, count(*)::int AS failures,
           count(*) FILTER (WHERE r.reason IN ('unknown_code', 'invalid_code'))::int AS "unknownCodes", max(r.created_at) AS "lastAt"
    FROM recent r LEFT JOIN users u ON u.id = r.user_id WHERE r.user_id IS NOT NULL GROUP BY r.user_id, u.email
    HAVING count(*) >= ${SUSPICION.failures} OR count(*) FILTER (WHERE r.reason IN ('unknown_code', 'invalid_code')) >= ${SUSPICION.unknownCodes}
    UNION ALL
    SELECT 'ip', ip, ip, count(*)::int, count(*) FILTER (WHERE reason IN ('unknown_code', 'invalid_code'))::int, max(created_at)
    FROM recent WHERE ip IS NOT NULL GROUP BY ip
    HAVING count(*) >= ${SUSPICION.failures} OR count(*) FILTER (WHERE reason IN ('unknown_code', 'invalid_code')) >= ${SUSPICION.unknownCodes}
    ORDER BY failures DESC LIMIT 50`;
  return rows.map((r) => ({ ...r, guessing: r.unknownCodes >= SUSPICION.unknownCodes }));
}
