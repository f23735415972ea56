import "server-only";
import { z } from "zod";
import type { LedgerKind } from "@/lib/generated/prisma/client";
import type { Db } from "@/lib/db/client";
import { type OrderView, orderViewSelect, toOrderView } from "./order-view";

/** A customer's orders, newest first, with their lines (the order history page). */
export async function listOrders(db: Db, userId: string, limit = 50): Promise<OrderView[]> {
  const orders = await db.order.findMany({
    where: { userId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit,
    select: orderViewSelect,
  });
  return orders.map(toOrderView);
}

/** A movement of store credit made by an order: what it debited when placed, what went back. */
export interface OrderCreditEntry {
  id: string;
  kind: LedgerKind;
  /** Signed: a debit is negative. */
  amountCents: number;
  balanceAfterCents: number;
  createdAt: Date;
}

/** One order with the store credit it moved: what its page shows, to its customer and to admins. */
export interface OrderDetail extends OrderView {
  userId: string;
  credit: OrderCreditEntry[];
}

/**
 * One order and its ledger entries, oldest first. With `ownerId`, only that customer's order: someone
 * else's answers null, exactly as an order that does not exist (or an id that is not one).
 */
export async function getOrderDetail(db: Db, orderId: string, ownerId?: string): Promise<OrderDetail | null> {
  if (!z.uuid().safeParse(orderId).success) return null;
  const order = await db.order.findFirst({
    where: { id: orderId, ...(ownerId === undefined ? {} : { userId: ownerId }) },
    select: {
      ...orderViewSelect,
      userId: true,
      ledgerEntries: {
        orderBy: { id: "asc" },
        select: { id: true, kind: true, amountCents: true, balanceAfterCents: true, createdAt: true },
      },
    },
  });
  if (!order) return null;
  const { userId, ledgerEntries, ...view } = order;
  return {
    ...toOrderView(view),
    userId,
    credit: ledgerEntries.map((e) => ({ ...e, id: e.id.toString() })),
  };
}
