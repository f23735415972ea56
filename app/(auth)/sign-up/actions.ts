"use server";

import { createAccount, type SignUpField } from "@/lib/accounts";
import { getDb } from "@/lib/db/client";

export type SignUpOutcome =
  { ok: true } | { ok: false; fieldErrors: Partial<Record<SignUpField, string>>; error: string | null };

/** Creates the account; the form then signs in through next-auth with the same credentials. */
export async function signUp(formData: FormData): Promise<SignUpOutcome> {
  const result = await createAccount(getDb(), {
    name: formData.get("name"),
    email: formData.get("email"),
    password: formData.get("password"),
  });
  if (result.ok) return { ok: true };
  if (result.reason === "email_taken") {
    return {
      ok: false,
      fieldErrors: { email: "An account with this email already exists. Sign in instead." },
      error: null,
    };
  }
  return { ok: false, fieldErrors: result.fieldErrors, error: null };
}
