import Link from "next/link";
import { PageHeading } from "@/components/page-heading";
import { CouponPagination, CouponsTable } from "@/components/admin/coupons-table";
import { FilterForm, FilterInput, FilterSelect } from "@/components/admin/filter-form";
import { couponListQuerySchema, listCoupons } from "@/lib/admin/coupons/list";
import { requireAdminPage } from "@/lib/web/page-guard";
import { getDb } from "@/lib/db/client";

export const dynamic = "force-dynamic";
export const metadata = { title: "Coupons" };

export default async function CouponsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireAdminPage();
  const query = couponListQuerySchema.parse(await searchParams);
  const now = new Date();
  const page = await listCoupons(getDb(), query, now);
  return (
    <>
      <div className="flex flex-wrap items-start justify-between gap-4">
        <PageHeading title="Coupons" description="Every coupon and promo code, with its limits and where it stands." />
        <Link
          href="/admin/coupons/new"
          className="rounded-lg bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-700"
        >
          New coupon
        </Link>
      </div>
      <div className="space-y-4">
        <FilterForm action="/admin/coupons" resetHref="/admin/coupons">
          <FilterInput name="q" label="Search code or description" defaultValue={query.q} />
          <FilterSelect
            name="status"
            label="Status"
            defaultValue={query.status}
            options={[
              ["all", "Any"],
              ["ACTIVE", "Active"],
              ["DISABLED", "Disabled"],
            ]}
          />
          <FilterSelect
            name="window"
            label="Window"
            defaultValue={query.window}
            options={[
              ["all", "Any"],
              ["active", "Running now"],
              ["upcoming", "Upcoming"],
              ["expired", "Expired"],
            ]}
          />
          <FilterSelect
            name="exhausted"
            label="Used up"
            defaultValue={query.exhausted}
            options={[
              ["all", "Any"],
              ["yes", "Used up"],
              ["no", "Uses left"],
            ]}
          />
          {query.batch && <input type="hidden" name="batch" value={query.batch} />}
          <input type="hidden" name="sort" value={query.sort} />
          <input type="hidden" name="dir" value={query.dir} />
        </FilterForm>
        <CouponsTable coupons={page.coupons} query={{ ...query, page: page.page }} now={now} />
        <CouponPagination query={query} page={page.page} pageCount={page.pageCount} total={page.total} />
      </div>
    </>
  );
}
