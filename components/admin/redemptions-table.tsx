import Link from "next/link";
import type { RedemptionRow } from "@/lib/admin/redemptions";
import { formatCents } from "@/lib/format";
import { ActionButton, type StatusAnswer } from "./action-button";
import { Badge } from "./badges";
import { CustomerLink } from "./customer-link";
import { DataTable, td, th } from "./data-table";
import { StoreTime } from "./store-time";

interface RedemptionsTableProps<Answer extends StatusAnswer<string>> {
  rows: RedemptionRow[];
  /** The store's time zone, in which the times are shown. */
  zone: string;
  showCoupon?: boolean;
  /** The revoke server action, handed down by the page. */
  revoke: (previous: Answer | null, formData: FormData) => Promise<Answer>;
}

/** Redemptions with a revoke button on each active one (through the engine, after a confirmation). */
export function RedemptionsTable<Answer extends StatusAnswer<string>>({
  rows,
  zone,
  showCoupon = true,
  revoke,
}: RedemptionsTableProps<Answer>) {
  return (
    <DataTable
      label="Redemptions"
      testId="redemptions-table"
      empty={rows.length === 0 && "No redemptions match."}
      head={
        <>
          <th className={th}>Redeemed at</th>
          {showCoupon && <th className={th}>Coupon</th>}
          <th className={th}>Customer</th>
          <th className={th}>Amount</th>
          <th className={th}>Status</th>
          <th className={th}>
            <span className="sr-only">Actions</span>
          </th>
        </>
      }
    >
      {rows.map((r) => (
        <tr key={r.id} data-redemption-id={r.id}>
          <td className={`${td} text-xs text-slate-600`}>
            <StoreTime date={r.createdAt} zone={zone} />
          </td>
          {showCoupon && (
            <td className={td}>
              <Link href={`/admin/coupons/${r.couponId}`} className="font-mono text-indigo-700 hover:underline">
                {r.code}
              </Link>
            </td>
          )}
          <td className={td}>
            <CustomerLink userId={r.userId} email={r.email} />
          </td>
          <td className={`${td} tabular-nums`}>{formatCents(r.amountCents)}</td>
          <td className={td}>
            {r.status === "ACTIVE" ? (
              <Badge tone="green">Active</Badge>
            ) : (
              <Badge tone="grey">Revoked {r.revokedAt && <StoreTime date={r.revokedAt} zone={zone} />}</Badge>
            )}
          </td>
          <td className={td}>
            <ActionButton
              settled={r.status !== "ACTIVE"}
              action={revoke}
              fields={{ redemptionId: r.id }}
              label="Revoke"
              pendingLabel="Revoking…"
              tone="danger"
              testId={`revoke-${r.id}`}
              confirm={{
                title: `Revoke ${formatCents(r.amountCents)} from ${r.email}?`,
                body:
                  `The use of ${r.code} is given back and ${formatCents(r.amountCents)} is debited from the ` +
                  "customer's store credit. If they already spent it, nothing changes and you are told why.",
                confirmLabel: "Revoke redemption",
              }}
            />
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
