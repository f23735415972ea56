import "server-only";
import { z } from "zod";
import type { AdminAction } from "@/lib/generated/prisma/client";
import { type CouponChange, changeCoupons, type LockedCoupon } from "@/lib/coupons";
import type { Db } from "@/lib/db/client";
import { runTransaction } from "@/lib/db/transaction";
import { plural } from "@/lib/format";
import { recordAdminChange } from "@/lib/admin-changes";

/**
 * An admin enables, disables, archives or restores coupons, one or many at once, each change audited in
 * the same transaction. Ordered against in-flight redemptions by changeCoupons (lib/coupons.ts), so no
 * redemption commits after a disable or an archive commits.
 */

/** The most coupons one bulk change may name: a page of the list is 25. */
export const MAX_BULK_COUPONS = 200;

export const couponIdsSchema = z
  .array(z.uuid("Unknown coupon id."))
  .min(1, "Select at least one coupon.")
  .max(MAX_BULK_COUPONS, `Select at most ${MAX_BULK_COUPONS} coupons at once.`)
  .transform((ids) => [...new Set(ids)]);

/** Why a coupon named in a change was left as it was. */
export type Skipped = "unchanged" | "archived";

export interface CouponsChangeOutcome {
  changed: { id: string; code: string }[];
  skipped: { id: string; code: string; why: Skipped }[];
  /** Ids that name no coupon (deleted meanwhile, or never existed). */
  missing: number;
}

export type AdminChangeResult = ({ ok: true } & CouponsChangeOutcome) | { ok: false; reason: "busy" };

const AUDIT: Record<CouponChange, { action: AdminAction; verb: string }> = {
  enable: { action: "COUPON_ENABLED", verb: "Enabled" },
  disable: { action: "COUPON_DISABLED", verb: "Disabled" },
  archive: { action: "COUPON_ARCHIVED", verb: "Archived" },
  restore: { action: "COUPON_RESTORED", verb: "Restored" },
};

/** What the audit log records of the fields a change touches. */
const recorded = (c: Pick<LockedCoupon, "status" | "archivedAt">) => ({ status: c.status, archivedAt: c.archivedAt });

export async function adminChangeCoupons(
  db: Db,
  actorId: string,
  couponIds: string[],
  change: CouponChange,
): Promise<AdminChangeResult> {
  const outcome = await runTransaction<CouponsChangeOutcome, never>(db, async (tx) => {
    const { before, changed } = await changeCoupons(tx, couponIds, change);
    const changedIds = new Set(changed.map((c) => c.id));
    const { action, verb } = AUDIT[change];
    const together = changed.length > 1 ? ` (one of ${plural(changed.length, "coupon")} changed together)` : "";
    for (const coupon of changed) {
      await recordAdminChange(tx, actorId, {
        action,
        targetType: "coupon",
        targetId: coupon.id,
        summary: `${verb} ${coupon.code}${together}`,
        before: recorded(before.find((b) => b.id === coupon.id)!),
        after: recorded(coupon),
      });
    }
    return {
      changed: changed.map(({ id, code }) => ({ id, code })),
      skipped: before
        .filter((c) => !changedIds.has(c.id))
        .map(({ id, code, archivedAt }) => ({
          id,
          code,
          why: change === "enable" && archivedAt ? "archived" : "unchanged",
        })),
      missing: couponIds.length - before.length,
    };
  });
  return outcome.kind === "committed" ? { ok: true, ...outcome.value } : { ok: false, reason: "busy" };
}
