import { PageHeading } from "@/components/page-heading";
import { AuditLogList } from "@/components/admin/audit-log-list";
import {
  DayRangeInputs,
  DayRangeProblem,
  ExportCsvLink,
  FilterForm,
  FilterInput,
} from "@/components/admin/filter-form";
import { Pager } from "@/components/admin/pager";
import { storeTimesNote } from "@/components/admin/store-time";
import { auditLogFiltersFromSearchParams, countAuditLog, listAuditLog } from "@/lib/admin/audit-log";
import { dateRangeProblem } from "@/lib/admin/filters";
import { searchParam } from "@/lib/admin/redemptions";
import { filterQuery } from "@/lib/admin/keyset";
import { plural } from "@/lib/format";
import { requireAdminPage } from "@/lib/web/page-guard";
import { getDb } from "@/lib/db/client";
import { getStoreTimeZone } from "@/lib/store-settings";

export const dynamic = "force-dynamic";
export const metadata = { title: "Admin log" };

export default async function ActivityPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireAdminPage();
  const params = await searchParams;
  const filters = auditLogFiltersFromSearchParams(params);
  const db = getDb();
  const [page, total, zone] = await Promise.all([
    listAuditLog(db, {
      filters,
      beforeId: searchParam(params, "before"),
      newerThanId: searchParam(params, "newer"),
    }),
    countAuditLog(db, filters),
    getStoreTimeZone(db),
  ]);
  const first = page.entries[0];
  return (
    <>
      <div className="flex flex-wrap items-start justify-between gap-4">
        <PageHeading
          title="Admin log"
          description={`Every change made by an admin, who made it, when, and the values before and after. Entries can never be edited or deleted. ${storeTimesNote(zone)}`}
        />
        <ExportCsvLink href={`/api/admin/activity/export${filterQuery(filters)}`} testId="export-activity" />
      </div>
      <div className="space-y-4">
        <FilterForm action="/admin/activity" resetHref="/admin/activity">
          <FilterInput name="q" label="Admin email, code or text (or part)" defaultValue={filters.q} />
          <DayRangeInputs from={filters.from} to={filters.to} zone={zone} />
        </FilterForm>
        <DayRangeProblem problem={dateRangeProblem(filters)} />
        <AuditLogList
          entries={page.entries}
          zone={zone}
          empty={filters.q || filters.from || filters.to ? "No entries match these filters." : undefined}
        />
        <Pager
          total={`${plural(total, "entry", "entries")} match`}
          links={{
            first: page.newer ? filterQuery(filters) : null,
            newer: page.newer && first ? filterQuery(filters, { newer: first.id }) : null,
            older: page.nextBeforeId ? filterQuery(filters, { before: page.nextBeforeId }) : null,
          }}
        />
      </div>
    </>
  );
}
