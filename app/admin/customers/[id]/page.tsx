import { AttemptOutcome } from "@/components/admin/attempt-outcome";
import Link from "next/link";
import { notFound } from "next/navigation";
import { LedgerTable } from "@/components/ledger-table";
import { ActionButton } from "@/components/admin/action-button";
import { Badge } from "@/components/admin/badges";
import { CreditAdjustmentForm } from "@/components/admin/credit-adjustment-form";
import { DataTable, td, th } from "@/components/admin/data-table";
import { RedemptionsTable } from "@/components/admin/redemptions-table";
import { StatCard } from "@/components/admin/stat-card";
import { StoreTime } from "@/components/admin/store-time";
import { revokeRedemptionAction } from "@/app/admin/actions";
import { adjustCreditAction, setCustomerDisabledAction } from "@/app/admin/customers/actions";
import { getCustomerDetail } from "@/lib/admin/customers/detail";
import { requireAdminPage } from "@/lib/web/page-guard";
import { initialKeyedState } from "@/lib/web/actions";
import { getDb } from "@/lib/db/client";
import { getStoreTimeZone } from "@/lib/store-settings";
import { ORDER_STATUS_LABEL, formatCents, formatCount, formatOrderNumber } from "@/lib/format";

export const dynamic = "force-dynamic";
export const metadata = { title: "Customer" };

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section aria-label={title} className="space-y-3">
      <h2 className="text-lg font-semibold">{title}</h2>
      {children}
    </section>
  );
}

