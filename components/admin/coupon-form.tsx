"use client";

import { type FormEvent, useActionState, useState } from "react";
import { Callout } from "@/components/callout";
import { SubmitButton } from "@/components/submit-button";
import { TextField } from "@/components/text-field";
import type { ActionResult, EchoFormState } from "@/lib/action-result";
import { randomCode } from "@/lib/admin/code-generator";
import {
  type CouponFormField,
  type CouponFormValues,
  type FieldErrors,
  couponFormSchema,
  couponTermsFormSchema,
  fieldErrors,
  formValues,
} from "@/lib/admin/coupon-form";
import { COUNTER_CHOICES, type CounterChoice, HOT_COUPON_THRESHOLD, SLOT_COUNT } from "@/lib/coupon-terms";
import { formatCount } from "@/lib/format";

/** What saving a coupon answers (creating one that works opens its page instead). */
export type CouponAnswer = ActionResult<object, "duplicate_code" | "below_redeemed" | "not_found", CouponFormField>;
export type CouponFormState = EchoFormState<CouponAnswer, CouponFormValues>;

interface CouponFormProps {
  mode: "create" | "edit";
  action: (state: CouponFormState, formData: FormData) => Promise<CouponFormState>;
  initialState: CouponFormState;
  couponId?: string;
  /** Edit: shown as the floor for max redemptions. */
  redeemedCount?: number;
}

/**
 * Creates a coupon or edits its terms. The same schema as the server action checks the fields in the
 * browser first, so most mistakes are explained before anything is sent; the server's answer (a taken
 * code, a maximum that redemptions overtook meanwhile) is shown the same way.
 */
