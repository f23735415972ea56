import type { RateLimited } from "./rate-limits";
import type { RedeemResult } from "./redemptions";
import type { PurchaseResult } from "./purchase";
import type { PlaceOrderRefusal, PlaceOrderResult } from "./checkout/place-order";
import type { CancelResult } from "./checkout/cancel-order";
import type { CartRefusal, CodePreview } from "./checkout/cart";
import { formatCents, formatDayAndTimeIn } from "./format";
import { MAX_BALANCE_CENTS } from "./balance-limit";

/**
 * What a customer is told about each outcome, in one place for the redeem page, the shop and the
 * JSON API. Every engine reason has its own sentence; none of them blames the customer for a race.
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
  switch (result.reason) {
    case "invalid_code":
      return result.message ?? "That doesn't look like a coupon code.";
    case "unknown_code":
      return "We don't recognise that code. Check it for typos and try again.";
    case "not_applicable":
      return "This is a discount code: add products to your cart and use it there at checkout.";
    case "disabled":
      return "This code has been switched off and can no longer be redeemed.";
    case "not_started":
      return result.window?.startsAt
        ? `This code isn't valid yet. You can redeem it from ${formatDayAndTimeIn(result.window.startsAt, zone)}.`
        : "This code isn't valid yet.";
    case "expired":
      return result.window?.expiresAt
        ? `This code expired on ${formatDayAndTimeIn(result.window.expiresAt, zone)}.`
        : "This code has expired.";
    case "exhausted":
      return "This code has already been used up.";
    case "per_user_limit":
      return "You already redeemed this code as many times as it allows.";
    case "revoked_before":
      return "Your earlier redemption of this code was revoked, so it cannot be redeemed again on your account.";
    case "idempotency_key_reused":
      return "This form was already used for a different code. Press Redeem again to submit this one.";
    case "invalid_idempotency_key":
      return "This form has expired. Press Redeem again.";
    case "unknown_user":
      return "We couldn't find your account. Please sign in again.";
    case "balance_limit":
      return `Your store credit can't go above ${formatCents(MAX_BALANCE_CENTS)}, so this code was not applied. Spend some credit first.`;
    case "busy":
      return "We're very busy right now and nothing was applied. Please try again in a moment.";
  }
}

export function purchaseMessage(result: PurchaseResult): string {
  if (result.ok) return `You bought ${result.order.productName} for ${formatCents(result.order.priceCents)}.`;
  switch (result.reason) {
    case "insufficient_credit":
      return result.priceCents !== undefined && result.balanceCents !== undefined
        ? `Not enough credit: this costs ${formatCents(result.priceCents)} and your balance is ${formatCents(result.balanceCents)}.`
        : "Not enough credit for this purchase.";
    case "unknown_product":
    case "invalid_product":
      return "That product doesn't exist (any more).";
    case "unavailable":
      return "This product is no longer on sale.";
    case "out_of_stock":
      return "Sorry, this product just sold out. Nothing was charged.";
    case "idempotency_key_reused":
      return "This button was already used for another product. Please try again.";
    case "invalid_idempotency_key":
      return "This page has expired. Please try again.";
    case "unknown_user":
      return "We couldn't find your account. Please sign in again.";
    case "busy":
      return "We're very busy right now and nothing was charged. Please try again in a moment.";
  }
}

type OrderRefusalDetail = Extract<PlaceOrderResult, { ok: false }> | { ok: false; reason: "empty_cart" };

/** What a customer is told when an order is placed or refused; nothing is charged on any refusal. */
export function orderMessage(result: PlaceOrderResult | OrderRefusalDetail): string {
  if (result.ok) {
    const { order } = result;
    const discount = order.discountCents > 0 ? ` (${formatCents(order.discountCents)} off with ${order.code})` : "";
    return `Order placed: ${formatCents(order.totalCents)}${discount}. Your balance is ${formatCents(result.balanceCents)}.`;
  }
  if (result.reason === "empty_cart") return "Your cart is empty. Add something from the shop first.";
  return `${orderRefusalMessage(result)}${result.reason === "busy" ? "" : " Nothing was charged."}`;
}

function orderRefusalMessage(result: Extract<PlaceOrderResult, { ok: false }>): string {
  const product = result.sku ? `${result.sku}` : "A product in your order";
  switch (result.reason) {
    case "out_of_stock":
      return `Sorry, ${product} sold out before your order went through. Lower its quantity or remove it.`;
    case "unknown_product":
      return `${product} doesn't exist (any more). Remove it from your order.`;
    case "unavailable":
      return `${product} is no longer on sale. Remove it from your order.`;
    case "insufficient_credit":
      return result.totalCents !== undefined && result.balanceCents !== undefined
        ? `Not enough store credit: the order comes to ${formatCents(result.totalCents)} and your balance is ${formatCents(result.balanceCents)}.`
        : "Not enough store credit for this order.";
    case "minimum_not_met":
      return result.minSubtotalCents !== undefined
        ? `This code needs an order of at least ${formatCents(result.minSubtotalCents)} of the products it applies to.`
        : "Your order doesn't reach this code's minimum.";
    case "cart_changed":
      return "Your cart changed while this order was being placed (another tab or a second press may have ordered it). Check your cart and your orders.";
    case "invalid_order":
    case "invalid_code":
      return result.message ?? "Check your order and try again.";
    default:
      return discountCodeMessage(result.reason);
  }
}

