import type { Coupon } from "@/lib/generated/prisma/client";
import { CounterMode } from "@/lib/generated/prisma/enums";

/**
 * A coupon's terms, defined once: what makes it usable at an instant, and where its uses are counted.
 * Pure (no database), so the admin form in the browser shares it with the domain.
 */

/** Why a coupon cannot be used right now, judged from its own row. */
export type CouponRefusal = "unknown_code" | "disabled" | "not_started" | "expired" | "exhausted";

/**
 * Why this snapshot of a coupon cannot be used at `now`, or null if it can. A refusal may be decided
 * from a snapshot (nothing is consumed); a success never is: it needs the guarded update.
 */
export function couponRefusal(coupon: Coupon | null, now: Date): CouponRefusal | null {
  if (!coupon) return "unknown_code";
  if (coupon.status === "DISABLED") return "disabled";
  if (coupon.startsAt && coupon.startsAt > now) return "not_started";
  if (coupon.expiresAt && coupon.expiresAt <= now) return "expired";
  if (coupon.maxRedemptions !== null && coupon.redeemedCount >= coupon.maxRedemptions) return "exhausted";
  return null;
}

/** Coupons with at least this many uses count them in slots unless the admin chose otherwise. */
export const HOT_COUPON_THRESHOLD = 1_000;
/** Slots per hot coupon: enough to spread the redemptions one server's pool can have in flight. */
export const SLOT_COUNT = 16;

/** Where an admin may ask a coupon's uses to be counted: a counter mode, or AUTO to decide from the limit. */
export const COUNTER_CHOICES = ["AUTO", ...Object.values(CounterMode)] as const;
export type CounterChoice = (typeof COUNTER_CHOICES)[number];

export function counterModeFor(maxRedemptions: number | null, choice: CounterChoice): CounterMode {
  if (maxRedemptions === null) return "SLOTS";
  if (choice !== "AUTO") return choice;
  return maxRedemptions >= HOT_COUPON_THRESHOLD ? "SLOTS" : "SINGLE_ROW";
}
