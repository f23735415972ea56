"use client";

import { useState } from "react";
import { TextField } from "@/components/text-field";
import { moneyPreview } from "@/lib/admin/coupon-form";

interface MoneyFieldProps {
  id: string;
  name: string;
  label: string;
  defaultValue: string;
  error?: string;
  /** What one amount is for: "= $10.50 per redemption". */
  per: string;
}

/**
 * A dollar amount with what it will be read as shown live under it ("= $10.50 per redemption"), or
 * what is wrong with it so far, by the same parseMoney the server uses. A submitted error replaces it.
 */
export function MoneyField({ id, name, label, defaultValue, error, per }: MoneyFieldProps) {
  const [typed, setTyped] = useState(defaultValue);
  const preview = moneyPreview(typed, per);
  return (
    <div className="space-y-1">
      <TextField
        id={id}
        name={name}
        label={label}
        inputMode="decimal"
        placeholder="10.00"
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
          className={`text-sm tabular-nums ${preview?.ok === false ? "text-amber-800" : "text-slate-600"}`}
        >
          {preview ? preview.text : `Dollars and cents, like 12.50, per ${per}.`}
        </p>
      )}
    </div>
  );
}
