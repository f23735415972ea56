"use client";

import { useActionState } from "react";
import { Callout } from "@/components/callout";
import { SubmitButton } from "@/components/submit-button";
import type { ActionResult } from "@/lib/action-result";

export type TimeZoneAnswer = ActionResult<{ timeZone: string }, "unknown_zone", "timeZone">;

/** The store's time zone, chosen from the zones the server knows; the answer above the field. */
export function TimeZoneForm({
  action,
  timeZone,
  zones,
}: {
  action: (previous: TimeZoneAnswer | null, formData: FormData) => Promise<TimeZoneAnswer>;
  timeZone: string;
  zones: readonly string[];
}) {
  const [result, formAction, pending] = useActionState(action, null);
  const error = result && !result.ok ? result.fieldErrors?.timeZone : undefined;
  return (
    <form action={formAction} className="max-w-md space-y-4" data-testid="time-zone-form">
      <div aria-live="polite">
        {result && (
          <Callout tone={result.ok ? "success" : "error"} testId="time-zone-result">
            {result.message}
          </Callout>
        )}
      </div>
      <div className="space-y-1.5">
        <label htmlFor="timeZone" className="block text-sm font-medium text-slate-800">
          Store time zone
        </label>
        <select
          id="timeZone"
          name="timeZone"
          defaultValue={result?.ok ? result.timeZone : timeZone}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "timeZone-error" : "timeZone-hint"}
          className={`block w-full rounded-lg border bg-white px-3.5 py-2.5 text-base text-slate-900 shadow-sm ${error ? "border-rose-500" : "border-slate-300"}`}
        >
          {zones.map((zone) => (
            <option key={zone} value={zone}>
              {zone}
            </option>
          ))}
        </select>
        {error ? (
          <p id="timeZone-error" className="text-sm font-medium text-rose-700">
            {error}
          </p>
        ) : (
          <p id="timeZone-hint" className="text-sm text-slate-600">
            The admin pages show dates in this zone (UTC on hover), and coupon start and end times are typed in it.
            Customers see dates in their own device&apos;s zone.
          </p>
        )}
      </div>
      <SubmitButton pending={pending} pendingLabel="Saving…">
        Save
      </SubmitButton>
    </form>
  );
}
