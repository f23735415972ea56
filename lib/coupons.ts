import "server-only";
import type { Coupon } from "@/lib/generated/prisma/client";
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
 * Disabling is one UPDATE of the row every single-row redemption must update too, and (by the
 * terms-version trigger) of every slot a hot-coupon redemption must update, so it orders itself
 * against in-flight redemptions: none can commit after the disable commits.
 */
export async function setCouponStatus(
  db: Db | Tx,
  couponId: string,
  status: Coupon["status"],
): Promise<SetStatusResult> {
  const [coupon] = await db.coupon.updateManyAndReturn({ where: { id: couponId }, data: { status } });
  return coupon ? { ok: true, coupon } : { ok: false, reason: "not_found" };
}
