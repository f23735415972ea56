import "server-only";
import type { Coupon, Prisma } from "@/lib/generated/prisma/client";
import { counterModeFor, type IssueList, type NewCoupon, newCouponSchema, parseTerms } from "./coupon-terms";
import { slotRows } from "./counters";
import type { Db } from "./db/client";
import { isUniqueViolation } from "./db/errors";
import type { Tx } from "./db/transaction";

/** Creating a coupon takes its terms as lib/coupon-terms.ts defines them. */
export type { NewCoupon };

export type CreateCouponResult =
  | { ok: true; coupon: Coupon }
  | { ok: false; reason: "invalid"; issues: IssueList }
  | { ok: false; reason: "duplicate_code"; code: string };

export async function createCoupon(db: Db | Tx, input: NewCoupon): Promise<CreateCouponResult> {
  const parsed = parseTerms(newCouponSchema, input);
  if (!parsed.ok) return parsed;
  const { counter, productIds, ...fields } = parsed.data;
  const counterMode = counterModeFor(fields.maxRedemptions, counter);
  const terms = { ...fields, counterMode, termsVersion: 1 };
  const counterSlots = counterMode === "SLOTS" ? { createMany: { data: slotRows(terms) } } : undefined;
  const products =
    productIds.length > 0 ? { createMany: { data: productIds.map((productId) => ({ productId })) } } : undefined;
  try {
    const coupon = await db.coupon.create({ data: { ...terms, counterSlots, products } });
    // Listing the products bumped the version (trigger); the coupon returned carries the version stored.
    return { ok: true, coupon: products ? await db.coupon.findUniqueOrThrow({ where: { id: coupon.id } }) : coupon };
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, reason: "duplicate_code", code: parsed.data.code };
    throw error;
  }
}

export type SetStatusResult = { ok: true; coupon: Coupon } | { ok: false; reason: "not_found" };

/**
 * Disables or enables one coupon (an archived one stays disabled: CHECK coupons_archived_is_disabled).
 * One UPDATE of the row every redemption must update too, so it orders itself against in-flight
 * redemptions as changeCoupons below explains.
 */
export async function setCouponStatus(
  db: Db | Tx,
  couponId: string,
  status: Coupon["status"],
): Promise<SetStatusResult> {
  const guard = status === "ACTIVE" ? { archivedAt: null } : {};
  const [coupon] = await db.coupon.updateManyAndReturn({ where: { id: couponId, ...guard }, data: { status } });
  return coupon ? { ok: true, coupon } : { ok: false, reason: "not_found" };
}

/** What an admin can do to coupons besides editing their terms. */
export type CouponChange = "enable" | "disable" | "archive" | "restore";

/**
 * Each change as a guard (the coupons it applies to) and a write. An archived coupon is always disabled
 * (CHECK coupons_archived_is_disabled): archiving disables in the same write, enabling skips archived
 * coupons, and restoring one leaves it disabled, so a restore never makes a code redeemable by surprise.
 */
const CHANGES = {
  enable: { where: { status: "DISABLED", archivedAt: null }, data: () => ({ status: "ACTIVE" }) },
  disable: { where: { status: "ACTIVE" }, data: () => ({ status: "DISABLED" }) },
  archive: { where: { archivedAt: null }, data: () => ({ status: "DISABLED", archivedAt: new Date() }) },
  restore: { where: { archivedAt: { not: null } }, data: () => ({ archivedAt: null }) },
} satisfies Record<CouponChange, { where: Prisma.CouponWhereInput; data: () => Prisma.CouponUpdateManyMutationInput }>;

export type LockedCoupon = Pick<Coupon, "id" | "code" | "status" | "archivedAt">;

export interface CouponsChanged {
  /** Every coupon asked for that exists, as it was before the change (locked until the transaction ends). */
  before: LockedCoupon[];
  /** The coupons the change applied to, as they are now. */
  changed: Coupon[];
}

/**
 * Applies one change to one or many coupons with one guarded UPDATE, in the caller's transaction.
 *
 * The rows are first locked in id order, so two changes over overlapping coupons queue instead of
 * deadlocking, and what they were before is exactly what this change replaced. FOR NO KEY UPDATE is the
 * lock the UPDATE itself takes (see lib/admin/coupons/row.ts). The UPDATE's where-clause carries the
 * guard, and the rows it returns are what changed.
 *
 * Disabling (and archiving) writes the row every single-row redemption must update too, and (by the
 * terms-version trigger) every slot a hot-coupon redemption must update: so it orders itself against
 * in-flight redemptions of every coupon it names, and none of them can commit after this transaction
 * commits. One statement or one hundred coupons, the guarantee is the same as for one.
 */
export async function changeCoupons(tx: Tx, couponIds: string[], change: CouponChange): Promise<CouponsChanged> {
  const before = await tx.$queryRaw<LockedCoupon[]>`
    SELECT id, code, status, archived_at AS "archivedAt" FROM coupons
    WHERE id = ANY(${couponIds}::uuid[]) ORDER BY id FOR NO KEY UPDATE`;
  if (before.length === 0) return { before, changed: [] };
  const { where, data } = CHANGES[change];
  const changed = await tx.coupon.updateManyAndReturn({
    where: { id: { in: before.map((c) => c.id) }, ...where },
    data: data(),
  });
  return { before, changed };
}
