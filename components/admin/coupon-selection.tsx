"use client";

import { createContext, useContext, useState } from "react";
import { plural } from "@/lib/format";
import { ActionButton, type StatusAnswer } from "./action-button";

/** The coupons ticked on this page of the list, shared by the row checkboxes and the bulk actions bar. */
interface Selection {
  ids: ReadonlySet<string>;
  pageIds: readonly string[];
  toggle(id: string, on: boolean): void;
  setAll(on: boolean): void;
}

const SelectionContext = createContext<Selection | null>(null);

function useSelection(): Selection {
  const selection = useContext(SelectionContext);
  if (!selection) throw new Error("coupon selection used outside CouponSelection");
  return selection;
}

export function CouponSelection({ pageIds, children }: { pageIds: string[]; children: React.ReactNode }) {
  const [ids, setIds] = useState<ReadonlySet<string>>(new Set());
  const selection: Selection = {
    // Only coupons still on the page count: a ticked coupon that a filter or a change removed is forgotten.
    ids: new Set([...ids].filter((id) => pageIds.includes(id))),
    pageIds,
    toggle: (id, on) =>
      setIds((previous) => {
        const next = new Set(previous);
        if (on) next.add(id);
        else next.delete(id);
        return next;
      }),
    setAll: (on) => setIds(on ? new Set(pageIds) : new Set()),
  };
  return <SelectionContext.Provider value={selection}>{children}</SelectionContext.Provider>;
}

export function SelectCoupon({ id, code }: { id: string; code: string }) {
  const { ids, toggle } = useSelection();
  return (
    <input
      type="checkbox"
      aria-label={`Select ${code}`}
      checked={ids.has(id)}
      onChange={(event) => toggle(id, event.target.checked)}
      className="size-4 rounded border-slate-300"
      data-testid="select-coupon"
    />
  );
}

export function SelectAllCoupons() {
  const { ids, pageIds, setAll } = useSelection();
  const all = pageIds.length > 0 && ids.size === pageIds.length;
  return (
    <input
      type="checkbox"
      aria-label="Select every coupon on this page"
      checked={all}
      disabled={pageIds.length === 0}
      ref={(box) => {
        if (box) box.indeterminate = ids.size > 0 && !all;
      }}
      onChange={(event) => setAll(event.target.checked)}
      className="size-4 rounded border-slate-300"
    />
  );
}

/** Enable, disable or archive the ticked coupons: one guarded change, confirmed with its count. */
export function BulkCouponActions<Answer extends StatusAnswer<string>>({
  action,
}: {
  action: (previous: Answer | null, formData: FormData) => Promise<Answer>;
}) {
  const { ids } = useSelection();
  const couponIds = [...ids].join(",");
  const count = plural(ids.size, "coupon");
  return (
    <div
      className="flex flex-wrap items-start gap-3 rounded-xl border border-slate-200 bg-white px-4 py-3 text-sm shadow-sm"
      data-testid="bulk-actions"
    >
      <span className="py-1 text-slate-600">
        {ids.size === 0 ? "Tick coupons to change several at once." : `${count} selected`}
      </span>
      {/* Kept mounted when nothing is ticked (an archive empties the selection), so the answer stays. */}
      <ActionButton
        action={action}
        fields={{ couponIds, change: "enable" }}
        label="Enable"
        pendingLabel="Enabling…"
        testId="bulk-enable"
        settled={ids.size === 0}
      />
      <ActionButton
        action={action}
        fields={{ couponIds, change: "disable" }}
        label="Disable"
        pendingLabel="Disabling…"
        tone="danger"
        testId="bulk-disable"
        settled={ids.size === 0}
        confirm={{
          title: `Disable ${count}?`,
          body: "Customers can no longer redeem them. Redemptions already made stay as they are.",
          confirmLabel: `Disable ${count}`,
        }}
      />
      <ActionButton
        action={action}
        fields={{ couponIds, change: "archive" }}
        label="Archive"
        pendingLabel="Archiving…"
        tone="danger"
        testId="bulk-archive"
        settled={ids.size === 0}
        confirm={{
          title: `Archive ${count}?`,
          body: "Archived coupons are disabled and hidden from the list; their redemptions and history are kept. Show them with the Archived status filter.",
          confirmLabel: `Archive ${count}`,
        }}
      />
    </div>
  );
}
