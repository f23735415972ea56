import "server-only";
import type { OrderStatus } from "@/lib/generated/prisma/client";
import { z } from "zod";
import type { Role } from "@/lib/generated/prisma/client";
import type { Db } from "@/lib/db/client";
import { getWallet, type Wallet } from "@/lib/wallet";
import { listRedemptions, type RedemptionRow, redemptionFiltersSchema } from "../redemptions";
import { type AttemptRow, attemptFiltersSchema, listAttempts } from "../reports";

/** Everything the admin's customer page shows, read in one call. */
export interface CustomerDetail {
  user: { id: string; email: string; name: string; role: Role; disabled: boolean; createdAt: Date };
  /** Balance and ledger, from one snapshot (lib/wallet.ts). */
  wallet: Wallet;
  /** As the redemptions audit lists them, so they can be revoked from here too. */
  redemptions: RedemptionRow[];
  orders: { id: string; number: number; products: string; status: OrderStatus; totalCents: number; createdAt: Date }[];
  attempts: AttemptRow[];
  adjustments: { id: string; amountCents: number; reason: string; createdAt: Date; actorEmail: string }[];
}

const SHOWN = 50;

/** Null when no user has this id (or it is not an id at all). */
export async function getCustomerDetail(db: Db, userId: string): Promise<CustomerDetail | null> {
  if (!z.uuid().safeParse(userId).success) return null;
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { id: true, email: true, name: true, role: true, disabled: true, createdAt: true },
  });
  if (!user) return null;
  const [wallet, redemptions, orders, attempts, adjustments] = await Promise.all([
    getWallet(db, userId, SHOWN),
    listRedemptions(db, redemptionFiltersSchema.parse({ userId }), null, SHOWN),
    db.order.findMany({
      where: { userId },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: SHOWN,
      select: {
        id: true,
        number: true,
        status: true,
        totalCents: true,
        createdAt: true,
        lines: { select: { name: true, quantity: true }, orderBy: { lineNo: "asc" } },
      },
    }),
    listAttempts(db, attemptFiltersSchema.parse({ userId, outcome: "ALL" }), SHOWN),
    db.creditAdjustment.findMany({
      where: { userId },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: SHOWN,
      select: {
        id: true,
        amountCents: true,
        reason: true,
        createdAt: true,
        actor: { select: { email: true } },
        apiKey: { select: { name: true } },
      },
    }),
  ]);
  if (!wallet) return null;
  return {
    user,
    wallet,
    redemptions: redemptions.rows,
    orders: orders.map(({ lines, ...order }) => ({
      ...order,
      products: lines.map((line) => (line.quantity > 1 ? `${line.quantity} × ${line.name}` : line.name)).join(", "),
    })),
    attempts: attempts.rows,
    adjustments: adjustments.map(({ actor, apiKey, ...adjustment }) => ({
      ...adjustment,
      // An admin, or a store's key (by its name).
      actorEmail: actor?.email ?? `API key "${apiKey?.name}"`,
    })),
  };
}
