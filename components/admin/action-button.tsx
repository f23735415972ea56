"use client";

import { startTransition, useActionState, useEffect, useRef } from "react";
import { createPortal } from "react-dom";
import { toast } from "sonner";
import { useHydrated } from "@/components/use-hydrated";
import type { ActionResult } from "@/lib/action-result";

/**
 * What a one-button admin change answers: a message, or a refusal with its reason. `undoable` says the
 * change did something that the button's `undo` fields exactly reverse.
 */
export type StatusAnswer<Reason extends string> = ActionResult<{ undoable?: boolean }, Reason>;

interface ActionButtonProps<Answer extends StatusAnswer<string>> {
  action: (previous: Answer | null, formData: FormData) => Promise<Answer>;
  fields: Record<string, string>;
  label: string;
  pendingLabel: string;
  /**
   * Asked in a dialog before anything is sent. `keepLabel` names the way back where "Cancel" would read as
   * the change itself (cancelling an order).
   */
  confirm?: { title: string; body: string; confirmLabel: string; keepLabel?: string };
  tone?: "danger" | "neutral";
  testId?: string;
  /** Nothing left to do (e.g. the redemption is revoked): the button goes. */
  settled?: boolean;
  /** The fields that send the opposite change through the same action, offered as "Undo" with the answer. */
  undo?: Record<string, string>;
}

/**
 * One admin change behind one button (disable, enable, revoke…), optionally confirmed. The dialog and
 * the answer live outside the button's place in the page (a portal and a toast), so a table cell that
 * does not wrap cannot clip them. A new answer replaces the earlier ones, which may no longer hold.
 */
export function ActionButton<Answer extends StatusAnswer<string>>({
  action,
  fields,
  label,
  pendingLabel,
  confirm,
  tone = "neutral",
  testId,
  settled = false,
  undo,
}: ActionButtonProps<Answer>) {
  const [result, formAction, pending] = useActionState<Answer | null, FormData>(action, null);
  const dialog = useRef<HTMLDialogElement>(null);
  const form = useRef<HTMLFormElement>(null);
  const mounted = useHydrated();
  // The undo of the change as the page stood when it was sent: the answer arrives with the page
  // already refreshed, its fields now describing the state after the change.
  const undoAtSubmit = useRef(undo);
  useEffect(() => {
    if (!result) return;
    const answerId = testId ? `${testId}-result` : undefined;
    const undo = undoAtSubmit.current;
    const undoChange =
      undo && result.ok && result.undoable
        ? () =>
            startTransition(async () => {
              const formData = new FormData();
              for (const [name, value] of Object.entries(undo)) formData.set(name, value);
              showAnswer(await action(null, formData), answerId);
            })
        : undefined;
    showAnswer(result, answerId, undoChange);
    // Only a new answer is shown; the undo fields and action are the ones rendered with it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [result]);
  const style =
    tone === "danger"
      ? "border-rose-300 text-rose-700 hover:bg-rose-50"
      : "border-slate-300 text-slate-800 hover:bg-slate-50";
  const titleId = `${testId ?? label.replace(/\W+/g, "-")}-title`;

  return (
    <form
      ref={form}
      action={formAction}
      onSubmit={() => {
        undoAtSubmit.current = undo;
      }}
      className="inline-flex"
    >
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
      {confirm &&
        mounted &&
        createPortal(
          <dialog
            ref={dialog}
            className="m-auto w-[calc(100vw-2rem)] max-w-md rounded-xl p-6 break-words whitespace-normal shadow-xl backdrop:bg-slate-900/40"
            aria-labelledby={titleId}
          >
            <h2 id={titleId} className="text-lg font-semibold text-slate-900">
              {confirm.title}
            </h2>
            <p className="mt-2 text-sm text-slate-600">{confirm.body}</p>
            <div className="mt-6 flex flex-wrap justify-end gap-2">
              <button
                type="button"
                onClick={() => dialog.current?.close()}
                className="rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50"
              >
                {confirm.keepLabel ?? "Cancel"}
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
          </dialog>,
          document.body,
        )}
    </form>
  );
}

/**
 * An action's answer as a toast, replacing any earlier answer (it may describe a state that no longer
 * holds). A success fades; a refusal stays until dismissed, so it can be read.
 */
export function showAnswer(answer: { ok: boolean; message: string }, testId?: string, undo?: () => void): void {
  toast.dismiss();
  const options = {
    testId,
    // An answer that can be undone stays until dismissed, so the undo is not lost by reading slowly.
    duration: answer.ok && !undo ? 8_000 : Infinity,
    action: undo ? { label: "Undo", onClick: undo } : undefined,
  };
  if (answer.ok) toast.success(answer.message, options);
  else toast.error(answer.message, options);
}
