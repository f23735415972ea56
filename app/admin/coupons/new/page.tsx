import { PageHeading } from "@/components/page-heading";
import { CouponForm } from "@/components/admin/coupon-form";
import { createCouponAction } from "@/app/admin/actions";
import { couponFormValues } from "@/lib/admin/coupon-form";
import { listAdminProducts } from "@/lib/admin/products";
import { requireAdminPage } from "@/lib/web/page-guard";
import { getDb } from "@/lib/db/client";

export const dynamic = "force-dynamic";
export const metadata = { title: "New coupon" };

export default async function NewCouponPage() {
  await requireAdminPage();
  const products = await listAdminProducts(getDb());
  return (
    <>
      <PageHeading title="New coupon" description="Values are in US dollars and stored in cents; all times are UTC." />
      <section className="max-w-3xl rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <CouponForm
          mode="create"
          products={products.map(({ id, sku, name }) => ({ id, sku, name }))}
          action={createCouponAction}
          initialState={{ values: couponFormValues(), result: null }}
        />
      </section>
    </>
  );
}
