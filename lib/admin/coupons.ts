import "server-only";
import { z } from "zod";
import { type Coupon, Prisma } from "@/lib/generated/prisma/client";
import { type NewCoupon, createCoupon, newCouponSchema, setCouponStatus } from "@/lib/coupons";
import type { Db } from "@/lib/db/client";
import { isCheckViolation } from "@/lib/db/errors";
import { Rollback, runTransaction, type Tx } from "@/lib/db/transaction";
import { type CounterChoice, counterModeFor } from "@/lib/coupon-terms";
import { redeemedTotals, relayCounters } from "@/lib/counters";
import { recordAdminChange } from "./audit-log";
import { randomCode } from "./code-generator";

/** Coupon administration: the list, and create / edit / disable / enable, each audited in its own transaction. */

// ---------------------------------------------------------------------------------------------
// List

export const couponListQuerySchema = z.object({
  q: z.string().trim().max(64).catch(""),
  status: z.enum(["all", "ACTIVE", "DISABLED"]).catch("all"),
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

// ---------------------------------------------------------------------------------------------
// Create

export type IssueList = { path: string; message: string }[];

export type AdminCreateResult =
  | { ok: true; coupon: Coupon }
  | { ok: false; reason: "invalid"; issues: IssueList }
  | { ok: false; reason: "duplicate_code"; code: string }
  | { ok: false; reason: "busy" };

/** `input.code` null means "generate one". */
export async function adminCreateCoupon(
  db: Db,
  actorId: string,
  input: Omit<NewCoupon, "code"> & { code: string | null },
): Promise<AdminCreateResult> {
  const parsed = newCouponSchema.safeParse({ ...input, code: input.code ?? randomCode("PROMO") });
  if (!parsed.success) {
    return {
      ok: false,
      reason: "invalid",
      issues: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
    };
  }
  const outcome = await runTransaction<Coupon, "duplicate_code">(db, async (tx) => {
    const created = await createCoupon(tx, parsed.data);
    if (!created.ok) throw new Rollback("duplicate_code");
    await recordAdminChange(tx, actorId, {
      action: "COUPON_CREATED",
      targetType: "coupon",
      targetId: created.coupon.id,
      summary: `Created ${created.coupon.code}`,
      after: couponTerms(created.coupon),
    });
    return created.coupon;
  });
  switch (outcome.kind) {
    case "committed":
      return { ok: true, coupon: outcome.value };
    case "rolled_back":
      return { ok: false, reason: "duplicate_code", code: parsed.data.code };
    case "busy":
      return { ok: false, reason: "busy" };
  }
}

// ---------------------------------------------------------------------------------------------
// Edit

export interface CouponTerms {
  /** Where uses are counted; AUTO decides from the limit (lib/counters.ts), absent keeps the current counter. */
  counter?: CounterChoice;
  description: string;
  valueCents: number;
  maxRedemptions: number | null;
  perUserLimit: number;
  startsAt: Date | null;
  expiresAt: Date | null;
}

// The domain's own field rules minus code and status (zod refuses .omit on a refined schema, so the
// window rule is restated on the rebuilt object).
const termsSchema = z
  .object(newCouponSchema.shape)
  .omit({ code: true, status: true })
  .extend({ counter: z.enum(["AUTO", "SINGLE_ROW", "SLOTS"]).optional() })
  .refine((c) => !c.startsAt || !c.expiresAt || c.startsAt < c.expiresAt, {
    message: "The coupon must start before it expires.",
    path: ["expiresAt"],
  });

export type AdminUpdateResult =
  | { ok: true; coupon: Coupon; changed: boolean }
  | { ok: false; reason: "invalid"; issues: IssueList }
  | { ok: false; reason: "not_found" }
  /** The new maximum is below what has already been redeemed (possibly by redemptions that raced in). */
  | { ok: false; reason: "below_redeemed"; redeemedCount: number }
  | { ok: false; reason: "busy" };

type UpdateRefusal = "not_found" | "below_redeemed";

/**
 * Changes a coupon's terms. On the coupon row the maximum is guarded by the UPDATE itself
 * (`redeemed_count <= new max` in its WHERE), so a redemption committing at the same moment can never
 * leave the coupon over its limit; CHECK coupons_redeemed_within_max is the second line. In hot-coupon
 * mode relayCounters re-lays the slots under the locks this UPDATE's trigger took, and refuses a max
 * below the uses taken. Every other term may change freely: a redemption that judged the old terms
 * finds its guarded UPDATE's terms version no longer matches and retries.
 */
export async function adminUpdateCoupon(
  db: Db,
  actorId: string,
  couponId: string,
  terms: CouponTerms,
): Promise<AdminUpdateResult> {
  const parsed = termsSchema.safeParse(terms);
  if (!parsed.success) {
    return {
      ok: false,
      reason: "invalid",
      issues: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
    };
  }
  if (!z.uuid().safeParse(couponId).success) return { ok: false, reason: "not_found" };
  const { counter, ...next } = parsed.data;
  const outcome = await runTransaction<{ coupon: Coupon; changed: boolean }, UpdateRefusal>(db, async (tx) => {
    const before = await lockCoupon(tx, couponId);
    if (!before) throw new Rollback("not_found");
    const counterMode = counterModeFor(next.maxRedemptions, counter ?? before.counterMode);
    const [after] = await tx.coupon.updateManyAndReturn({
      where: {
        id: couponId,
        ...(next.maxRedemptions === null ? {} : { redeemedCount: { lte: next.maxRedemptions } }),
      },
      // A coupon moving to slots takes its row count with it (relayCounters, below).
      data: { ...next, counterMode, ...(counterMode === "SLOTS" ? { redeemedCount: 0 } : {}) },
    });
    if (!after || !(await relayCounters(tx, before, after))) throw new Rollback("below_redeemed");
    const changed = JSON.stringify(couponTerms(before)) !== JSON.stringify(couponTerms(after));
    if (changed) {
      await recordAdminChange(tx, actorId, {
        action: "COUPON_UPDATED",
        targetType: "coupon",
        targetId: couponId,
        summary: `Edited ${after.code}`,
        before: couponTerms(before),
        after: couponTerms(after),
      });
    }
    return { coupon: after, changed };
  }).catch((error: unknown) => {
    // Only reachable if the guard above were wrong: the CHECK still refuses, and it is still the admin's race to lose.
    if (isCheckViolation(error)) return { kind: "rolled_back" as const, reason: "below_redeemed" as const };
    throw error;
  });
  switch (outcome.kind) {
    case "committed":
      return { ok: true, ...outcome.value };
    case "busy":
      return { ok: false, reason: "busy" };
    case "rolled_back":
      if (outcome.reason === "not_found") return { ok: false, reason: "not_found" };
      return { ok: false, reason: "below_redeemed", redeemedCount: await redeemedTotal(db, couponId) };
  }
}

/**
 * Locks the coupon row for the rest of the transaction and reads it, so the audit entry's "before" is
 * exactly what this change replaced. The limit itself is never decided from this read.
 *
 * FOR NO KEY UPDATE is the lock the UPDATE itself would take. FOR UPDATE would also wait for the KEY
 * SHARE locks that every in-flight redemption's foreign keys hold on this row, and under a steady
 * stream of redemptions it could wait for as long as the stream lasts.
 */
async function lockCoupon(tx: Tx, couponId: string): Promise<Coupon | null> {
  const locked = await tx.$queryRaw<
    { id: string }[]
  >`SELECT id FROM coupons WHERE id = ${couponId}::uuid FOR NO KEY UPDATE`;
  return locked.length ? tx.coupon.findUnique({ where: { id: couponId } }) : null;
}

function couponTerms(coupon: Coupon) {
  const { code, status, counterMode, description, valueCents, maxRedemptions, perUserLimit, startsAt, expiresAt } =
    coupon;
  return { code, status, counterMode, description, valueCents, maxRedemptions, perUserLimit, startsAt, expiresAt };
}

async function redeemedTotal(db: Db, couponId: string): Promise<number> {
  const coupon = await db.coupon.findUnique({ where: { id: couponId } });
  return coupon ? ((await redeemedTotals(db, [coupon])).get(couponId) ?? 0) : 0;
}

// ---------------------------------------------------------------------------------------------
// Disable / enable

export type AdminStatusResult =
  { ok: true; coupon: Coupon; changed: boolean } | { ok: false; reason: "not_found" | "busy" };

/** Ordered against in-flight redemptions by setCouponStatus, so no redemption commits after a disable commits. */
export async function adminSetCouponStatus(
  db: Db,
  actorId: string,
  couponId: string,
  status: Coupon["status"],
): Promise<AdminStatusResult> {
  if (!z.uuid().safeParse(couponId).success) return { ok: false, reason: "not_found" };
  const outcome = await runTransaction<{ coupon: Coupon; changed: boolean }, "not_found">(db, async (tx) => {
    const before = await lockCoupon(tx, couponId);
    if (!before) throw new Rollback("not_found");
    const result = await setCouponStatus(tx, couponId, status);
    if (!result.ok) throw new Rollback("not_found");
    const changed = before.status !== status;
    if (changed) {
      await recordAdminChange(tx, actorId, {
        action: status === "DISABLED" ? "COUPON_DISABLED" : "COUPON_ENABLED",
        targetType: "coupon",
        targetId: couponId,
        summary: `${status === "DISABLED" ? "Disabled" : "Enabled"} ${before.code}`,
        before: { status: before.status },
        after: { status },
      });
    }
    return { coupon: result.coupon, changed };
  });
  switch (outcome.kind) {
    case "committed":
      return { ok: true, ...outcome.value };
    case "rolled_back":
      return { ok: false, reason: "not_found" };
    case "busy":
      return { ok: false, reason: "busy" };
  }
}
