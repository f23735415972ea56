"use server";

import { z } from "zod";
import type { BuyAnswer } from "@/components/product-card";
import { purchaseMessage } from "@/lib/messages";
import { purchase } from "@/lib/purchase";
import { answeringWithKey, customerAction, fromForm } from "@/lib/web/actions";

const buyAction = customerAction
  .inputSchema(
    fromForm(z.object({ productId: z.string("That product doesn't exist (any more)."), idempotencyKey: z.string() })),
  )
  .action(async ({ ctx, parsedInput }): Promise<BuyAnswer> => {
    const result = await purchase(ctx.db, { userId: ctx.user.id, ...parsedInput });
    if (!result.ok) return { ok: false, reason: result.reason, message: purchaseMessage(result) };
    return { ok: true, message: purchaseMessage(result), balanceCents: result.balanceCents };
  });

/** A product's buy button: the product and the button's idempotency key, nothing typed to keep. */
export const buy = answeringWithKey(buyAction, () => ({}));
