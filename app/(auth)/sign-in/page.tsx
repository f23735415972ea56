import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignInForm } from "@/components/sign-in-form";
import { getCurrentUser } from "@/lib/web/session";
import { safeCallbackUrl } from "@/lib/callback-url";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl);
  const user = await getCurrentUser();
  // Without a page to go back to, each lands where their work is: an admin on the admin overview.
  if (user) redirect(!params.callbackUrl && user.role === "ADMIN" ? "/admin" : callbackUrl);
  const notice = params.created
    ? "Your account is ready. Sign in to continue."
    : params.callbackUrl
      ? "Sign in to continue."
      : undefined;

  return (
    <>
      <h1 className="text-xl font-semibold tracking-tight text-slate-900">Sign in to Once</h1>
      <p className="mt-1 mb-6 text-sm text-slate-600">Redeem codes and spend your store credit.</p>
      {/* Without a page to go back to, signing in comes back here, which sends each user to their landing page. */}
      <SignInForm callbackUrl={params.callbackUrl ? callbackUrl : "/sign-in"} notice={notice} />
    </>
  );
}
