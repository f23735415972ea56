import "server-only";
import { z } from "zod";
import { Prisma, type RedemptionStatus } from "@/lib/generated/prisma/client";
import { normalizeCode } from "@/lib/codes";
import type { Db } from "@/lib/db/client";
import { formatDecimalCents } from "@/lib/format";
import { type RevokeResult, revokeRedemption } from "@/lib/redemptions";
import type { CsvSource } from "./csv";

/**
 * The redemptions audit table: every redemption across all coupons, newest first, filtered, paged by
 * keyset on (created_at, id). Each filter leads an index that ends in (created_at, id), so the first
 * page and the ten-thousandth cost the same index range scan (see bench:audit and the EXPLAIN test).
 */

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((d) => !Number.isNaN(new Date(`${d}T00:00:00Z`).getTime()));

export const redemptionFiltersSchema = z.object({
  code: z
    .string()
    .max(256)
    .transform((raw) => {
      const check = normalizeCode(raw);
      // Something that cannot be a code still filters (to nothing) rather than silently showing everything.
      return check.ok ? check.code : raw.trim().toUpperCase();
    })
    .catch(""),
  email: z.string().trim().toLowerCase().max(320).catch(""),
  status: z.enum(["", "ACTIVE", "REVOKED"]).catch(""),
  /** UTC days, both inclusive. */
  from: day.optional().catch(undefined),
  to: day.optional().catch(undefined),
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

export interface Cursor {
  createdAt: Date;
  id: string;
}

/** Opaque in URLs; a tampered cursor is simply ignored (first page). */
export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(`${cursor.createdAt.toISOString()}|${cursor.id}`).toString("base64url");
}

export function decodeCursor(raw: unknown): Cursor | null {
  if (typeof raw !== "string" || raw.length > 200) return null;
  const [at, id] = Buffer.from(raw, "base64url").toString().split("|");
  const createdAt = new Date(at ?? "");
  if (Number.isNaN(createdAt.getTime()) || !z.uuid().safeParse(id).success) return null;
  return { createdAt, id: id! };
}

/**
 * The WHERE of an audit table keyed by (created_at, id) with a coupon, a customer and a status (`alias` is
 * the table's alias in the query, `statusType` its status enum): shared by redemptions and orders.
 */
export function auditWhereClause(
  alias: "r" | "o",
  statusType: "RedemptionStatus" | "OrderStatus",
  filters: { code: string; email: string; status: string; from?: string; to?: string },
  after: Cursor | null,
): Prisma.Sql {
  const t = Prisma.raw(alias);
  const conditions: Prisma.Sql[] = [];
  // Looked up first, so the planner sees an equality on the indexed column, not a join.
  if (filters.code) conditions.push(Prisma.sql`${t}.coupon_id = (SELECT id FROM coupons WHERE code = ${filters.code})`);
  if (filters.email) conditions.push(Prisma.sql`${t}.user_id = (SELECT id FROM users WHERE email = ${filters.email})`);
  if (filters.status) conditions.push(Prisma.sql`${t}.status = ${filters.status}::${Prisma.raw(`"${statusType}"`)}`);
  if (filters.from) conditions.push(Prisma.sql`${t}.created_at >= ${new Date(`${filters.from}T00:00:00Z`)}`);
  if (filters.to)
    conditions.push(
      Prisma.sql`${t}.created_at < ${new Date(new Date(`${filters.to}T00:00:00Z`).getTime() + 86_400_000)}`,
    );
  if (after) conditions.push(Prisma.sql`(${t}.created_at, ${t}.id) < (${after.createdAt}, ${after.id}::uuid)`);
  return conditions.length ? Prisma.sql`WHERE ${Prisma.join(conditions, " AND ")}` : Prisma.empty;
}

export function redemptionsPageSql(filters: RedemptionFilters, after: Cursor | null, limit: number): Prisma.Sql {
  return Prisma.sql`
    SELECT r.id, r.created_at AS "createdAt", r.amount_cents AS "amountCents", r.status, r.revoked_at AS "revokedAt",
           r.coupon_id AS "couponId", c.code, r.user_id AS "userId", u.email
    FROM redemptions r
    JOIN coupons c ON c.id = r.coupon_id
    JOIN users u ON u.id = r.user_id
    ${auditWhereClause("r", "RedemptionStatus", filters, after)}
    ORDER BY r.created_at DESC, r.id DESC
    LIMIT ${limit}`;
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
  // One extra row says whether there is a next page without counting a million rows.
  const rows = await db.$queryRaw<RedemptionRow[]>(redemptionsPageSql(filters, after, limit + 1));
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { rows: page, next: rows.length > limit && last ? { createdAt: last.createdAt, id: last.id } : null };
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

export function filtersFromSearchParams(params: SearchParams): RedemptionFilters {
  const get = (key: string) => searchParam(params, key);
  return redemptionFiltersSchema.parse({
    code: get("code") ?? "",
    email: get("email") ?? "",
    status: get("status") ?? "",
    from: get("from"),
    to: get("to"),
  });
}

/**
 * Revokes through the engine (count and usage given back, credit debited, ledger entry). Its audit entry
 * is written by the redemptions_audit_revocation trigger inside the engine's transaction, with this
 * admin as the actor, so the revocation and its entry commit together.
 */
export function adminRevoke(db: Db, actorId: string, redemptionId: string): Promise<RevokeResult> {
  return revokeRedemption(db, { redemptionId, revokedById: actorId });
}
