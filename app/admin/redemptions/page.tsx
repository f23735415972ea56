import { dateRangeProblem } from "@/lib/admin/filters";
import { PageHeading } from "@/components/page-heading";
import {
  DayRangeInputs,
  DayRangeProblem,
  ExportCsvLink,
  FilterForm,
  FilterInput,
  FilterSelect,
} from "@/components/admin/filter-form";
import { Pager } from "@/components/admin/pager";
import { storeTimesNote } from "@/components/admin/store-time";
import { revokeRedemptionAction } from "@/app/admin/actions";
import { RedemptionsTable } from "@/components/admin/redemptions-table";
import { requireAdminPage } from "@/lib/web/page-guard";
import {
  countRedemptions,
  filtersFromSearchParams,
  listNewerRedemptions,
  listRedemptions,
} from "@/lib/admin/redemptions";
import { filterQuery, pagePosition, pagerLinks, readAuditPage } from "@/lib/admin/keyset";
import { plural } from "@/lib/format";
import { getDb } from "@/lib/db/client";
import { getStoreTimeZone } from "@/lib/store-settings";

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
  const db = getDb();
  const [page, total, zone] = await Promise.all([
    readAuditPage(pagePosition(params), {
      older: (after) => listRedemptions(db, filters, after, PAGE_SIZE),
      newer: (before) => listNewerRedemptions(db, filters, before, PAGE_SIZE),
    }),
    countRedemptions(db, filters),
    getStoreTimeZone(db),
  ]);

  return (
    <>
      <div className="flex flex-wrap items-start justify-between gap-4">
        <PageHeading
          title="Redemptions"
          description={`Every redemption across all coupons, newest first. ${storeTimesNote(zone)}`}
        />
        <ExportCsvLink href={`/api/admin/redemptions/export${filterQuery(filters)}`} testId="export-csv" />
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
          <DayRangeInputs from={filters.from} to={filters.to} zone={zone} />
        </FilterForm>
        <DayRangeProblem problem={dateRangeProblem(filters)} />
        <RedemptionsTable rows={page.rows} zone={zone} revoke={revokeRedemptionAction} />
        <Pager total={`${plural(total, "redemption")} match`} links={pagerLinks(page, filters)} />
      </div>
    </>
  );
}
