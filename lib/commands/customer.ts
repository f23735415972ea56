import "server-only";
import { z } from "zod";
import { cancelOrder } from "@/lib/checkout/cancel-order";
import { addToCart, applyCartCode, type CodeApplied, cartOrder, setCartQuantity } from "@/lib/checkout/cart";
import { ORDER_SCOPE, placeOrder } from "@/lib/checkout/place-order";
import { idempotencyKeySchema } from "@/lib/codes";
import { storableText } from "@/lib/input-rules";
import { purchase } from "@/lib/purchase";
import { REDEEM_SCOPE, redeemCoupon } from "@/lib/redemptions";
import { defineCommand, guessedCode } from "./edge";

/**
 * The customer's commands, each with its edge (lib/commands/edge.ts). Inputs are shapes plus the shared
 * input rules; the domain judges the values with its own reasons (a malformed code is `invalid_code`,
 * and is still a guess that costs).
 */

/** Any JSON text a client may send as a code: the domain normalises and judges it. */
export const typedCode = z.string("Enter a code.");
/** A key the domain validates with its own refusal (invalid_idempotency_key), so a form can keep it. */
export const clientKey = z.string("Send an idempotency key.");

export const redeem = defineCommand({
  name: "redeem",
  input: z.object({ code: typedCode, idempotencyKey: clientKey }),
  limit: { charges: () => true, guessed: guessedCode },
  idempotency: { key: "required", scope: REDEEM_SCOPE },
  run: (db, actor, input) => redeemCoupon(db, { userId: actor.userId, ...input, meta: actor.meta }),
});

export const order = defineCommand({
  name: "order",
  input: z.object({
    // Shapes only; placeOrder validates quantities, line counts and skus with its own messages.
    lines: z.array(z.object({ sku: z.string(), quantity: z.number() }), "Send the order's lines."),
    discountCode: typedCode.nullish(),
    idempotencyKey: clientKey,
    /** Set by the cart's command only: the ordered items leave the cart in the order's transaction. */
    fromCart: z.boolean().optional(),
  }),
  // An order with a code is a guess at the code; one without guesses nothing.
  limit: { charges: (input) => !!input.discountCode, guessed: guessedCode },
  idempotency: { key: "required", scope: ORDER_SCOPE },
  run: (db, actor, input) => placeOrder(db, { userId: actor.userId, ...input }),
});

/**
 * The cart's Place order: the cart's items, placed by the order command through its own edge, with the
 * code the button's total was computed with (`appliedCode`; absent: the cart's code). A code the cart
 * showed as not applied is left out, so the order is placed at the total the button showed.
 */
export const orderCart = defineCommand({
  name: "order-cart",
  // Validated before the key reaches any query (a replay is looked up by it).
  input: z.object({ idempotencyKey: idempotencyKeySchema, appliedCode: z.string().max(300).optional() }),
  limit: null,
  idempotency: { key: "required", scope: ORDER_SCOPE },
  run: async (db, actor, { idempotencyKey, appliedCode }, then) => {
    const cart = await cartOrder(db, actor.userId, idempotencyKey);
    if (cart.kind === "empty") return cart.replay ?? ({ ok: false, reason: "empty_cart", replayed: false } as const);
    const discountCode = appliedCode === undefined ? cart.discountCode : appliedCode || null;
    // The code was changed in another tab since this button was rendered: its total is not this cart's.
    if (discountCode !== null && discountCode !== cart.discountCode) {
      return { ok: false, reason: "cart_changed", replayed: false } as const;
    }
    return then(order, { lines: cart.lines, discountCode, idempotencyKey, fromCart: true });
  },
});

/** The shop's Buy button: an order of one product. */
export const buy = defineCommand({
  name: "buy",
  input: z.object({ productId: z.string("That product doesn't exist (any more)."), idempotencyKey: clientKey }),
  limit: null,
  idempotency: { key: "required", scope: ORDER_SCOPE },
  run: (db, actor, input) => purchase(db, { userId: actor.userId, ...input }),
});

/** Puts a code on the cart and previews it: a guess, charged and logged like a redeem attempt. */
export const applyCode = defineCommand<{ code: string | null }, CodeApplied>({
  name: "apply-cart-code",
  input: z.object({ code: storableText().max(300, "That code is far too long.").nullable() }),
  limit: { charges: (input) => input.code !== null, guessed: (result) => guessedCode(previewOutcome(result)) },
  idempotency: { key: "none", by: "state" },
  run: (db, actor, { code }) => applyCartCode(db, { userId: actor.userId, code, meta: actor.meta }),
});

/** A preview's answer as an attempt's outcome: its refusal, or the preview's. */
function previewOutcome(result: CodeApplied): { ok: boolean; reason?: string } {
  if (!result.ok) return result;
  return result.preview ?? { ok: true };
}

const productId = z.string("That product doesn't exist (any more).");

export const addItem = defineCommand({
  name: "add-to-cart",
  input: z.object({ productId }),
  limit: null,
  // Adding again raises the quantity: a repeat is a second press, which the button's pending state prevents.
  idempotency: { key: "none", by: "nothing_to_repeat" },
  run: (db, actor, input) => addToCart(db, actor.userId, input.productId),
});

export const setQuantity = defineCommand({
  name: "set-cart-quantity",
  input: z.object({ productId, quantity: z.number("Enter a quantity.") }),
  limit: null,
  idempotency: { key: "none", by: "state" },
  run: (db, actor, input) => setCartQuantity(db, actor.userId, input.productId, input.quantity),
});

/** A customer cancels their own order; idempotent by the order's status. */
export const cancel = defineCommand({
  name: "cancel-order",
  input: z.object({ orderId: z.string() }),
  limit: null,
  idempotency: { key: "none", by: "state" },
  run: (db, actor, input) =>
    cancelOrder(db, { orderId: input.orderId, by: { kind: "customer", userId: actor.userId } }),
});
