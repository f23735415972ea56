"use server";

import { z } from "zod";
import type { BuyAnswer } from "@/components/product-card";
import { isEdgeRefusal } from "@/lib/commands/edge";
import { buy as buyCommand } from "@/lib/commands/customer";
import { purchaseMessage } from "@/lib/messages";
import { answeringWithKey, customerAction, edgeAnswer, fromForm } from "@/lib/web/actions";

const buyAction = customerAction
  .inputSchema(fromForm(z.object({ productId: z.string(), idempotencyKey: z.string() })))
  .action(async ({ ctx, parsedInput }): Promise<BuyAnswer> => {
    const result = await ctx.run(buyCommand, parsedInput);
    if (isEdgeRefusal(result)) return edgeAnswer(result);
    if (!result.ok) return { ok: false, reason: result.reason, message: purchaseMessage(result) };
    return { ok: true, message: purchaseMessage(result), balanceCents: result.balanceCents };
  });

/** A product's buy button: the product and the button's idempotency key, nothing typed to keep. */
export const buy = answeringWithKey(buyAction, () => ({}));