export default async function CustomerPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requireAdminPage();
  const [detail, zone] = await Promise.all([getCustomerDetail(getDb(), id), getStoreTimeZone(getDb())]);
  if (!detail) notFound();
  const { user, wallet, redemptions, orders, attempts, adjustments } = detail;
  const isCustomer = user.role === "CUSTOMER";

  return (
    <div className="space-y-8">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0">
          <p className="text-sm text-slate-500">Customers /</p>
          <h1 className="text-3xl font-semibold tracking-tight break-all" data-testid="customer-email">
            {user.email}
          </h1>
          <div className="mt-2 flex flex-wrap items-center gap-2 text-sm text-slate-600">
            <span>{user.name}</span>
            {user.role === "ADMIN" && <Badge tone="blue">Admin</Badge>}
            {user.disabled ? <Badge tone="grey">Disabled</Badge> : <Badge tone="green">Can sign in</Badge>}
            <span>
              joined <StoreTime date={user.createdAt} zone={zone} />
            </span>
          </div>
        </div>
        {isCustomer && (
          <ActionButton
            action={setCustomerDisabledAction}
            fields={{ customerId: user.id, disabled: user.disabled ? "false" : "true" }}
            label={user.disabled ? "Enable account" : "Disable account"}
            pendingLabel="Saving…"
            tone={user.disabled ? "neutral" : "danger"}
            testId="customer-disable-toggle"
            confirm={
              user.disabled
                ? {
                    title: `Enable ${user.email}?`,
                    body: "They can sign in again. Their balance and history are unchanged.",
                    confirmLabel: "Enable account",
                  }
                : {
                    title: `Disable ${user.email}?`,
                    body: "They are signed out everywhere at once and cannot sign in until you enable the account again. Their balance and history are kept.",
                    confirmLabel: "Disable account",
                  }
            }
          />
        )}
      </div>

      <section aria-label="Summary" className="grid grid-cols-1 gap-4 sm:grid-cols-3">
        <StatCard label="Store credit" value={formatCents(wallet.balanceCents)} />
        <StatCard label="Redemptions shown" value={formatCount(redemptions.length)} />
        <StatCard label="Orders shown" value={formatCount(orders.length)} />
      </section>

      {isCustomer && (
        <Section title="Adjust store credit">
          <div className="max-w-xl rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
            <CreditAdjustmentForm
              customerId={user.id}
              action={adjustCreditAction}
              initialState={initialKeyedState({ direction: "credit", amount: "", reason: "" })}
            />
          </div>
          {adjustments.length > 0 && (
            <DataTable
              label="Credit adjustments"
              testId="adjustments-table"
              head={
                <>
                  <th className={th}>At</th>
                  <th className={th}>Amount</th>
                  <th className={th}>Reason</th>
                  <th className={th}>By</th>
                </>
              }
            >
              {adjustments.map((a) => (
                <tr key={a.id}>
                  <td className={`${td} text-xs text-slate-600`}>
                    <StoreTime date={a.createdAt} zone={zone} />
                  </td>
                  <td className={`${td} tabular-nums`}>
                    {a.amountCents > 0 ? "+" : "−"}
                    {formatCents(Math.abs(a.amountCents))}
                  </td>
                  <td className={`${td} whitespace-normal`}>{a.reason}</td>
                  <td className={`${td} text-xs`}>{a.actorEmail}</td>
                </tr>
              ))}
            </DataTable>
          )}
        </Section>
      )}

      <Section title="Store credit history">
        {wallet.entries.length === 0 ? (
          <p className="text-sm text-slate-600">No store credit movements yet.</p>
        ) : (
          <LedgerTable entries={wallet.entries} storeZone={zone} />
        )}
        {wallet.moreEntries && <p className="text-xs text-slate-500">Showing the newest {wallet.entries.length}.</p>}
      </Section>

      <Section title="Redemptions">
        <RedemptionsTable rows={redemptions} zone={zone} revoke={revokeRedemptionAction} />
        <Link
          href={`/admin/redemptions?email=${encodeURIComponent(user.email)}`}
          className="text-sm text-indigo-700 hover:underline"
        >
          All of their redemptions
        </Link>
      </Section>

      <Section title="Orders">
        <DataTable
          label="Orders"
          testId="orders-table"
          empty={orders.length === 0 && "No orders yet."}
          head={
            <>
              <th className={th}>Order</th>
              <th className={th}>At</th>
              <th className={th}>Products</th>
              <th className={th}>Status</th>
              <th className={th}>Total</th>
            </>
          }
        >
          {orders.map((o) => (
            <tr key={o.id}>
              <td className={`${td} font-medium tabular-nums`}>
                <Link
                  href={`/admin/orders/${o.id}`}
                  className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700"
                >
                  {formatOrderNumber(o.number)}
                </Link>
              </td>
              <td className={`${td} text-xs text-slate-600`}>
                <StoreTime date={o.createdAt} zone={zone} />
              </td>
              <td className={td}>{o.products}</td>
              <td className={td}>{ORDER_STATUS_LABEL[o.status]}</td>
              <td className={`${td} tabular-nums`}>{formatCents(o.totalCents)}</td>
            </tr>
          ))}
        </DataTable>
      </Section>

      <Section title="Redeem attempts">
        <DataTable
          label="Redeem attempts"
          testId="customer-attempts"
          empty={attempts.length === 0 && "No attempts yet."}
          head={
            <>
              <th className={th}>At</th>
              <th className={th}>Outcome</th>
              <th className={th}>Code typed</th>
              <th className={th}>IP</th>
            </>
          }
        >
          {attempts.map((a) => (
            <tr key={a.id}>
              <td className={`${td} text-xs text-slate-600`}>
                <StoreTime date={a.createdAt} zone={zone} />
              </td>
              <td className={td}>
                <AttemptOutcome attempt={a} />
              </td>
              <td className={`${td} max-w-64 truncate font-mono text-xs`} title={a.codeTyped}>
                {a.codeTyped}
              </td>
              <td className={`${td} font-mono text-xs`}>{a.ip ?? "—"}</td>
            </tr>
          ))}
        </DataTable>
        <Link
          href={`/admin/attempts?outcome=ALL&email=${encodeURIComponent(user.email)}`}
          className="text-sm text-indigo-700 hover:underline"
        >
          All of their attempts
        </Link>
      </Section>
    </div>
  );
}
