import Link from "next/link";
import { SiteHeader } from "@/components/site-header";
import { getCurrentUser } from "@/lib/web/session";
import { getDb } from "@/lib/db/client";
import { checkHealth } from "@/lib/health";

export const dynamic = "force-dynamic";

export default async function HomePage() {
  const [health, user] = await Promise.all([checkHealth(getDb()), getCurrentUser().catch(() => null)]);
  return (
    <>
      <SiteHeader user={user} />
      <main id="main" className="mx-auto max-w-2xl px-6 py-16">
        <h1 className="text-4xl font-semibold tracking-tight">Once</h1>
        <p className="mt-3 text-lg text-slate-600">
          Coupons, promo codes and store credit that redeem exactly as many times as they allow, no matter how many
          requests arrive at once.
        </p>
        <div className="mt-8 flex flex-wrap gap-3">
          {user ? (
            <>
              <Link
                href="/redeem"
                className="rounded-lg bg-indigo-600 px-5 py-2.5 text-sm font-semibold text-white shadow-sm hover:bg-indigo-700"
              >
                Redeem a code
              </Link>
              <Link
                href="/wallet"
                className="rounded-lg border border-slate-300 bg-white px-5 py-2.5 text-sm font-semibold text-slate-800 hover:bg-slate-50"
              >
                Open your wallet
              </Link>
            </>
          ) : (
            <>
              <Link
                href="/sign-up"
                className="rounded-lg bg-indigo-600 px-5 py-2.5 text-sm font-semibold text-white shadow-sm hover:bg-indigo-700"
              >
                Create an account
              </Link>
              <Link
                href="/sign-in"
                className="rounded-lg border border-slate-300 bg-white px-5 py-2.5 text-sm font-semibold text-slate-800 hover:bg-slate-50"
              >
                Sign in
              </Link>
            </>
          )}
        </div>
        <section aria-labelledby="status" className="mt-12 rounded-lg border border-slate-200 bg-white p-5">
          <h2 id="status" className="text-sm font-medium uppercase tracking-wide text-slate-600">
            System status
          </h2>
          <p className={`mt-2 font-medium ${health.ok ? "text-emerald-700" : "text-red-700"}`} data-testid="db-status">
            {health.ok ? "Up and answering." : "Unavailable right now. Please try again in a moment."}
          </p>
        </section>
      </main>
    </>
  );
}
