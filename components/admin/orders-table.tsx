import Link from "next/link";
import type { OrderRow } from "@/lib/admin/orders";
import { formatCents, formatCount, formatOrderNumber } from "@/lib/format";
import { ActionButton, type StatusAnswer } from "./action-button";
import { Badge } from "./badges";
import { DataTable, td, th } from "./data-table";
import { StoreTime } from "./store-time";

interface OrdersTableProps<Answer extends StatusAnswer<string>> {
  rows: OrderRow[];
  /** The store's time zone, in which the order times are shown. */
  zone: string;
  showCoupon?: boolean;
  /** The admin cancel server action, handed down by the page; without it the table only lists. */
  cancel?: (previous: Answer | null, formData: FormData) => Promise<Answer>;
}

const STATUS_BADGE = {
  PLACED: <Badge tone="green">Placed</Badge>,
  FULFILLED: <Badge tone="blue">Fulfilled</Badge>,
  CANCELLED: <Badge tone="grey">Cancelled</Badge>,
} as const;

/** Orders with their amounts and code, and (when given the action) a confirmed cancel on each placed one. */
export function OrdersTable<Answer extends StatusAnswer<string>>({
  rows,
  zone,
  showCoupon = true,
  cancel,
}: OrdersTableProps<Answer>) {
  return (
    <DataTable
      label="Orders"
      testId="orders-table"
      empty={rows.length === 0 && "No orders match."}
      head={
        <>
          <th className={th}>Order</th>
          <th className={th}>Ordered at</th>
          <th className={th}>Customer</th>
          <th className={th}>Items</th>
          <th className={th}>Subtotal</th>
          <th className={th}>Discount</th>
          <th className={th}>Total</th>
          {showCoupon && <th className={th}>Code</th>}
          <th className={th}>Status</th>
          {cancel && (
            <th className={th}>
              <span className="sr-only">Actions</span>
            </th>
          )}
        </>
      }
    >
      {rows.map((o) => (
        <tr key={o.id} data-order-id={o.id} data-order-number={o.number}>
          <td className={`${td} font-medium tabular-nums`}>
            <Link
              href={`/admin/orders/${o.id}`}
              className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700"
              aria-label={`Order ${formatOrderNumber(o.number)}`}
              data-testid="order-link"
            >
              {formatOrderNumber(o.number)}
            </Link>
          </td>
          <td className={`${td} text-xs text-slate-600`}>
            <StoreTime date={o.createdAt} zone={zone} />
          </td>
          <td className={td}>{o.email}</td>
          <td className={`${td} tabular-nums`}>{formatCount(o.items)}</td>
          <td className={`${td} tabular-nums`}>{formatCents(o.subtotalCents)}</td>
          <td className={`${td} tabular-nums`}>{o.discountCents > 0 ? `−${formatCents(o.discountCents)}` : "—"}</td>
          <td className={`${td} tabular-nums font-medium`}>{formatCents(o.totalCents)}</td>
          {showCoupon && (
            <td className={td}>
              {o.couponId ? (
                <Link href={`/admin/coupons/${o.couponId}`} className="font-mono text-indigo-700 hover:underline">
                  {o.code}
                </Link>
              ) : (
                "—"
              )}
            </td>
          )}
          <td className={td}>{STATUS_BADGE[o.status]}</td>
          {cancel && (
            <td className={td}>
              <ActionButton
                settled={o.status !== "PLACED"}
                action={cancel}
                fields={{ orderId: o.id }}
                label="Cancel"
                pendingLabel="Cancelling…"
                tone="danger"
                testId={`cancel-${o.id}`}
                confirm={{
                  title: `Cancel order ${formatOrderNumber(o.number)} of ${o.email} (${formatCents(o.totalCents)})?`,
                  body:
                    "The stock goes back, the discount code's use is given back and the total is refunded to the " +
                    "customer's store credit, once. A fulfilled order cannot be cancelled.",
                  confirmLabel: "Cancel order",
                }}
              />
            </td>
          )}
        </tr>
      ))}
    </DataTable>
  );
}
