import "server-only";
import type { LedgerKind } from "@/lib/generated/prisma/client";
import { MAX_BALANCE_CENTS } from "./balance-limit";
import type { Tx } from "./db/transaction";

/**
 * Store credit. A balance only moves together with a ledger entry that records the new running
 * balance, inside the caller's transaction; credits and debits are each one guarded update, never
 * read-then-write.
 */

interface LedgerLink {
  kind: LedgerKind;
  redemptionId?: string;
  /** PURCHASE entries name their order (CHECK ledger_entries_order_matches_kind). */
  orderId?: string;
  /** ADJUSTMENT entries name their adjustment (CHECK ledger_entries_adjustment_matches_kind). */
  adjustmentId?: string;
  /** ORDER_PARTIAL_REFUND entries name their refund (CHECK ledger_entries_refund_matches_kind). */
  refundId?: string;
  /** HOLD, HOLD_RETURN and HOLD_REFUND entries name their hold (CHECK ledger_entries_hold_matches_kind). */
  holdId?: string;
}

export type CreditResult = { ok: true; balanceCents: number } | { ok: false; reason: "balance_limit" };

/**
 * Adds credit unless the balance would pass MAX_BALANCE_CENTS: the bound is in the increment's
 * where-clause. The caller writes the matching ledger entry, with the running balance returned here, in
 * the same transaction (lib/redemptions.ts folds it into one statement with the redemption it is for).
 */
export async function addCredit(tx: Tx, userId: string, amountCents: number): Promise<CreditResult> {
  const [user] = await tx.user.updateManyAndReturn({
    where: { id: userId, balanceCents: { lte: MAX_BALANCE_CENTS - amountCents } },
    data: { balanceCents: { increment: amountCents } },
    select: { balanceCents: true },
  });
  return user ? { ok: true, balanceCents: user.balanceCents } : { ok: false, reason: "balance_limit" };
}

/** Adds credit within the bound and writes its ledger entry (for callers with no statement to fold it into). */
export async function credit(tx: Tx, userId: string, amountCents: number, link: LedgerLink): Promise<CreditResult> {
  const credited = await addCredit(tx, userId, amountCents);
  if (credited.ok) await recordEntry(tx, userId, amountCents, credited.balanceCents, link);
  return credited;
}

export type DebitResult = { ok: true; balanceCents: number } | { ok: false; reason: "insufficient_credit" };

export async function debit(tx: Tx, userId: string, amountCents: number, link: LedgerLink): Promise<DebitResult> {
  const [user] = await tx.user.updateManyAndReturn({
    where: { id: userId, balanceCents: { gte: amountCents } },
    data: { balanceCents: { decrement: amountCents } },
    select: { balanceCents: true },
  });
  if (!user) return { ok: false, reason: "insufficient_credit" };
  await recordEntry(tx, userId, -amountCents, user.balanceCents, link);
  return { ok: true, balanceCents: user.balanceCents };
}

async function recordEntry(tx: Tx, userId: string, amountCents: number, balanceAfterCents: number, link: LedgerLink) {
  await tx.ledgerEntry.create({
    data: {
      userId,
      amountCents,
      kind: link.kind,
      balanceAfterCents,
      redemptionId: link.redemptionId,
      orderId: link.orderId,
      adjustmentId: link.adjustmentId,
      refundId: link.refundId,
      holdId: link.holdId,
    },
  });
}
