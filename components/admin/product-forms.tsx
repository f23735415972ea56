"use client";

import { useActionState } from "react";
import { Callout } from "@/components/callout";
import { SubmitButton } from "@/components/submit-button";
import { TextField } from "@/components/text-field";
import type { ActionResult, EchoFormState } from "@/lib/action-result";
import type { ProductFormValues } from "@/lib/admin/product-form";

export type ProductAnswer = ActionResult<object, "duplicate_sku", keyof ProductFormValues>;
export type StockAnswer = ActionResult<object, "below_zero" | "not_tracked" | "not_found" | "invalid", "change">;
type ProductFormState = EchoFormState<ProductAnswer, ProductFormValues>;
/** The stock form's last answer, what was typed for it, and how many answers so far (a new one resets the field). */
type StockState = { result: StockAnswer | null; typed: string; answer: number };

const EMPTY: ProductFormValues = { sku: "", name: "", price: "", stock: "" };

/** Creates a product; the server checks every field and answers per field. */
export function ProductCreateForm({
  action,
}: {
  action: (state: ProductFormState, formData: FormData) => Promise<ProductFormState>;
}) {
  const [state, formAction, pending] = useActionState(action, { values: EMPTY, result: null });
  const errors = state.result && !state.result.ok ? (state.result.fieldErrors ?? {}) : {};
  // After a success the inputs start empty again (the key remounts them).
  const values = state.result?.ok ? EMPTY : state.values;
  return (
    <form action={formAction} noValidate className="space-y-4" data-testid="product-create-form">
      <div aria-live="polite">
        {state.result && (
          <Callout tone={state.result.ok ? "success" : "error"} testId="product-form-result">
            {state.result.message}
          </Callout>
        )}
      </div>
      <div key={state.result?.ok ? state.result.message : "typed"} className="space-y-4">
        <TextField id="sku" name="sku" label="SKU" defaultValue={values.sku} error={errors.sku} className="font-mono" />
        <TextField id="name" name="name" label="Name" defaultValue={values.name} error={errors.name} />
        <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
          <TextField
            id="price"
            name="price"
            label="Price (USD)"
            inputMode="decimal"
            defaultValue={values.price}
            error={errors.price}
          />
          <TextField
            id="stock"
            name="stock"
            label="Stock"
            inputMode="numeric"
            defaultValue={values.stock}
            error={errors.stock}
            hint="Empty = not tracked (no limit)."
          />
        </div>
      </div>
      <SubmitButton pending={pending} pendingLabel="Creating…">
        Create product
      </SubmitButton>
    </form>
  );
}

/** Adds or removes stock of one product: a signed number and a button, the answer beside it. */
export function StockAdjustForm({
  action,
  productId,
  sku,
}: {
  action: (previous: StockAnswer | null, formData: FormData) => Promise<StockAnswer>;
  productId: string;
  sku: string;
}) {
  // What was typed comes back with the answer: a refused change stays in the field to correct, a saved one clears.
  const [{ result, typed, answer }, formAction, pending] = useActionState<StockState, FormData>(
    async (previous, formData) => ({
      result: await action(previous.result, formData),
      typed: String(formData.get("change") ?? ""),
      answer: previous.answer + 1,
    }),
    { result: null, typed: "", answer: 0 },
  );
  const error = result && !result.ok ? (result.fieldErrors?.change ?? result.message) : undefined;
  return (
    <form action={formAction} className="flex flex-col gap-1" data-testid={`stock-adjust-${sku}`}>
      <input type="hidden" name="productId" value={productId} />
      <div className="flex items-center gap-2">
        <label htmlFor={`change-${productId}`} className="sr-only">
          Change stock of {sku} by (or =count to set it)
        </label>
        <input
          id={`change-${productId}`}
          name="change"
          key={answer}
          defaultValue={error ? typed : ""}
          inputMode="numeric"
          placeholder="+5, -3, =12"
          aria-invalid={error ? true : undefined}
          aria-describedby={`change-${productId}-result`}
          className={`w-24 rounded-md border px-2 py-1 text-sm ${error ? "border-rose-500" : "border-slate-300"}`}
        />
        <button
          type="submit"
          disabled={pending}
          className="rounded-md border border-slate-300 bg-white px-2.5 py-1 text-xs font-semibold text-slate-800 hover:bg-slate-50 disabled:opacity-50"
        >
          {pending ? "Saving…" : "Adjust"}
        </button>
      </div>
      <span id={`change-${productId}-result`} aria-live="polite" className="text-xs">
        {result && (
          <span
            className={result.ok ? "text-emerald-700" : "text-rose-700"}
            data-reason={result.ok ? "ok" : result.reason}
          >
            {result.ok ? result.message : error}
          </span>
        )}
      </span>
    </form>
  );
}
