import "server-only";
import { z } from "zod";
import { type Coupon, CouponStatus, Prisma } from "@/lib/generated/prisma/client";
import type { Db } from "@/lib/db/client";
import { storableText } from "@/lib/input-rules";

/** The admin's coupon list: filters, sorts and pages, with each coupon's uses wherever they are counted. */

export const couponListQuerySchema = z.object({
  q: storableText().trim().max(64).catch(""),
  status: z.union([z.literal("all"), z.enum(CouponStatus)]).catch("all"),
  window: z.enum(["all", "active", "upcoming", "expired"]).catch("all"),
  exhausted: z.enum(["all", "yes", "no"]).catch("all"),
  batch: z.uuid().optional().catch(undefined),
  sort: z.enum(["created", "code", "value", "redeemed", "expires"]).catch("created"),
  dir: z.enum(["asc", "desc"]).catch("desc"),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});

export type CouponListQuery = z.infer<typeof couponListQuerySchema>;

export const COUPONS_PER_PAGE = 25;

/** A page of the list; each coupon's redeemedCount is its total uses, wherever they are counted. */
export interface CouponListPage {
  coupons: Coupon[];
  total: number;
  page: number;
  pageCount: number;
}

const SORT_COLUMNS = {
  created: Prisma.sql`c.created_at`,
  code: Prisma.sql`c.code`,
  value: Prisma.sql`c.value_cents`,
  // Uses are counted on the row or in hot-coupon slots; the list shows and sorts by their sum.
  redeemed: Prisma.sql`r.redeemed`,
  expires: Prisma.sql`c.expires_at`,
} as const;

/**
 * One page of coupons. Written in SQL because the redeemed count it filters and sorts by is a sum
 * over slot rows for hot coupons, which Prisma's orderBy cannot express.
 */
export async function listCoupons(db: Db, query: CouponListQuery, now = new Date()): Promise<CouponListPage> {
  const where: Prisma.Sql[] = [Prisma.sql`TRUE`];
  if (query.q) {
    const pattern = `%${query.q.replace(/[\\%_]/g, "\\$&")}%`;
    where.push(Prisma.sql`(c.code ILIKE ${pattern} OR c.description ILIKE ${pattern})`);
  }
  if (query.status !== "all") where.push(Prisma.sql`c.status = ${query.status}::"CouponStatus"`);
  if (query.batch) where.push(Prisma.sql`c.batch_id = ${query.batch}::uuid`);
  if (query.window === "upcoming") where.push(Prisma.sql`c.starts_at > ${now}`);
  if (query.window === "expired") where.push(Prisma.sql`c.expires_at <= ${now}`);
  if (query.window === "active")
    where.push(
      Prisma.sql`(c.starts_at IS NULL OR c.starts_at <= ${now}) AND (c.expires_at IS NULL OR c.expires_at > ${now})`,
    );
  const exhausted = Prisma.sql`(c.max_redemptions IS NOT NULL AND r.redeemed >= c.max_redemptions)`;
  if (query.exhausted === "yes") where.push(exhausted);
  if (query.exhausted === "no") where.push(Prisma.sql`NOT ${exhausted}`);

  const from = Prisma.sql`
    FROM coupons c
    CROSS JOIN LATERAL (
      SELECT c.redeemed_count + COALESCE((SELECT sum(s.used) FROM coupon_counter_slots s WHERE s.coupon_id = c.id), 0)::int AS redeemed
    ) r
    WHERE ${Prisma.join(where, " AND ")}`;
  const [{ total }] = await db.$queryRaw<[{ total: number }]>`SELECT count(*)::int AS total ${from}`;
  const pageCount = Math.max(1, Math.ceil(total / COUPONS_PER_PAGE));
  const page = Math.min(query.page, pageCount);
  const dir = query.dir === "asc" ? Prisma.sql`ASC` : Prisma.sql`DESC`;
  // The id breaks ties, so a page boundary never shows a row twice or skips one. Only the expiry can be
  // empty; "never expires" sorts after every date either way.
  const rows = await db.$queryRaw<{ id: string; redeemed: number }[]>`
    SELECT c.id, r.redeemed ${from}
    ORDER BY ${SORT_COLUMNS[query.sort]} ${dir} NULLS LAST, c.id ${dir}
    LIMIT ${COUPONS_PER_PAGE} OFFSET ${(page - 1) * COUPONS_PER_PAGE}`;
  const byId = new Map(
    (await db.coupon.findMany({ where: { id: { in: rows.map((r) => r.id) } } })).map((c) => [c.id, c]),
  );
  const coupons = rows.flatMap((row) => {
    const coupon = byId.get(row.id);
    return coupon ? [{ ...coupon, redeemedCount: row.redeemed }] : [];
  });
  return { coupons, total, page, pageCount };
}
