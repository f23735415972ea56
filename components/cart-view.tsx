"use client";

import Link from "next/link";
import { useActionState } from "react";
import type { ActionResult, IdempotentFormState } from "@/lib/action-result";
import type { Cart } from "@/lib/checkout/cart";
import type { CartRefusal } from "@/lib/checkout/cart";
import type { PlaceOrderRefusal } from "@/lib/checkout/place-order";
import { formatCents } from "@/lib/format";
import { codePreviewMessage } from "@/lib/messages";
import { AnswerRegion } from "./answer-region";
import { Callout } from "./callout";
import { useClearOnInput } from "./use-clear-on-input";
import { SubmitButton } from "./submit-button";

export type CartAnswer = ActionResult<object, CartRefusal | "rate_limited">;
export type OrderAnswer = ActionResult<{ orderId: string }, PlaceOrderRefusal | "empty_cart" | "rate_limited">;
export type OrderFormState = IdempotentFormState<OrderAnswer, Record<string, never>>;
type CartAction = (state: CartAnswer | null, formData: FormData) => Promise<CartAnswer>;

interface CartViewProps {
  cart: Cart;
  balanceCents: number;
  setQuantity: CartAction;
  setCode: CartAction;
  placeOrder: (state: OrderFormState, formData: FormData) => Promise<OrderFormState>;
  initialOrderState: OrderFormState;
}

/** Why a line keeps the cart from being ordered as it is, naming the product; null when it can be. */
function lineBlocker(line: Cart["lines"][number]): string | null {
  if (!line.active) return `${line.name} is no longer on sale: remove it to order the rest.`;
  if (line.stock === 0) return `${line.name} is sold out: remove it to order the rest.`;
  if (line.stock !== null && line.quantity > line.stock) {
    return `Only ${line.stock} of ${line.name} left: lower its quantity to ${line.stock}.`;
  }
  return null;
}

