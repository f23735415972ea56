import "server-only";
import { formatOrderNumber } from "./format";
import { type LedgerKind, Prisma, type RedemptionStatus } from "@/lib/generated/prisma/client";
import type { Db } from "./db/client";

/** What a customer's wallet shows: the balance, the ledger and the redemptions behind it. */

export interface WalletEntry {
  id: string;
  kind: LedgerKind;
  amountCents: number;
  balanceAfterCents: number;
  createdAt: Date;
  /** What the entry was for: the coupon code, the names of the order's products or the adjustment's reason. */
  subject: string | null;
}

export interface WalletRedemption {
  id: string;
  code: string;
  amountCents: number;
  status: RedemptionStatus;
  createdAt: Date;
  revokedAt: Date | null;
}

export interface Wallet {
  balanceCents: number;
  entries: WalletEntry[];
  /** True when older entries exist beyond `entries`. */
  moreEntries: boolean;
  redemptions: WalletRedemption[];
  moreRedemptions: boolean;
}

/**
 * The balance, the newest ledger entries and redemptions, read from one snapshot so the balance
 * always equals the newest entry's running balance even while purchases commit.
 */
export async function getWallet(db: Db, userId: string, limit = 50): Promise<Wallet | null> {
  const [user, entries, redemptions] = await db.$transaction(
    [
      db.user.findUnique({ where: { id: userId }, select: { balanceCents: true } }),
      db.ledgerEntry.findMany({
        where: { userId },
        orderBy: { id: "desc" },
        take: limit + 1,
        select: {
          id: true,
          kind: true,
          amountCents: true,
          balanceAfterCents: true,
          createdAt: true,
          redemption: { select: { coupon: { select: { code: true } } } },
          order: { select: { lines: { select: { name: true }, orderBy: { lineNo: "asc" } } } },
          adjustment: { select: { reason: true } },
          refund: { select: { reason: true, order: { select: { number: true } } } },
        },
      }),
      db.redemption.findMany({
        where: { userId },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        take: limit + 1,
        select: {
          id: true,
          amountCents: true,
          status: true,
          createdAt: true,
          revokedAt: true,
          coupon: { select: { code: true } },
        },
      }),
    ],
    { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead },
  );
  if (!user) return null;
  return {
    balanceCents: user.balanceCents,
    entries: entries.slice(0, limit).map(({ redemption, order, adjustment, refund, id, ...entry }) => ({
      ...entry,
      id: id.toString(),
      subject:
        redemption?.coupon.code ??
        order?.lines.map((line) => line.name).join(", ") ??
        adjustment?.reason ??
        (refund ? `${formatOrderNumber(refund.order.number)}: ${refund.reason}` : null),
    })),
    moreEntries: entries.length > limit,
    redemptions: redemptions.slice(0, limit).map(({ coupon, ...redemption }) => ({ ...redemption, code: coupon.code })),
    moreRedemptions: redemptions.length > limit,
  };
}
