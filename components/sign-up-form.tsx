"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { useActionState } from "react";
import { PASSWORD_MIN_LENGTH } from "@/lib/account-rules";
import type { SignUpField } from "@/lib/accounts";
import type { ActionResult, FieldErrors } from "@/lib/action-result";
import { Callout } from "./callout";
import { SubmitButton } from "./submit-button";
import { TextField } from "./text-field";
import { useHydrated } from "./use-hydrated";

export type SignUpAnswer = ActionResult<object, "email_taken" | "rate_limited", SignUpField>;

interface SignUpState {
  name: string;
  email: string;
  fieldErrors: FieldErrors<SignUpField>;
  error: string | null;
}

interface SignUpFormProps {
  callbackUrl: string;
  signUp: (formData: FormData) => Promise<SignUpAnswer>;
}

export function SignUpForm({ callbackUrl, signUp }: SignUpFormProps) {
  const router = useRouter();
  const hydrated = useHydrated();

  const [state, formAction, pending] = useActionState(
    async (_: SignUpState, formData: FormData): Promise<SignUpState> => {
      const name = String(formData.get("name") ?? "");
      const email = String(formData.get("email") ?? "");
      const kept = { name, email };
      let created: SignUpAnswer;
      try {
        created = await signUp(formData);
      } catch {
        return {
          ...kept,
          fieldErrors: {},
          error: "We couldn't create your account just now. Please try again in a moment.",
        };
      }
      if (!created.ok) {
        // Field errors speak for themselves; anything else (busy, failed) gets the message above the form.
        const fieldErrors = created.fieldErrors ?? {};
        return { ...kept, fieldErrors, error: Object.keys(fieldErrors).length > 0 ? null : created.message };
      }

      const session = await signIn("credentials", {
        email,
        password: String(formData.get("password") ?? ""),
        redirect: false,
      }).catch(() => undefined);
      if (!session?.ok) {
        router.replace(`/sign-in?callbackUrl=${encodeURIComponent(callbackUrl)}&created=1`);
        return { ...kept, fieldErrors: {}, error: null };
      }
      router.replace(callbackUrl);
      router.refresh();
      return { ...kept, fieldErrors: {}, error: null };
    },
    { name: "", email: "", fieldErrors: {}, error: null },
  );

  return (
    <form action={formAction} noValidate className="space-y-5">
      <div aria-live="polite">{state.error && <Callout tone="error">{state.error}</Callout>}</div>
      <TextField
        id="name"
        name="name"
        label="Name"
        autoComplete="name"
        required
        defaultValue={state.name}
        error={state.fieldErrors.name}
      />
      <TextField
        id="email"
        name="email"
        type="email"
        label="Email"
        autoComplete="email"
        required
        defaultValue={state.email}
        error={state.fieldErrors.email}
      />
      <TextField
        id="password"
        name="password"
        type="password"
        label="Password"
        autoComplete="new-password"
        required
        hint={`At least ${PASSWORD_MIN_LENGTH} characters.`}
        error={state.fieldErrors.password}
      />
      <SubmitButton pending={pending} pendingLabel="Creating your account…" disabled={!hydrated} className="w-full">
        Create account
      </SubmitButton>
      <p className="text-center text-sm text-slate-600">
        Already have an account?{" "}
        <Link
          href={`/sign-in?callbackUrl=${encodeURIComponent(callbackUrl)}`}
          className="font-medium text-indigo-700 underline underline-offset-2 hover:no-underline"
        >
          Sign in
        </Link>
      </p>
    </form>
  );
}
