"use server";

import { z } from "zod";
import type { CancelAnswer } from "@/components/order-list";
import { cancelOrder } from "@/lib/checkout/cancel-order";
import { cancelMessage } from "@/lib/messages";
import { answering, customerAction, fromForm } from "@/lib/web/actions";

const cancelAction = customerAction
  .inputSchema(fromForm(z.object({ orderId: z.uuid("We couldn't find that order.") })))
  .action(async ({ ctx, parsedInput }): Promise<CancelAnswer> => {
    const result = await cancelOrder(ctx.db, {
      orderId: parsedInput.orderId,
      by: { kind: "customer", userId: ctx.user.id },
    });
    if (!result.ok) return { ok: false, reason: result.reason, message: cancelMessage(result) };
    return { ok: true, message: cancelMessage(result) };
  });

/** Cancelling is idempotent by the order's status, so the button needs no key of its own. */
export const cancel = answering(cancelAction);
