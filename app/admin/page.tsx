import Link from "next/link";
import { Suspense } from "react";
import { PageHeading } from "@/components/page-heading";
import { BarChart } from "@/components/admin/bar-chart";
import { DataTable, td, th } from "@/components/admin/data-table";
import { InvariantStatus } from "@/components/admin/invariant-status";
import { StatCard } from "@/components/admin/stat-card";
import { refusalLabel } from "@/lib/refusals";
import { requireAdminPage } from "@/lib/web/page-guard";
import { type Totals, overview } from "@/lib/admin/reports";
import { getDb } from "@/lib/db/client";
import { getStoreTimeZone } from "@/lib/store-settings";
import { formatCents, formatCount, plural } from "@/lib/format";
import { systemDetails } from "@/lib/health";

export const dynamic = "force-dynamic";

function totalsDetail(t: Totals) {
  return `${formatCents(t.creditCents)} credit kept · ${formatCount(t.revoked)} revoked`;
}

export default async function AdminOverviewPage() {
  await requireAdminPage();
  const [data, system, zone] = await Promise.all([
    overview(getDb()),
    systemDetails(getDb()),
    getStoreTimeZone(getDb()),
  ]);
  return (
    <>
      <PageHeading
        title="Overview"
        description="Redemptions, credit and refusals at a glance, and whether every invariant holds right now."
      />
      <section aria-labelledby="invariants" className="mb-8">
        <h2 id="invariants" className="sr-only">
          Invariants
        </h2>
        <Suspense
          fallback={
            <p className="rounded-lg border border-slate-200 bg-white p-4 text-sm text-slate-600">
              Checking invariants…
            </p>
          }
        >
          <InvariantStatus />
        </Suspense>
      </section>
      <section aria-label="Totals" className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <StatCard
          label={`Redemptions today (${zone})`}
          value={formatCount(data.today.redemptions)}
          detail={totalsDetail(data.today)}
          testId="stat-today"
        />
        <StatCard label="Last 7 days" value={formatCount(data.week.redemptions)} detail={totalsDetail(data.week)} />
        <StatCard label="Last 30 days" value={formatCount(data.month.redemptions)} detail={totalsDetail(data.month)} />
        <StatCard
          label="Credit outstanding"
          value={formatCents(data.outstandingCreditCents)}
          detail="Sum of all customer balances"
        />
      </section>
      <p className="mt-4 text-sm text-slate-600" data-testid="system-details">
        PostgreSQL {system.postgres} · {plural(system.migrations, "migration")} applied ·{" "}
        {plural(system.coupons, "coupon")}
      </p>
      <section aria-label="Trend" className="mt-8">
        <BarChart data={data.daily} label="Redemptions per day, last 30 days" noun="redemption" zone={zone} />
      </section>
      <div className="mt-8 grid grid-cols-1 gap-8 lg:grid-cols-2">
        <section aria-labelledby="top" className="space-y-3">
          <h2 id="top" className="text-lg font-semibold">
            Top coupons, last 30 days
          </h2>
          <DataTable
            label="Top coupons, last 30 days"
            empty={data.topCoupons.length === 0 && "No redemptions in the last 30 days."}
            head={
              <>
                <th className={th}>Coupon</th>
                <th className={th}>Redemptions</th>
                <th className={th}>Credit issued</th>
              </>
            }
          >
            {data.topCoupons.map((c) => (
              <tr key={c.id}>
                <td className={td}>
                  <Link href={`/admin/coupons/${c.id}`} className="font-mono text-indigo-700 hover:underline">
                    {c.code}
                  </Link>
                </td>
                <td className={`${td} tabular-nums`}>{formatCount(c.redemptions)}</td>
                <td className={`${td} tabular-nums`}>{formatCents(c.creditCents)}</td>
              </tr>
            ))}
          </DataTable>
        </section>
        <section aria-labelledby="refusals" className="space-y-3">
          <h2 id="refusals" className="text-lg font-semibold">
            Refusals by reason, last 30 days
          </h2>
          <DataTable
            label="Refusals by reason, last 30 days"
            empty={data.refusals.length === 0 && "No refused attempts in the last 30 days."}
            head={
              <>
                <th className={th}>Reason</th>
                <th className={th}>Attempts</th>
              </>
            }
          >
            {data.refusals.map((r) => (
              <tr key={r.reason}>
                <td className={td}>
                  <Link
                    href={`/admin/attempts?reason=${encodeURIComponent(r.reason)}`}
                    className="text-indigo-700 hover:underline"
                  >
                    {refusalLabel(r.reason)}
                  </Link>
                </td>
                <td className={`${td} tabular-nums`}>{formatCount(r.count)}</td>
              </tr>
            ))}
          </DataTable>
        </section>
      </div>
    </>
  );
}
