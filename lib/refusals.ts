import type { EdgeRefusal } from "./commands/edge";
import type { RedeemRefusal } from "./redemptions";
import type { PlaceOrderRefusal } from "./checkout/place-order";
import type { CancelRefusal } from "./checkout/cancel-order";
import type { CartRefusal, PreviewRefusal } from "./checkout/cart";
import type { StoreCustomerRefusal } from "./store-customers";
import type { CreateHoldRefusal } from "./holds/create-hold";
import type { SettleRefusal } from "./holds/settle-hold";
import { MAX_BALANCE_CENTS } from "./balance-limit";
import { formatCents, formatDayAndTimeIn, formatWait } from "./format";

/**
 * The one refusal table: every reason a customer's command can be refused for, across redeem, orders,
 * the cart, cancel and the rate limits, with its HTTP status, the admin's label and the customer's
 * sentence. A reason means the same thing wherever it occurs, so it has one row; the JSON routes, the
 * server actions, the admin's audit pages and their CSV exports all read it, and a new reason does not
 * compile until it has a row (the table is a mapped type over the unions, no default).
 */

export type CustomerRefusal =
  | RedeemRefusal
  | PlaceOrderRefusal
  | CancelRefusal
  | CartRefusal
  | PreviewRefusal
  | CreateHoldRefusal
  | SettleRefusal
  /** A cart order pressed when the cart is already empty. */
  | "empty_cart"
  /** The API's customers (lib/store-customers.ts). */
  | StoreCustomerRefusal
  | EdgeRefusal["reason"];

/** What a refusal carries besides its reason, for the sentence that explains it. */
export interface RefusalDetail {
  /** The domain's validation message (invalid_* reasons). */
  message?: string;
  /** Where the customer met the refusal: a code redeemed into credit, used on an order, or a store's hold (lib/holds). */
  context?: "redeem" | "checkout" | "hold";
  /** The code's window (not_started, expired) and the store's zone to name its instants in. */
  window?: { startsAt: Date | null; expiresAt: Date | null };
  zone?: string;
  /** The product a refusal is about, by name when known (else its sku). */
  product?: string;
  /** How many of it were left (out_of_stock): none is sold out, some is a quantity to lower. */
  stockLeft?: number;
  totalCents?: number;
  balanceCents?: number;
  minSubtotalCents?: number;
  maxTotalCents?: number;
  /** The products a code is limited to, by name. */
  appliesTo?: string[];
  retryAfterSeconds?: number;
  /** What is left to refund on a hold (refund_too_large). */
  refundableCents?: number;
}

export interface RefusalRow {
  /** The HTTP status the JSON API answers with. */
  status: 400 | 401 | 404 | 409 | 422 | 429 | 503;
  /** What an admin reads in the audit pages and CSV exports. */
  label: string;
  /** What the customer is told; never blames them for a race. */
  message(detail: RefusalDetail): string;
}

const about = (detail: RefusalDetail) => detail.product ?? "A product in your order";

