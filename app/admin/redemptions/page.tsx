import Link from "next/link";
import { PageHeading } from "@/components/page-heading";
import { FilterForm, FilterInput, FilterSelect } from "@/components/admin/filter-form";
import { revokeRedemptionAction } from "@/app/admin/actions";
import { RedemptionsTable } from "@/components/admin/redemptions-table";
import { requireAdminPage } from "@/lib/web/page-guard";
import { Callout } from "@/components/callout";
import {
  countRedemptions,
  dateRangeProblem,
  decodeCursor,
  encodeCursor,
  filtersFromSearchParams,
  listNewerRedemptions,
  listRedemptions,
} from "@/lib/admin/redemptions";
import { plural } from "@/lib/format";
import { getDb } from "@/lib/db/client";

export const dynamic = "force-dynamic";
export const metadata = { title: "Redemptions" };

const PAGE_SIZE = 50;

export default async function RedemptionsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireAdminPage();
  const params = await searchParams;
  const filters = filtersFromSearchParams(params);
  const after = decodeCursor(params.after);
  // "Newer" pages carry the first row of the page they came from; "Older" ones its last row.
  const before = after ? null : decodeCursor(params.before);
  const db = getDb();
  const rangeProblem = dateRangeProblem(filters);
  const [page, total] = await Promise.all([
    before
      ? listNewerRedemptions(db, filters, before, PAGE_SIZE).then(({ rows, newer }) => {
          const last = rows.at(-1);
          return { rows, newer, next: last ? { createdAt: last.createdAt, id: last.id } : null };
        })
      : listRedemptions(db, filters, after, PAGE_SIZE).then((older) => ({ ...older, newer: after !== null })),
    countRedemptions(db, filters),
  ]);
  const firstRow = page.rows[0];

  const filterParams = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value) filterParams.set(key, value);
  const withFilters = (extra: Record<string, string>) =>
    `?${new URLSearchParams({ ...Object.fromEntries(filterParams), ...extra })}`;

  return (
    <>
      <div className="flex flex-wrap items-start justify-between gap-4">
        <PageHeading
          title="Redemptions"
          description="Every redemption across all coupons, newest first. Times are UTC."
        />
        <a
          href={`/api/admin/redemptions/export${withFilters({})}`}
          className="rounded-lg border border-slate-300 bg-white px-4 py-2 text-sm font-semibold text-slate-800 hover:bg-slate-50"
          data-testid="export-csv"
          download
        >
          Export CSV
        </a>
      </div>
      <div className="space-y-4">
        <FilterForm action="/admin/redemptions" resetHref="/admin/redemptions">
          <FilterInput name="code" label="Coupon code (or part)" defaultValue={filters.code} />
          <FilterInput name="email" label="Customer email (or part)" defaultValue={filters.email} />
          <FilterSelect
            name="status"
            label="Status"
            defaultValue={filters.status}
            options={[
              ["", "Any"],
              ["ACTIVE", "Active"],
              ["REVOKED", "Revoked"],
            ]}
          />
          <FilterInput name="from" label="From (UTC day)" type="date" defaultValue={filters.from} />
          <FilterInput name="to" label="To (UTC day)" type="date" defaultValue={filters.to} />
        </FilterForm>
        {rangeProblem && (
          <Callout tone="error" testId="date-range-problem">
            {rangeProblem}
          </Callout>
        )}
        <RedemptionsTable rows={page.rows} revoke={revokeRedemptionAction} />
        <nav aria-label="Pages" className="flex items-center justify-end gap-2 text-sm">
          <span className="mr-auto text-slate-600" data-testid="total">
            {plural(total, "redemption")} match
          </span>
          {page.newer && (
            <Link
              href={withFilters({})}
              className="rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50"
            >
              « First page
            </Link>
          )}
          {page.newer && firstRow && (
            <Link
              href={withFilters({ before: encodeCursor({ createdAt: firstRow.createdAt, id: firstRow.id }) })}
              className="rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50"
              data-testid="newer"
            >
              ← Newer
            </Link>
          )}
          {page.next && (
            <Link
              href={withFilters({ after: encodeCursor(page.next) })}
              className="rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50"
              data-testid="older"
            >
              Older →
            </Link>
          )}
        </nav>
      </div>
    </>
  );
}
