import Link from "next/link";
import type { OrderView } from "@/lib/checkout/order-view";
import { ORDER_STATUS_LABEL, formatCents, formatOrderNumber } from "@/lib/format";
import { type CancelAction, CancelOrderForm } from "./cancel-order-form";
import { LocalTime } from "./local-time";

export type { CancelAnswer } from "./cancel-order-form";

/** Order history: each order's number (linked to its page), lines, discount, total and status, with a confirmed cancel while placed. */
export function OrderList({ orders, cancel }: { orders: OrderView[]; cancel: CancelAction }) {
  return (
    <ul className="space-y-4">
      {orders.map((order) => (
        <OrderCard key={order.id} order={order} cancel={cancel} />
      ))}
    </ul>
  );
}

function OrderCard({ order, cancel }: { order: OrderView; cancel: CancelAction }) {
  return (
    <li
      className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm"
      data-testid="order"
      data-status={order.status}
      data-order-number={order.number}
    >
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 className="font-medium text-slate-900">
          <Link
            href={`/orders/${order.id}`}
            className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700"
            data-testid="order-number"
          >
            Order {formatOrderNumber(order.number)}
          </Link>
          <span className="ml-2 text-sm font-normal text-slate-600">
            <LocalTime date={order.createdAt} />
          </span>
        </h2>
        <p className="text-sm font-medium text-slate-700">{ORDER_STATUS_LABEL[order.status]}</p>
      </div>
      <table className="mt-3 w-full text-sm">
        <caption className="sr-only">Lines of the order</caption>
        <tbody className="divide-y divide-slate-100">
          {order.lines.map((line) => (
            <tr key={line.lineNo}>
              <td className="py-1.5">
                {line.quantity} × {line.name}
              </td>
              <td className="py-1.5 text-right tabular-nums">
                {line.discountCents > 0 && (
                  <span className="mr-2 text-emerald-800">−{formatCents(line.discountCents)}</span>
                )}
                {formatCents(line.unitPriceCents * line.quantity)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <dl className="mt-2 space-y-0.5 text-sm tabular-nums">
        {order.discountCents > 0 && (
          <div className="flex justify-between text-emerald-800">
            <dt>Discount ({order.code})</dt>
            <dd>−{formatCents(order.discountCents)}</dd>
          </div>
        )}
        <div className="flex justify-between font-semibold">
          <dt>Total</dt>
          <dd data-testid="order-total">{formatCents(order.totalCents)}</dd>
        </div>
      </dl>
      <CancelOrderForm order={order} cancel={cancel} />
    </li>
  );
}
