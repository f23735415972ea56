"use server";

import type { SignUpAnswer } from "@/components/sign-up-form";
import { signUpSchema } from "@/lib/account-rules";
import { signUpWithinLimits } from "@/lib/accounts";
import { rateLimitedMessage } from "@/lib/messages";
import { anonymousAction, answerOf, fromForm } from "@/lib/web/actions";
import { currentRequestMeta } from "@/lib/web/request-meta";

const signUpAction = anonymousAction
  .inputSchema(fromForm(signUpSchema))
  .action(async ({ ctx, parsedInput }): Promise<SignUpAnswer> => {
    const result = await signUpWithinLimits(ctx.db, parsedInput, (await currentRequestMeta()).ip);
    if (!result.ok && result.reason === "rate_limited") {
      return { ok: false, reason: "rate_limited", message: rateLimitedMessage(result) };
    }
    if (result.ok) return { ok: true, message: "Your account is ready." };
    if (result.reason === "email_taken") {
      const message = "An account with this email already exists. Sign in instead.";
      return { ok: false, reason: "email_taken", message, fieldErrors: { email: message } };
    }
    return { ok: false, reason: "invalid", message: "Check the highlighted fields.", fieldErrors: result.fieldErrors };
  });

/** Creates the account; the form then signs in through next-auth with the same credentials. */
export async function signUp(formData: FormData): Promise<SignUpAnswer> {
  return answerOf(await signUpAction(formData));
}
