import { getDb } from "@/lib/db/client";
import { checkHealth } from "@/lib/health";

export const dynamic = "force-dynamic";

export default async function HomePage() {
  const health = await checkHealth(getDb());
  return (
    <main className="mx-auto max-w-2xl px-6 py-16">
      <h1 className="text-4xl font-semibold tracking-tight">Once</h1>
      <p className="mt-3 text-lg text-slate-600">
        Coupons, promo codes and store credit that redeem exactly as many times as they allow, no matter how many
        requests arrive at once.
      </p>
      <section aria-labelledby="status" className="mt-10 rounded-lg border border-slate-200 bg-white p-5">
        <h2 id="status" className="text-sm font-medium uppercase tracking-wide text-slate-500">
          System status
        </h2>
        {health.ok ? (
          <p className="mt-2" data-testid="db-status">
            <span className="font-medium text-emerald-700">Database answering</span>: PostgreSQL {health.postgres},{" "}
            {health.migrations} migrations applied, {health.coupons} coupons.
          </p>
        ) : (
          <p className="mt-2 text-red-700" data-testid="db-status">
            Database unreachable: {health.error}
          </p>
        )}
      </section>
    </main>
  );
}
