"use server";

import { z } from "zod";
import type { StatusAnswer } from "@/components/admin/action-button";
import type { RefundAnswer } from "@/components/admin/refund-form";
import { ADMIN_BUSY, fulfilMessage, refundMessage } from "@/lib/admin/messages";
import { refundFormSchema } from "@/lib/admin/refund-form";
import { cancelAnyOrder, fulfilAnyOrder, refundAnyOrder } from "@/lib/commands/admin";
import { isEdgeRefusal } from "@/lib/commands/edge";
import { formatCents } from "@/lib/format";
import { adminAction, answering, answeringWithKey, echoedField, edgeAnswer, fromForm } from "@/lib/web/actions";

type CancelAnswer = StatusAnswer<"not_found" | "not_cancellable" | "balance_limit" | "rate_limited">;

const cancelOrder = adminAction
  .inputSchema(fromForm(z.object({ orderId: z.uuid("Unknown order.") })))
  .action(async ({ ctx, parsedInput }): Promise<CancelAnswer> => {
    const result = await ctx.run(cancelAnyOrder, parsedInput);
    if (isEdgeRefusal(result)) return edgeAnswer(result);
    if (result.ok) {
      const refunded = formatCents(result.order.totalCents);
      return {
        ok: true,
        message: result.alreadyCancelled ? "This order was already cancelled." : `Cancelled; ${refunded} refunded.`,
      };
    }
    switch (result.reason) {
      case "not_found":
        return { ok: false, reason: "not_found", message: "That order does not exist." };
      case "not_cancellable":
        return { ok: false, reason: "not_cancellable", message: "A fulfilled order cannot be cancelled." };
      case "balance_limit":
        return {
          ok: false,
          reason: "balance_limit",
          message: "The refund would take the customer's credit past its limit; nothing changed.",
        };
      case "busy":
        return { ok: false, reason: "busy", message: ADMIN_BUSY };
    }
  });

/** Cancels an order as an admin: stock, the code's use and the credit go back once; audited. */
export const cancelOrderAction = answering(cancelOrder);

type FulfilAnswer = StatusAnswer<"not_found" | "cancelled" | "rate_limited">;

const fulfilOrder = adminAction
  .inputSchema(fromForm(z.object({ orderId: z.uuid("Unknown order.") })))
  .action(async ({ ctx, parsedInput }): Promise<FulfilAnswer> => {
    const result = await ctx.run(fulfilAnyOrder, parsedInput);
    if (isEdgeRefusal(result)) return edgeAnswer(result);
    const message = fulfilMessage(result);
    return result.ok ? { ok: true, message } : { ok: false, reason: result.reason, message };
  });

/** Marks a placed order fulfilled (guarded on PLACED, audited once); from then on it is refunded, never cancelled. */
export const fulfilOrderAction = answering(fulfilOrder);

const refund = adminAction
  .inputSchema(fromForm(refundFormSchema))
  .action(async ({ ctx, parsedInput }): Promise<RefundAnswer> => {
    const result = await ctx.run(refundAnyOrder, parsedInput);
    if (isEdgeRefusal(result)) return edgeAnswer(result);
    const message = refundMessage(result);
    return result.ok ? { ok: true, message } : { ok: false, reason: result.reason, message };
  });

/** A partial refund of a fulfilled order to store credit, once per form key; a refusal keeps what was typed. */
export const refundOrderAction = answeringWithKey(refund, (formData) => ({
  by: echoedField(formData, "by", 10),
  amount: echoedField(formData, "amount", 40),
  reason: echoedField(formData, "reason", 500),
  restock: echoedField(formData, "restock", 5) === "on",
  units: Object.fromEntries(
    [...(formData?.keys() ?? [])]
      .filter((name) => /^units-\d{1,3}$/.test(name))
      .map((name) => [name, echoedField(formData, name, 20)]),
  ),
}));
