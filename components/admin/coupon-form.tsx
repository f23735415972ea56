"use client";

import { type FormEvent, useActionState, useEffect, useRef, useState } from "react";
import { createPortal } from "react-dom";
import { Callout } from "@/components/callout";
import { SubmitButton } from "@/components/submit-button";
import { TextField } from "@/components/text-field";
import { showAnswer } from "./action-button";
import { focusFirstError } from "./focus-first-error";
import { DateTimeField } from "./date-time-field";
import { MoneyField, PreviewField } from "./money-field";
import type { ActionResult, EchoFormState } from "@/lib/action-result";
import { randomCode } from "@/lib/admin/code-generator";
import {
  COUPON_FORM_FIELDS,
  type CouponFormField,
  type CouponFormValues,
  type FieldErrors,
  couponFormSchemaIn,
  couponTermsFormSchemaIn,
  fieldErrors,
  formValues,
  percentPreview,
} from "@/lib/admin/coupon-form";
import {
  COUNTER_CHOICES,
  type CounterChoice,
  FIRST_ORDER_ONLY_LABEL,
  HOT_COUPON_THRESHOLD,
  isLargeValueChange,
  SLOT_COUNT,
} from "@/lib/coupon-terms";
import { formatCents, formatCount } from "@/lib/format";
import { CouponKind } from "@/lib/generated/prisma/enums";

/** What saving a coupon answers (creating one that works opens its page instead). */
export type CouponAnswer = ActionResult<
  object,
  "duplicate_code" | "below_redeemed" | "not_found" | "large_value_change",
  CouponFormField
>;
export type CouponFormState = EchoFormState<CouponAnswer, CouponFormValues>;

/** A product a discount code can be limited to. */
export interface ProductChoice {
  id: string;
  sku: string;
  name: string;
}

interface CouponFormProps {
  mode: "create" | "edit";
  /** The catalogue, for limiting a discount code to some products. */
  products: ProductChoice[];
  action: (state: CouponFormState, formData: FormData) => Promise<CouponFormState>;
  initialState: CouponFormState;
  couponId?: string;
  /** Edit: shown as the floor for max redemptions. */
  redeemedCount?: number;
  /** Edit: the saved value, against which a tenfold change asks for confirmation. */
  savedValueCents?: number;
  /** The store's time zone: the window is typed and previewed in it. */
  zone: string;
}

/**
 * Creates a coupon or edits its terms. The same schema as the server action checks the fields in the
 * browser first, so most mistakes are explained before anything is sent; the server's answer (a taken
 * code, a maximum that redemptions overtook meanwhile) is shown the same way.
 */
