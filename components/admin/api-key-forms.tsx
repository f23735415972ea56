"use client";

import { useActionState, useState } from "react";
import { Callout } from "@/components/callout";
import { SubmitButton } from "@/components/submit-button";
import { TextField } from "@/components/text-field";
import type { ActionResult } from "@/lib/action-result";

export type ApiKeyCreated = ActionResult<{ secret: string; prefix: string }, never, "name" | "scopes">;

/**
 * Creates an API key: a name and its scopes. The answer shows the secret once, with a copy button; the
 * page never shows it again (only its hash is stored).
 */
export function CreateApiKeyForm({
  action,
  scopes,
}: {
  action: (previous: ApiKeyCreated | null, formData: FormData) => Promise<ApiKeyCreated>;
  scopes: { scope: string; description: string }[];
}) {
  const [result, formAction, pending] = useActionState(action, null);
  const errors = result && !result.ok ? (result.fieldErrors ?? {}) : {};
  return (
    <form action={formAction} className="max-w-xl space-y-4" data-testid="create-api-key-form">
      <div aria-live="polite">
        {result && !result.ok && (
          <Callout tone="error" testId="create-api-key-result">
            {result.message}
          </Callout>
        )}
        {result?.ok && <NewSecret message={result.message} secret={result.secret} />}
      </div>
      <TextField
        id="api-key-name"
        name="name"
        label="Name"
        hint="Where the key is used, e.g. “Storefront checkout”."
        maxLength={100}
        required
        error={errors.name}
      />
      <fieldset className="space-y-2" aria-describedby={errors.scopes ? "api-key-scopes-error" : undefined}>
        <legend className="text-sm font-medium text-slate-800">Scopes</legend>
        {scopes.map(({ scope, description }) => (
          <label key={scope} className="flex items-start gap-2 text-sm text-slate-800">
            <input type="checkbox" name="scopes" value={scope} className="mt-1" />
            <span>
              <span className="font-mono font-semibold">{scope}</span> — {description}
            </span>
          </label>
        ))}
        {errors.scopes && (
          <p id="api-key-scopes-error" className="text-sm font-medium text-rose-700">
            {errors.scopes}
          </p>
        )}
      </fieldset>
      <SubmitButton pending={pending} pendingLabel="Creating…">
        Create key
      </SubmitButton>
    </form>
  );
}

function NewSecret({ message, secret }: { message: string; secret: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <Callout tone="success" testId="create-api-key-result">
      <p>{message}</p>
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <input
          readOnly
          value={secret}
          aria-label="The new key's secret"
          data-testid="api-key-secret"
          onFocus={(event) => event.currentTarget.select()}
          className="min-w-0 flex-1 rounded-md border border-slate-300 bg-white px-2 py-1 font-mono text-xs text-slate-900"
        />
        <button
          type="button"
          onClick={async () => {
            await navigator.clipboard.writeText(secret);
            setCopied(true);
          }}
          className="rounded-md border border-slate-300 bg-white px-2.5 py-1 text-xs font-semibold text-slate-800 hover:bg-slate-50"
        >
          {copied ? "Copied" : "Copy"}
        </button>
      </div>
    </Callout>
  );
}
