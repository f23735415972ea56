import type { Coupon } from "@/lib/generated/prisma/client";

/**
 * What a coupon is worth, decided apart from taking its use (lib/coupon-use.ts): pure functions of the
 * terms the use was taken under, no database. Today a coupon is worth store credit; the discount an
 * order gets from a code (computed from its lines) belongs beside it.
 */

/** The store credit one redemption of `coupon` adds to the wallet, in cents. */
export function creditValue(coupon: Pick<Coupon, "valueCents">): number {
  return coupon.valueCents;
}
