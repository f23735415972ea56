import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { BalanceCard } from "@/components/balance-card";
import { EmptyState } from "@/components/empty-state";
import { LedgerTable } from "@/components/ledger-table";
import { PageHeading } from "@/components/page-heading";
import { RedemptionList } from "@/components/redemption-list";
import { requireUser } from "@/lib/web/page-guard";
import { signInPath } from "@/lib/callback-url";
import { getDb } from "@/lib/db/client";
import { getWallet } from "@/lib/wallet";

export const metadata: Metadata = { title: "Wallet" };

const SHOWN = 50;

export default async function WalletPage() {
  const user = await requireUser("/wallet");
  const wallet = await getWallet(getDb(), user.id, SHOWN);
  if (!wallet) redirect(signInPath("/wallet"));

  return (
    <>
      <PageHeading
        title="Wallet"
        description="Your store credit, every change to it, and the codes you have redeemed."
      />
      <div className="grid grid-cols-1 gap-8 lg:grid-cols-[minmax(0,1fr)_minmax(0,20rem)]">
        <div className="space-y-10">
          <section aria-labelledby="activity-heading" className="space-y-3">
            <h2 id="activity-heading" className="text-lg font-semibold text-slate-900">
              Activity
            </h2>
            {wallet.entries.length === 0 ? (
              <EmptyState title="No activity yet" action={{ href: "/redeem", label: "Redeem a code" }}>
                Redeem a coupon or promo code to add store credit. Every credit and purchase will show up here with your
                running balance.
              </EmptyState>
            ) : (
              <>
                <LedgerTable entries={wallet.entries} />
                {wallet.moreEntries && (
                  <p className="text-sm text-slate-600">Showing your {SHOWN} most recent entries.</p>
                )}
              </>
            )}
          </section>

          <section aria-labelledby="redemptions-heading" className="space-y-3">
            <h2 id="redemptions-heading" className="text-lg font-semibold text-slate-900">
              Your redemptions
            </h2>
            {wallet.redemptions.length === 0 ? (
              <EmptyState title="No codes redeemed yet">
                Codes you redeem are listed here, with whether each one is still active.
              </EmptyState>
            ) : (
              <>
                <RedemptionList redemptions={wallet.redemptions} />
                {wallet.moreRedemptions && (
                  <p className="text-sm text-slate-600">Showing your {SHOWN} most recent redemptions.</p>
                )}
              </>
            )}
          </section>
        </div>
        <div>
          <BalanceCard
            balanceCents={wallet.balanceCents}
            links={[
              { href: "/redeem", label: "Redeem a code" },
              { href: "/shop", label: "Spend credit" },
            ]}
          />
        </div>
      </div>
    </>
  );
}
