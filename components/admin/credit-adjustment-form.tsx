"use client";

import { useActionState } from "react";
import { useClearOnInput } from "../use-clear-on-input";
import type { ActionResult, IdempotentFormState } from "@/lib/action-result";
import type { AdjustmentRefusal } from "@/lib/admin/customers/adjust";
import { SubmitButton } from "../submit-button";
import { AmountField, CreditAnswer, FieldError, ReasonField } from "./credit-form-parts";

export type AdjustmentAnswer = ActionResult<
  { balanceCents: number },
  AdjustmentRefusal | "key_reused" | "rate_limited"
>;
export type AdjustmentFormState = IdempotentFormState<
  AdjustmentAnswer,
  { direction: string; amount: string; reason: string }
>;

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
      <FieldError prefix="adjust" name="direction" errors={errors} />
      <AmountField
        prefix="adjust"
        defaultValue={state.values.amount}
        answer={state.answer}
        errors={errors}
        placeholder="e.g. 12.50"
      />
      <ReasonField
        prefix="adjust"
        label="Reason (the customer sees it in their wallet)"
        defaultValue={state.values.reason}
        answer={state.answer}
        errors={errors}
      />
      <SubmitButton pending={pending} pendingLabel="Adjusting…">
        Adjust balance
      </SubmitButton>
      <CreditAnswer result={result} answer={state.answer} testId="adjustment-result" />
    </form>
  );
}
