"use client";

import Link from "next/link";
import { useActionState } from "react";
import type { ActionResult, IdempotentFormState } from "@/lib/action-result";
import { formatCents } from "@/lib/format";
import type { CatalogueProduct } from "@/lib/catalogue";
import type { PlaceOrderRefusal } from "@/lib/checkout/place-order";
import type { CartAnswer } from "./cart-view";
import { AnswerRegion } from "./answer-region";
import { Callout } from "./callout";
import { SubmitButton } from "./submit-button";

const TILES = [
  "bg-amber-100 text-amber-800",
  "bg-sky-100 text-sky-800",
  "bg-rose-100 text-rose-800",
  "bg-emerald-100 text-emerald-800",
  "bg-violet-100 text-violet-800",
  "bg-orange-100 text-orange-800",
];

export type BuyAnswer = ActionResult<{ balanceCents: number }, PlaceOrderRefusal | "rate_limited">;
export type BuyFormState = IdempotentFormState<BuyAnswer, Record<string, never>>;

interface ProductCardProps {
  product: CatalogueProduct;
  tile: number;
  balanceCents: number;
  action: (state: BuyFormState, formData: FormData) => Promise<BuyFormState>;
  initialState: BuyFormState;
  addToCart: (state: CartAnswer | null, formData: FormData) => Promise<CartAnswer>;
}

/** A product with its own buy form: one press, one order, whatever the network does. */
export function ProductCard({ product, tile, balanceCents, action, initialState, addToCart }: ProductCardProps) {
  const [state, formAction, pending] = useActionState(action, initialState);
  const [added, addAction, adding] = useActionState(addToCart, null);
  const soldOut = product.stock === 0;
  const shortBy = product.priceCents - balanceCents;
  const headingId = `product-${product.id}`;
  // A purchase's answer names the balance it left; once another purchase changes it, the answer is gone
  // rather than left stating a balance that no longer holds.
  const result = state.result?.ok && state.result.balanceCents !== balanceCents ? null : state.result;

  return (
    <li
      className="flex flex-col rounded-xl border border-slate-200 bg-white p-5 shadow-sm"
      aria-labelledby={headingId}
      data-testid="product-card"
      data-sku={product.sku}
    >
      <div
        aria-hidden="true"
        className={`mb-4 grid h-24 place-items-center rounded-lg text-3xl font-semibold ${TILES[tile % TILES.length]}`}
      >
        {product.name.slice(0, 1)}
      </div>
      <div className="flex items-start justify-between gap-3">
        <h2 id={headingId} className="font-semibold text-slate-900">
          {product.name}
        </h2>
        <p className="font-semibold tabular-nums text-slate-900">{formatCents(product.priceCents)}</p>
      </div>
      <p className="mt-1 flex-1 text-sm text-slate-600">{product.description}</p>
      {product.stock !== null && (
        <p className="mt-2 text-sm font-medium text-amber-800" data-testid="stock">
          {soldOut ? "Sold out" : `Only ${product.stock} left`}
        </p>
      )}

      <form action={addAction} className="mt-4 space-y-2">
        <input type="hidden" name="productId" value={product.id} />
        <SubmitButton pending={adding} pendingLabel="Adding…" disabled={soldOut} className="w-full">
          Add to cart
          <span className="sr-only"> ({product.name})</span>
        </SubmitButton>
        <AnswerRegion answer={added}>
          {added && (
            <Callout tone={added.ok ? "success" : "error"} testId="add-result">
              <p>
                {added.message}{" "}
                {added.ok && (
                  <Link href="/cart" className="font-medium underline underline-offset-2">
                    View cart
                  </Link>
                )}
              </p>
            </Callout>
          )}
        </AnswerRegion>
      </form>

      <form action={formAction} className="mt-2 space-y-3">
        <input type="hidden" name="productId" value={product.id} />
        <input type="hidden" name="idempotencyKey" value={state.key} />
        <SubmitButton pending={pending} pendingLabel="Buying…" disabled={soldOut} className="w-full">
          Buy for {formatCents(product.priceCents)}
          <span className="sr-only"> ({product.name})</span>
        </SubmitButton>
        {shortBy > 0 && !result && (
          <p className="text-sm text-slate-600">
            You need {formatCents(shortBy)} more credit.{" "}
            <Link
              href="/redeem"
              className="font-medium text-indigo-700 underline underline-offset-2 hover:no-underline"
            >
              Redeem a code
            </Link>
          </p>
        )}
        <div aria-live="polite" aria-atomic="true" data-answer={state.answer}>
          {result && (
            <Callout key={state.answer} tone={result.ok ? "success" : "error"} testId="buy-result">
              <p data-reason={result.ok ? undefined : result.reason}>{result.message}</p>
              {result.ok && <p className="mt-1">Your balance is now {formatCents(result.balanceCents)}.</p>}
              {!result.ok && result.reason === "insufficient_credit" && (
                <Link href="/redeem" className="mt-1 inline-block font-medium underline underline-offset-2">
                  Redeem a code to top up
                </Link>
              )}
            </Callout>
          )}
        </div>
      </form>
    </li>
  );
}
