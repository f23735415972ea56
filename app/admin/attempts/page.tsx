import { AttemptOutcome } from "@/components/admin/attempt-outcome";
import Link from "next/link";
import { PageHeading } from "@/components/page-heading";
import { Badge } from "@/components/admin/badges";
import { DataTable, td, th } from "@/components/admin/data-table";
import { ActionButton } from "@/components/admin/action-button";
import { CustomerLink } from "@/components/admin/customer-link";
import { StoreTime, storeTimesNote } from "@/components/admin/store-time";
import { clearRateLimitLockAction } from "@/app/admin/attempts/actions";
import { listRateLimitLocks } from "@/lib/admin/rate-limit-locks";
import { FilterForm, FilterInput, FilterSelect } from "@/components/admin/filter-form";
import { ATTEMPT_REASON_LABELS } from "@/lib/refusals";
import { requireAdminPage } from "@/lib/web/page-guard";
import { SUSPICION, attemptFilters, countAttempts, listAttempts, suspiciousActivity } from "@/lib/admin/reports";
import { getDb } from "@/lib/db/client";
import { getStoreTimeZone } from "@/lib/store-settings";
import { formatCount, plural } from "@/lib/format";

export const dynamic = "force-dynamic";
export const metadata = { title: "Attempts" };

export default async function AttemptsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireAdminPage();
  const filters = attemptFilters(await searchParams);
  const db = getDb();
  const [page, total, suspects, locks, zone] = await Promise.all([
    listAttempts(db, filters),
    countAttempts(db, filters),
    suspiciousActivity(db),
    listRateLimitLocks(db),
    getStoreTimeZone(db),
  ]);
  const flaggedUsers = new Set(suspects.filter((s) => s.kind === "user").map((s) => s.key));
  const flaggedIps = new Set(suspects.filter((s) => s.kind === "ip").map((s) => s.key));
  const first = new URLSearchParams(
    Object.entries({ ...filters, before: "" }).filter(([, v]) => v) as [string, string][],
  );
  const next = new URLSearchParams(
    Object.entries({ ...filters, before: page.nextBefore ?? "" }).filter(([, v]) => v) as [string, string][],
  );

  return (
    <>
      <div className="flex flex-wrap items-start justify-between gap-4">
        <PageHeading
          title="Redeem attempts"
          description={`Every refused attempt with its reason, and who looks like they are guessing codes. ${storeTimesNote(zone)}`}
        />
        <a
          href={`/api/admin/attempts/export?${first}`}
          className="rounded-lg border border-slate-300 bg-white px-4 py-2 text-sm font-semibold text-slate-800 hover:bg-slate-50"
          data-testid="export-attempts"
          download
        >
          Export CSV
        </a>
      </div>
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
                  {s.kind === "ip" ? (
                    `IP ${s.label}`
                  ) : (
                    <>
                      Customer <CustomerLink userId={s.key} email={s.label} />
                    </>
                  )}
                </p>
                <p className="text-amber-900">
                  {plural(s.failures, "refusal")}, {plural(s.unknownCodes, "unknown code")}{" "}
                  {s.guessing && <Badge tone="red">guessing</Badge>}
                </p>
                <p className="text-xs text-amber-800">
                  last at <StoreTime date={s.lastAt} zone={zone} />
                </p>
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
      <section aria-labelledby="locks" className="mb-8 space-y-3">
        <h2 id="locks" className="text-lg font-semibold">
          Locked out right now
        </h2>
        <p className="text-sm text-slate-600">
          Customers, accounts and addresses whose rate limit is spent: their next attempt is refused until the time
          shown. Clear a lock to let them try again at once.
        </p>
        {locks.length === 0 ? (
          <p className="text-sm text-slate-600" data-testid="locks">
            Nobody is locked out.
          </p>
        ) : (
          <DataTable
            label="Rate-limit locks"
            testId="locks"
            head={
              <>
                <th className={th}>Limit</th>
                <th className={th}>Who</th>
                <th className={th}>Used</th>
                <th className={th}>Until</th>
                <th className={th}>
                  <span className="sr-only">Action</span>
                </th>
              </>
            }
          >
            {locks.map((lock) => (
              <tr key={lock.key}>
                <td className={td}>{lock.label}</td>
                <td className={`${td} max-w-64 truncate font-mono text-xs`} title={lock.subject}>
                  {lock.policy === "redeem-customer" ? (
                    <Link href={`/admin/customers/${lock.subject}`} className="text-indigo-700 hover:underline">
                      customer {lock.subject}
                    </Link>
                  ) : (
                    lock.subject
                  )}
                </td>
                <td className={`${td} tabular-nums`}>
                  {formatCount(lock.consumedPoints)} of {formatCount(lock.budget)}
                </td>
                <td className={`${td} text-xs text-slate-600`}>
                  <StoreTime date={lock.until} zone={zone} />
                </td>
                <td className={td}>
                  <ActionButton
                    action={clearRateLimitLockAction}
                    fields={{ key: lock.key }}
                    label="Clear lock"
                    pendingLabel="Clearing…"
                    testId="clear-lock"
                  />
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
      <div className="space-y-4">
        <FilterForm action="/admin/attempts" resetHref="/admin/attempts">
          <FilterSelect
            name="reason"
            label="Reason"
            defaultValue={filters.reason}
            options={[["", "Any"], ...ATTEMPT_REASON_LABELS]}
          />
          <FilterInput name="code" label="Code typed (or part)" defaultValue={filters.code} />
          <FilterInput name="email" label="Customer email (or part)" defaultValue={filters.email} />
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
                <td className={`${td} text-xs text-slate-600`}>
                  <StoreTime date={a.createdAt} zone={zone} />
                </td>
                <td className={td}>
                  <AttemptOutcome attempt={a} />
                </td>
                <td className={`${td} font-mono text-xs`}>{a.codeTyped}</td>
                <td className={td}>{a.userId && a.email ? <CustomerLink userId={a.userId} email={a.email} /> : "—"}</td>
                <td className={`${td} font-mono text-xs`}>{a.ip ?? "—"}</td>
                <td className={`${td} max-w-56 truncate text-xs text-slate-500`} title={a.userAgent ?? undefined}>
                  {a.userAgent ?? "—"}
                </td>
              </tr>
            );
          })}
        </DataTable>
        <nav aria-label="Pages" className="flex items-center justify-end gap-2 text-sm">
          <span className="mr-auto text-slate-600" data-testid="total">
            {plural(total, "attempt")} match
          </span>
          {filters.before && (
            <Link
              href={`/admin/attempts?${first}`}
              className="rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50"
            >
              ← First page
            </Link>
          )}
          {page.nextBefore && (
            <Link
              href={`/admin/attempts?${next}`}
              className="rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50"
            >
              Older →
            </Link>
          )}
        </nav>
      </div>
    </>
  );
}
