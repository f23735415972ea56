import "server-only";
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { Rollback } from "@/lib/db/transaction";
import { formatCents } from "@/lib/format";
import { fingerprint, runOnce } from "@/lib/idempotency";
import { credit, debit } from "@/lib/ledger";
import { recordAdminChange } from "@/lib/admin-changes";
import { recordEvent } from "@/lib/webhooks/outbox";

/**
 * An admin's manual adjustment of a customer's store credit, as Stripe's customer balance allows: a
 * credit (goodwill, a refund made by hand) or a debit (a correction), with a reason the customer sees.
 *
 * Exactly once: the form's idempotency key is claimed in the same transaction as the adjustment row, its
 * ADJUSTMENT ledger entry and the audit entry, so a double click or a retried post adjusts once. The
 * balance moves by the ledger's guarded updates: a debit never takes it below zero and a credit never
 * past MAX_BALANCE_CENTS, however many adjustments and purchases run at once; a refused one changes nothing.
 */

export const ADJUSTMENT_SCOPE = "credit_adjustment";

export const adjustmentSchema = z.object({
  customerId: z.uuid("Unknown customer."),
  /** Positive credits, negative debits; never zero (CHECK credit_adjustments_amount_non_zero). */
  amountCents: z
    .number()
    .int()
    .refine((cents) => cents !== 0, "The amount must not be zero."),
  reason: z
    .string()
    .trim()
    .min(3, "Give a reason of at least 3 characters; the customer sees it.")
    .max(500, "Keep the reason under 500 characters."),
  idempotencyKey: z.uuid(),
});

export type AdjustmentInput = z.infer<typeof adjustmentSchema>;

export type AdjustmentRefusal = "unknown_customer" | "insufficient_credit" | "balance_limit";

export type AdjustResult =
  | { ok: true; adjustmentId: string; amountCents: number; balanceCents: number; replayed: boolean }
  | { ok: false; reason: AdjustmentRefusal | "key_reused" | "busy" };

/** Who adjusts: an admin (by id, audited in the admin log), or a store's API key (counted in its usage). */
export type Adjuster = string | { apiKeyId: string };

export async function adjustCredit(db: Db, adjuster: Adjuster, input: AdjustmentInput): Promise<AdjustResult> {
  const { customerId, amountCents, reason, idempotencyKey } = input;
  const actorId = typeof adjuster === "string" ? adjuster : null;
  const request = {
    scope: ADJUSTMENT_SCOPE,
    // The key is the admin's (one admin's form, however often it is sent), or, for a store, the customer's.
    userId: actorId ?? customerId,
    key: idempotencyKey,
    fingerprint: fingerprint({ customerId, amountCents, reason }),
  };
  const outcome = await runOnce<{ adjustmentId: string; balanceCents: number }, AdjustmentRefusal>(
    db,
    request,
    async (tx, adjustmentId) => {
      const customer = await tx.user.findUnique({ where: { id: customerId }, select: { email: true, role: true } });
      if (!customer || customer.role !== "CUSTOMER") throw new Rollback("unknown_customer");
      await tx.creditAdjustment.create({
        data: {
          id: adjustmentId,
          userId: customerId,
          actorId,
          apiKeyId: typeof adjuster === "string" ? null : adjuster.apiKeyId,
          amountCents,
          reason,
        },
      });
      const link = { kind: "ADJUSTMENT", adjustmentId } as const;
      const moved =
        amountCents > 0
          ? await credit(tx, customerId, amountCents, link)
          : await debit(tx, customerId, -amountCents, link);
      if (!moved.ok) throw new Rollback(moved.reason);
      await recordEvent(tx, {
        type: "credit.adjusted",
        data: { customerId, adjustmentId, amountCents, balanceCents: moved.balanceCents },
      });
      if (actorId === null) return { adjustmentId, balanceCents: moved.balanceCents };
      await recordAdminChange(tx, actorId, {
        action: "CREDIT_ADJUSTED",
        targetType: "user",
        targetId: customerId,
        summary: `${amountCents > 0 ? "Credited" : "Debited"} ${formatCents(Math.abs(amountCents))} ${amountCents > 0 ? "to" : "from"} ${customer.email}: ${reason}`,
        before: { balanceCents: moved.balanceCents - amountCents },
        after: { balanceCents: moved.balanceCents },
      });
      return { adjustmentId, balanceCents: moved.balanceCents };
    },
  );
  switch (outcome.kind) {
    case "done":
      return { ok: true, ...outcome.value, amountCents, replayed: false };
    case "replayed": {
      const [adjustment, user] = await Promise.all([
        db.creditAdjustment.findUniqueOrThrow({ where: { id: outcome.resultId } }),
        db.user.findUniqueOrThrow({ where: { id: customerId }, select: { balanceCents: true } }),
      ]);
      return {
        ok: true,
        adjustmentId: adjustment.id,
        amountCents: adjustment.amountCents,
        balanceCents: user.balanceCents,
        replayed: true,
      };
    }
    case "refused":
      return { ok: false, reason: outcome.reason };
    case "key_reused":
    case "busy":
      return { ok: false, reason: outcome.kind };
  }
}
