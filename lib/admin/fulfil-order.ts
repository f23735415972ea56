import "server-only";
import { z } from "zod";
import { recordAdminChange } from "@/lib/admin-changes";
import type { Db } from "@/lib/db/client";
import { Rollback, runTransaction } from "@/lib/db/transaction";
import { formatCents, formatOrderNumber } from "@/lib/format";
import { recordEvent } from "@/lib/webhooks/outbox";

/**
 * Fulfilling an order (it has shipped): the guarded status change PLACED → FULFILLED, count checked, and
 * its admin-log entry, in one transaction. The cancel's own guarded write requires PLACED too, so of a
 * fulfil and a cancel racing for one order exactly one changes it and the other is refused; a fulfilled
 * order is refunded (lib/admin/refund-order.ts), never cancelled.
 */

export type FulfilRefusal = "not_found" | "cancelled";

export type FulfilResult =
  { ok: true; number: number; alreadyFulfilled: boolean } | { ok: false; reason: FulfilRefusal | "busy" };

export const fulfilSchema = z.object({ orderId: z.string() });

export async function fulfilOrder(db: Db, adminId: string, orderId: string, now = new Date()): Promise<FulfilResult> {
  if (!z.uuid().safeParse(orderId).success) return { ok: false, reason: "not_found" };
  const outcome = await runTransaction<{ number: number; alreadyFulfilled: boolean }, FulfilRefusal>(db, async (tx) => {
    const [order] = await tx.order.updateManyAndReturn({
      where: { id: orderId, status: "PLACED" },
      data: { status: "FULFILLED", fulfilledAt: now, fulfilledById: adminId },
      select: { id: true, number: true, totalCents: true, userId: true, user: { select: { email: true } } },
    });
    if (!order) {
      // Matched no placed order: unknown, cancelled, or fulfilled already (a repeat changes nothing).
      const current = await tx.order.findUnique({ where: { id: orderId }, select: { status: true, number: true } });
      if (!current) throw new Rollback<FulfilRefusal>("not_found");
      if (current.status === "CANCELLED") throw new Rollback<FulfilRefusal>("cancelled");
      return { number: current.number, alreadyFulfilled: true };
    }
    await recordEvent(tx, { type: "order.fulfilled", data: { customerId: order.userId, orderId } });
    await recordAdminChange(tx, adminId, {
      action: "ORDER_FULFILLED",
      targetType: "order",
      targetId: order.id,
      summary: `Fulfilled order ${formatOrderNumber(order.number)} of ${formatCents(order.totalCents)} for ${order.user.email}`,
      before: { status: "PLACED" },
      after: { status: "FULFILLED" },
    });
    return { number: order.number, alreadyFulfilled: false };
  });
  switch (outcome.kind) {
    case "committed":
      return { ok: true, ...outcome.value };
    case "rolled_back":
      return { ok: false, reason: outcome.reason };
    case "busy":
      return { ok: false, reason: "busy" };
  }
}
