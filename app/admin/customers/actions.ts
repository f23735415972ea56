"use server";

import { z } from "zod";
import type { StatusAnswer } from "@/components/admin/action-button";
import type { AdjustmentAnswer } from "@/components/admin/credit-adjustment-form";
import { setCustomerDisabled } from "@/lib/accounts";
import { money } from "@/lib/admin/coupon-form";
import { adjustmentSchema } from "@/lib/admin/customers/adjust";
import { adjustMessage } from "@/lib/admin/messages";
import { adjustCustomerCredit } from "@/lib/commands/admin";
import { isEdgeRefusal } from "@/lib/commands/edge";
import { adminAction, answering, answeringWithKey, echoedField, edgeAnswer, fromForm } from "@/lib/web/actions";

/** The admin's actions on one customer: a manual credit adjustment, and disabling or enabling the account. */

const adjust = adminAction
  .inputSchema(
    fromForm(
      z.object({
        customerId: adjustmentSchema.shape.customerId,
        direction: z.enum(["credit", "debit"], "Choose credit or debit."),
        amount: money,
        reason: adjustmentSchema.shape.reason,
        idempotencyKey: adjustmentSchema.shape.idempotencyKey,
      }),
    ),
  )
  .action(async ({ ctx, parsedInput }): Promise<AdjustmentAnswer> => {
    const { direction, amount, ...input } = parsedInput;
    const result = await ctx.run(adjustCustomerCredit, {
      ...input,
      amountCents: direction === "credit" ? amount : -amount,
    });
    if (isEdgeRefusal(result)) return edgeAnswer(result);
    const message = adjustMessage(result);
    return result.ok
      ? { ok: true, message, balanceCents: result.balanceCents }
      : { ok: false, reason: result.reason, message };
  });

/** Credits or debits a customer's store credit by hand, once per form key, with a reason. */
export const adjustCreditAction = answeringWithKey(adjust, (formData) => ({
  direction: echoedField(formData, "direction", 10),
  amount: echoedField(formData, "amount", 40),
  reason: echoedField(formData, "reason", 500),
}));

const setDisabled = adminAction
  .inputSchema(fromForm(z.object({ customerId: z.uuid("Unknown customer."), disabled: z.enum(["true", "false"]) })))
  .action(async ({ ctx, parsedInput }): Promise<StatusAnswer<"unknown_user" | "not_a_customer">> => {
    const disabled = parsedInput.disabled === "true";
    const result = await setCustomerDisabled(ctx.db, ctx.admin.id, parsedInput.customerId, disabled);
    if (!result.ok) {
      const message =
        result.reason === "unknown_user" ? "That customer no longer exists." : "Admin accounts are not disabled here.";
      return { ok: false, reason: result.reason, message };
    }
    const state = disabled ? "disabled: they are signed out and cannot sign in" : "enabled: they can sign in again";
    return {
      ok: true,
      message: result.changed
        ? `The account is ${state}.`
        : `The account was already ${disabled ? "disabled" : "enabled"}.`,
    };
  });

/** Disables (signing the customer out everywhere) or re-enables a customer's account. */
export const setCustomerDisabledAction = answering(setDisabled);
