import "server-only";
import { type ExportFilters, exportFilters } from "./filters";
import { z } from "zod";
import { Prisma, type RedemptionStatus } from "@/lib/generated/prisma/client";
import { parseIgnoringInvalid, storableText, calendarDaySchema } from "@/lib/input-rules";
import type { Db } from "@/lib/db/client";
import { formatDecimalCents } from "@/lib/format";
import { type RevokeResult, revokeRedemption } from "@/lib/redemptions";
import type { CsvSource } from "./csv";
import { type Cursor, newerPage, olderPage } from "./keyset";
import { dayRangeConditions } from "./store-days";

/**
 * The redemptions audit table: every redemption across all coupons, newest first, filtered, paged by
 * keyset on (created_at, id). Each filter leads an index that ends in (created_at, id), so the first
 * page and the ten-thousandth cost the same index range scan (see bench:audit and the EXPLAIN test).
 */

/** A partial search: what an admin typed, trimmed, matched anywhere (containsPattern). */
export const searchText = storableText().trim().max(320).default("");

export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, "\\$&")}%`;
}

/**
 * The table's and the export's filters. Strict: the export refuses a query that fails them (400, before
 * streaming anything); the page ignores the fields that fail (`filtersFromSearchParams`).
 */
export const redemptionFiltersSchema = z.object({
  /** Part of a coupon code, any case. */
  code: searchText,
  /** Part of a customer's email, any case. */
  email: searchText,
  status: z.enum(["", "ACTIVE", "REVOKED"]).default(""),
  /** Days on the store's clocks, both inclusive (lib/admin/store-days.ts). */
  from: calendarDaySchema.optional(),
  to: calendarDaySchema.optional(),
  /** Exact: one coupon's or one customer's redemptions (their admin pages). */
  couponId: z.uuid().optional(),
  userId: z.uuid().optional(),
});

export type RedemptionFilters = z.infer<typeof redemptionFiltersSchema>;

export interface RedemptionRow {
  id: string;
  createdAt: Date;
  amountCents: number;
  status: RedemptionStatus;
  revokedAt: Date | null;
  couponId: string;
  code: string;
  userId: string;
  email: string;
}

/**
 * The WHERE of an audit table keyed by (created_at, id) with a coupon, a customer and a status (`alias` is
 * the table's alias in the query, `statusType` its status enum): shared by redemptions and orders. Rows
 * older than `after`, or with `before`, newer than it.
 */
export function auditWhereClause(
  alias: "r" | "o",
  statusType: "RedemptionStatus" | "OrderStatus",
  filters: {
    code: string;
    email: string;
    status: string;
    from?: string;
    to?: string;
    couponId?: string;
    userId?: string;
    /** Orders only: an order number's digits (orderNumberSearch). */
    number?: string;
  },
  after: Cursor | null,
  before: Cursor | null = null,
): Prisma.Sql {
  const t = Prisma.raw(alias);
  const conditions: Prisma.Sql[] = [];
  // The matching coupons and users are looked up first, so the planner sees a list of values for the
  // indexed column (an index scan per value), not a join.
  if (filters.code) {
    conditions.push(
      Prisma.sql`${t}.coupon_id = ANY(ARRAY(SELECT id FROM coupons WHERE code ILIKE ${containsPattern(filters.code)}))`,
    );
  }
  if (filters.email) {
    conditions.push(
      Prisma.sql`${t}.user_id = ANY(ARRAY(SELECT id FROM users WHERE email ILIKE ${containsPattern(filters.email)}))`,
    );
  }
  if (filters.couponId) conditions.push(Prisma.sql`${t}.coupon_id = ${filters.couponId}::uuid`);
  if (filters.userId) conditions.push(Prisma.sql`${t}.user_id = ${filters.userId}::uuid`);
  if (filters.number) conditions.push(Prisma.sql`${t}.number = ${Number(filters.number)}::int`);
  if (filters.status) conditions.push(Prisma.sql`${t}.status = ${filters.status}::${Prisma.raw(`"${statusType}"`)}`);
  conditions.push(...dayRangeConditions(Prisma.sql`${t}.created_at`, filters));
  if (after) conditions.push(Prisma.sql`(${t}.created_at, ${t}.id) < (${after.createdAt}, ${after.id}::uuid)`);
  if (before) conditions.push(Prisma.sql`(${t}.created_at, ${t}.id) > (${before.createdAt}, ${before.id}::uuid)`);
  return conditions.length ? Prisma.sql`WHERE ${Prisma.join(conditions, " AND ")}` : Prisma.empty;
}

/** The rows older than `after`, newest first; or with `before`, the rows newer than it, oldest first. */
export function redemptionsPageSql(
  filters: RedemptionFilters,
  after: Cursor | null,
  limit: number,
  before: Cursor | null = null,
): Prisma.Sql {
  const dir = before ? Prisma.sql`ASC` : Prisma.sql`DESC`;
  return Prisma.sql`
    SELECT r.id, r.created_at AS "createdAt", r.amount_cents AS "amountCents", r.status, r.revoked_at AS "revokedAt",
           r.coupon_id AS "couponId", c.code, r.user_id AS "userId", u.email
    FROM redemptions r
    JOIN coupons c ON c.id = r.coupon_id
    JOIN users u ON u.id = r.user_id
    ${auditWhereClause("r", "RedemptionStatus", filters, after, before)}
    ORDER BY r.created_at ${dir}, r.id ${dir}
    LIMIT ${limit}`;
}

/** How many redemptions the filters match, on every page. */
export async function countRedemptions(db: Db, filters: RedemptionFilters): Promise<number> {
  const [{ total }] = await db.$queryRaw<[{ total: number }]>`
    SELECT count(*)::int AS total FROM redemptions r ${auditWhereClause("r", "RedemptionStatus", filters, null)}`;
  return total;
}

export interface RedemptionPage {
  rows: RedemptionRow[];
  next: Cursor | null;
}

export async function listRedemptions(
  db: Db,
  filters: RedemptionFilters,
  after: Cursor | null,
  limit = 50,
): Promise<RedemptionPage> {
  return olderPage(await db.$queryRaw<RedemptionRow[]>(redemptionsPageSql(filters, after, limit + 1)), limit);
}

/**
 * The page just newer than `before` (the first row of the page a "Newer" link is on), newest first, and
 * whether there are newer rows still: read oldest first from the cursor, then turned around.
 */
export async function listNewerRedemptions(
  db: Db,
  filters: RedemptionFilters,
  before: Cursor,
  limit = 50,
): Promise<{ rows: RedemptionRow[]; newer: boolean }> {
  return newerPage(await db.$queryRaw<RedemptionRow[]>(redemptionsPageSql(filters, null, limit + 1, before)), limit);
}

export const EXPORT_PAGE_SIZE = 2_000;

/** The same filters as the table, streamed in keyset pages. */
export function redemptionsCsv(db: Db, filters: RedemptionFilters): CsvSource<RedemptionRow, Cursor> {
  return {
    header: ["redeemed_at_utc", "redemption_id", "coupon_code", "customer_email", "amount", "status", "revoked_at_utc"],
    page: (after) => listRedemptions(db, filters, after, EXPORT_PAGE_SIZE),
    cells: (r) => [
      r.createdAt.toISOString(),
      r.id,
      r.code,
      r.email,
      formatDecimalCents(r.amountCents),
      r.status,
      r.revokedAt?.toISOString() ?? "",
    ],
  };
}

export type SearchParams = Record<string, string | string[] | undefined> | URLSearchParams;

/** One value of a query-string parameter, from a page's searchParams or a route's URL. */
export function searchParam(params: SearchParams, key: string): string | undefined {
  const value = params instanceof URLSearchParams ? params.get(key) : params[key];
  return Array.isArray(value) ? value[0] : (value ?? undefined);
}

/** The audit tables' filter fields as the query string has them (redemptions and orders). */
export function auditFilterFields(params: SearchParams): Record<string, string | undefined> {
  const fields = ["code", "email", "status", "from", "to", "couponId", "userId"] as const;
  return Object.fromEntries(fields.map((field) => [field, searchParam(params, field)]));
}

/** For the page: a filter that fails its rule is ignored. */
export function filtersFromSearchParams(params: SearchParams): RedemptionFilters {
  return parseIgnoringInvalid(redemptionFiltersSchema, auditFilterFields(params));
}

/** For the export: the filters, or which one is wrong, decided before anything is streamed. */
export function redemptionExportFilters(params: SearchParams): ExportFilters<RedemptionFilters> {
  return exportFilters(redemptionFiltersSchema.safeParse(auditFilterFields(params)));
}

/**
 * Revokes through the engine (count and usage given back, credit debited, ledger entry). Its audit entry
 * is written by the redemptions_audit_revocation trigger inside the engine's transaction, with this
 * admin as the actor, so the revocation and its entry commit together.
 */
export function adminRevoke(db: Db, actorId: string, redemptionId: string): Promise<RevokeResult> {
  return revokeRedemption(db, { redemptionId, revokedById: actorId });
}
