import { COUPON_STATE_LABELS, type CouponState } from "@/lib/coupon-terms";

const TONES = {
  green: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  grey: "bg-slate-100 text-slate-700 ring-slate-300",
  amber: "bg-amber-50 text-amber-800 ring-amber-200",
  red: "bg-rose-50 text-rose-800 ring-rose-200",
  blue: "bg-sky-50 text-sky-800 ring-sky-200",
} as const;

export function Badge({ tone, children }: { tone: keyof typeof TONES; children: React.ReactNode }) {
  return (
    <span
      className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${TONES[tone]}`}
    >
      {children}
    </span>
  );
}

const STATE_TONES: Record<CouponState, keyof typeof TONES> = {
  ARCHIVED: "grey",
  DISABLED: "grey",
  EXPIRED: "amber",
  USED_UP: "red",
  SCHEDULED: "blue",
  ACTIVE: "green",
};

/** A coupon's one state (lib/coupon-terms.ts couponState), as a badge. */
export function CouponStatusBadge({ state }: { state: CouponState }) {
  return (
    <span data-testid="coupon-status" data-state={state}>
      <Badge tone={STATE_TONES[state]}>{COUPON_STATE_LABELS[state]}</Badge>
    </span>
  );
}
