"use client";

import { useActionState } from "react";
import type { ActionResult } from "@/lib/action-result";
import type { CancelRefusal } from "@/lib/checkout/cancel-order";
import type { OrderView } from "@/lib/checkout/order-view";
import { ORDER_STATUS_LABEL, formatCents, formatOrderNumber } from "@/lib/format";
import { Callout } from "./callout";
import { SubmitButton } from "./submit-button";
import { LocalTime } from "./local-time";

export type CancelAnswer = ActionResult<object, CancelRefusal | "rate_limited">;
type CancelAction = (state: CancelAnswer | null, formData: FormData) => Promise<CancelAnswer>;

/** Order history: each order's lines, discount, total and status, with a cancel button while placed. */
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
  const [answer, action, pending] = useActionState(cancel, null);
  return (
    <li
      className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm"
      data-testid="order"
      data-status={order.status}
    >
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 className="font-medium text-slate-900">
          <span data-testid="order-number">Order {formatOrderNumber(order.number)}</span>
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
      {order.status === "PLACED" && (
        <form action={action} className="mt-3">
          <input type="hidden" name="orderId" value={order.id} />
          <SubmitButton pending={pending} pendingLabel="Cancelling…">
            Cancel order
          </SubmitButton>
        </form>
      )}
      <div aria-live="polite">
        {answer && (
          <div className="mt-3">
            <Callout tone={answer.ok ? "success" : "error"} testId="cancel-result">
              <p>{answer.message}</p>
            </Callout>
          </div>
        )}
      </div>
    </li>
  );
}
