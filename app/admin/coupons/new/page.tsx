import { PageHeading } from "@/components/page-heading";
import { Callout } from "@/components/callout";
import { CouponForm } from "@/components/admin/coupon-form";
import { createCouponAction } from "@/app/admin/actions";
import { couponFormValues, duplicateFormValues } from "@/lib/admin/coupon-form";
import { findCoupon } from "@/lib/admin/coupons/detail";
import { couponProductIds } from "@/lib/admin/coupons/row";
import { listAdminProducts } from "@/lib/admin/products";
import { requireAdminPage } from "@/lib/web/page-guard";
import { getDb } from "@/lib/db/client";
import { getStoreTimeZone } from "@/lib/store-settings";

export const dynamic = "force-dynamic";
export const metadata = { title: "New coupon" };

export default async function NewCouponPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireAdminPage();
  const { from } = await searchParams;
  const db = getDb();
  const [products, zone] = await Promise.all([listAdminProducts(db), getStoreTimeZone(db)]);
  // ?from=<id>: Duplicate on a coupon's page opens this form with that coupon's terms and products.
  const original = typeof from === "string" ? await findCoupon(db, from) : null;
  const originalProducts = original ? await couponProductIds(db, original.id) : [];
  return (
    <>
      <PageHeading
        title="New coupon"
        description={`Values are in US dollars and stored in cents; times are in the store zone, ${zone}.`}
      />
      {typeof from === "string" && (
        <Callout tone={original ? "info" : "error"} testId="duplicate-source">
          {original
            ? `A copy of ${original.code}'s terms. Give it a code (or leave it empty for a generated one) and save.`
            : "The coupon to duplicate no longer exists; this is an empty form."}
        </Callout>
      )}
      <section className="max-w-3xl rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <CouponForm
          mode="create"
          products={products.map(({ id, sku, name }) => ({ id, sku, name }))}
          action={createCouponAction}
          zone={zone}
          initialState={{
            values: original
              ? duplicateFormValues(original, originalProducts, zone)
              : couponFormValues(undefined, [], zone),
            result: null,
          }}
        />
      </section>
    </>
  );
}
