"use client";

import { useActionState, useRef } from "react";
import type { ActionResult } from "@/lib/action-result";

/** What a one-button admin change answers: a message, or a refusal with its reason. */
export type StatusAnswer<Reason extends string> = ActionResult<object, Reason>;

interface ActionButtonProps<Answer extends StatusAnswer<string>> {
  action: (previous: Answer | null, formData: FormData) => Promise<Answer>;
  fields: Record<string, string>;
  label: string;
  pendingLabel: string;
  /** Asked in a dialog before anything is sent. */
  confirm?: { title: string; body: string; confirmLabel: string };
  tone?: "danger" | "neutral";
  testId?: string;
  /**
   * Nothing left to do (e.g. the redemption is revoked): the button goes, its last message stays. Kept
   * mounted rather than removed, so the answer survives the refresh that the change itself triggers.
   */
  settled?: boolean;
}

/** One admin change behind one button (disable, enable, revoke…), optionally confirmed, with its outcome inline. */
export function ActionButton<Answer extends StatusAnswer<string>>({
  action,
  fields,
  label,
  pendingLabel,
  confirm,
  tone = "neutral",
  testId,
  settled = false,
}: ActionButtonProps<Answer>) {
  const [result, formAction, pending] = useActionState<Answer | null, FormData>(action, null);
  const dialog = useRef<HTMLDialogElement>(null);
  const form = useRef<HTMLFormElement>(null);
  const style =
    tone === "danger"
      ? "border-rose-300 text-rose-700 hover:bg-rose-50"
      : "border-slate-300 text-slate-800 hover:bg-slate-50";

  return (
    <form ref={form} action={formAction} className="inline-flex flex-col items-start gap-1">
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <button
        hidden={settled}
        type={confirm ? "button" : "submit"}
        onClick={confirm ? () => dialog.current?.showModal() : undefined}
        disabled={pending}
        data-testid={testId}
        className={`rounded-md border bg-white px-2.5 py-1 text-xs font-semibold disabled:opacity-50 ${style}`}
      >
        {pending ? pendingLabel : label}
      </button>
      {confirm && (
        <dialog
          ref={dialog}
          className="m-auto max-w-md rounded-xl p-6 shadow-xl backdrop:bg-slate-900/40"
          aria-labelledby={`${testId ?? label}-title`}
        >
          <h2 id={`${testId ?? label}-title`} className="text-lg font-semibold text-slate-900">
            {confirm.title}
          </h2>
          <p className="mt-2 text-sm text-slate-600">{confirm.body}</p>
          <div className="mt-6 flex justify-end gap-2">
            <button
              type="button"
              onClick={() => dialog.current?.close()}
              className="rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50"
            >
              Cancel
            </button>
            <button
              type="button"
              onClick={() => {
                dialog.current?.close();
                form.current?.requestSubmit();
              }}
              className="rounded-md bg-rose-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-rose-700"
            >
              {confirm.confirmLabel}
            </button>
          </div>
        </dialog>
      )}
      <span aria-live="polite" className="max-w-xs text-xs">
        {result && (
          <span
            className={result.ok ? "text-emerald-700" : "text-rose-700"}
            data-testid={testId ? `${testId}-result` : undefined}
            data-reason={result.ok ? "ok" : result.reason}
          >
            {result.message}
          </span>
        )}
      </span>
    </form>
  );
}