export const REFUSALS: { readonly [Reason in CustomerRefusal]: RefusalRow } = {
  invalid_code: {
    status: 422,
    label: "Not a valid code",
    message: (d) => d.message ?? "That doesn't look like a coupon code.",
  },
  unknown_code: {
    status: 422,
    label: "Unknown code",
    message: () => "We don't recognise that code. Check it for typos and try again.",
  },
  not_applicable: {
    status: 409,
    label: "Doesn't apply",
    message: (d) =>
      d.context === "redeem"
        ? "This is a discount code: add products to your cart and use it there at checkout."
        : d.appliesTo?.length
          ? `This code applies only to ${d.appliesTo.join(", ")}.`
          : "This code doesn't apply to what's in your order (a store-credit code is redeemed on the Redeem page).",
  },
  disabled: {
    status: 409,
    label: "Disabled",
    message: (d) =>
      `This code has been switched off and can no longer be ${d.context === "redeem" ? "redeemed" : "used"}.`,
  },
  not_started: {
    status: 409,
    label: "Not started yet",
    message: (d) =>
      d.window?.startsAt && d.zone
        ? `This code isn't valid yet. You can ${d.context === "redeem" ? "redeem" : "use"} it from ${formatDayAndTimeIn(d.window.startsAt, d.zone)}.`
        : "This code isn't valid yet.",
  },
  expired: {
    status: 409,
    label: "Expired",
    message: (d) =>
      d.context === "hold"
        ? "This hold expired before it was captured: its code and credit went back. Make a new hold."
        : d.window?.expiresAt && d.zone
          ? `This code expired on ${formatDayAndTimeIn(d.window.expiresAt, d.zone)}.`
          : "This code has expired.",
  },
  exhausted: {
    status: 409,
    label: "Used up",
    // At checkout the code was there when the customer applied it: someone else's order took the last use.
    message: (d) => `This code has ${d.context === "redeem" ? "already" : "just"} been used up.`,
  },
  per_user_limit: {
    status: 409,
    label: "Per-customer limit",
    message: (d) => `You already ${d.context === "redeem" ? "redeemed" : "used"} this code as many times as it allows.`,
  },
  revoked_before: {
    status: 409,
    label: "Redeemed before, revoked",
    message: () => "Your earlier redemption of this code was revoked, so it cannot be used again on your account.",
  },
  minimum_not_met: {
    status: 409,
    label: "Minimum not met",
    message: (d) =>
      d.minSubtotalCents !== undefined
        ? `This code needs an order of at least ${formatCents(d.minSubtotalCents)} of the products it applies to.`
        : "Your order doesn't reach this code's minimum.",
  },
  not_first_order: {
    status: 409,
    label: "Not a first order",
    message: () => "This code is for a first order only, and you already have an order.",
  },
  balance_limit: {
    status: 409,
    label: "Balance limit",
    message: () =>
      `Your store credit can't go above ${formatCents(MAX_BALANCE_CENTS)}, so nothing was applied. Spend some credit first.`,
  },
  insufficient_credit: {
    status: 409,
    label: "Not enough credit",
    message: (d) =>
      d.totalCents !== undefined && d.balanceCents !== undefined
        ? `Not enough store credit: the order comes to ${formatCents(d.totalCents)} and your balance is ${formatCents(d.balanceCents)}.`
        : "Not enough store credit for this order.",
  },
  out_of_stock: {
    status: 409,
    label: "Out of stock",
    message: (d) =>
      d.stockLeft
        ? `Only ${d.stockLeft} of ${about(d)} left when your order was placed: lower its quantity to ${d.stockLeft}, or remove it.`
        : `Sorry, ${about(d)} sold out before your order went through. Remove it to order the rest.`,
  },
  unknown_product: {
    status: 422,
    label: "Unknown product",
    message: (d) => `${about(d)} doesn't exist (any more). Remove it from your order.`,
  },
  unavailable: {
    status: 409,
    label: "No longer on sale",
    message: (d) => `${about(d)} is no longer on sale. Remove it from your order.`,
  },
  order_too_large: {
    status: 409,
    label: "Order too large",
    message: (d) =>
      `This order comes to more than ${formatCents(d.maxTotalCents ?? MAX_BALANCE_CENTS)}, the most store credit can pay. Lower the quantities.`,
  },
  invalid_order: {
    status: 422,
    label: "Invalid order",
    message: (d) => d.message ?? "Check your order and try again.",
  },
  invalid_quantity: {
    status: 422,
    label: "Invalid quantity",
    message: (d) => d.message ?? "Choose a quantity from 1 to 99.",
  },
  cart_changed: {
    status: 409,
    label: "Cart changed",
    message: () =>
      "Your cart changed while this order was being placed (another tab or a second press may have ordered it). Check your cart and your orders.",
  },
  empty_cart: {
    status: 409,
    label: "Empty cart",
    message: () => "Your cart is empty. Add something from the shop first.",
  },
  not_found: {
    status: 404,
    label: "Not found",
    message: (d) => `We couldn't find that ${d.context === "hold" ? "hold" : "order"}.`,
  },
  not_cancellable: {
    status: 409,
    label: "Not cancellable",
    message: () => "This order has been fulfilled and can no longer be cancelled.",
  },
  invalid_hold: {
    status: 422,
    label: "Invalid hold",
    message: (d) => d.message ?? "Check the hold's cart, credit and time to live.",
  },
  hold_captured: {
    status: 409,
    label: "Hold captured",
    message: () => "This hold was captured already, so it can no longer be released. Refund it instead.",
  },
  hold_released: {
    status: 409,
    label: "Hold released",
    message: () => "This hold was released already: there is nothing to capture. Make a new hold.",
  },
  hold_not_captured: {
    status: 409,
    label: "Hold not captured",
    message: () => "Only a captured hold can be refunded; a live hold is released instead.",
  },
  refund_too_large: {
    status: 409,
    label: "Refund too large",
    message: (d) =>
      d.refundableCents !== undefined
        ? `That is more than is left to refund: at most ${formatCents(d.refundableCents)}.`
        : "That is more than is left to refund on this hold.",
  },
  invalid_refund: {
    status: 422,
    label: "Invalid refund",
    message: (d) => d.message ?? "A refund is a whole number of cents above 0, with an idempotency key.",
  },
  idempotency_key_reused: {
    status: 422,
    label: "Key reused",
    message: () => "This form was already used for a different request. Press the button again to send this one.",
  },
  invalid_idempotency_key: {
    status: 400,
    label: "Invalid key",
    message: () => "This form has expired. Please try again.",
  },
  unknown_user: {
    status: 401,
    label: "Unknown user",
    message: () => "We couldn't find your account. Please sign in again.",
  },
  unknown_customer: {
    status: 404,
    label: "Unknown customer",
    message: () => "No customer has this id yet: a customer is created by a request that names their email.",
  },
  customer_email_taken: {
    status: 409,
    label: "Email belongs to another customer",
    message: () => "This email belongs to another Once account, so it cannot be given to this customer id.",
  },
  invalid_input: { status: 400, label: "Invalid input", message: (d) => d.message ?? "Check what you sent." },
  rate_limited: {
    status: 429,
    label: "Too many attempts",
    message: (d) =>
      `Too many attempts in a short time, so this one was not tried. Try again in ${formatWait(d.retryAfterSeconds ?? 60)}.`,
  },
  busy: {
    status: 503,
    label: "Busy",
    message: () => "We're very busy right now and nothing changed. Please try again in a moment.",
  },
};

/** The admin's label for a stored reason (attempts log, CSV); an unknown one is shown as stored. */
export function refusalLabel(reason: string | null): string {
  if (!reason) return "—";
  return Object.hasOwn(REFUSALS, reason) ? REFUSALS[reason as CustomerRefusal].label : reason;
}

/** The reasons the attempts log can hold, with their labels, for its filter. */
export const ATTEMPT_REASON_LABELS: [string, string][] = Object.entries(REFUSALS).map(([reason, row]) => [
  reason,
  row.label,
]);