export function CouponForm({
  mode,
  products,
  action,
  initialState,
  couponId,
  redeemedCount,
  savedValueCents,
  zone,
}: CouponFormProps) {
  const [state, formAction, pending] = useActionState(action, initialState);
  const [clientErrors, setClientErrors] = useState<FieldErrors | null>(null);
  const [code, setCode] = useState(state.values.code);
  const [kind, setKind] = useState(state.values.kind);
  const [valueChange, setValueChange] = useState<{ before: number; after: number } | null>(null);
  const form = useRef<HTMLFormElement>(null);
  const confirmValue = useRef<HTMLInputElement>(null);
  const serverErrors = state.result && !state.result.ok ? (state.result.fieldErrors ?? {}) : {};
  // A field's message goes as soon as the field is changed: it spoke of what was typed before.
  const [edited, setEdited] = useState<ReadonlySet<string>>(new Set());
  const [answered, setAnswered] = useState(state);
  if (answered !== state) {
    setAnswered(state);
    setEdited(new Set());
  }
  const errors: FieldErrors = Object.fromEntries(
    Object.entries(clientErrors ?? serverErrors).filter(([field]) => !edited.has(field)),
  );

  useEffect(() => {
    if (confirmValue.current) confirmValue.current.value = "";
    // A save is announced like the page's other changes (a toast), so the next change replaces it
    // instead of "Saved" staying beside a coupon that was disabled since.
    if (state.result?.ok) showAnswer(state.result, "coupon-form-result");
    else if (state.result) focusFirstError(form.current, COUPON_FORM_FIELDS, state.result.fieldErrors ?? {});
  }, [state]);

  function validate(event: FormEvent<HTMLFormElement>) {
    const values = formValues(new FormData(event.currentTarget));
    const parsed = (mode === "create" ? couponFormSchemaIn(zone) : couponTermsFormSchemaIn(zone)).safeParse(values);
    if (!parsed.success) {
      event.preventDefault();
      const found = fieldErrors(parsed.error.issues);
      setClientErrors(found);
      setEdited(new Set());
      focusFirstError(event.currentTarget, COUPON_FORM_FIELDS, found);
      return;
    }
    setClientErrors(null);
    // Set by the dialog for the one submission it confirms; cleared when that submission is answered.
    const confirmed = confirmValue.current?.value === "1";
    const after = parsed.data.valueCents;
    if (savedValueCents !== undefined && !confirmed && isLargeValueChange(savedValueCents, after)) {
      event.preventDefault();
      setValueChange({ before: savedValueCents, after });
    }
  }

  const v = state.values;
  return (
    <form
      ref={form}
      action={formAction}
      onSubmit={validate}
      onChange={(event) => {
        const { name } = event.target as unknown as HTMLInputElement;
        if (name && !edited.has(name)) setEdited(new Set(edited).add(name));
      }}
      noValidate
      className="space-y-5"
      data-testid={`coupon-${mode}-form`}
    >
      {couponId && <input type="hidden" name="couponId" value={couponId} />}
      {mode === "edit" && <input ref={confirmValue} type="hidden" name="confirmValue" defaultValue="" />}
      {valueChange && (
        <ValueChangeDialog
          {...valueChange}
          onAnswer={(change) => {
            setValueChange(null);
            if (change && confirmValue.current) {
              confirmValue.current.value = "1";
              form.current?.requestSubmit();
            } else {
              (form.current?.elements.namedItem("value") as HTMLInputElement | null)?.focus();
            }
          }}
        />
      )}
      <div aria-live="polite">
        {clientErrors && Object.keys(clientErrors).length > 0 && (
          <Callout tone="error">Check the highlighted fields.</Callout>
        )}
        {!clientErrors && state.result && !state.result.ok && (
          <Callout tone="error" testId="coupon-form-result">
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
      <KindField value={kind} onChange={setKind} error={errors.kind} />
      {kind === "PERCENT_OFF" ? (
        <div className="grid grid-cols-1 gap-5 sm:grid-cols-2">
          <PreviewField
            key={`percentOff-${v.percentOff}`}
            id="percentOff"
            name="percentOff"
            label="Percent off"
            inputMode="numeric"
            placeholder="20"
            defaultValue={v.percentOff}
            error={errors.percentOff}
            hint="Of the products it applies to, rounded down to the cent."
            preview={percentPreview}
          />
          <MoneyField
            key={`maxDiscount-${v.maxDiscount}`}
            id="maxDiscount"
            name="maxDiscount"
            label="Cap (USD, optional)"
            defaultValue={v.maxDiscount}
            error={errors.maxDiscount}
            hint="Empty = no cap."
            per={(amount) => `= at most ${amount} off an order`}
          />
        </div>
      ) : null}
      {kind !== "CREDIT" && <DiscountConditions products={products} values={v} errors={errors} />}
      <div className="grid grid-cols-1 gap-5 sm:grid-cols-3">
        {kind !== "PERCENT_OFF" && (
          <MoneyField
            key={v.value}
            id="value"
            name="value"
            label={kind === "AMOUNT_OFF" ? "Amount off (USD)" : "Value (USD)"}
            per={kind === "AMOUNT_OFF" ? "order" : "redemption"}
            defaultValue={v.value}
            error={errors.value}
          />
        )}
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
      <div className="grid grid-cols-1 gap-5 sm:grid-cols-2">
        <DateTimeField
          id="startsAt"
          name="startsAt"
          label="Starts at"
          defaultValue={v.startsAt}
          error={errors.startsAt}
          zone={zone}
          whenEmpty="Empty = valid now."
        />
        <DateTimeField
          id="expiresAt"
          name="expiresAt"
          label="Expires at"
          defaultValue={v.expiresAt}
          error={errors.expiresAt}
          zone={zone}
          whenEmpty="Empty = never expires."
        />
      </div>
      <CounterField defaultValue={v.counter} error={errors.counter} />
      <CheckboxField
        name="noRedeemAfterRevoke"
        checked={v.noRedeemAfterRevoke === "on"}
        label="A revoked redemption cannot be redeemed again"
        hint="When you revoke a customer's redemption of this code, that customer cannot redeem it again."
        error={errors.noRedeemAfterRevoke}
      />
      <SubmitButton pending={pending} pendingLabel={mode === "create" ? "Creating…" : "Saving…"}>
        {mode === "create" ? "Create coupon" : "Save changes"}
      </SubmitButton>
    </form>
  );
}

/**
 * A value ten times larger or smaller than the saved one is more often a slipped separator than a
 * decision: asked before it is sent, with both amounts named; keeping the old one is the default.
 */
function ValueChangeDialog({
  before,
  after,
  onAnswer,
}: {
  before: number;
  after: number;
  onAnswer: (change: boolean) => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  // Closed before answering: while it is open the rest of the page is inert and cannot take focus.
  const answer = (change: boolean) => {
    dialog.current?.close();
    onAnswer(change);
  };
  useEffect(() => {
    const element = dialog.current;
    element?.showModal();
    return () => element?.close();
  }, []);
  return createPortal(
    <dialog
      ref={dialog}
      onCancel={(event) => {
        event.preventDefault();
        answer(false);
      }}
      aria-labelledby="value-change-title"
      className="m-auto w-[calc(100vw-2rem)] max-w-md rounded-xl p-6 shadow-xl backdrop:bg-slate-900/40"
    >
      <h2 id="value-change-title" className="text-lg font-semibold text-slate-900">
        Change the value from {formatCents(before)} to {formatCents(after)}?
      </h2>
      <p className="mt-2 text-sm text-slate-600">
        That is {after > before ? "more than ten times" : "less than a tenth of"} what each redemption credits now.
        Check the amount before saving.
      </p>
      <div className="mt-6 flex flex-wrap justify-end gap-2">
        <button
          type="button"
          onClick={() => answer(false)}
          className="rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50"
        >
          Keep {formatCents(before)}
        </button>
        <button
          type="button"
          onClick={() => answer(true)}
          className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-indigo-700"
        >
          Change to {formatCents(after)}
        </button>
      </div>
    </dialog>,
    document.body,
  );
}

const KIND_LABELS: Record<CouponKind, string> = {
  CREDIT: "Store credit",
  PERCENT_OFF: "Percent off",
  AMOUNT_OFF: "Amount off",
};

const selectStyle = (error?: string) =>
  `block w-full rounded-lg border bg-white px-3.5 py-2.5 text-base text-slate-900 shadow-sm ${error ? "border-rose-500" : "border-slate-300"}`;

/** What the coupon gives: store credit, or a discount at checkout (which shows the discount's fields). */
function KindField({ value, onChange, error }: { value: string; onChange: (kind: string) => void; error?: string }) {
  return (
    <div className="space-y-1.5">
      <label htmlFor="kind" className="block text-sm font-medium text-slate-800">
        Kind
      </label>
      <select
        id="kind"
        name="kind"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? "kind-error" : "kind-hint"}
        className={selectStyle(error)}
      >
        {Object.values(CouponKind).map((kind) => (
          <option key={kind} value={kind}>
            {KIND_LABELS[kind]}
          </option>
        ))}
      </select>
      {/* Short option labels fit a phone's select; what each kind does is said here. */}
      {error ? (
        <p id="kind-error" className="text-sm font-medium text-rose-700">
          {error}
        </p>
      ) : (
        <p id="kind-hint" className="text-sm text-slate-600">
          Store credit is redeemed into the customer&apos;s wallet; a percent or amount off comes off an order at
          checkout.
        </p>
      )}
    </div>
  );
}

/** A discount's conditions: a minimum order and the products it applies to (none ticked = every product). */
function DiscountConditions({
  products,
  values,
  errors,
}: {
  products: ProductChoice[];
  values: CouponFormValues;
  errors: FieldErrors;
}) {
  const chosen = new Set(values.productIds.split(","));
  return (
    <div className="grid grid-cols-1 gap-5 sm:grid-cols-2">
      <MoneyField
        key={`minSubtotal-${values.minSubtotal}`}
        id="minSubtotal"
        name="minSubtotal"
        label="Minimum order (USD, optional)"
        defaultValue={values.minSubtotal}
        error={errors.minSubtotal}
        hint="Of the products it applies to. Empty = any order."
        per={(amount) => `= orders from ${amount} of the products it applies to`}
      />
      <fieldset
        className="space-y-1.5"
        aria-describedby={errors.productIds ? "productIds-error" : "productIds-hint"}
        aria-invalid={errors.productIds ? true : undefined}
      >
        <legend className="block text-sm font-medium text-slate-800">Applies to</legend>
        {/* Always sent, so "none ticked" reaches the server as an empty list rather than as no field. */}
        <input type="hidden" name="productIds" value="" />
        <div className="space-y-1 rounded-lg border border-slate-300 bg-white p-2" data-testid="applies-to">
          {products.map((p) => (
            <label key={p.id} className="flex items-center gap-2 text-sm text-slate-800">
              <input type="checkbox" name="productIds" value={p.id} defaultChecked={chosen.has(p.id)} />
              <span className="font-mono text-xs">{p.sku}</span> {p.name}
            </label>
          ))}
        </div>
        {errors.productIds ? (
          <p id="productIds-error" className="text-sm font-medium text-rose-700">
            {errors.productIds}
          </p>
        ) : (
          <p id="productIds-hint" className="text-sm text-slate-600">
            None ticked = every product.
          </p>
        )}
      </fieldset>
      <CheckboxField
        name="firstOrderOnly"
        checked={values.firstOrderOnly === "on"}
        label={FIRST_ORDER_ONLY_LABEL}
        hint="Only a customer with no order (cancelled ones aside) can use it, on that first order."
        error={errors.firstOrderOnly}
      />
    </div>
  );
}

/** A ticked-or-not option with its explanation (sent as "on" when ticked, absent otherwise). */
function CheckboxField({
  name,
  checked,
  label,
  hint,
  error,
}: {
  name: CouponFormField;
  checked: boolean;
  label: string;
  hint: string;
  error?: string;
}) {
  return (
    <div className="flex items-start gap-3">
      <input
        id={name}
        name={name}
        type="checkbox"
        defaultChecked={checked}
        aria-describedby={error ? `${name}-error` : `${name}-hint`}
        aria-invalid={error ? true : undefined}
        className="mt-1 h-4 w-4 rounded border-slate-300"
      />
      <div>
        <label htmlFor={name} className="text-sm font-medium text-slate-800">
          {label}
        </label>
        <p id={`${name}-hint`} className="text-sm text-slate-600">
          {hint}
        </p>
        {error && (
          <p id={`${name}-error`} className="text-sm font-medium text-rose-700">
            {error}
          </p>
        )}
      </div>
    </div>
  );
}

const COUNTER_LABELS: Record<CounterChoice, string> = {
  AUTO: "Automatic",
  SINGLE_ROW: "Normal",
  SLOTS: "High-traffic mode",
};

/** How the coupon copes with a rush, in the admin's words; the engineering term (hot-coupon slots) only as a detail. */
function CounterField({ defaultValue, error }: { defaultValue: string; error?: string }) {
  return (
    <div className="space-y-1.5">
      <label htmlFor="counter" className="block text-sm font-medium text-slate-800">
        Traffic
      </label>
      <select
        id="counter"
        name="counter"
        defaultValue={defaultValue}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? "counter-error" : "counter-hint"}
        className={selectStyle(error)}
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
          High-traffic mode is for codes thousands of people redeem at the same moment (a flash sale, a code on TV):
          nobody waits for anyone else, and the limit stays exact. Automatic chooses it from{" "}
          {formatCount(HOT_COUPON_THRESHOLD)} uses, and codes without a limit always use it. (Technically: the uses are
          counted in {SLOT_COUNT} hot-coupon slots instead of one counter.)
        </p>
      )}
    </div>
  );
}
