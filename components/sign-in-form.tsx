"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { useActionState } from "react";
import { signInLimitedMessage } from "@/lib/messages";
import { parseSignInError } from "@/lib/sign-in-errors";
import { Callout } from "./callout";
import { SubmitButton } from "./submit-button";
import { TextField } from "./text-field";
import { useHydrated } from "./use-hydrated";

interface SignInState {
  email: string;
  fieldErrors: { email?: string; password?: string };
  error: string | null;
}

/** Email and password through next-auth's credentials provider; bad credentials get one generic message, a rate-limited attempt says when to try again. */
export function SignInForm({ callbackUrl, notice }: { callbackUrl: string; notice?: string }) {
  const router = useRouter();
  const hydrated = useHydrated();

  const [state, formAction, pending] = useActionState(
    async (_: SignInState, formData: FormData): Promise<SignInState> => {
      const email = String(formData.get("email") ?? "").trim();
      const password = String(formData.get("password") ?? "");
      const fieldErrors: SignInState["fieldErrors"] = {};
      if (!email) fieldErrors.email = "Enter your email address.";
      if (!password) fieldErrors.password = "Enter your password.";
      if (fieldErrors.email || fieldErrors.password) return { email, fieldErrors, error: null };

      let response;
      try {
        response = await signIn("credentials", { email, password, redirect: false });
      } catch {
        response = undefined;
      }
      if (response?.ok) {
        router.replace(callbackUrl);
        router.refresh();
        return { email, fieldErrors: {}, error: null };
      }
      const refusal = parseSignInError(response?.error);
      const error =
        refusal.kind === "credentials"
          ? "That email and password don't match an account. Check both and try again."
          : refusal.kind === "limited"
            ? signInLimitedMessage(refusal.retryAfterSeconds, refusal.slowdown)
            : "We couldn't sign you in just now. Please try again in a moment.";
      return { email, fieldErrors: {}, error };
    },
    { email: "", fieldErrors: {}, error: null },
  );

  return (
    <form action={formAction} noValidate className="space-y-5">
      <div aria-live="polite">
        {state.error ? (
          <Callout tone="error" testId="sign-in-error">
            {state.error}
          </Callout>
        ) : (
          notice && <Callout tone="info">{notice}</Callout>
        )}
      </div>
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
        autoComplete="current-password"
        required
        error={state.fieldErrors.password}
      />
      <SubmitButton pending={pending} pendingLabel="Signing in…" disabled={!hydrated} className="w-full">
        Sign in
      </SubmitButton>
      <p className="text-center text-sm text-slate-600">
        New here?{" "}
        <Link
          href={`/sign-up?callbackUrl=${encodeURIComponent(callbackUrl)}`}
          className="font-medium text-indigo-700 underline underline-offset-2 hover:no-underline"
        >
          Create an account
        </Link>
      </p>
    </form>
  );
}
