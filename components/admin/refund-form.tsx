"use client";

import { useActionState } from "react";
import type { ActionResult, IdempotentFormState } from "@/lib/action-result";
import type { RefundRefusal } from "@/lib/admin/refund-order";
import { formatCents } from "@/lib/format";
import { SubmitButton } from "../submit-button";
import { AmountField, CreditAnswer, FieldError, INPUT, ReasonField } from "./credit-form-parts";

export type RefundAnswer = ActionResult<object, RefundRefusal | "key_reused" | "rate_limited">;
export type RefundFormValues = {
  by: string;
  amount: string;
  reason: string;
  restock: boolean;
  units: Record<string, string>;
};
export type RefundFormState = IdempotentFormState<RefundAnswer, RefundFormValues>;

export interface RefundableLine {
  lineNo: number;
  name: string;
  /** Units not refunded yet. */
  refundable: number;
}

/**
 * A partial refund of a fulfilled order to the customer's store credit: units of its lines (restocked if
 * asked) or an amount, with the reason the customer sees. The hidden idempotency key makes a double click
 * or a resent form one refund; it is replaced once a refund is decided.
 */
export function RefundForm({
  orderId,
  lines,
  remainingCents,
  action,
  initialState,
}: {
  orderId: string;
  lines: RefundableLine[];
  /** What is left of what was paid. */
  remainingCents: number;
  action: (state: RefundFormState, formData: FormData) => Promise<RefundFormState>;
  initialState: RefundFormState;
}) {
  const [state, formAction, pending] = useActionState(action, initialState);
  const errors = state.result && !state.result.ok ? (state.result.fieldErrors ?? {}) : {};
  const by = state.values.by || "lines";
  return (
    <form action={formAction} noValidate className="space-y-4" data-testid="refund-form">
      <input type="hidden" name="orderId" value={orderId} />
      <input type="hidden" name="idempotencyKey" value={state.key} />
      <p className="text-sm text-slate-600">
        At most <span data-testid="refund-remaining">{formatCents(remainingCents)}</span> is left to refund. A refund
        goes to the customer&apos;s store credit.
      </p>
      <fieldset className="space-y-3 text-sm">
        <legend className="mb-1 text-sm font-medium text-slate-800">Refund</legend>
        <label className="flex items-center gap-2">
          <input type="radio" name="by" value="lines" defaultChecked={by === "lines"} key={`lines-${state.answer}`} />
          Units of lines (each at its share of what the line was paid)
        </label>
        <ul className="ml-6 space-y-2" aria-describedby={errors.units ? "refund-units-error" : undefined}>
          {lines.map((line) => {
            const name = `units-${line.lineNo}`;
            return (
              <li key={line.lineNo} className="flex flex-wrap items-center gap-2">
                <label className="flex flex-wrap items-center gap-2">
                  <input
                    name={name}
                    type="number"
                    inputMode="numeric"
                    min={0}
                    max={line.refundable}
                    defaultValue={state.values.units[name] ?? ""}
                    key={`${name}-${state.answer}`}
                    disabled={line.refundable === 0}
                    aria-invalid={errors[name] ? true : undefined}
                    aria-describedby={errors[name] ? `refund-${name}-error` : undefined}
                    className={`${INPUT} w-20 ${errors[name] ? "border-rose-500" : "border-slate-300"}`}
                  />
                  <span>
                    of {line.name} ({line.refundable} left to refund)
                  </span>
                </label>
                <FieldError prefix="refund" name={name} errors={errors} />
              </li>
            );
          })}
        </ul>
        <FieldError prefix="refund" name="units" errors={errors} />
        <label className="ml-6 flex items-center gap-2">
          <input type="checkbox" name="restock" defaultChecked={state.values.restock} key={`restock-${state.answer}`} />
          Put the refunded units back in stock
        </label>
        <label className="flex items-center gap-2">
          <input
            type="radio"
            name="by"
            value="amount"
            defaultChecked={by === "amount"}
            key={`amount-${state.answer}`}
          />
          An amount
        </label>
        <AmountField
          prefix="refund"
          defaultValue={state.values.amount}
          answer={state.answer}
          errors={errors}
          placeholder="e.g. 5.00"
          className="ml-6"
        />
      </fieldset>
      <FieldError prefix="refund" name="by" errors={errors} />
      <ReasonField
        prefix="refund"
        label="Reason (the customer sees it)"
        defaultValue={state.values.reason}
        answer={state.answer}
        errors={errors}
      />
      <SubmitButton pending={pending} pendingLabel="Refunding…">
        Refund to store credit
      </SubmitButton>
      <CreditAnswer result={state.result} answer={state.answer} testId="refund-result" />
    </form>
  );
}
