import "server-only";
import type { StockMovementKind } from "@/lib/generated/prisma/client";
import type { Db } from "@/lib/db/client";
import { getOrderDetail, type OrderDetail } from "@/lib/checkout/orders";
import { type AuditEntryView, listAuditLog } from "./audit-log";

/** A stock movement an order made: a SALE when placed, a RETURN when cancelled, a RESTOCK by a partial refund. */
export interface OrderStockMovement {
  id: string;
  kind: StockMovementKind;
  /** Signed: a sale is negative. */
  quantity: number;
  sku: string;
  name: string;
  createdAt: Date;
}

/** Everything the admin's order page shows, read in one call. */
export interface AdminOrderDetail {
  order: OrderDetail;
  customer: { id: string; email: string; name: string };
  /** Who cancelled it (the customer or an admin), when it is cancelled. */
  cancelledBy: { id: string; email: string } | null;
  /** The admin who fulfilled it, when it is fulfilled. */
  fulfilledBy: { id: string; email: string } | null;
  stock: OrderStockMovement[];
  /** Admin-log entries about this order, newest first. */
  audit: AuditEntryView[];
}

const AUDIT_SHOWN = 50;

/** Null when no order has this id (or it is not an id at all). */
export async function getAdminOrderDetail(db: Db, orderId: string): Promise<AdminOrderDetail | null> {
  const order = await getOrderDetail(db, orderId);
  if (!order) return null;
  const [people, stock, audit] = await Promise.all([
    db.order.findUniqueOrThrow({
      where: { id: orderId },
      select: {
        user: { select: { id: true, email: true, name: true } },
        cancelledBy: { select: { id: true, email: true } },
        fulfilledBy: { select: { id: true, email: true } },
      },
    }),
    db.stockMovement.findMany({
      where: { OR: [{ orderId }, { refund: { orderId } }] },
      orderBy: { id: "asc" },
      select: {
        id: true,
        kind: true,
        quantity: true,
        createdAt: true,
        product: { select: { sku: true, name: true } },
      },
    }),
    listAuditLog(db, { target: { type: "order", id: orderId }, limit: AUDIT_SHOWN }),
  ]);
  return {
    order,
    customer: people.user,
    cancelledBy: people.cancelledBy,
    fulfilledBy: people.fulfilledBy,
    stock: stock.map(({ product, id, ...m }) => ({ ...m, id: id.toString(), sku: product.sku, name: product.name })),
    audit: audit.entries,
  };
}
