"use client";

import { useActionState } from "react";
import { Callout } from "@/components/callout";
import { SubmitButton } from "@/components/submit-button";
import { TextField } from "@/components/text-field";
import type { ActionResult } from "@/lib/action-result";

export type EndpointAnswer = ActionResult<
  { endpointId: string; secret: string },
  "not_found" | "endpoint_disabled" | "in_flight" | "busy",
  "url" | "eventTypes"
>;

/**
 * Adds a webhook endpoint. The answer carries its signing secret, shown here once: the page never
 * reads it again, so an admin who loses it adds a new endpoint.
 */
export function EndpointCreateForm({
  action,
  eventTypes,
}: {
  action: (previous: EndpointAnswer | null, formData: FormData) => Promise<EndpointAnswer>;
  eventTypes: readonly string[];
}) {
  const [result, formAction, pending] = useActionState(action, null);
  const errors = result && !result.ok ? (result.fieldErrors ?? {}) : {};
  return (
    <form action={formAction} noValidate className="space-y-4" data-testid="webhook-create-form">
      <div aria-live="polite">
        {result && (
          <Callout tone={result.ok ? "success" : "error"} testId="webhook-form-result">
            {result.message}
            {result.ok && (
              <code className="mt-2 block break-all font-mono text-xs" data-testid="webhook-secret">
                {result.secret}
              </code>
            )}
          </Callout>
        )}
      </div>
      <TextField
        id="url"
        name="url"
        label="URL"
        type="url"
        placeholder="https://store.example/once-webhooks"
        error={errors.url}
      />
      <fieldset className="space-y-1.5">
        <legend className="text-sm font-medium text-slate-800">Events (none ticked: all)</legend>
        <div className="grid grid-cols-1 gap-1 sm:grid-cols-2">
          {eventTypes.map((type) => (
            <label key={type} className="flex items-center gap-2 font-mono text-xs text-slate-700">
              <input type="checkbox" name="eventTypes" value={type} />
              {type}
            </label>
          ))}
        </div>
        {errors.eventTypes && <p className="text-sm font-medium text-rose-700">{errors.eventTypes}</p>}
      </fieldset>
      <SubmitButton pending={pending} pendingLabel="Adding…">
        Add endpoint
      </SubmitButton>
    </form>
  );
}
