import { PageHeading } from "@/components/page-heading";
import { CouponForm } from "@/components/admin/coupon-form";
import { createCouponAction } from "@/app/admin/actions";
import { requireAdminPage } from "@/lib/admin/page-guard";

export const metadata = { title: "New coupon" };

export default async function NewCouponPage() {
  await requireAdminPage();
  return (
    <>
      <PageHeading title="New coupon" description="Values are in US dollars and stored in cents; all times are UTC." />
      <section className="max-w-3xl rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <CouponForm
          mode="create"
          action={createCouponAction}
          initialState={{
            values: {
              code: "",
              description: "",
              value: "",
              maxRedemptions: "",
              perUserLimit: "1",
              startsAt: "",
              expiresAt: "",
              counter: "AUTO",
            },
            result: null,
          }}
        />
      </section>
    </>
  );
}
