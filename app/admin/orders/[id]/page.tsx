import Link from "next/link";
import { notFound } from "next/navigation";
import { AuditLogList } from "@/components/admin/audit-log-list";
import { Badge } from "@/components/admin/badges";
import { CustomerLink } from "@/components/admin/customer-link";
import { OrderStatusButtons } from "@/components/admin/orders-table";
import { RefundForm } from "@/components/admin/refund-form";
import { cancelOrderAction, fulfilOrderAction, refundOrderAction } from "@/app/admin/orders/actions";
import { initialKeyedState } from "@/lib/web/actions";
import { DataTable, td, th } from "@/components/admin/data-table";
import { StoreTime, storeTimesNote } from "@/components/admin/store-time";
import { LEDGER_KIND_LABELS, STOCK_MOVEMENT_LABELS } from "@/lib/admin/audit-labels";
import { getAdminOrderDetail } from "@/lib/admin/order-detail";
import { getDb } from "@/lib/db/client";
import { formatCents, formatCount, formatOrderNumber } from "@/lib/format";
import { getStoreTimeZone } from "@/lib/store-settings";
import { requireAdminPage } from "@/lib/web/page-guard";

export const dynamic = "force-dynamic";
export const metadata = { title: "Order" };

const STATUS_BADGE = {
  PLACED: <Badge tone="green">Placed</Badge>,
  FULFILLED: <Badge tone="blue">Fulfilled</Badge>,
  CANCELLED: <Badge tone="grey">Cancelled</Badge>,
} as const;

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section aria-label={title} className="space-y-3">
      <h2 className="text-lg font-semibold">{title}</h2>
      {children}
    </section>
  );
}

const signed = (cents: number) => `${cents < 0 ? "−" : "+"}${formatCents(Math.abs(cents))}`;

