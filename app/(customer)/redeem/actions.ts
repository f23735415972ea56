"use server";

import { z } from "zod";
import type { RedeemAnswer } from "@/components/redeem-form";
import { RAW_CODE_MAX_LENGTH } from "@/lib/codes";
import { rateLimitedMessage, redeemMessage } from "@/lib/messages";
import { redeemWithinLimits } from "@/lib/redeem-within-limits";
import { messageTimeZone } from "@/lib/store-settings";
import { answeringWithKey, customerAction, echoedField, fromForm } from "@/lib/web/actions";
import { currentRequestMeta } from "@/lib/web/request-meta";

const redeemAction = customerAction
  .inputSchema(fromForm(z.object({ code: z.string("Enter a coupon code."), idempotencyKey: z.string() })))
  .action(async ({ ctx, parsedInput }): Promise<RedeemAnswer> => {
    const result = await redeemWithinLimits(ctx.db, {
      userId: ctx.user.id,
      code: parsedInput.code,
      idempotencyKey: parsedInput.idempotencyKey,
      meta: await currentRequestMeta(),
    });
    if (!result.ok && result.reason === "rate_limited") {
      return { ok: false, reason: "rate_limited", message: rateLimitedMessage(result) };
    }
    const message = redeemMessage(result, await messageTimeZone(ctx.db, result));
    if (!result.ok) return { ok: false, reason: result.reason, message };
    const { code, amountCents } = result.redemption;
    return { ok: true, message, code, amountCents, balanceCents: result.balanceCents };
  });

/** The redeem form: a code and the form's idempotency key. Megabytes of input are not echoed back. */
export const redeem = answeringWithKey(redeemAction, (formData) => ({
  code: echoedField(formData, "code", RAW_CODE_MAX_LENGTH),
}));
