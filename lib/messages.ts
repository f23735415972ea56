import type { EdgeRefusal } from "./commands/edge";
import type { RateLimited } from "./rate-limits";
import type { RedeemResult } from "./redemptions";
import type { PlaceOrderResult } from "./checkout/place-order";
import type { CancelResult } from "./checkout/cancel-order";
import type { CartRefusal, CodePreview } from "./checkout/cart";
import { formatCents, formatWait } from "./format";
import { REFUSALS, type RefusalDetail } from "./refusals";

/**
 * What a customer is told about each outcome of a command: the success sentences here, every refusal's
 * sentence from the one table (lib/refusals.ts), with the detail the outcome carries.
 */

/** Whether the message for `result` names a date (and so needs the zone to name it in). */
export function namesADate(result: RedeemResult): boolean {
  return !result.ok && (result.reason === "not_started" || result.reason === "expired") && !!result.window;
}

/**
 * `zone` names the instant of a window ("from 1 Dec 2026, 00:00 Europe/Berlin"): the store's, in which the
 * window was typed, so the day a customer reads is the day the store meant.
 */
export function redeemMessage(result: RedeemResult, zone: string): string {
  if (result.ok) {
    return `${formatCents(result.redemption.amountCents)} from ${result.redemption.code} was added to your store credit.`;
  }
  const { reason, message, window } = result;
  return REFUSALS[reason].message({ context: "redeem", message, window, zone });
}

export type OrderRefused = Extract<PlaceOrderResult, { ok: false }> | { ok: false; reason: "empty_cart" } | EdgeRefusal;

/** What a customer is told when an order is placed or refused; nothing is charged on any refusal. */
export function orderMessage(result: PlaceOrderResult | OrderRefused): string {
  if (result.ok) {
    const { order } = result;
    const discount = order.discountCents > 0 ? ` (${formatCents(order.discountCents)} off with ${order.code})` : "";
    return `Order placed: ${formatCents(order.totalCents)}${discount}. Your balance is ${formatCents(result.balanceCents)}.`;
  }
  const sentence = REFUSALS[result.reason].message(orderDetail(result));
  const tried = result.reason !== "busy" && result.reason !== "empty_cart" && result.reason !== "rate_limited";
  return tried ? `${sentence} Nothing was charged.` : sentence;
}

function orderDetail(result: OrderRefused): RefusalDetail {
  if (result.reason === "empty_cart") return {};
  if (result.reason === "rate_limited") return { retryAfterSeconds: result.retryAfterSeconds };
  if (result.reason === "invalid_input") return { message: result.message };
  const { message, sku, productName, stockLeft, totalCents, balanceCents, minSubtotalCents, maxTotalCents } = result;
  return {
    context: "checkout",
    message,
    product: productName ?? sku,
    stockLeft,
    totalCents,
    balanceCents,
    minSubtotalCents,
    maxTotalCents,
  };
}

/** The shop's Buy button: an order of one product, told as a purchase. */
export function purchaseMessage(result: PlaceOrderResult | OrderRefused): string {
  if (!result.ok) return orderMessage(result);
  const [line] = result.order.lines;
  const bought = line ? `You bought ${line.name}` : "Bought";
  return `${bought} for ${formatCents(result.order.totalCents)}.`;
}

/** The cart's code, judged now without using it. */
export function codePreviewMessage(preview: CodePreview): string {
  if (preview.ok)
    return `${preview.code}: ${formatCents(preview.discountCents)} off. Applied when you place the order.`;
  const { reason, minSubtotalCents, appliesTo } = preview;
  return `${preview.code} is not applied: ${REFUSALS[reason].message({ context: "checkout", minSubtotalCents, appliesTo })}`;
}

export function cancelMessage(result: CancelResult): string {
  if (result.ok) {
    const refund =
      result.order.totalCents > 0 ? ` ${formatCents(result.order.totalCents)} went back to your store credit.` : "";
    return result.alreadyCancelled ? "This order was already cancelled." : `Order cancelled.${refund}`;
  }
  return REFUSALS[result.reason].message({});
}

export function cartMessage(reason: CartRefusal, message?: string): string {
  return REFUSALS[reason].message({ message, context: "checkout" });
}

/** A request refused by a rate limit: nothing was tried, and when it can be. */
export function rateLimitedMessage(result: Pick<RateLimited, "retryAfterSeconds">): string {
  return REFUSALS.rate_limited.message({ retryAfterSeconds: result.retryAfterSeconds });
}

/** A sign-in refused by a rate limit (the account's or the address's); it never says whether the account exists. */
export function signInLimitedMessage(retryAfterSeconds: number, slowdown: boolean): string {
  return slowdown
    ? `Too many failed sign-ins in a row. Wait ${formatWait(retryAfterSeconds)} before the next try.`
    : `Too many failed sign-ins. Sign-in is locked for ${formatWait(retryAfterSeconds)}; try again then.`;
}
