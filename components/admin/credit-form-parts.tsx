import { Callout } from "../callout";

/**
 * The parts the admin's store-credit forms share (a credit adjustment, a partial refund): a field's error,
 * the amount in dollars, the reason the customer sees, and the answer. Each form names its fields'
 * element ids with its own `prefix`; `answer` re-keys the fields so a decided answer resets them.
 */

export const INPUT = "rounded-lg border px-3 py-2 text-sm text-slate-900";

type Errors = Partial<Record<string, string>>;

export function FieldError({ prefix, name, errors }: { prefix: string; name: string; errors: Errors }) {
  return errors[name] ? (
    <span id={`${prefix}-${name}-error`} className="text-xs text-rose-700">
      {errors[name]}
    </span>
  ) : null;
}

/** Props that tie an input to its error (if any) for screen readers, and colour its border. */
function invalidProps(prefix: string, name: string, errors: Errors, width = "") {
  return {
    "aria-invalid": errors[name] ? true : undefined,
    "aria-describedby": errors[name] ? `${prefix}-${name}-error` : undefined,
    className: `${INPUT} ${width} ${errors[name] ? "border-rose-500" : "border-slate-300"}`,
  };
}

export function AmountField({
  prefix,
  defaultValue,
  answer,
  errors,
  placeholder,
  className = "",
}: {
  prefix: string;
  defaultValue: string;
  answer: number;
  errors: Errors;
  placeholder: string;
  className?: string;
}) {
  return (
    <label className={`flex flex-col gap-1 text-sm font-medium text-slate-800 ${className}`}>
      Amount in dollars
      <input
        name="amount"
        inputMode="decimal"
        autoComplete="off"
        defaultValue={defaultValue}
        key={`amount-${answer}`}
        placeholder={placeholder}
        {...invalidProps(prefix, "amount", errors, "max-w-40")}
      />
      <FieldError prefix={prefix} name="amount" errors={errors} />
    </label>
  );
}

export function ReasonField({
  prefix,
  label,
  defaultValue,
  answer,
  errors,
}: {
  prefix: string;
  label: string;
  defaultValue: string;
  answer: number;
  errors: Errors;
}) {
  return (
    <label className="flex flex-col gap-1 text-sm font-medium text-slate-800">
      {label}
      <textarea
        name="reason"
        rows={2}
        maxLength={500}
        defaultValue={defaultValue}
        key={`reason-${answer}`}
        {...invalidProps(prefix, "reason", errors)}
      />
      <FieldError prefix={prefix} name="reason" errors={errors} />
    </label>
  );
}

/** The answer, announced, keyed per answer so a repeat of the same words is announced again. */
export function CreditAnswer({
  result,
  answer,
  testId,
}: {
  result: { ok: true; message: string } | { ok: false; reason: string; message: string } | null;
  answer: number;
  testId: string;
}) {
  return (
    <div aria-live="polite" data-answer={answer}>
      {result && (
        <Callout key={answer} tone={result.ok ? "success" : "error"} testId={testId}>
          <p data-reason={result.ok ? "ok" : result.reason}>{result.message}</p>
        </Callout>
      )}
    </div>
  );
}
