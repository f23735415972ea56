import Link from "next/link";
import type { OrderRow } from "@/lib/admin/orders";
import { formatCents, formatCount, formatOrderNumber } from "@/lib/format";
import { ActionButton, type StatusAnswer } from "./action-button";
import { Badge } from "./badges";
import { DataTable, td, th } from "./data-table";
import { StoreTime } from "./store-time";

type StatusAction<Answer> = (previous: Answer | null, formData: FormData) => Promise<Answer>;

interface OrdersTableProps<Answer extends StatusAnswer<string>, FulfilAnswer extends StatusAnswer<string>> {
  rows: OrderRow[];
  /** The store's time zone, in which the order times are shown. */
  zone: string;
  showCoupon?: boolean;
  /** The admin's cancel and fulfil server actions, handed down by the page; without them the table only lists. */
  actions?: { cancel: StatusAction<Answer>; fulfil: StatusAction<FulfilAnswer> };
}

const STATUS_BADGE = {
  PLACED: <Badge tone="green">Placed</Badge>,
  FULFILLED: <Badge tone="blue">Fulfilled</Badge>,
  CANCELLED: <Badge tone="grey">Cancelled</Badge>,
} as const;

/** Orders with their amounts and code, and (when given the actions) Fulfil and a confirmed Cancel on each placed one. */
export function OrdersTable<Answer extends StatusAnswer<string>, FulfilAnswer extends StatusAnswer<string>>({
  rows,
  zone,
  showCoupon = true,
  actions,
}: OrdersTableProps<Answer, FulfilAnswer>) {
  return (
    <DataTable
      label="Orders"
      testId="orders-table"
      stacked
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
          {actions && (
            <th className={th}>
              <span className="sr-only">Actions</span>
            </th>
          )}
        </>
      }
    >
      {rows.map((o) => (
        <tr key={o.id} data-order-id={o.id} data-order-number={o.number}>
          <td className={`${td} font-medium tabular-nums`} data-label="Order">
            <Link
              href={`/admin/orders/${o.id}`}
              className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700"
              aria-label={`Order ${formatOrderNumber(o.number)}`}
              data-testid="order-link"
            >
              {formatOrderNumber(o.number)}
            </Link>
          </td>
          <td className={`${td} text-xs text-slate-600`} data-label="Ordered at">
            <StoreTime date={o.createdAt} zone={zone} />
          </td>
          <td className={td} data-label="Customer">
            {o.email}
          </td>
          <td className={`${td} tabular-nums`} data-label="Items">
            {formatCount(o.items)}
          </td>
          <td className={`${td} tabular-nums`} data-label="Subtotal">
            {formatCents(o.subtotalCents)}
          </td>
          <td className={`${td} tabular-nums`} data-label="Discount">
            {o.discountCents > 0 ? `−${formatCents(o.discountCents)}` : "—"}
          </td>
          <td className={`${td} tabular-nums font-medium`} data-label="Total" data-key>
            {formatCents(o.totalCents)}
          </td>
          {showCoupon && (
            <td className={td} data-label="Code">
              {o.couponId ? (
                <Link href={`/admin/coupons/${o.couponId}`} className="font-mono text-indigo-700 hover:underline">
                  {o.code}
                </Link>
              ) : (
                "—"
              )}
            </td>
          )}
          <td className={td} data-label="Status" data-key>
            {STATUS_BADGE[o.status]}
          </td>
          {actions && (
            <td className={`${td} space-x-2`} data-label="Actions" data-key>
              <OrderStatusButtons order={o} actions={actions} />
            </td>
          )}
        </tr>
      ))}
    </DataTable>
  );
}

/** Fulfil and a confirmed Cancel for a placed order (on the orders table and the order's page); nothing once it is not placed. */
export function OrderStatusButtons<Answer extends StatusAnswer<string>, FulfilAnswer extends StatusAnswer<string>>({
  order: o,
  actions: { cancel, fulfil },
}: {
  order: Pick<OrderRow, "id" | "number" | "email" | "totalCents" | "status">;
  actions: { cancel: StatusAction<Answer>; fulfil: StatusAction<FulfilAnswer> };
}) {
  return (
    <>
      <ActionButton
        settled={o.status !== "PLACED"}
        action={fulfil}
        fields={{ orderId: o.id }}
        label="Fulfil"
        pendingLabel="Fulfilling…"
        testId={`fulfil-${o.id}`}
      />
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
            "customer's store credit, once. Once fulfilled, an order is refunded instead.",
          confirmLabel: "Cancel order",
          keepLabel: "Keep order",
        }}
      />
    </>
  );
}
