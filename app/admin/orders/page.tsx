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
import { OrdersTable } from "@/components/admin/orders-table";
import { cancelOrderAction, fulfilOrderAction } from "@/app/admin/orders/actions";
import { countOrders, listNewerOrders, listOrders, orderFiltersFromSearchParams } from "@/lib/admin/orders";
import { dateRangeProblem } from "@/lib/admin/filters";
import { filterQuery, pagePosition, pagerLinks, readAuditPage } from "@/lib/admin/keyset";
import { plural } from "@/lib/format";
import { requireAdminPage } from "@/lib/web/page-guard";
import { getDb } from "@/lib/db/client";
import { getStoreTimeZone } from "@/lib/store-settings";

export const dynamic = "force-dynamic";
export const metadata = { title: "Orders" };

const PAGE_SIZE = 50;

export default async function OrdersPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireAdminPage();
  const params = await searchParams;
  const filters = orderFiltersFromSearchParams(params);
  const db = getDb();
  const [page, total, zone] = await Promise.all([
    readAuditPage(pagePosition(params), {
      older: (after) => listOrders(db, filters, after, PAGE_SIZE),
      newer: (before) => listNewerOrders(db, filters, before, PAGE_SIZE),
    }),
    countOrders(db, filters),
    getStoreTimeZone(db),
  ]);

  return (
    <>
      <div className="flex flex-wrap items-start justify-between gap-4">
        <PageHeading
          title="Orders"
          description={`Every order, newest first, with its discount code. ${storeTimesNote(zone)}`}
        />
        <ExportCsvLink href={`/api/admin/orders/export${filterQuery(filters)}`} testId="export-orders-csv" />
      </div>
      <div className="space-y-4">
        <FilterForm action="/admin/orders" resetHref="/admin/orders">
          <FilterInput name="number" label="Order number" placeholder="#1001" defaultValue={filters.number} />
          <FilterInput name="email" label="Customer email (or part)" defaultValue={filters.email} />
          <FilterInput name="code" label="Discount code (or part)" defaultValue={filters.code} />
          <FilterSelect
            name="status"
            label="Status"
            defaultValue={filters.status}
            options={[
              ["", "Any"],
              ["PLACED", "Placed"],
              ["FULFILLED", "Fulfilled"],
              ["CANCELLED", "Cancelled"],
            ]}
          />
          <DayRangeInputs from={filters.from} to={filters.to} zone={zone} />
        </FilterForm>
        <DayRangeProblem problem={dateRangeProblem(filters)} />
        <OrdersTable rows={page.rows} zone={zone} actions={{ cancel: cancelOrderAction, fulfil: fulfilOrderAction }} />
        <Pager total={`${plural(total, "order")} match`} links={pagerLinks(page, filters)} />
      </div>
    </>
  );
}
