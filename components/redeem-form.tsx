"use client";

import Link from "next/link";
import { type FormEvent, useActionState, useState } from "react";
import type { ActionResult, IdempotentFormState } from "@/lib/action-result";
import { RAW_CODE_MAX_LENGTH, normalizeCode } from "@/lib/codes";
import { formatCents } from "@/lib/format";
import type { RedeemRefusal } from "@/lib/redemptions";
import { Callout } from "./callout";
import { useClearOnInput } from "./use-clear-on-input";
import { SubmitButton } from "./submit-button";

const CODE_INPUT = [
  "block w-full min-w-0 flex-1 rounded-lg border bg-white px-3.5 py-2.5 shadow-sm",
  "font-mono text-base uppercase tracking-wider text-slate-900",
  "placeholder:font-sans placeholder:normal-case placeholder:tracking-normal placeholder:text-slate-400",
  "focus:border-indigo-600 focus:outline-2 focus:outline-offset-0 focus:outline-indigo-600/30",
].join(" ");

export type RedeemAnswer = ActionResult<
  { code: string; amountCents: number; balanceCents: number },
  RedeemRefusal | "rate_limited"
>;
export type RedeemFormState = IdempotentFormState<RedeemAnswer, { code: string }>;

interface RedeemFormProps {
  action: (state: RedeemFormState, formData: FormData) => Promise<RedeemFormState>;
  initialState: RedeemFormState;
}

/**
 * One input, one button. The hidden idempotency key makes a double click, a retried POST or a
 * resubmitted page one redemption that every submission reports identically.
 */
export function RedeemForm({ action, initialState }: RedeemFormProps) {
  const [state, formAction, pending] = useActionState(action, initialState);
  // The local refusal counts as an answer too, so it is keyed apart from the server's.
  const [tooLong, setTooLong] = useState<{ message: string; answer: number } | null>(null);

  // Megabytes of pasted text are refused here, before they are sent: the server would refuse them anyway.
  function refuseAbsurdInput(event: FormEvent<HTMLFormElement>) {
    const code = new FormData(event.currentTarget).get("code");
    if (typeof code === "string" && code.length > RAW_CODE_MAX_LENGTH) {
      event.preventDefault();
      const check = normalizeCode(code);
      setTooLong(check.ok ? null : { message: check.message, answer: (tooLong?.answer ?? 0) + 1 });
    } else {
      setTooLong(null);
    }
  }

  const { shown, onInput } = useClearOnInput(state.result);
  const outcome = tooLong ? ({ ok: false, reason: "invalid_code", message: tooLong.message } as const) : shown;
  const answer = tooLong ? `local-${tooLong.answer}` : String(state.answer);
  const invalid = outcome !== null && !outcome.ok;

  return (
    <form
      action={formAction}
      onSubmit={refuseAbsurdInput}
      onInput={() => {
        onInput();
        setTooLong(null);
      }}
      noValidate
      className="space-y-5"
    >
      <input type="hidden" name="idempotencyKey" value={state.key} />
      <div className="space-y-1.5">
        <label htmlFor="code" className="block text-sm font-medium text-slate-800">
          Coupon code
        </label>
        <div className="flex flex-col gap-3 sm:flex-row">
          <input
            id="code"
            name="code"
            type="text"
            defaultValue={state.values.code}
            required
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            placeholder="e.g. WELCOME10"
            aria-invalid={invalid || undefined}
            aria-describedby="code-hint redeem-feedback"
            className={`${CODE_INPUT} ${invalid ? "border-rose-500" : "border-slate-300"}`}
          />
          <SubmitButton pending={pending} pendingLabel="Redeeming…" className="sm:w-36">
            Redeem
          </SubmitButton>
        </div>
        <p id="code-hint" className="text-sm text-slate-600">
          Codes are not case-sensitive.
        </p>
      </div>

      <div
        id="redeem-feedback"
        aria-live="polite"
        aria-atomic="true"
        data-answer={answer}
        data-testid="redeem-feedback"
      >
        {outcome?.ok === true && (
          <Callout key={answer} tone="success" title={`${outcome.code} redeemed`} testId="redeem-result">
            <p>{outcome.message}</p>
            <p className="mt-1">
              Your balance is now <strong data-testid="redeem-balance">{formatCents(outcome.balanceCents)}</strong>.{" "}
              <Link href="/shop" className="font-medium underline underline-offset-2 hover:no-underline">
                Spend it in the shop
              </Link>
            </p>
          </Callout>
        )}
        {outcome?.ok === false && (
          <Callout key={answer} tone="error" testId="redeem-result">
            <p data-reason={outcome.reason}>{outcome.message}</p>
            {outcome.reason === "unauthenticated" && (
              <Link
                href="/sign-in?callbackUrl=%2Fredeem"
                className="mt-1 inline-block font-medium underline underline-offset-2"
              >
                Sign in
              </Link>
            )}
          </Callout>
        )}
      </div>
    </form>
  );
}
