import { type RateLimited, admitRedeemAttempt, rateLimitSettings } from "./rate-limits";
import type { Db } from "./db/client";
import { type RedeemInput, type RedeemResult, redeemCoupon } from "./redemptions";

export type LimitedRedeemResult = RedeemResult | (RateLimited & { replayed: false });

/**
 * redeemCoupon behind the redeem rate limits (per customer, and per client address from `meta.ip`):
 * the attempt is admitted before the engine sees it, and its cost settled by the outcome. The API
 * route, the redeem server action and anything else that redeems for a customer call this.
 */
export async function redeemWithinLimits(
  db: Db,
  input: RedeemInput,
  settings = rateLimitSettings(),
): Promise<LimitedRedeemResult> {
  const admission = await admitRedeemAttempt(db, { userId: input.userId, address: input.meta?.ip }, settings);
  if (!admission.ok) return { ...admission, replayed: false };
  const result = await redeemCoupon(db, input);
  // A guess keeps its whole reservation, and so does "busy": the engine was reached and the outcome is
  // unknown, so a saturated database never buys an attacker extra guesses.
  const keepsReservation = !result.ok && ["unknown_code", "invalid_code", "busy"].includes(result.reason);
  await admission.settle(keepsReservation ? "unknown_code" : "known_code");
  return result;
}
