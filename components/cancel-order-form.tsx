"use client";

import { useActionState, useRef } from "react";
import { createPortal } from "react-dom";
import type { ActionResult } from "@/lib/action-result";
import type { CancelRefusal } from "@/lib/checkout/cancel-order";
import { formatCents, formatOrderNumber } from "@/lib/format";
import { AnswerRegion } from "./answer-region";
import { Callout } from "./callout";
import { Spinner } from "./spinner";
import { useHydrated } from "./use-hydrated";

export type CancelAnswer = ActionResult<object, CancelRefusal | "rate_limited">;
export type CancelAction = (state: CancelAnswer | null, formData: FormData) => Promise<CancelAnswer>;

/**
 * The customer's "Cancel order", asked first: a dialog names the order and what goes back, with "Keep
 * order" (nothing sent) and "Cancel order" (the cancel is sent). The answer shows below the button.
 * Until the page is hydrated the button is disabled, so an early click can neither be lost nor skip the
 * question.
 */
export function CancelOrderForm({
  order,
  cancel,
}: {
  order: { id: string; number: number; totalCents: number; status: string };
  cancel: CancelAction;
}) {
  const [answer, action, pending] = useActionState(cancel, null);
  const dialog = useRef<HTMLDialogElement>(null);
  const form = useRef<HTMLFormElement>(null);
  const hydrated = useHydrated();
  const number = formatOrderNumber(order.number);
  const titleId = `cancel-${order.id}-title`;

  return (
    <>
      {order.status === "PLACED" && (
        <form ref={form} action={action} className="mt-3">
          <input type="hidden" name="orderId" value={order.id} />
          <button
            type="button"
            onClick={() => dialog.current?.showModal()}
            disabled={pending || !hydrated}
            aria-disabled={pending || !hydrated}
            data-testid="cancel-order"
            className="inline-flex min-h-11 items-center justify-center gap-2 rounded-lg border border-rose-300 bg-white px-5 py-2.5 text-sm font-semibold text-rose-700 shadow-sm hover:bg-rose-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-rose-600 disabled:cursor-not-allowed disabled:opacity-60"
          >
            {pending ? (
              <>
                <Spinner />
                <span>Cancelling…</span>
              </>
            ) : (
              "Cancel order"
            )}
          </button>
          {hydrated &&
            createPortal(
              <dialog
                ref={dialog}
                aria-labelledby={titleId}
                data-testid="cancel-order-dialog"
                className="m-auto w-[calc(100vw-2rem)] max-w-md rounded-xl p-6 break-words shadow-xl backdrop:bg-slate-900/40"
              >
                <h2 id={titleId} className="text-lg font-semibold text-slate-900">
                  Cancel order {number}?
                </h2>
                <p className="mt-2 text-sm text-slate-600">
                  {order.totalCents > 0
                    ? `${formatCents(order.totalCents)} goes back to your store credit`
                    : "Nothing was charged for it"}
                  , and a discount code it used can be used again. This cannot be undone.
                </p>
                <div className="mt-6 flex flex-wrap justify-end gap-2">
                  <button
                    type="button"
                    autoFocus
                    onClick={() => dialog.current?.close()}
                    className="min-h-11 rounded-lg border border-slate-300 px-4 py-2 text-sm font-medium text-slate-800 hover:bg-slate-50"
                  >
                    Keep order
                  </button>
                  <button
                    type="button"
                    onClick={() => {
                      dialog.current?.close();
                      form.current?.requestSubmit();
                    }}
                    className="min-h-11 rounded-lg bg-rose-700 px-4 py-2 text-sm font-semibold text-white hover:bg-rose-800"
                  >
                    Cancel order
                  </button>
                </div>
              </dialog>,
              document.body,
            )}
        </form>
      )}
      <AnswerRegion answer={answer}>
        {answer && (
          <div className="mt-3">
            <Callout tone={answer.ok ? "success" : "error"} testId="cancel-result">
              <p>{answer.message}</p>
            </Callout>
          </div>
        )}
      </AnswerRegion>
    </>
  );
}
