import type { CouponChange } from "@/lib/coupons";
import type { RevokeResult } from "@/lib/redemptions";
import { formatCents, formatCount, formatOrderNumber, plural } from "@/lib/format";
import type { AdminChangeResult } from "./coupons/status";
import type { AdjustResult } from "./customers/adjust";
import type { FulfilResult } from "./fulfil-order";
import type { RefundResult } from "./refund-order";

/** What an admin is told when the database could not answer in time: nothing changed. */
export const ADMIN_BUSY = "The database is busy and nothing changed. Try again in a moment.";
const NO_COUPON = "That coupon no longer exists.";

/** What the admin is told about each refusal, in one place for actions, routes and pages. */

export function revokeMessage(result: RevokeResult): string {
  if (result.ok) {
    return result.alreadyRevoked
      ? "This redemption was already revoked; nothing changed."
      : `Revoked. The use was given back and the credit debited; the customer's balance is now ${formatCents(result.balanceCents)}.`;
  }
  switch (result.reason) {
    case "not_found":
      return "That redemption does not exist.";
    case "credit_already_spent":
      return "Cannot revoke: the customer has already spent this credit, and a balance never goes below zero. Nothing changed.";
    case "busy":
      return ADMIN_BUSY;
  }
}

const CHANGE_WORDS: Record<CouponChange, { done: string; already: string; past: string }> = {
  enable: { done: "enabled", already: "already enabled", past: "Enabled" },
  disable: { done: "disabled", already: "already disabled", past: "Disabled" },
  archive: { done: "archived", already: "already archived", past: "Archived" },
  restore: { done: "restored to the list, still disabled", already: "not archived", past: "Restored" },
};

export type CouponChangeAnswer =
  | { ok: true; message: string; undoable?: boolean }
  | { ok: false; reason: "not_found" | "archived" | "busy"; message: string };

/** What an admin is told after enabling, disabling, archiving or restoring one coupon or many. */
export function couponChangeMessage(change: CouponChange, result: AdminChangeResult): CouponChangeAnswer {
  if (!result.ok) return { ok: false, reason: "busy", message: ADMIN_BUSY };
  const words = CHANGE_WORDS[change];
  const { changed, skipped, missing } = result;
  const archived = skipped.filter((s) => s.why === "archived");
  const unchanged = skipped.filter((s) => s.why === "unchanged");
  if (changed.length + skipped.length === 0) {
    return { ok: false, reason: "not_found", message: missing > 1 ? "Those coupons no longer exist." : NO_COUPON };
  }
  if (changed.length + skipped.length + missing === 1) {
    if (changed[0]) return { ok: true, message: `${changed[0].code} is ${words.done}.` };
    if (archived[0]) {
      return {
        ok: false,
        reason: "archived",
        message: `${archived[0].code} is archived. Restore it before enabling it.`,
      };
    }
    return { ok: true, message: `${unchanged[0]!.code} was ${words.already}.` };
  }
  const parts = [changed.length > 0 ? `${words.past} ${plural(changed.length, "coupon")}.` : "Nothing changed."];
  if (unchanged.length > 0) {
    parts.push(`${formatCount(unchanged.length)} ${unchanged.length === 1 ? "was" : "were"} ${words.already}.`);
  }
  if (archived.length > 0)
    parts.push(
      `${formatCount(archived.length)} archived: restore ${archived.length === 1 ? "it" : "them"} before enabling.`,
    );
  if (missing > 0) parts.push(`${formatCount(missing)} no longer ${missing === 1 ? "exists" : "exist"}.`);
  return { ok: true, message: parts.join(" ") };
}

/** What an admin is told after a manual credit adjustment. */
export function adjustMessage(result: AdjustResult): string {
  if (result.ok) {
    const what = `${result.amountCents > 0 ? "Credited" : "Debited"} ${formatCents(Math.abs(result.amountCents))}`;
    const balance = `The balance is now ${formatCents(result.balanceCents)}.`;
    return result.replayed ? `Already done: ${what.toLowerCase()}. ${balance}` : `${what}. ${balance}`;
  }
  switch (result.reason) {
    case "unknown_customer":
      return "That customer no longer exists. Nothing changed.";
    case "insufficient_credit":
      return "Cannot debit more than the customer's balance: a balance never goes below zero. Nothing changed.";
    case "balance_limit":
      return "That credit would take the balance past the most a customer can hold. Nothing changed.";
    case "key_reused":
      return "This form was already used for another adjustment. Reload the page and try again.";
    case "busy":
      return ADMIN_BUSY;
  }
}

/** What an admin is told after marking an order fulfilled. */
export function fulfilMessage(result: FulfilResult): string {
  if (result.ok) {
    const number = formatOrderNumber(result.number);
    return result.alreadyFulfilled
      ? `Order ${number} was already fulfilled; nothing changed.`
      : `Order ${number} is fulfilled. It can now be refunded, no longer cancelled.`;
  }
  switch (result.reason) {
    case "not_found":
      return "That order does not exist.";
    case "cancelled":
      return "This order is cancelled; a cancelled order cannot be fulfilled. Nothing changed.";
    case "busy":
      return ADMIN_BUSY;
  }
}

/** What an admin is told after a partial refund: what went back, what is left, and why not when refused. */
export function refundMessage(result: RefundResult): string {
  if (result.ok) {
    const what = `${formatCents(result.amountCents)} of order ${formatOrderNumber(result.number)} to store credit`;
    const left = `${formatCents(result.totalCents - result.refundedCents)} of ${formatCents(result.totalCents)} is left to refund.`;
    return result.replayed ? `Already done: refunded ${what}. ${left}` : `Refunded ${what}. ${left}`;
  }
  switch (result.reason) {
    case "not_found":
      return "That order does not exist.";
    case "not_fulfilled":
      return "Only a fulfilled order is refunded in part; a placed order is cancelled to refund it whole. Nothing changed.";
    case "exceeds_paid":
      return `That is more than is left to refund: at most ${formatCents(result.detail?.remainingCents ?? 0)}. Nothing changed.`;
    case "exceeds_quantity":
      return `Only ${formatCount(result.detail?.remaining ?? 0)} of ${result.detail?.name ?? "that line"} ${result.detail?.remaining === 1 ? "is" : "are"} left to refund. Nothing changed.`;
    case "unknown_line":
      return "This order has no such line. Reload the page and try again.";
    case "nothing_to_refund":
      return "Those units were paid nothing (fully discounted), so there is nothing to refund.";
    case "balance_limit":
      return "That refund would take the customer's balance past the most a customer can hold. Nothing changed.";
    case "key_reused":
      return "This form was already used for another refund. Reload the page and try again.";
    case "busy":
      return ADMIN_BUSY;
  }
}
