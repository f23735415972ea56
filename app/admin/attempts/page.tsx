import Link from "next/link";
import { PageHeading } from "@/components/page-heading";
import { Badge } from "@/components/admin/badges";
import { DataTable, td, th } from "@/components/admin/data-table";
import { FilterForm, FilterInput, FilterSelect } from "@/components/admin/filter-form";
import { REFUSAL_LABELS, refusalLabel } from "@/lib/admin/messages";
import { requireAdminPage } from "@/lib/web/page-guard";
import { SUSPICION, attemptFiltersSchema, listAttempts, suspiciousActivity } from "@/lib/admin/reports";
import { getDb } from "@/lib/db/client";
import { formatDayAndTime, plural } from "@/lib/format";

export const dynamic = "force-dynamic";
export const metadata = { title: "Attempts" };

export default async function AttemptsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireAdminPage();
  const filters = attemptFiltersSchema.parse(await searchParams);
  const db = getDb();
  const [page, suspects] = await Promise.all([listAttempts(db, filters), suspiciousActivity(db)]);
  const flaggedUsers = new Set(suspects.filter((s) => s.kind === "user").map((s) => s.key));
  const flaggedIps = new Set(suspects.filter((s) => s.kind === "ip").map((s) => s.key));
  const next = new URLSearchParams(
    Object.entries({ ...filters, before: page.nextBefore ?? "" }).filter(([, v]) => v) as [string, string][],
  );

  return (
    <>
      <PageHeading
        title="Redeem attempts"
        description="Every refused attempt with its reason, and who looks like they are guessing codes."
      />
      <section aria-labelledby="suspicious" className="mb-8 space-y-3">
        <h2 id="suspicious" className="text-lg font-semibold">
          Suspicious in the last {SUSPICION.windowMinutes} minutes
        </h2>
        <p className="text-sm text-slate-600">
          Flagged: {SUSPICION.failures}+ refusals, or {SUSPICION.unknownCodes}+ codes that do not exist (guessing), from
          one customer or one IP.
        </p>
        {suspects.length === 0 ? (
          <p
            className="rounded-lg border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900"
            data-testid="suspects"
          >
            Nothing suspicious right now.
          </p>
        ) : (
          <ul className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-3" data-testid="suspects">
            {suspects.map((s) => (
              <li key={`${s.kind}-${s.key}`} className="rounded-xl border border-amber-300 bg-amber-50 p-4 text-sm">
                <p className="font-semibold text-amber-900">
                  {s.kind === "ip" ? "IP" : "Customer"} {s.label}
                </p>
                <p className="text-amber-900">
                  {plural(s.failures, "refusal")}, {plural(s.unknownCodes, "unknown code")}{" "}
                  {s.guessing && <Badge tone="red">guessing</Badge>}
                </p>
                <p className="text-xs text-amber-800">last at {formatDayAndTime(s.lastAt)}</p>
                <Link
                  href={`/admin/attempts?${s.kind === "ip" ? `ip=${encodeURIComponent(s.key)}` : `email=${encodeURIComponent(s.label)}`}`}
                  className="text-xs font-medium text-amber-900 underline"
                >
                  Show attempts
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>
      <div className="space-y-4">
        <FilterForm action="/admin/attempts" resetHref="/admin/attempts">
          <FilterSelect
            name="reason"
            label="Reason"
            defaultValue={filters.reason}
            options={[["", "Any"], ...Object.entries(REFUSAL_LABELS)]}
          />
          <FilterInput name="email" label="Customer email" type="email" defaultValue={filters.email} />
          <FilterInput name="ip" label="IP" defaultValue={filters.ip} />
          <FilterSelect
            name="outcome"
            label="Outcome"
            defaultValue={filters.outcome}
            options={[
              ["REFUSED", "Refused only"],
              ["ALL", "All attempts"],
            ]}
          />
        </FilterForm>
        <DataTable
          label="Redeem attempts"
          testId="attempts-table"
          empty={page.rows.length === 0 && "No attempts match."}
          head={
            <>
              <th className={th}>At</th>
              <th className={th}>Outcome</th>
              <th className={th}>Code typed</th>
              <th className={th}>Customer</th>
              <th className={th}>IP</th>
              <th className={th}>User agent</th>
            </>
          }
        >
          {page.rows.map((a) => {
            const flagged = (a.userId && flaggedUsers.has(a.userId)) || (a.ip && flaggedIps.has(a.ip));
            return (
              <tr
                key={a.id}
                className={flagged ? "bg-amber-50" : undefined}
                data-flagged={flagged ? "true" : undefined}
              >
                <td className={`${td} text-xs text-slate-600`}>{formatDayAndTime(a.createdAt)}</td>
                <td className={td}>
                  {a.outcome === "REDEEMED" ? (
                    <Badge tone="green">Redeemed</Badge>
                  ) : (
                    <Badge tone={a.reason === "unknown_code" ? "red" : "amber"}>{refusalLabel(a.reason)}</Badge>
                  )}
                  {a.replayed && <span className="ml-1 text-xs text-slate-500">replay</span>}
                </td>
                <td className={`${td} font-mono text-xs`}>{a.codeTyped}</td>
                <td className={td}>{a.email ?? "—"}</td>
                <td className={`${td} font-mono text-xs`}>{a.ip ?? "—"}</td>
                <td className={`${td} max-w-56 truncate text-xs text-slate-500`} title={a.userAgent ?? undefined}>
                  {a.userAgent ?? "—"}
                </td>
              </tr>
            );
          })}
        </DataTable>
        {page.nextBefore && (
          <nav aria-label="Pages" className="flex justify-end text-sm">
            <Link
              href={`/admin/attempts?${next}`}
              className="rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50"
            >
              Older →
            </Link>
          </nav>
        )}
      </div>
    </>
  );
}
