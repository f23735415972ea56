import { PageHeading } from "@/components/page-heading";
import {
  DayRangeInputs,
  DayRangeProblem,
  ExportCsvLink,
  FilterForm,
  FilterInput,
} from "@/components/admin/filter-form";
import { Pager } from "@/components/admin/pager";
import { storeTimesNote } from "@/components/admin/store-time";
import { CustomersTable } from "@/components/admin/customers-table";
import {
  countCustomers,
  customerFiltersFromSearchParams,
  listCustomers,
  listNewerCustomers,
} from "@/lib/admin/customers/list";
import { dateRangeProblem } from "@/lib/admin/filters";
import { filterQuery, pagePosition, pagerLinks, readAuditPage } from "@/lib/admin/keyset";
import { plural } from "@/lib/format";
import { requireAdminPage } from "@/lib/web/page-guard";
import { getDb } from "@/lib/db/client";
import { getStoreTimeZone } from "@/lib/store-settings";

export const dynamic = "force-dynamic";
export const metadata = { title: "Customers" };

const PAGE_SIZE = 50;

export default async function CustomersPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireAdminPage();
  const params = await searchParams;
  const filters = customerFiltersFromSearchParams(params);
  const db = getDb();
  const [page, total, zone] = await Promise.all([
    readAuditPage(pagePosition(params), {
      older: (after) => listCustomers(db, filters, after, PAGE_SIZE),
      newer: (before) => listNewerCustomers(db, filters, before, PAGE_SIZE),
    }),
    countCustomers(db, filters),
    getStoreTimeZone(db),
  ]);

  return (
    <>
      <div className="flex flex-wrap items-start justify-between gap-4">
        <PageHeading
          title="Customers"
          description={`Every customer account (admins are not listed), newest first; From and To are the days they joined. ${storeTimesNote(zone)}`}
        />
        <ExportCsvLink href={`/api/admin/customers/export${filterQuery(filters)}`} testId="export-customers-csv" />
      </div>
      <div className="space-y-4">
        <FilterForm action="/admin/customers" resetHref="/admin/customers">
          <FilterInput name="q" label="Email or name (or part)" defaultValue={filters.q} />
          <DayRangeInputs from={filters.from} to={filters.to} zone={zone} />
        </FilterForm>
        <DayRangeProblem problem={dateRangeProblem(filters)} />
        <CustomersTable rows={page.rows} zone={zone} />
        <Pager total={`${plural(total, "customer")} match`} links={pagerLinks(page, filters)} />
      </div>
    </>
  );
}
