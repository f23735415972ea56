import "server-only";
import type { Db } from "@/lib/db/client";
import { admitRedeemAttempt, type RateLimited, rateLimitSettings } from "@/lib/rate-limits";
import { placeOrder, type PlaceOrderInput, type PlaceOrderResult } from "./place-order";

export type LimitedOrderResult = PlaceOrderResult | (RateLimited & { replayed: false });

/**
 * An order with a discount code is a guess at a code like a redemption is, so it is admitted by the same
 * per-customer and per-address budget (lib/rate-limits.ts) and settled by its outcome; an order without
 * a code guesses nothing and is not limited.
 */
export async function placeOrderWithinLimits(
  db: Db,
  input: PlaceOrderInput & { ip?: string | null },
  settings = rateLimitSettings(),
): Promise<LimitedOrderResult> {
  if (!input.discountCode) return placeOrder(db, input);
  const admission = await admitRedeemAttempt(db, { userId: input.userId, address: input.ip }, settings);
  if (!admission.ok) return { ...admission, replayed: false };
  const result = await placeOrder(db, input);
  const guessed = !result.ok && ["unknown_code", "invalid_code", "busy"].includes(result.reason);
  await admission.settle(guessed ? "unknown_code" : "known_code");
  return result;
}
