import "server-only";
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
