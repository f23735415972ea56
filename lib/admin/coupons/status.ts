import "server-only";
import { z } from "zod";
import type { Coupon } from "@/lib/generated/prisma/client";
import { setCouponStatus } from "@/lib/coupons";
import type { Db } from "@/lib/db/client";
import { Rollback, runTransaction } from "@/lib/db/transaction";
import { recordAdminChange } from "../audit-log";
import { lockCoupon } from "./row";

/** An admin disables or enables a coupon, audited in the same transaction. */

export type AdminStatusResult =
  { ok: true; coupon: Coupon; changed: boolean } | { ok: false; reason: "not_found" | "busy" };

/** Ordered against in-flight redemptions by setCouponStatus, so no redemption commits after a disable commits. */
export async function adminSetCouponStatus(
  db: Db,
  actorId: string,
  couponId: string,
  status: Coupon["status"],
): Promise<AdminStatusResult> {
  if (!z.uuid().safeParse(couponId).success) return { ok: false, reason: "not_found" };
  const outcome = await runTransaction<{ coupon: Coupon; changed: boolean }, "not_found">(db, async (tx) => {
    const before = await lockCoupon(tx, couponId);
    if (!before) throw new Rollback("not_found");
    const result = await setCouponStatus(tx, couponId, status);
    if (!result.ok) throw new Rollback("not_found");
    const changed = before.status !== status;
    if (changed) {
      await recordAdminChange(tx, actorId, {
        action: status === "DISABLED" ? "COUPON_DISABLED" : "COUPON_ENABLED",
        targetType: "coupon",
        targetId: couponId,
        summary: `${status === "DISABLED" ? "Disabled" : "Enabled"} ${before.code}`,
        before: { status: before.status },
        after: { status },
      });
    }
    return { coupon: result.coupon, changed };
  });
  switch (outcome.kind) {
    case "committed":
      return { ok: true, ...outcome.value };
    case "rolled_back":
      return { ok: false, reason: "not_found" };
    case "busy":
      return { ok: false, reason: "busy" };
  }
}
