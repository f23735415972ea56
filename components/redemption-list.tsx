import { formatCents } from "@/lib/format";
import type { WalletRedemption } from "@/lib/wallet";
import { LocalTime } from "./local-time";

function StatusBadge({ status }: { status: WalletRedemption["status"] }) {
  return status === "ACTIVE" ? (
    <span className="rounded-full bg-emerald-50 px-2.5 py-0.5 text-xs font-semibold text-emerald-800 ring-1 ring-emerald-200 ring-inset">
      Active
    </span>
  ) : (
    <span className="rounded-full bg-slate-100 px-2.5 py-0.5 text-xs font-semibold text-slate-700 ring-1 ring-slate-300 ring-inset">
      Revoked
    </span>
  );
}

/** The codes this customer redeemed, with whether each still counts. */
export function RedemptionList({ redemptions }: { redemptions: WalletRedemption[] }) {
  return (
    <ul className="divide-y divide-slate-100 rounded-xl border border-slate-200 bg-white shadow-sm">
      {redemptions.map((r) => (
        <li
          key={r.id}
          id={`redemption-${r.id}`}
          className="flex flex-wrap items-center justify-between gap-3 px-4 py-3"
          data-testid="redemption-row"
        >
          <div className="min-w-0">
            <p className="font-mono text-sm font-semibold tracking-wide text-slate-900">{r.code}</p>
            <p className="text-sm text-slate-600">
              <LocalTime date={r.createdAt} />
              {r.revokedAt && (
                <>
                  {" · revoked "}
                  <LocalTime date={r.revokedAt} />
                </>
              )}
            </p>
          </div>
          <div className="flex items-center gap-3">
            <span
              className={`text-sm font-medium tabular-nums ${r.status === "ACTIVE" ? "text-slate-900" : "text-slate-500 line-through"}`}
            >
              {formatCents(r.amountCents)}
            </span>
            <StatusBadge status={r.status} />
          </div>
        </li>
      ))}
    </ul>
  );
}