/** Why a discount code cannot be used: in the cart's preview and when the order is refused. */
export function discountCodeMessage(reason: PlaceOrderRefusal | Extract<CodePreview, { ok: false }>["reason"]): string {
  switch (reason) {
    case "not_applicable":
      return "This code doesn't apply to what's in your order (a store-credit code is redeemed on the Redeem page).";
    case "minimum_not_met":
      return "Your order doesn't reach this code's minimum.";
    case "unknown_code":
      return "We don't recognise that code. Check it for typos.";
    case "disabled":
      return "This code has been switched off.";
    case "not_started":
      return "This code isn't valid yet.";
    case "expired":
      return "This code has expired.";
    case "exhausted":
      return "This code has just been used up.";
    case "per_user_limit":
      return "You have already used this code as often as it allows.";
    case "not_first_order":
      return "This code is for a first order only, and you already have an order.";
    case "idempotency_key_reused":
      return "This order button was already used for a different order. Press it again to place this one.";
    case "invalid_idempotency_key":
      return "This page has expired. Please try again.";
    case "unknown_user":
      return "We couldn't find your account. Please sign in again.";
    case "busy":
      return "We're very busy right now and nothing was charged. Please try again in a moment.";
    default:
      return "This order could not be placed.";
  }
}

/** The cart's code, judged now without using it. */
export function codePreviewMessage(preview: CodePreview): string {
  if (preview.ok)
    return `${preview.code}: ${formatCents(preview.discountCents)} off. Applied when you place the order.`;
  if (preview.reason === "minimum_not_met" && preview.minSubtotalCents !== undefined) {
    return `${preview.code} needs at least ${formatCents(preview.minSubtotalCents)} of the products it applies to.`;
  }
  return `${preview.code}: ${discountCodeMessage(preview.reason)}`;
}

export function cancelMessage(result: CancelResult): string {
  if (result.ok) {
    const refund =
      result.order.totalCents > 0 ? ` ${formatCents(result.order.totalCents)} went back to your store credit.` : "";
    return result.alreadyCancelled ? "This order was already cancelled." : `Order cancelled.${refund}`;
  }
  switch (result.reason) {
    case "not_found":
      return "We couldn't find that order.";
    case "not_cancellable":
      return "This order has been fulfilled and can no longer be cancelled.";
    case "balance_limit":
      return `The refund would take your store credit above ${formatCents(MAX_BALANCE_CENTS)}. Spend some credit first.`;
    case "busy":
      return "We're very busy right now and nothing changed. Please try again in a moment.";
  }
}

export function cartMessage(reason: CartRefusal, message?: string): string {
  switch (reason) {
    case "unknown_product":
      return "That product doesn't exist (any more).";
    case "unavailable":
      return "This product is no longer on sale.";
    case "invalid_quantity":
      return message ?? "Choose a quantity from 1 to 99.";
    case "invalid_code":
      return message ?? "That doesn't look like a discount code.";
    case "unknown_user":
      return "We couldn't find your account. Please sign in again.";
  }
}

/** "12 seconds", "3 minutes", "2 hours": a wait rounded up to the unit a person would use. */
export function formatWait(seconds: number): string {
  const unit = (n: number, name: string) => `${n} ${name}${n === 1 ? "" : "s"}`;
  if (seconds < 90) return unit(Math.max(1, Math.ceil(seconds)), "second");
  if (seconds < 90 * 60) return unit(Math.ceil(seconds / 60), "minute");
  return unit(Math.ceil(seconds / 3600), "hour");
}

/** A redeem attempt or sign-up refused by a rate limit: nothing was tried, and when it can be. */
export function rateLimitedMessage(result: Pick<RateLimited, "retryAfterSeconds">): string {
  return `Too many attempts in a short time, so this one was not tried. Try again in ${formatWait(result.retryAfterSeconds)}.`;
}

/** A sign-in refused by a rate limit (the account's or the address's); it never says whether the account exists. */
export function signInLimitedMessage(retryAfterSeconds: number, slowdown: boolean): string {
  return slowdown
    ? `Too many failed sign-ins in a row. Wait ${formatWait(retryAfterSeconds)} before the next try.`
    : `Too many failed sign-ins. Sign-in is locked for ${formatWait(retryAfterSeconds)}; try again then.`;
}