export default async function AdminOrderPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requireAdminPage();
  const db = getDb();
  const [detail, zone] = await Promise.all([getAdminOrderDetail(db, id), getStoreTimeZone(db)]);
  if (!detail) notFound();
  const { order, customer, cancelledBy, fulfilledBy, stock, audit } = detail;
  const number = formatOrderNumber(order.number);

  return (
    <div className="space-y-8">
      <div className="min-w-0">
        <p className="text-sm text-slate-500">
          <Link href="/admin/orders" className="text-indigo-700 underline underline-offset-2">
            Orders
          </Link>{" "}
          /
        </p>
        <h1 className="text-3xl font-semibold tracking-tight" data-testid="order-number">
          Order {number}
        </h1>
        <div className="mt-2 flex flex-wrap items-center gap-2 text-sm text-slate-600">
          <span data-testid="order-status">{STATUS_BADGE[order.status]}</span>
          <span>
            by <CustomerLink userId={customer.id} email={customer.email} />
          </span>
          {customer.name && <span>({customer.name})</span>}
        </div>
        {order.status === "PLACED" && (
          <div className="mt-3 flex flex-wrap gap-2">
            <OrderStatusButtons
              order={{ ...order, email: customer.email }}
              actions={{ cancel: cancelOrderAction, fulfil: fulfilOrderAction }}
            />
          </div>
        )}
        <p className="mt-1 text-xs text-slate-500">{storeTimesNote(zone)}</p>
      </div>

      <Section title="Status history">
        <ol className="space-y-1 text-sm" data-testid="order-history">
          <li>
            Placed <StoreTime date={order.createdAt} zone={zone} />
          </li>
          {order.fulfilledAt && (
            <li>
              Fulfilled <StoreTime date={order.fulfilledAt} zone={zone} />
              {fulfilledBy && (
                <>
                  {" "}
                  by <CustomerLink userId={fulfilledBy.id} email={fulfilledBy.email} />
                </>
              )}
            </li>
          )}
          {order.cancelledAt && (
            <li>
              Cancelled <StoreTime date={order.cancelledAt} zone={zone} />
              {cancelledBy && (
                <>
                  {" "}
                  by <CustomerLink userId={cancelledBy.id} email={cancelledBy.email} />
                </>
              )}
            </li>
          )}
        </ol>
      </Section>

      <Section title="Lines">
        <DataTable
          label="Lines"
          testId="order-lines"
          stacked
          head={
            <>
              <th className={th}>Product</th>
              <th className={th}>Unit price</th>
              <th className={th}>Quantity</th>
              <th className={th}>Discount</th>
              <th className={th}>Amount</th>
            </>
          }
        >
          {order.lines.map((line) => (
            <tr key={line.lineNo}>
              <td className={`${td} whitespace-normal`} data-label="Product">
                {line.name} <span className="font-mono text-xs text-slate-500">{line.sku}</span>
              </td>
              <td className={`${td} tabular-nums`} data-label="Unit price">
                {formatCents(line.unitPriceCents)}
              </td>
              <td className={`${td} tabular-nums`} data-label="Quantity" data-key>
                {formatCount(line.quantity)}
              </td>
              <td className={`${td} tabular-nums`} data-label="Discount">
                {line.discountCents > 0 ? `−${formatCents(line.discountCents)}` : "—"}
              </td>
              <td className={`${td} tabular-nums`} data-label="Amount" data-key>
                {formatCents(line.unitPriceCents * line.quantity - line.discountCents)}
              </td>
            </tr>
          ))}
        </DataTable>
        <dl className="ml-auto max-w-xs space-y-1 text-sm tabular-nums" data-testid="order-totals">
          <div className="flex justify-between gap-4">
            <dt>Subtotal</dt>
            <dd>{formatCents(order.subtotalCents)}</dd>
          </div>
          <div className="flex justify-between gap-4">
            <dt>
              Discount
              {order.code && (
                <>
                  {" "}
                  (<span className="font-mono">{order.code}</span>)
                </>
              )}
            </dt>
            <dd>{order.discountCents > 0 ? `−${formatCents(order.discountCents)}` : "—"}</dd>
          </div>
          <div className="flex justify-between gap-4 font-semibold">
            <dt>Total</dt>
            <dd data-testid="order-total">{formatCents(order.totalCents)}</dd>
          </div>
          {order.refundedCents > 0 && (
            <div className="flex justify-between gap-4">
              <dt>Refunded</dt>
              <dd data-testid="order-refunded">−{formatCents(order.refundedCents)}</dd>
            </div>
          )}
        </dl>
      </Section>

      {order.status === "FULFILLED" && (
        <Section title="Refunds">
          <DataTable
            label="Refunds"
            testId="order-refunds"
            stacked
            empty={order.refunds.length === 0 && "Nothing refunded yet."}
            head={
              <>
                <th className={th}>At</th>
                <th className={th}>Amount</th>
                <th className={th}>What</th>
                <th className={th}>Reason</th>
                <th className={th}>By</th>
              </>
            }
          >
            {order.refunds.map((r) => (
              <tr key={r.id}>
                <td className={`${td} text-xs text-slate-600`} data-label="At">
                  <StoreTime date={r.createdAt} zone={zone} />
                </td>
                <td className={`${td} tabular-nums`} data-label="Amount" data-key>
                  {formatCents(r.amountCents)}
                </td>
                <td className={`${td} whitespace-normal`} data-label="What">
                  {r.lines.length === 0 ? "An amount" : r.lines.map((l) => `${l.quantity} × ${l.name}`).join(", ")}
                  {r.restocked && ", restocked"}
                </td>
                <td className={`${td} whitespace-normal`} data-label="Reason">
                  {r.reason}
                </td>
                <td className={td} data-label="By">
                  <CustomerLink userId={r.actor.id} email={r.actor.email} />
                </td>
              </tr>
            ))}
          </DataTable>
          {order.refundedCents < order.totalCents ? (
            <RefundForm
              orderId={order.id}
              lines={order.lines.map((l) => ({
                lineNo: l.lineNo,
                name: l.name,
                refundable: l.quantity - (order.refundedUnits[l.lineNo] ?? 0),
              }))}
              remainingCents={order.totalCents - order.refundedCents}
              action={refundOrderAction}
              initialState={initialKeyedState({ by: "lines", amount: "", reason: "", restock: true, units: {} })}
            />
          ) : (
            <p className="text-sm text-slate-600" data-testid="refund-remaining">
              All of the {formatCents(order.totalCents)} paid has been refunded.
            </p>
          )}
        </Section>
      )}

      <Section title="Store credit">
        <DataTable
          label="Store credit"
          testId="order-credit"
          stacked
          empty={order.credit.length === 0 && "No store credit moved (a total of $0.00)."}
          head={
            <>
              <th className={th}>At</th>
              <th className={th}>Entry</th>
              <th className={th}>Amount</th>
              <th className={th}>Balance after</th>
            </>
          }
        >
          {order.credit.map((e) => (
            <tr key={e.id}>
              <td className={`${td} text-xs text-slate-600`} data-label="At">
                <StoreTime date={e.createdAt} zone={zone} />
              </td>
              <td className={td} data-label="Entry">
                {LEDGER_KIND_LABELS[e.kind]}
              </td>
              <td className={`${td} tabular-nums`} data-label="Amount" data-key>
                {signed(e.amountCents)}
              </td>
              <td className={`${td} tabular-nums`} data-label="Balance after">
                {formatCents(e.balanceAfterCents)}
              </td>
            </tr>
          ))}
        </DataTable>
      </Section>

      <Section title="Stock movements">
        <DataTable
          label="Stock movements"
          testId="order-stock"
          stacked
          empty={stock.length === 0 && "No stock-tracked products in this order."}
          head={
            <>
              <th className={th}>At</th>
              <th className={th}>Product</th>
              <th className={th}>Movement</th>
              <th className={th}>Quantity</th>
            </>
          }
        >
          {stock.map((m) => (
            <tr key={m.id}>
              <td className={`${td} text-xs text-slate-600`} data-label="At">
                <StoreTime date={m.createdAt} zone={zone} />
              </td>
              <td className={`${td} whitespace-normal`} data-label="Product">
                {m.name} <span className="font-mono text-xs text-slate-500">{m.sku}</span>
              </td>
              <td className={td} data-label="Movement">
                {STOCK_MOVEMENT_LABELS[m.kind]}
              </td>
              <td className={`${td} tabular-nums`} data-label="Quantity" data-key>
                {m.quantity > 0 ? `+${m.quantity}` : `−${Math.abs(m.quantity)}`}
              </td>
            </tr>
          ))}
        </DataTable>
      </Section>

      <Section title="Admin log">
        <AuditLogList entries={audit} zone={zone} empty="No admin has changed this order." />
      </Section>
    </div>
  );
}
