"use server";

import { z } from "zod";
import type { CancelAnswer } from "@/components/order-list";
import { isEdgeRefusal } from "@/lib/commands/edge";
import { cancel as cancelCommand } from "@/lib/commands/customer";
import { cancelMessage } from "@/lib/messages";
import { answering, customerAction, edgeAnswer, fromForm } from "@/lib/web/actions";

const cancelAction = customerAction
  .inputSchema(fromForm(z.object({ orderId: z.uuid("We couldn't find that order.") })))
  .action(async ({ ctx, parsedInput }): Promise<CancelAnswer> => {
    const result = await ctx.run(cancelCommand, parsedInput);
    if (isEdgeRefusal(result)) return edgeAnswer(result);
    if (!result.ok) return { ok: false, reason: result.reason, message: cancelMessage(result) };
    return { ok: true, message: cancelMessage(result) };
  });

/** Cancelling is idempotent by the order's status, so the button needs no key of its own. */
export const cancel = answering(cancelAction);
