"use client";

import { useState } from "react";
import { TextField } from "@/components/text-field";
import { formatDayAndTimeWithUtc } from "@/lib/format";
import { wallTimeToInstant } from "@/lib/time-zones";

interface DateTimeFieldProps {
  id: string;
  name: string;
  label: string;
  defaultValue: string;
  error?: string;
  /** The store's zone, in which the server reads the value. */
  zone: string;
  /** What empty means: "Empty = valid now." */
  whenEmpty: string;
}

/**
 * A `datetime-local` input read in the store's zone, with the instant it names shown live under it
 * ("= 28 Nov 2026, 14:00 Europe/Berlin · 13:00 UTC") by the same conversion the server uses.
 */
export function DateTimeField({ id, name, label, defaultValue, error, zone, whenEmpty }: DateTimeFieldProps) {
  const [typed, setTyped] = useState(defaultValue);
  const instant = typed ? wallTimeToInstant(typed, zone) : null;
  return (
    <div className="space-y-1">
      <TextField
        id={id}
        name={name}
        type="datetime-local"
        label={`${label} (${zone})`}
        defaultValue={defaultValue}
        onChange={(event) => setTyped(event.target.value)}
        error={error}
        aria-describedby={error ? `${id}-error` : `${id}-preview`}
      />
      {!error && (
        <p id={`${id}-preview`} data-testid={`${id}-preview`} aria-live="polite" className="text-sm text-slate-600">
          {instant ? `= ${formatDayAndTimeWithUtc(instant, zone)}` : whenEmpty}
        </p>
      )}
    </div>
  );
}
