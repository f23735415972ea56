import type { Metadata } from "next";
import { BalanceCard } from "@/components/balance-card";
import { PageHeading } from "@/components/page-heading";
import { RedeemForm } from "@/components/redeem-form";
import { initialKeyedState } from "@/lib/web/actions";
import { requireUser } from "@/lib/web/page-guard";
import { redeem } from "./actions";

export const metadata: Metadata = { title: "Redeem a code" };

export default async function RedeemPage() {
  const user = await requireUser("/redeem");
  return (
    <>
      <PageHeading
        title="Redeem a code"
        description="Enter a coupon or promo code and its value is added to your store credit straight away."
      />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,20rem)]">
        <section aria-label="Redeem a code" className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
          {/* A fresh idempotency key for every rendering of the form. */}
          <RedeemForm action={redeem} initialState={initialKeyedState({ code: "" })} />
        </section>
        <BalanceCard
          balanceCents={user.balanceCents}
          links={[
            { href: "/shop", label: "Spend credit" },
            { href: "/wallet", label: "See history" },
          ]}
        />
      </div>
    </>
  );
}
