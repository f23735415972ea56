"use client";

import { useState } from "react";
import { TextField } from "@/components/text-field";
import { type FieldPreview, moneyPreview } from "@/lib/admin/coupon-form";

interface PreviewFieldProps {
  id: string;
  name: string;
  label: string;
  defaultValue: string;
  error?: string;
  /** Shown while the field is empty. */
  hint: string;
  inputMode: "decimal" | "numeric";
  placeholder?: string;
  /** What the text typed so far will be read as, or what is wrong with it; null while empty. */
  preview: (raw: string) => FieldPreview;
}

/**
 * A field with what it will be read as shown live under it, or what is wrong with it so far, by the same
 * parsing the server uses. A submitted error replaces it.
 */
export function PreviewField({
  id,
  name,
  label,
  defaultValue,
  error,
  hint,
  inputMode,
  placeholder,
  preview,
}: PreviewFieldProps) {
  const [typed, setTyped] = useState(defaultValue);
  const shown = preview(typed);
  return (
    <div className="space-y-1">
      <TextField
        id={id}
        name={name}
        label={label}
        inputMode={inputMode}
        placeholder={placeholder}
        autoComplete="off"
        defaultValue={defaultValue}
        onChange={(event) => setTyped(event.target.value)}
        error={error}
        aria-describedby={error ? `${id}-error` : `${id}-preview`}
      />
      {!error && (
        <p
          id={`${id}-preview`}
          data-testid={`${id}-preview`}
          aria-live="polite"
          className={`text-sm tabular-nums ${shown?.ok === false ? "text-amber-800" : "text-slate-600"}`}
        >
          {shown ? shown.text : hint}
        </p>
      )}
    </div>
  );
}

/**
 * A dollar amount, previewed live: "= $10.50 per redemption" (`per` a word), or the sentence `per` makes
 * of the amount ("= at most $5.00 off an order").
 */
export function MoneyField({
  per,
  hint,
  ...field
}: Omit<PreviewFieldProps, "hint" | "inputMode" | "preview"> & {
  per: string | ((amount: string) => string);
  hint?: string;
}) {
  return (
    <PreviewField
      {...field}
      inputMode="decimal"
      placeholder="10.00"
      hint={hint ?? `Dollars and cents, like 12.50, per ${typeof per === "string" ? per : "order"}.`}
      preview={(raw) => moneyPreview(raw, per)}
    />
  );
}
