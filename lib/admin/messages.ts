import type { RevokeResult } from "@/lib/redemptions";
import { formatCents } from "@/lib/format";

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
      return "The database is busy and nothing changed. Try again in a moment.";
  }
}

export const REFUSAL_LABELS: Record<string, string> = {
  unknown_code: "Unknown code",
  invalid_code: "Not a valid code",
  disabled: "Disabled",
  not_started: "Not started yet",
  expired: "Expired",
  exhausted: "Used up",
  per_user_limit: "Per-customer limit",
  revoked_before: "Redeemed before, revoked",
  idempotency_key_reused: "Key reused",
  invalid_idempotency_key: "Invalid key",
  unknown_user: "Unknown user",
  busy: "Busy",
};

export function refusalLabel(reason: string | null): string {
  return reason ? (REFUSAL_LABELS[reason] ?? reason) : "—";
}
