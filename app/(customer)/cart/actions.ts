"use server";

import { z } from "zod";
import type { CartAnswer, OrderAnswer } from "@/components/cart-view";
import { addItem as addCommand, applyCode, orderCart, setQuantity as quantityCommand } from "@/lib/commands/customer";
import { isEdgeRefusal } from "@/lib/commands/edge";
import { cartMessage, orderMessage } from "@/lib/messages";
import { answering, answeringWithKey, customerAction, edgeAnswer, fromForm } from "@/lib/web/actions";

const productField = z.uuid("That product doesn't exist (any more).");

const addAction = customerAction
  .inputSchema(fromForm(z.object({ productId: productField })))
  .action(async ({ ctx, parsedInput }): Promise<CartAnswer> => {
    const result = await ctx.run(addCommand, parsedInput);
    if (isEdgeRefusal(result)) return edgeAnswer(result);
    if (!result.ok) return { ok: false, reason: result.reason, message: cartMessage(result.reason, result.message) };
    return { ok: true, message: "Added to your cart." };
  });

const quantityAction = customerAction
  .inputSchema(
    fromForm(
      z.object({
        productId: productField,
        // An empty field is a mistake, not a removal: Remove (or 0) takes a line out.
        quantity: z.string().trim().min(1, "Enter a quantity (0 removes the item).").pipe(z.coerce.number()),
      }),
    ),
  )
  .action(async ({ ctx, parsedInput }): Promise<CartAnswer> => {
    const result = await ctx.run(quantityCommand, parsedInput);
    if (isEdgeRefusal(result)) return edgeAnswer(result);
    if (!result.ok) return { ok: false, reason: result.reason, message: cartMessage(result.reason, result.message) };
    return { ok: true, message: parsedInput.quantity === 0 ? "Removed from your cart." : "Quantity updated." };
  });

const codeAction = customerAction
  .inputSchema(fromForm(z.object({ code: z.string() })))
  .action(async ({ ctx, parsedInput }): Promise<CartAnswer> => {
    const code = parsedInput.code.trim() === "" ? null : parsedInput.code;
    const result = await ctx.run(applyCode, { code });
    if (isEdgeRefusal(result)) return edgeAnswer(result);
    if (!result.ok) return { ok: false, reason: result.reason, message: cartMessage(result.reason, result.message) };
    return { ok: true, message: code ? "Code added; its discount shows below." : "Code removed." };
  });

const orderAction = customerAction
  .inputSchema(fromForm(z.object({ idempotencyKey: z.string(), appliedCode: z.string().optional() })))
  .action(async ({ ctx, parsedInput }): Promise<OrderAnswer> => {
    const result = await ctx.run(orderCart, parsedInput);
    if (isEdgeRefusal(result)) return edgeAnswer(result);
    if (!result.ok) return { ok: false, reason: result.reason, message: orderMessage(result) };
    return { ok: true, message: orderMessage(result), orderId: result.order.id };
  });

export const addItem = answering(addAction);
export const setQuantity = answering(quantityAction);
export const setCode = answering(codeAction);
/** The place-order button carries an idempotency key: a retry after "busy" can never order twice. */
export const placeOrder = answeringWithKey(orderAction, () => ({}));
