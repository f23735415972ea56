import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { CancelOrderForm } from "@/components/cancel-order-form";
import { LocalTime } from "@/components/local-time";
import { PageHeading } from "@/components/page-heading";
import { getOrderDetail } from "@/lib/checkout/orders";
import { getDb } from "@/lib/db/client";
import { ORDER_STATUS_LABEL, formatCents, formatOrderNumber } from "@/lib/format";
import { requireUser } from "@/lib/web/page-guard";
import { cancel } from "../actions";

export const metadata: Metadata = { title: "Order" };

/** What each store-credit movement of an order means to its customer. */
const CREDIT_WORDS: Record<string, string | undefined> = {
  PURCHASE: "Paid from your store credit",
  ORDER_REFUND: "Refunded to your store credit",
  ORDER_PARTIAL_REFUND: "Partly refunded to your store credit",
};

export default async function CustomerOrderPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requireUser(`/orders/${encodeURIComponent(id)}`);
  // Someone else's order reads as no order at all: the same 404 as an id that does not exist.
  const order = await getOrderDetail(getDb(), id, user.id);
  if (!order) notFound();
  const number = formatOrderNumber(order.number);

  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/orders" className="text-indigo-700 underline decoration-indigo-300 underline-offset-2">
          All your orders
        </Link>
      </p>
      <PageHeading title={`Order ${number}`} />
      <div
        className="max-w-2xl space-y-6 rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:p-6"
        data-testid="order"
        data-status={order.status}
        data-order-number={order.number}
      >
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
          <dt className="text-slate-600">Status</dt>
          <dd className="font-medium text-slate-900" data-testid="order-status">
            {ORDER_STATUS_LABEL[order.status]}
          </dd>
          <dt className="text-slate-600">Placed</dt>
          <dd>
            <LocalTime date={order.createdAt} />
          </dd>
          {order.fulfilledAt && (
            <>
              <dt className="text-slate-600">Fulfilled</dt>
              <dd>
                <LocalTime date={order.fulfilledAt} />
              </dd>
            </>
          )}
          {order.cancelledAt && (
            <>
              <dt className="text-slate-600">Cancelled</dt>
              <dd>
                <LocalTime date={order.cancelledAt} />
              </dd>
            </>
          )}
        </dl>

        <section aria-labelledby="order-items">
          <h2 id="order-items" className="text-base font-semibold text-slate-900">
            What you ordered
          </h2>
          <table className="mt-2 w-full text-sm">
            <caption className="sr-only">Lines of the order</caption>
            <thead className="text-left text-xs text-slate-600">
              <tr>
                <th scope="col" className="py-1.5 font-medium">
                  Product
                </th>
                <th scope="col" className="py-1.5 text-right font-medium">
                  Price
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {order.lines.map((line) => (
                <tr key={line.lineNo}>
                  <td className="py-1.5 pr-2">
                    {line.quantity} × {line.name}
                    <span className="block text-xs text-slate-600">{formatCents(line.unitPriceCents)} each</span>
                  </td>
                  <td className="py-1.5 text-right align-top tabular-nums">
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
            <div className="flex justify-between">
              <dt>Subtotal</dt>
              <dd>{formatCents(order.subtotalCents)}</dd>
            </div>
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
            {order.refundedCents > 0 && (
              <div className="flex justify-between">
                <dt>Refunded to your store credit</dt>
                <dd data-testid="order-refunded">−{formatCents(order.refundedCents)}</dd>
              </div>
            )}
          </dl>
        </section>

        {order.refunds.length > 0 && (
          <section aria-labelledby="order-refunds">
            <h2 id="order-refunds" className="text-base font-semibold text-slate-900">
              Refunds
            </h2>
            <ul className="mt-2 space-y-2 text-sm" data-testid="order-refunds">
              {order.refunds.map((refund) => (
                <li key={refund.id} className="flex flex-wrap justify-between gap-x-4">
                  <span>
                    {refund.lines.length > 0 && `${refund.lines.map((l) => `${l.quantity} × ${l.name}`).join(", ")}: `}
                    {refund.reason}{" "}
                    <span className="text-xs text-slate-600">
                      (<LocalTime date={refund.createdAt} />)
                    </span>
                  </span>
                  <span className="tabular-nums">+{formatCents(refund.amountCents)}</span>
                </li>
              ))}
            </ul>
          </section>
        )}

        <section aria-labelledby="order-credit">
          <h2 id="order-credit" className="text-base font-semibold text-slate-900">
            Store credit
          </h2>
          {order.credit.length === 0 ? (
            <p className="mt-2 text-sm text-slate-600">This order cost nothing, so no store credit was used.</p>
          ) : (
            <ul className="mt-2 space-y-1 text-sm" data-testid="order-credit">
              {order.credit.map((entry) => (
                <li key={entry.id} className="flex flex-wrap justify-between gap-x-4">
                  <span>
                    {CREDIT_WORDS[entry.kind] ?? "Store credit"}{" "}
                    <span className="text-xs text-slate-600">
                      (<LocalTime date={entry.createdAt} />)
                    </span>
                  </span>
                  <span className="tabular-nums">
                    {entry.amountCents < 0 ? "−" : "+"}
                    {formatCents(Math.abs(entry.amountCents))}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>

        {order.status === "PLACED" && (
          <p className="text-sm text-slate-600">
            You can cancel this order until it is fulfilled: its total goes back to your store credit.
          </p>
        )}
        <CancelOrderForm order={order} cancel={cancel} />
      </div>
    </>
  );
}
