import { FIRST_ORDER_ONLY_LABEL } from "@/lib/coupon-terms";
import type { Coupon } from "@/lib/generated/prisma/client";
import { formatCents, plural } from "@/lib/format";

/** What a coupon gives and on which conditions, in words, for the admin's list and detail page. Pure. */

type Offer = Pick<Coupon, "kind" | "valueCents" | "percentOff" | "maxDiscountCents">;

/** "10.00 credit", "20% off (at most 15.00)", "5.00 off". */
export function couponOffer(coupon: Offer): string {
  switch (coupon.kind) {
    case "CREDIT":
      return `${formatCents(coupon.valueCents)} credit`;
    case "PERCENT_OFF":
      return `${coupon.percentOff}% off${coupon.maxDiscountCents === null ? "" : ` (at most ${formatCents(coupon.maxDiscountCents)})`}`;
    case "AMOUNT_OFF":
      return `${formatCents(coupon.valueCents)} off`;
  }
}

/** A discount's conditions: "orders from 20.00 · 1 product · First order only"; a credit coupon has none (""). */
export function couponConditions(
  coupon: Pick<Coupon, "kind" | "minSubtotalCents" | "firstOrderOnly">,
  productCount: number,
): string {
  if (coupon.kind === "CREDIT") return "";
  const minimum =
    coupon.minSubtotalCents === null ? "any order" : `orders from ${formatCents(coupon.minSubtotalCents)}`;
  const products = productCount === 0 ? "every product" : plural(productCount, "product");
  return [minimum, products, ...(coupon.firstOrderOnly ? [FIRST_ORDER_ONLY_LABEL] : [])].join(" · ");
}
