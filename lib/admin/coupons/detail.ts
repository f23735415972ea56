import "server-only";
import { z } from "zod";
import type { Coupon } from "@/lib/generated/prisma/client";
import { redeemedTotals } from "@/lib/counters";
import type { Db } from "@/lib/db/client";
import { type AuditEntryView, listAuditLog } from "../audit-log";
import { listOrders, type OrderRow, orderFiltersSchema } from "../orders";
import { listRedemptions, type RedemptionRow, redemptionFiltersSchema } from "../redemptions";
import { type CouponActivity, couponActivity } from "../reports";

/** Everything the coupon's admin page shows, read in one call. */
export interface CouponDetail {
  coupon: Coupon & { batch: { id: string; prefix: string } | null };
  /** Uses given out, wherever they are counted (its row or its hot-coupon slots). */
  redeemed: number;
  activity: CouponActivity;
  latestRedemptions: RedemptionRow[];
  /** The latest orders a discount code was used in. */
  latestOrders: OrderRow[];
  /** The products a discount code is limited to (none = every product). */
  products: { id: string; sku: string; name: string }[];
  changes: AuditEntryView[];
}

const SHOWN = 20;

/** One coupon's row, or null when no coupon has this id (or it is not an id at all). */
export async function findCoupon(db: Db, couponId: string): Promise<Coupon | null> {
  if (!z.uuid().safeParse(couponId).success) return null;
  return db.coupon.findUnique({ where: { id: couponId } });
}

/** Null when no coupon has this id (or it is not an id at all). */
export async function getCouponDetail(db: Db, couponId: string): Promise<CouponDetail | null> {
  if (!z.uuid().safeParse(couponId).success) return null;
  const coupon = await db.coupon.findUnique({
    where: { id: couponId },
    include: { batch: { select: { id: true, prefix: true } } },
  });
  if (!coupon) return null;
  const [redeemed, activity, latest, orders, products, changes] = await Promise.all([
    redeemedTotals(db, [coupon]).then((totals) => totals.get(coupon.id) ?? 0),
    couponActivity(db, coupon.id),
    listRedemptions(db, redemptionFiltersSchema.parse({ couponId: coupon.id }), null, SHOWN),
    listOrders(db, orderFiltersSchema.parse({ couponId: coupon.id }), null, SHOWN),
    db.product.findMany({
      where: { coupons: { some: { couponId: coupon.id } } },
      select: { id: true, sku: true, name: true },
      orderBy: { sku: "asc" },
    }),
    listAuditLog(db, { target: { type: "coupon", id: coupon.id }, limit: SHOWN }),
  ]);
  return {
    coupon,
    redeemed,
    activity,
    latestRedemptions: latest.rows,
    latestOrders: orders.rows,
    products,
    changes: changes.entries,
  };
}
