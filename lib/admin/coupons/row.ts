import "server-only";
import type { Coupon } from "@/lib/generated/prisma/client";
import type { Tx } from "@/lib/db/transaction";

/** The coupon row as an admin change sees it: locked for the change, and what its audit entry records. */

/**
 * Locks the coupon row for the rest of the transaction and reads it, so the audit entry's "before" is
 * exactly what this change replaced. The limit itself is never decided from this read.
 *
 * FOR NO KEY UPDATE is the lock the UPDATE itself would take. FOR UPDATE would also wait for the KEY
 * SHARE locks that every in-flight redemption's foreign keys hold on this row, and under a steady
 * stream of redemptions it could wait for as long as the stream lasts.
 */
export async function lockCoupon(tx: Tx, couponId: string): Promise<Coupon | null> {
  const locked = await tx.$queryRaw<
    { id: string }[]
  >`SELECT id FROM coupons WHERE id = ${couponId}::uuid FOR NO KEY UPDATE`;
  return locked.length ? tx.coupon.findUnique({ where: { id: couponId } }) : null;
}

/** The issue a product list naming a product that does not exist gets. */
export const UNKNOWN_PRODUCT = {
  path: "productIds",
  message: "A chosen product no longer exists. Reload and choose again.",
};

/** What the audit log records of a coupon's terms, before and after a change, in this order. */
const AUDITED_TERMS = [
  "code",
  "status",
  "counterMode",
  "description",
  "kind",
  "valueCents",
  "percentOff",
  "maxDiscountCents",
  "minSubtotalCents",
  "maxRedemptions",
  "perUserLimit",
  "startsAt",
  "expiresAt",
  "noRedeemAfterRevoke",
  "firstOrderOnly",
] as const satisfies readonly (keyof Coupon)[];

type AuditedTerms = Pick<Coupon, (typeof AUDITED_TERMS)[number]> & { productIds?: string[] };

/** A coupon's audited terms and, when given, its product list (sorted, so equal lists compare equal). */
export function auditedTerms(coupon: Coupon, productIds?: readonly string[]): AuditedTerms {
  const terms = Object.fromEntries(AUDITED_TERMS.map((term) => [term, coupon[term]])) as unknown as AuditedTerms;
  return productIds ? { ...terms, productIds: [...productIds].sort() } : terms;
}

/** The products a discount code is limited to (none = every product), sorted, for comparing and auditing. */
export async function couponProductIds(tx: Tx, couponId: string): Promise<string[]> {
  const rows = await tx.couponProduct.findMany({ where: { couponId }, select: { productId: true } });
  return rows.map((r) => r.productId).sort();
}
