import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignUpForm } from "@/components/sign-up-form";
import { getCurrentUser } from "@/lib/web/session";
import { safeCallbackUrl } from "@/lib/callback-url";
import { signUp } from "./actions";

export const metadata: Metadata = { title: "Create an account" };

export default async function SignUpPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const callbackUrl = safeCallbackUrl((await searchParams).callbackUrl);
  if (await getCurrentUser()) redirect(callbackUrl);

  return (
    <>
      <h1 className="text-xl font-semibold tracking-tight text-slate-900">Create your account</h1>
      <p className="mt-1 mb-6 text-sm text-slate-600">It takes a few seconds, and your store credit is waiting.</p>
      <SignUpForm callbackUrl={callbackUrl} signUp={signUp} />
    </>
  );
}
