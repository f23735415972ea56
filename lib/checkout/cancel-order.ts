import "server-only";
import { z } from "zod";
import { giveBackCouponUse } from "@/lib/coupon-use";
import type { Db } from "@/lib/db/client";
import { Rollback, runTransaction, type Tx } from "@/lib/db/transaction";
import { credit } from "@/lib/ledger";
import { type OrderView, orderViewSelect, toOrderView } from "./order-view";
import { returnStock } from "./stock";
import { recordEvent } from "@/lib/webhooks/outbox";

/**
 * Cancelling an order reverses it once: the guarded status change (PLACED → CANCELLED, count checked)
 * decides which of two concurrent cancels does the work; the winner returns the stock (RETURN
 * movements), gives the code's use back through the primitive and refunds the total (ORDER_REFUND),
 * all in the same transaction. A later cancel answers with the cancelled order, changing nothing.
 */

export type CancelRefusal =
  /** No such order, or (for a customer) not theirs: the same answer, so ids reveal nothing. */
  | "not_found"
  /** Fulfilled orders are not cancelled. */
  | "not_cancellable"
  /** The refund would take the wallet past its limit (lib/balance-limit.ts). */
  | "balance_limit"
  | "busy";

export type CancelResult =
  | { ok: true; order: OrderView; balanceCents: number; alreadyCancelled: boolean }
  | { ok: false; reason: CancelRefusal };

/** Who cancels: a customer, their own orders only; an admin, any order. */
export type Canceller = { kind: "customer"; userId: string } | { kind: "admin"; adminId: string };

type Cancelled = { orderId: string; balanceCents: number; alreadyCancelled: boolean };

/** The order a cancel has just reversed, as `record` sees it. */
export type CancelledOrder = {
  id: string;
  number: number;
  userId: string;
  couponId: string | null;
  totalCents: number;
};

type CancelInput = {
  orderId: string;
  by: Canceller;
  now?: Date;
  /** Runs inside the cancel's transaction only when this call reversed the order (e.g. an audit entry). */
  record?: (tx: Tx, order: CancelledOrder) => Promise<void>;
};

export async function cancelOrder(db: Db, input: CancelInput): Promise<CancelResult> {
  if (!z.uuid().safeParse(input.orderId).success) return { ok: false, reason: "not_found" };
  const outcome = await runTransaction<Cancelled, CancelRefusal>(db, (tx) => cancelInTransaction(tx, input));
  switch (outcome.kind) {
    case "committed": {
      const order = await db.order.findUniqueOrThrow({ where: { id: outcome.value.orderId }, select: orderViewSelect });
      const { balanceCents, alreadyCancelled } = outcome.value;
      return { ok: true, order: toOrderView(order), balanceCents, alreadyCancelled };
    }
    case "rolled_back":
      return { ok: false, reason: outcome.reason };
    case "busy":
      return { ok: false, reason: "busy" };
  }
}

async function cancelInTransaction(tx: Tx, { orderId, by, now = new Date(), record }: CancelInput): Promise<Cancelled> {
  const owner = by.kind === "customer" ? { userId: by.userId } : {};
  const [order] = await tx.order.updateManyAndReturn({
    where: { id: orderId, ...owner, status: "PLACED" },
    data: { status: "CANCELLED", cancelledAt: now, cancelledById: by.kind === "customer" ? by.userId : by.adminId },
    select: { id: true, number: true, userId: true, couponId: true, totalCents: true },
  });
  if (!order) return previousCancellation(tx, orderId, owner);
  const reversed = await reverseOrder(tx, order);
  await recordEvent(tx, {
    type: "order.cancelled",
    data: { customerId: order.userId, orderId, refundedCents: order.totalCents },
  });
  await record?.(tx, order);
  return { orderId, balanceCents: reversed, alreadyCancelled: false };
}

/** Returns the stock, the code's use and the total of a just-cancelled order; answers the new balance. */
async function reverseOrder(tx: Tx, order: CancelledOrder): Promise<number> {
  const orderId = order.id;

  // Stock (product rows), then the user's use, the refund (the user's row) and the coupon's counter:
  // the order in which placing an order takes them, so a cancel and an order never deadlock.
  await returnStock(tx, orderId);
  const refund = () => refundTotal(tx, order.userId, orderId, order.totalCents);
  if (!order.couponId) return refund();
  // Not a revocation: a customer who cancels may use the code again (revoked: false).
  const givenBack = await giveBackCouponUse(
    tx,
    { couponId: order.couponId, userId: order.userId, revoked: false },
    refund,
  );
  if (!givenBack.ok) {
    // A placed order with a code always holds one use of it; anything else is corruption, not a user error.
    throw new Error(`Order ${orderId} is placed with a code but its coupon or usage counter holds no use.`);
  }
  return givenBack.value;
}

/** Refunds the total and takes the order off the customer's live ones (a cancelled first order frees first-order codes). */
async function refundTotal(tx: Tx, userId: string, orderId: string, totalCents: number): Promise<number> {
  const { balanceCents } = await tx.user.update({
    where: { id: userId },
    data: { liveOrders: { decrement: 1 } },
    select: { balanceCents: true },
  });
  if (totalCents === 0) return balanceCents;
  const refunded = await credit(tx, userId, totalCents, { kind: "ORDER_REFUND", orderId });
  if (!refunded.ok) throw new Rollback<CancelRefusal>("balance_limit");
  return refunded.balanceCents;
}

/** A cancel that matched no placed order: unknown (or someone else's), fulfilled, or cancelled already. */
async function previousCancellation(tx: Tx, orderId: string, owner: { userId?: string }): Promise<Cancelled> {
  const order = await tx.order.findFirst({
    where: { id: orderId, ...owner },
    select: { status: true, userId: true, ledgerEntries: { where: { kind: "ORDER_REFUND" } } },
  });
  if (!order) throw new Rollback<CancelRefusal>("not_found");
  if (order.status !== "CANCELLED") throw new Rollback<CancelRefusal>("not_cancellable");
  const balanceCents =
    order.ledgerEntries[0]?.balanceAfterCents ??
    (await tx.user.findUniqueOrThrow({ where: { id: order.userId }, select: { balanceCents: true } })).balanceCents;
  return { orderId, balanceCents, alreadyCancelled: true };
}
