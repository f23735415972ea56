import type { Coupon } from "@/lib/generated/prisma/client";

/**
 * What a coupon is worth, decided apart from taking its use (lib/coupon-use.ts): pure functions of the
 * terms the use was taken under, no database: the store credit a coupon is worth, and the discount an
 * order gets from a code is computed from its lines, beside it.
 */

/** The store credit one redemption of `coupon` adds to the wallet, in cents. */
export function creditValue(coupon: Pick<Coupon, "valueCents">): number {
  return coupon.valueCents;
}

// ---------------------------------------------------------------------------------------------
// Discounts at checkout

/** The terms that decide a discount code's worth for an order. */
export type DiscountTerms = Pick<
  Coupon,
  "kind" | "valueCents" | "percentOff" | "maxDiscountCents" | "minSubtotalCents"
> & {
  /** The products the code applies to; empty = every product. */
  productIds: readonly string[];
};

/** One order line as the discount sees it: its product and amount (unit price × quantity). */
export interface PricedLine {
  productId: string;
  amountCents: number;
}

export type DiscountRefusal =
  /** A store-credit coupon, or a code for products none of the lines are. */
  | "not_applicable"
  /** The lines the code applies to add up to less than its minimum. */
  | "minimum_not_met";

export type Discount =
  | {
      ok: true;
      discountCents: number;
      /** Each line's share of the discount, in line order; they add up to discountCents exactly. */
      allocation: number[];
      eligibleSubtotalCents: number;
    }
  | { ok: false; reason: DiscountRefusal; minSubtotalCents?: number; eligibleSubtotalCents: number };

/**
 * What a discount code takes off these lines (README, "Money and rounding"). The eligible subtotal is
 * the sum of the lines the code applies to; the minimum is judged against it. Percent off:
 * floor(eligible × percent / 100), then at most the cap; amount off: the amount. Either is at most the
 * eligible subtotal, so no line goes below zero. The discount is then allocated to the lines.
 */
export function discountFor(terms: DiscountTerms, lines: readonly PricedLine[]): Discount {
  const applies = (line: PricedLine) => terms.productIds.length === 0 || terms.productIds.includes(line.productId);
  const eligible = lines.map((line) => (applies(line) ? line.amountCents : 0));
  const eligibleSubtotalCents = eligible.reduce((sum, amount) => sum + amount, 0);
  if (terms.kind === "CREDIT" || eligibleSubtotalCents === 0) {
    return { ok: false, reason: "not_applicable", eligibleSubtotalCents };
  }
  if (terms.minSubtotalCents !== null && eligibleSubtotalCents < terms.minSubtotalCents) {
    return { ok: false, reason: "minimum_not_met", minSubtotalCents: terms.minSubtotalCents, eligibleSubtotalCents };
  }
  const uncapped =
    terms.kind === "PERCENT_OFF"
      ? Math.min(percentOf(eligibleSubtotalCents, terms.percentOff ?? 0), terms.maxDiscountCents ?? Infinity)
      : terms.valueCents;
  const discountCents = Math.min(uncapped, eligibleSubtotalCents);
  return { ok: true, discountCents, allocation: allocateDiscount(discountCents, eligible), eligibleSubtotalCents };
}

/** floor(amount × percent / 100) in exact integer arithmetic. */
function percentOf(amountCents: number, percent: number): number {
  return Number((BigInt(amountCents) * BigInt(percent)) / 100n);
}

/**
 * Splits `discountCents` over lines in proportion to their `amounts` (0 = the line does not share):
 * each line gets the floor of its exact share, and the cents left over go one each to the lines with
 * the largest remainders, ties to the earlier line. The shares add up to the discount exactly, and none
 * exceeds its line as long as the discount does not exceed the amounts' sum. Exact (BigInt) arithmetic.
 */
export function allocateDiscount(discountCents: number, amounts: readonly number[]): number[] {
  const total = amounts.reduce((sum, amount) => sum + amount, 0);
  if (discountCents < 0 || discountCents > total) {
    throw new RangeError(`A discount of ${discountCents} cannot be split over lines worth ${total}.`);
  }
  if (discountCents === 0) return amounts.map(() => 0);
  const exact = amounts.map((amount) => BigInt(discountCents) * BigInt(amount));
  const shares = exact.map((product) => Number(product / BigInt(total)));
  const remainders = exact.map((product, index) => ({ index, remainder: product % BigInt(total) }));
  let left = discountCents - shares.reduce((sum, share) => sum + share, 0);
  remainders.sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (const { index } of remainders) {
    if (left === 0) break;
    shares[index]! += 1;
    left -= 1;
  }
  return shares;
}
