"use client";

import { useActionState } from "react";
import type { ActionResult, IdempotentFormState } from "@/lib/action-result";
import type { RefundRefusal } from "@/lib/admin/refund-order";
import { formatCents } from "@/lib/format";
import { Callout } from "../callout";
import { SubmitButton } from "../submit-button";

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

const INPUT = "rounded-lg border px-3 py-2 text-sm text-slate-900";

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
  const fieldError = (name: string) =>
    errors[name] && (
      <span id={`refund-${name}-error`} className="text-xs text-rose-700">
        {errors[name]}
      </span>
    );
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
                {fieldError(name)}
              </li>
            );
          })}
        </ul>
        {fieldError("units")}
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
        <label className="ml-6 flex flex-col gap-1 font-medium text-slate-800">
          Amount in dollars
          <input
            name="amount"
            inputMode="decimal"
            autoComplete="off"
            defaultValue={state.values.amount}
            key={`amount-value-${state.answer}`}
            placeholder="e.g. 5.00"
            aria-invalid={errors.amount ? true : undefined}
            aria-describedby={errors.amount ? "refund-amount-error" : undefined}
            className={`${INPUT} max-w-40 ${errors.amount ? "border-rose-500" : "border-slate-300"}`}
          />
          {fieldError("amount")}
        </label>
      </fieldset>
      {fieldError("by")}
      <label className="flex flex-col gap-1 text-sm font-medium text-slate-800">
        Reason (the customer sees it)
        <textarea
          name="reason"
          rows={2}
          maxLength={500}
          defaultValue={state.values.reason}
          key={`reason-${state.answer}`}
          aria-invalid={errors.reason ? true : undefined}
          aria-describedby={errors.reason ? "refund-reason-error" : undefined}
          className={`${INPUT} ${errors.reason ? "border-rose-500" : "border-slate-300"}`}
        />
        {fieldError("reason")}
      </label>
      <SubmitButton pending={pending} pendingLabel="Refunding…">
        Refund to store credit
      </SubmitButton>
      <div aria-live="polite" data-answer={state.answer}>
        {state.result && (
          <Callout key={state.answer} tone={state.result.ok ? "success" : "error"} testId="refund-result">
            <p data-reason={state.result.ok ? "ok" : state.result.reason}>{state.result.message}</p>
          </Callout>
        )}
      </div>
    </form>
  );
}
