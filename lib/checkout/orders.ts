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

/** A partial refund of the order, as both order pages show it (lib/admin/refund-order.ts). */
export interface OrderRefundView {
  id: string;
  amountCents: number;
  reason: string;
  /** Whether any refunded units went back in stock. */
  restocked: boolean;
  createdAt: Date;
  /** The units refunded, by line (none for a refund of an amount). */
  lines: { lineNo: number; name: string; quantity: number }[];
  /** The admin who made it. */
  actor: { id: string; email: string };
}

/** One order with the store credit it moved and its partial refunds: what its page shows, to its customer and to admins. */
export interface OrderDetail extends OrderView {
  userId: string;
  /** Its purchase, its cancellation's refund and its partial refunds' credits, oldest first. */
  credit: OrderCreditEntry[];
  /** Oldest first. */
  refunds: OrderRefundView[];
  /** Units of each line refunded so far, by line number. */
  refundedUnits: Record<number, number>;
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
      lines: { ...orderViewSelect.lines, select: { ...orderViewSelect.lines.select, refundedQuantity: true } },
      refunds: {
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        select: {
          id: true,
          amountCents: true,
          reason: true,
          restocked: true,
          createdAt: true,
          actor: { select: { id: true, email: true } },
          lines: {
            orderBy: { lineNo: "asc" },
            select: { lineNo: true, quantity: true, line: { select: { name: true } } },
          },
        },
      },
    },
  });
  if (!order) return null;
  // A partial refund's credit names its refund, not the order (an order has one PURCHASE and one ORDER_REFUND at most).
  const ledgerEntries = await db.ledgerEntry.findMany({
    where: { OR: [{ orderId }, { refund: { orderId } }] },
    orderBy: { id: "asc" },
    select: { id: true, kind: true, amountCents: true, balanceAfterCents: true, createdAt: true },
  });
  const { userId, refunds, lines, ...view } = order;
  return {
    ...toOrderView({ ...view, lines: lines.map(({ refundedQuantity: _, ...line }) => line) }),
    userId,
    credit: ledgerEntries.map((e) => ({ ...e, id: e.id.toString() })),
    refunds: refunds.map(({ lines: refundLines, ...refund }) => ({
      ...refund,
      lines: refundLines.map((l) => ({ lineNo: l.lineNo, name: l.line.name, quantity: l.quantity })),
    })),
    refundedUnits: Object.fromEntries(lines.map((l) => [l.lineNo, l.refundedQuantity])),
  };
}