/** The cart: quantities, a discount code previewed (not used) and the order button. */
export function CartView({ cart, balanceCents, setQuantity, setCode, placeOrder, initialOrderState }: CartViewProps) {
  const [quantityAnswer, quantityAction, quantityPending] = useActionState(setQuantity, null);
  const [codeAnswer, codeAction, codePending] = useActionState(setCode, null);
  const [order, orderAction, orderPending] = useActionState(placeOrder, initialOrderState);
  const blockers = cart.lines.map(lineBlocker).filter((blocker) => blocker !== null);
  const quantityShown = useClearOnInput(quantityAnswer);
  const codeShown = useClearOnInput(codeAnswer);
  // An order's refusal is about the cart it was placed with: any edit of the cart makes it stale.
  const orderShown = useClearOnInput(order.result);
  const editingCart = (own: () => void) => () => {
    own();
    orderShown.onInput();
  };

  if (cart.lines.length === 0) {
    return (
      <div className="space-y-4">
        {/* An answer about a cart that is empty now: this order, or why another press or tab got there first. */}
        <AnswerRegion answer={order.result}>
          {order.result && (
            <Callout tone={order.result.ok ? "success" : "error"} testId="order-result">
              <p data-reason={order.result.ok ? undefined : order.result.reason}>{order.result.message}</p>
              <Link href="/orders" className="mt-1 inline-block font-medium underline underline-offset-2">
                See your orders
              </Link>
            </Callout>
          )}
        </AnswerRegion>
        <p className="text-slate-700">
          Your cart is empty.{" "}
          <Link href="/shop" className="font-medium text-indigo-700 underline underline-offset-2">
            Go to the shop
          </Link>
        </p>
      </div>
    );
  }

  return (
    <div className="space-y-6">
      <ul className="divide-y divide-slate-100 rounded-xl border border-slate-200 bg-white shadow-sm">
        {cart.lines.map((line) => (
          <li
            key={line.productId}
            className="flex flex-wrap items-center gap-3 p-4"
            data-testid="cart-line"
            data-sku={line.sku}
          >
            <div className="min-w-40 flex-1">
              <p className="font-medium text-slate-900">{line.name}</p>
              <p className="text-sm text-slate-600">
                {formatCents(line.unitPriceCents)} each
                {line.stock !== null && (line.stock === 0 ? " · sold out" : ` · only ${line.stock} left`)}
                {!line.active && " · no longer on sale"}
              </p>
            </div>
            <form
              action={quantityAction}
              onInput={editingCart(quantityShown.onInput)}
              className="flex items-center gap-2"
            >
              <input type="hidden" name="productId" value={line.productId} />
              <label className="text-sm text-slate-700" htmlFor={`quantity-${line.productId}`}>
                Quantity
              </label>
              <input
                id={`quantity-${line.productId}`}
                name="quantity"
                type="number"
                min={0}
                max={line.stock === null ? 99 : Math.min(99, Math.max(line.stock, line.quantity))}
                defaultValue={line.quantity}
                key={line.quantity}
                className="w-20 rounded-md border border-slate-300 px-2 py-1.5 tabular-nums"
              />
              <button
                type="submit"
                disabled={quantityPending}
                className="rounded-md px-3 py-1.5 text-sm font-medium ring-1 ring-slate-300 hover:bg-slate-100"
              >
                Update
              </button>
            </form>
            <form action={quantityAction} onSubmit={orderShown.onInput}>
              <input type="hidden" name="productId" value={line.productId} />
              <input type="hidden" name="quantity" value="0" />
              <button
                type="submit"
                disabled={quantityPending}
                className="rounded-md px-3 py-1.5 text-sm font-medium text-rose-700 hover:bg-rose-50"
              >
                Remove<span className="sr-only"> {line.name}</span>
              </button>
            </form>
            <p className="w-24 text-right font-semibold tabular-nums text-slate-900">{formatCents(line.amountCents)}</p>
          </li>
        ))}
      </ul>
      <div aria-live="polite">
        {quantityShown.shown && !quantityShown.shown.ok && (
          <Callout tone="error" testId="quantity-result">
            <p>{quantityShown.shown.message}</p>
          </Callout>
        )}
      </div>

      <form action={codeAction} onInput={editingCart(codeShown.onInput)} className="flex flex-wrap items-end gap-2">
        <div>
          <label htmlFor="discount-code" className="block text-sm font-medium text-slate-800">
            Discount code
          </label>
          <input
            id="discount-code"
            name="code"
            defaultValue={cart.preview?.code ?? ""}
            key={cart.preview?.code ?? ""}
            autoComplete="off"
            className="mt-1 rounded-md border border-slate-300 px-3 py-2 uppercase"
          />
        </div>
        <SubmitButton pending={codePending} pendingLabel="Applying…">
          Apply code
        </SubmitButton>
      </form>
      <AnswerRegion answer={codeAnswer} className="space-y-2">
        {codeShown.shown && !codeShown.shown.ok && (
          <Callout tone="error" testId="code-result">
            <p>{codeShown.shown.message}</p>
          </Callout>
        )}
        {cart.preview && (
          <Callout tone="info" testId="code-preview">
            <p data-reason={cart.preview.ok ? undefined : cart.preview.reason}>{codePreviewMessage(cart.preview)}</p>
            {!cart.preview.ok && (
              <form action={codeAction} onSubmit={orderShown.onInput} className="mt-1">
                <input type="hidden" name="code" value="" />
                <button type="submit" disabled={codePending} className="font-medium underline underline-offset-2">
                  Remove {cart.preview.code}
                </button>
              </form>
            )}
          </Callout>
        )}
      </AnswerRegion>

      <dl className="ml-auto max-w-xs space-y-1 text-sm tabular-nums">
        <div className="flex justify-between">
          <dt>Subtotal</dt>
          <dd data-testid="cart-subtotal">{formatCents(cart.subtotalCents)}</dd>
        </div>
        {cart.preview?.ok && (
          <div className="flex justify-between text-emerald-800">
            <dt>Discount ({cart.preview.code})</dt>
            <dd data-testid="cart-discount">−{formatCents(cart.preview.discountCents)}</dd>
          </div>
        )}
        <div className="flex justify-between border-t border-slate-200 pt-1 text-base font-semibold">
          <dt>Total</dt>
          <dd data-testid="cart-total">{formatCents(cart.totalCents)}</dd>
        </div>
        <div className="flex justify-between text-slate-600">
          <dt>Your store credit</dt>
          <dd>{formatCents(balanceCents)}</dd>
        </div>
      </dl>

      <form action={orderAction} className="flex flex-col items-end gap-3">
        <input type="hidden" name="idempotencyKey" value={order.key} />
        {/* The code the total below was computed with: a code that does not apply is left out of the order. */}
        <input type="hidden" name="appliedCode" value={cart.preview?.ok ? cart.preview.code : ""} />
        {blockers.length > 0 && (
          <Callout tone="error" testId="cart-blockers">
            {blockers.map((blocker) => (
              <p key={blocker}>{blocker}</p>
            ))}
          </Callout>
        )}
        <SubmitButton pending={orderPending} pendingLabel="Placing order…" disabled={blockers.length > 0}>
          Place order for {formatCents(cart.totalCents)}
        </SubmitButton>
        <AnswerRegion answer={order.result} aria-atomic="true" data-answer={order.answer} className="w-full">
          {orderShown.shown && (
            <Callout key={order.answer} tone={orderShown.shown.ok ? "success" : "error"} testId="order-result">
              <p data-reason={orderShown.shown.ok ? undefined : orderShown.shown.reason}>{orderShown.shown.message}</p>
            </Callout>
          )}
        </AnswerRegion>
      </form>
    </div>
  );
}
