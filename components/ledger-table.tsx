import type { LedgerKind } from "@/lib/generated/prisma/enums";
import { formatCents } from "@/lib/format";
import type { WalletEntry } from "@/lib/wallet";
import { LocalTime } from "./local-time";
import { StoreTime } from "./admin/store-time";
import { stackedOnPhone } from "./admin/data-table";

const DESCRIBE: Record<LedgerKind, (subject: string) => string> = {
  COUPON_CREDIT: (code) => `Redeemed ${code}`,
  COUPON_REVOCATION: (code) => `Reversed ${code}`,
  PURCHASE: (products) => `Bought ${products}`,
  ORDER_REFUND: (products) => `Refund: cancelled order of ${products}`,
  ADJUSTMENT: (reason) => `Adjusted by the store: ${reason}`,
  ORDER_PARTIAL_REFUND: (orderAndReason) => `Partial refund of order ${orderAndReason}`,
  // Holds are made by a store's own checkout (lib/holds), which has no products in Once to name.
  HOLD: () => "Held at the store's checkout",
  HOLD_RETURN: () => "Back from a checkout hold that was released or expired",
  HOLD_REFUND: () => "Refund of a store order",
};

/**
 * Every movement of store credit, newest first, with the balance after each: times in the customer's
 * browser zone, or, on an admin's page (`storeZone` given), in the store's.
 */
export function LedgerTable({ entries, storeZone }: { entries: WalletEntry[]; storeZone?: string }) {
  return (
    // Scrolls sideways on its own if need be (relative: its hidden caption stays inside), focusable for keyboards;
    // on a phone its rows are cards, so Amount and Balance never hide behind that scroll.
    <div
      role="region"
      aria-label="Store credit history"
      tabIndex={0}
      className="relative overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm"
    >
      <table className={`w-full text-left text-sm sm:min-w-[34rem] ${stackedOnPhone}`}>
        <caption className="sr-only">Store credit history, newest first</caption>
        <thead className="border-b border-slate-200 bg-slate-50 text-xs font-medium uppercase tracking-wide text-slate-600">
          <tr>
            <th scope="col" className="px-4 py-3">
              Date
            </th>
            <th scope="col" className="px-4 py-3">
              Description
            </th>
            <th scope="col" className="px-4 py-3 text-right">
              Amount
            </th>
            <th scope="col" className="px-4 py-3 text-right">
              Balance
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {entries.map((entry) => (
            <tr key={entry.id} data-testid="ledger-row" data-kind={entry.kind}>
              <td className="whitespace-nowrap px-4 py-3 text-slate-600" data-label="Date">
                {storeZone ? (
                  <StoreTime date={entry.createdAt} zone={storeZone} />
                ) : (
                  <LocalTime date={entry.createdAt} />
                )}
              </td>
              <td className="px-4 py-3 font-medium text-slate-900" data-label="Description">
                {DESCRIBE[entry.kind](entry.subject ?? "(deleted)")}
              </td>
              <td
                className={`whitespace-nowrap px-4 py-3 text-right font-medium tabular-nums ${entry.amountCents > 0 ? "text-emerald-700" : "text-slate-900"}`}
                data-label="Amount"
                data-key
              >
                {entry.amountCents > 0 ? "+" : "−"}
                {formatCents(Math.abs(entry.amountCents))}
              </td>
              <td
                className="whitespace-nowrap px-4 py-3 text-right tabular-nums text-slate-700"
                data-label="Balance"
                data-key
              >
                {formatCents(entry.balanceAfterCents)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
