import { SignInBackLink } from "@/components/sign-in-back-link";

/** What a signed-out visitor sees at any admin URL (answered with 401). */
export function AdminSignInRequired() {
  return (
    <div
      className="mx-auto max-w-lg rounded-xl border border-slate-200 bg-white p-8 text-center shadow-sm"
      data-testid="admin-sign-in-required"
    >
      <p className="text-sm font-semibold tracking-wide text-indigo-700">401 · Sign-in required</p>
      <h1 className="mt-2 text-2xl font-semibold text-slate-900">Sign in to continue</h1>
      <p className="mt-2 text-slate-600">This page is for store administrators. Sign in and you come back here.</p>
      <SignInBackLink className="mt-6 inline-flex rounded-lg bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-700">
        Sign in
      </SignInBackLink>
    </div>
  );
}