export function CouponForm({ mode, action, initialState, couponId, redeemedCount }: CouponFormProps) {
  const [state, formAction, pending] = useActionState(action, initialState);
  const [clientErrors, setClientErrors] = useState<FieldErrors | null>(null);
  const [code, setCode] = useState(state.values.code);
  const errors = clientErrors ?? (state.result && !state.result.ok ? (state.result.fieldErrors ?? {}) : {});

  function validate(event: FormEvent<HTMLFormElement>) {
    const values = formValues(new FormData(event.currentTarget));
    const parsed = (mode === "create" ? couponFormSchema : couponTermsFormSchema).safeParse(values);
    if (parsed.success) {
      setClientErrors(null);
    } else {
      event.preventDefault();
      setClientErrors(fieldErrors(parsed.error.issues));
    }
  }

  const v = state.values;
  return (
    <form action={formAction} onSubmit={validate} noValidate className="space-y-5" data-testid={`coupon-${mode}-form`}>
      {couponId && <input type="hidden" name="couponId" value={couponId} />}
      <div aria-live="polite">
        {clientErrors && Object.keys(clientErrors).length > 0 && (
          <Callout tone="error">Check the highlighted fields.</Callout>
        )}
        {!clientErrors && state.result && (
          <Callout tone={state.result.ok ? "success" : "error"} testId="coupon-form-result">
            {state.result.message}
          </Callout>
        )}
      </div>
      {mode === "create" && (
        <div className="flex items-end gap-2">
          <div className="flex-1">
            <TextField
              id="code"
              name="code"
              label="Code"
              value={code}
              onChange={(e) => setCode(e.target.value.toUpperCase())}
              autoComplete="off"
              spellCheck={false}
              className="font-mono uppercase"
              error={errors.code}
              hint="Letters, digits, - and _. Leave empty to generate one."
            />
          </div>
          <button
            type="button"
            onClick={() => setCode(randomCode("PROMO"))}
            className="mb-[1.9rem] rounded-lg border border-slate-300 bg-white px-3 py-2.5 text-sm font-medium text-slate-800 hover:bg-slate-50"
          >
            Generate
          </button>
        </div>
      )}
      <TextField
        id="description"
        name="description"
        label="Description (optional)"
        defaultValue={v.description}
        error={errors.description}
      />
      <div className="grid gap-5 sm:grid-cols-3">
        <TextField
          id="value"
          name="value"
          label="Value (USD)"
          inputMode="decimal"
          placeholder="10.00"
          defaultValue={v.value}
          error={errors.value}
          hint="Store credit per redemption."
        />
        <TextField
          id="maxRedemptions"
          name="maxRedemptions"
          label="Max redemptions"
          inputMode="numeric"
          defaultValue={v.maxRedemptions}
          error={errors.maxRedemptions}
          hint={
            redeemedCount !== undefined
              ? `Empty = unlimited. ${formatCount(redeemedCount)} already redeemed.`
              : "Empty = unlimited."
          }
        />
        <TextField
          id="perUserLimit"
          name="perUserLimit"
          label="Per-customer limit"
          inputMode="numeric"
          defaultValue={v.perUserLimit}
          error={errors.perUserLimit}
        />
      </div>
      <div className="grid gap-5 sm:grid-cols-2">
        <TextField
          id="startsAt"
          name="startsAt"
          type="datetime-local"
          label="Starts at (UTC)"
          defaultValue={v.startsAt}
          error={errors.startsAt}
          hint="Empty = valid now."
        />
        <TextField
          id="expiresAt"
          name="expiresAt"
          type="datetime-local"
          label="Expires at (UTC)"
          defaultValue={v.expiresAt}
          error={errors.expiresAt}
          hint="Empty = never expires."
        />
      </div>
      <CounterField defaultValue={v.counter} error={errors.counter} />
      <div className="flex items-start gap-3">
        <input
          id="noRedeemAfterRevoke"
          name="noRedeemAfterRevoke"
          type="checkbox"
          defaultChecked={v.noRedeemAfterRevoke === "on"}
          aria-describedby="noRedeemAfterRevoke-hint"
          className="mt-1 h-4 w-4 rounded border-slate-300"
        />
        <div>
          <label htmlFor="noRedeemAfterRevoke" className="text-sm font-medium text-slate-800">
            A revoked redemption cannot be redeemed again
          </label>
          <p id="noRedeemAfterRevoke-hint" className="text-sm text-slate-600">
            When you revoke a customer&apos;s redemption of this code, that customer cannot redeem it again.
          </p>
        </div>
      </div>
      <SubmitButton pending={pending} pendingLabel={mode === "create" ? "Creating…" : "Saving…"}>
        {mode === "create" ? "Create coupon" : "Save changes"}
      </SubmitButton>
    </form>
  );
}

const COUNTER_LABELS: Record<CounterChoice, string> = {
  AUTO: `Automatic (hot-coupon slots from ${formatCount(HOT_COUPON_THRESHOLD)} uses, or no limit)`,
  SINGLE_ROW: "Single counter",
  SLOTS: `Hot coupon: ${SLOT_COUNT} parallel slots`,
};

/** Where the coupon's uses are counted: one row, or hot-coupon slots that let a flash sale redeem in parallel. */
function CounterField({ defaultValue, error }: { defaultValue: string; error?: string }) {
  return (
    <div className="space-y-1.5">
      <label htmlFor="counter" className="block text-sm font-medium text-slate-800">
        Counting
      </label>
      <select
        id="counter"
        name="counter"
        defaultValue={defaultValue}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? "counter-error" : "counter-hint"}
        className={`block w-full rounded-lg border bg-white px-3.5 py-2.5 text-base text-slate-900 shadow-sm ${error ? "border-rose-500" : "border-slate-300"}`}
      >
        {COUNTER_CHOICES.map((choice) => (
          <option key={choice} value={choice}>
            {COUNTER_LABELS[choice]}
          </option>
        ))}
      </select>
      {error ? (
        <p id="counter-error" className="text-sm font-medium text-rose-700">
          {error}
        </p>
      ) : (
        <p id="counter-hint" className="text-sm text-slate-600">
          Slots let many customers redeem the same code at once; the limit stays exact either way. Coupons without a
          limit always use slots.
        </p>
      )}
    </div>
  );
}
