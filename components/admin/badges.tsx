import type { Coupon } from "@/lib/generated/prisma/client";

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
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${TONES[tone]}`}
    >
      {children}
    </span>
  );
}

/** Status, window and exhaustion of a coupon at `now`, as the customer would experience them. */
export function CouponStateBadges({
  coupon,
  now,
}: {
  coupon: Pick<Coupon, "status" | "startsAt" | "expiresAt" | "maxRedemptions" | "redeemedCount">;
  now: Date;
}) {
  const exhausted = coupon.maxRedemptions !== null && coupon.redeemedCount >= coupon.maxRedemptions;
  return (
    <span className="inline-flex flex-wrap gap-1">
      {coupon.status === "ACTIVE" ? <Badge tone="green">Active</Badge> : <Badge tone="grey">Disabled</Badge>}
      {coupon.startsAt && coupon.startsAt > now && <Badge tone="blue">Upcoming</Badge>}
      {coupon.expiresAt && coupon.expiresAt <= now && <Badge tone="amber">Expired</Badge>}
      {exhausted && <Badge tone="red">Used up</Badge>}
    </span>
  );
}
