"use server";

import { z } from "zod";
import type { RedeemAnswer } from "@/components/redeem-form";
import { RAW_CODE_MAX_LENGTH } from "@/lib/codes";
import { isEdgeRefusal } from "@/lib/commands/edge";
import { redeem as redeemCommand } from "@/lib/commands/customer";
import { redeemMessage } from "@/lib/messages";
import { messageTimeZone } from "@/lib/store-settings";
import { answeringWithKey, customerAction, echoedField, edgeAnswer, fromForm } from "@/lib/web/actions";

const redeemAction = customerAction
  .inputSchema(fromForm(z.object({ code: z.string("Enter a coupon code."), idempotencyKey: z.string() })))
  .action(async ({ ctx, parsedInput }): Promise<RedeemAnswer> => {
    const result = await ctx.run(redeemCommand, parsedInput);
    if (isEdgeRefusal(result)) return edgeAnswer(result);
    const message = redeemMessage(result, await messageTimeZone(ctx.db, result));
    if (!result.ok) return { ok: false, reason: result.reason, message };
    const { code, amountCents } = result.redemption;
    return { ok: true, message, code, amountCents, balanceCents: result.balanceCents };
  });

/** The redeem form: a code and the form's idempotency key. Megabytes of input are not echoed back. */
export const redeem = answeringWithKey(redeemAction, (formData) => ({
  code: echoedField(formData, "code", RAW_CODE_MAX_LENGTH),
}));
