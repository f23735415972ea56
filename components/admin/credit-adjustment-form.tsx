"use client";

import { useActionState } from "react";
import { useClearOnInput } from "../use-clear-on-input";
import type { ActionResult, IdempotentFormState } from "@/lib/action-result";
import type { AdjustmentRefusal } from "@/lib/admin/customers/adjust";
import { Callout } from "../callout";
import { SubmitButton } from "../submit-button";

export type AdjustmentAnswer = ActionResult<
  { balanceCents: number },
  AdjustmentRefusal | "key_reused" | "rate_limited"
>;
export type AdjustmentFormState = IdempotentFormState<
  AdjustmentAnswer,
  { direction: string; amount: string; reason: string }
>;

const INPUT = "rounded-lg border px-3 py-2 text-sm text-slate-900";

/**
 * A manual credit or debit of a customer's store credit, with the reason they will see in their wallet.
 * The hidden idempotency key makes a double click or a resent form one adjustment; it is replaced once an
 * adjustment is decided, so the next one is a new request.
 */
export function CreditAdjustmentForm({
  customerId,
  action,
  initialState,
}: {
  customerId: string;
  action: (state: AdjustmentFormState, formData: FormData) => Promise<AdjustmentFormState>;
  initialState: AdjustmentFormState;
}) {
  const [state, formAction, pending] = useActionState(action, initialState);
  const { shown: result, onInput } = useClearOnInput(state.result);
  const errors = result && !result.ok ? (result.fieldErrors ?? {}) : {};
  const fieldError = (name: string) =>
    errors[name] && (
      <span id={`adjust-${name}-error`} className="text-xs text-rose-700">
        {errors[name]}
      </span>
    );
  return (
    <form action={formAction} onInput={onInput} noValidate className="space-y-4" data-testid="credit-adjustment">
      <input type="hidden" name="customerId" value={customerId} />
      <input type="hidden" name="idempotencyKey" value={state.key} />
      <fieldset className="flex gap-4 text-sm">
        <legend className="mb-1 text-sm font-medium text-slate-800">Adjustment</legend>
        {(["credit", "debit"] as const).map((direction) => (
          <label key={direction} className="inline-flex items-center gap-2">
            <input
              type="radio"
              name="direction"
              value={direction}
              defaultChecked={(state.values.direction || "credit") === direction}
              key={`${direction}-${state.answer}`}
            />
            {direction === "credit" ? "Credit (add to the balance)" : "Debit (take from the balance)"}
          </label>
        ))}
      </fieldset>
      {fieldError("direction")}
      <label className="flex flex-col gap-1 text-sm font-medium text-slate-800">
        Amount in dollars
        <input
          name="amount"
          inputMode="decimal"
          autoComplete="off"
          defaultValue={state.values.amount}
          key={`amount-${state.answer}`}
          placeholder="e.g. 12.50"
          aria-invalid={errors.amount ? true : undefined}
          aria-describedby={errors.amount ? "adjust-amount-error" : undefined}
          className={`${INPUT} max-w-40 ${errors.amount ? "border-rose-500" : "border-slate-300"}`}
        />
        {fieldError("amount")}
      </label>
      <label className="flex flex-col gap-1 text-sm font-medium text-slate-800">
        Reason (the customer sees it in their wallet)
        <textarea
          name="reason"
          rows={2}
          maxLength={500}
          defaultValue={state.values.reason}
          key={`reason-${state.answer}`}
          aria-invalid={errors.reason ? true : undefined}
          aria-describedby={errors.reason ? "adjust-reason-error" : undefined}
          className={`${INPUT} ${errors.reason ? "border-rose-500" : "border-slate-300"}`}
        />
        {fieldError("reason")}
      </label>
      <SubmitButton pending={pending} pendingLabel="Adjusting…">
        Adjust balance
      </SubmitButton>
      <div aria-live="polite" data-answer={state.answer}>
        {result && (
          <Callout key={state.answer} tone={result.ok ? "success" : "error"} testId="adjustment-result">
            <p data-reason={result.ok ? "ok" : result.reason}>{result.message}</p>
          </Callout>
        )}
      </div>
    </form>
  );
}
