import "server-only";
import type { Tx } from "@/lib/db/transaction";

/**
 * users.live_orders counts a customer's orders that are not cancelled: every order placed raises it in
 * its own transaction, a cancel lowers it in the cancel's (cancel-order.ts). "First order only" codes
 * need it at 0, and the increment itself checks that: `updateMany` guarded by `live_orders = 0`, its count
 * checked, so of any number of concurrent first orders only one can commit; nothing reads it to decide.
 * It locks the customer's users row, which an order's debit locks next anyway (lock order: place-order.ts).
 */
export async function countLiveOrder(
  tx: Tx,
  userId: string,
  { firstOrder }: { firstOrder: boolean },
): Promise<boolean> {
  const counted = await tx.user.updateMany({
    where: { id: userId, ...(firstOrder ? { liveOrders: 0 } : {}) },
    data: { liveOrders: { increment: 1 } },
  });
  return counted.count === 1;
}
