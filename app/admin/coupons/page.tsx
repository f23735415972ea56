import Link from "next/link";
import { PageHeading } from "@/components/page-heading";
import { BulkCouponActions, CouponSelection } from "@/components/admin/coupon-selection";
import { CouponPagination, CouponsTable, couponListHref } from "@/components/admin/coupons-table";
import { CustomerLink } from "@/components/admin/customer-link";
import { StoreTime } from "@/components/admin/store-time";
import { FilterForm, FilterInput, FilterSelect } from "@/components/admin/filter-form";
import { changeCouponsAction } from "@/app/admin/actions";
import { batchOverview, couponListQuery, listCoupons, STATUS_FILTERS } from "@/lib/admin/coupons/list";
import { COUPON_STATE_LABELS, type CouponState } from "@/lib/coupon-terms";
import { requireAdminPage } from "@/lib/web/page-guard";
import { getDb } from "@/lib/db/client";
import { formatCents, formatCount } from "@/lib/format";
import { getStoreTimeZone } from "@/lib/store-settings";

export const dynamic = "force-dynamic";
export const metadata = { title: "Coupons" };

const STATUS_OPTIONS: [string, string][] = STATUS_FILTERS.map((filter) => [
  filter,
  filter === "all" ? "Any but archived" : COUPON_STATE_LABELS[filter.toUpperCase() as CouponState],
]);

export default async function CouponsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireAdminPage();
  const query = couponListQuery(await searchParams);
  const now = new Date();
  const db = getDb();
  const [page, batch, zone] = await Promise.all([
    listCoupons(db, query, now),
    query.batch ? batchOverview(db, query.batch, now) : null,
    getStoreTimeZone(db),
  ]);
  const pageCouponIds = page.rows.flatMap((row) => (row.kind === "coupon" ? [row.coupon.id] : []));
  const exportHref = couponListHref({ ...query, page: 1 }, {}, "/api/admin/coupons/export");
  return (
    <>
      <div className="flex flex-wrap items-start justify-between gap-4">
        <PageHeading
          title="Coupons"
          description="Every coupon and promo code, with its limits and where it stands. A batch's codes are one row: open it to see them."
        />
        <div className="flex gap-2">
          <a
            href={exportHref}
            download
            className="rounded-lg border border-slate-300 bg-white px-4 py-2 text-sm font-medium text-slate-800 hover:bg-slate-50"
            data-testid="coupons-export"
          >
            Export CSV
          </a>
          <Link
            href="/admin/coupons/new"
            className="rounded-lg bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-700"
          >
            New coupon
          </Link>
        </div>
      </div>
      <div className="space-y-4">
        <FilterForm action="/admin/coupons" resetHref="/admin/coupons">
          <FilterInput name="q" label="Search code or description" defaultValue={query.q} />
          <FilterSelect name="status" label="Status" defaultValue={query.status} options={STATUS_OPTIONS} />
          {query.batch && <input type="hidden" name="batch" value={query.batch} />}
          <input type="hidden" name="sort" value={query.sort} />
          <input type="hidden" name="dir" value={query.dir} />
        </FilterForm>
        {query.batch && (
          <div className="flex flex-wrap items-center gap-3 text-sm" data-testid="batch-filter">
            <span className="inline-flex items-center gap-1 rounded-full bg-indigo-50 py-1 pr-1 pl-3 text-indigo-800 ring-1 ring-indigo-200 ring-inset">
              {batch ? (
                <>
                  Batch <span className="font-mono">{batch.prefix}</span>
                </>
              ) : (
                "Unknown batch"
              )}
              <Link
                href={couponListHref(query, { batch: undefined, page: 1 })}
                aria-label="Remove the batch filter"
                className="rounded-full px-2 hover:bg-indigo-100"
                data-testid="batch-filter-remove"
              >
                ×
              </Link>
            </span>
            {batch && (
              <span className="text-slate-600">
                {formatCount(batch.quantity)} codes of {formatCents(batch.valueCents)}, {formatCount(batch.redeemed)}{" "}
                redeemed; generated <StoreTime date={batch.createdAt} zone={zone} /> by{" "}
                <CustomerLink userId={batch.createdBy.id} email={batch.createdBy.email} />.{" "}
                <a
                  href={`/api/admin/batches/${batch.id}/codes`}
                  download
                  className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700"
                >
                  Codes as CSV
                </a>
              </span>
            )}
          </div>
        )}
        <CouponSelection pageIds={pageCouponIds}>
          <BulkCouponActions action={changeCouponsAction} />
          <CouponsTable rows={page.rows} query={{ ...query, page: page.page }} zone={zone} />
        </CouponSelection>
        <CouponPagination query={query} page={page.page} pageCount={page.pageCount} total={page.total} />
      </div>
    </>
  );
}
