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
}

export type CreditResult = { ok: true; balanceCents: number } | { ok: false; reason: "balance_limit" };

/** Adds credit unless the balance would pass MAX_BALANCE_CENTS; the bound is in the increment's where-clause. */
export async function credit(tx: Tx, userId: string, amountCents: number, link: LedgerLink): Promise<CreditResult> {
  const [user] = await tx.user.updateManyAndReturn({
    where: { id: userId, balanceCents: { lte: MAX_BALANCE_CENTS - amountCents } },
    data: { balanceCents: { increment: amountCents } },
    select: { balanceCents: true },
  });
  if (!user) return { ok: false, reason: "balance_limit" };
  await tx.ledgerEntry.create({
    data: {
      userId,
      amountCents,
      kind: link.kind,
      balanceAfterCents: user.balanceCents,
      redemptionId: link.redemptionId,
      orderId: link.orderId,
      adjustmentId: link.adjustmentId,
    },
  });
  return { ok: true, balanceCents: user.balanceCents };
}

export type DebitResult = { ok: true; balanceCents: number } | { ok: false; reason: "insufficient_credit" };

export async function debit(tx: Tx, userId: string, amountCents: number, link: LedgerLink): Promise<DebitResult> {
  const [user] = await tx.user.updateManyAndReturn({
    where: { id: userId, balanceCents: { gte: amountCents } },
    data: { balanceCents: { decrement: amountCents } },
    select: { balanceCents: true },
  });
  if (!user) return { ok: false, reason: "insufficient_credit" };
  await tx.ledgerEntry.create({
    data: {
      userId,
      amountCents: -amountCents,
      kind: link.kind,
      balanceAfterCents: user.balanceCents,
      redemptionId: link.redemptionId,
      orderId: link.orderId,
      adjustmentId: link.adjustmentId,
    },
  });
  return { ok: true, balanceCents: user.balanceCents };
}
