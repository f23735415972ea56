import Link from "next/link";
import { PageHeading } from "@/components/page-heading";
import { FilterForm, FilterInput, FilterSelect } from "@/components/admin/filter-form";
import { OrdersTable } from "@/components/admin/orders-table";
import { cancelOrderAction } from "@/app/admin/orders/actions";
import { listOrders, orderFiltersFromSearchParams } from "@/lib/admin/orders";
import { decodeCursor, encodeCursor } from "@/lib/admin/redemptions";
import { requireAdminPage } from "@/lib/web/page-guard";
import { getDb } from "@/lib/db/client";

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
  const after = decodeCursor(params.after);
  const page = await listOrders(getDb(), filters, after, PAGE_SIZE);

  const filterParams = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value) filterParams.set(key, value);
  const withFilters = (extra: Record<string, string>) =>
    `?${new URLSearchParams({ ...Object.fromEntries(filterParams), ...extra })}`;

  return (
    <>
      <div className="flex flex-wrap items-start justify-between gap-4">
        <PageHeading title="Orders" description="Every order, newest first, with its discount code. Times are UTC." />
        <a
          href={`/api/admin/orders/export${withFilters({})}`}
          className="rounded-lg border border-slate-300 bg-white px-4 py-2 text-sm font-semibold text-slate-800 hover:bg-slate-50"
          data-testid="export-orders-csv"
          download
        >
          Export CSV
        </a>
      </div>
      <div className="space-y-4">
        <FilterForm action="/admin/orders" resetHref="/admin/orders">
          <FilterInput name="email" label="Customer email" type="email" defaultValue={filters.email} />
          <FilterInput name="code" label="Discount code" defaultValue={filters.code} />
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
          <FilterInput name="from" label="From (UTC day)" type="date" defaultValue={filters.from} />
          <FilterInput name="to" label="To (UTC day)" type="date" defaultValue={filters.to} />
        </FilterForm>
        <OrdersTable rows={page.rows} cancel={cancelOrderAction} />
        <nav aria-label="Pages" className="flex justify-end gap-2 text-sm">
          {after && (
            <Link
              href={withFilters({})}
              className="rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50"
            >
              ← Newest
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
