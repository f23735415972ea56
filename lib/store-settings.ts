import "server-only";
import type { Db } from "@/lib/db/client";
import { runTransaction } from "@/lib/db/transaction";
import { recordAdminChange } from "@/lib/admin-changes";
import { DEFAULT_TIME_ZONE, isTimeZone } from "./time-zones";
import { namesADate } from "./messages";
import type { RedeemResult } from "./redemptions";

/**
 * The store's settings (one row, store_settings): today the time zone in which admins see dates and type
 * coupon windows. Customers see dates in their own browser's zone whatever this says.
 */

/** The store's zone; UTC if the stored name is one this runtime no longer knows (an older ICU). */
export async function getStoreTimeZone(db: Db): Promise<string> {
  const settings = await db.storeSettings.findUnique({ where: { id: true }, select: { timeZone: true } });
  return settings && isTimeZone(settings.timeZone) ? settings.timeZone : DEFAULT_TIME_ZONE;
}

/**
 * The zone a redeem answer names its date in: the store's, read only when the answer has a date, so the
 * refusals of a burst ("used up", 499 times) cost no extra query.
 */
export async function messageTimeZone(db: Db, result: RedeemResult): Promise<string> {
  return namesADate(result) ? getStoreTimeZone(db) : DEFAULT_TIME_ZONE;
}

export type SetTimeZoneResult =
  { ok: true; timeZone: string; changed: boolean } | { ok: false; reason: "unknown_zone" | "busy" };

/** Sets the store's zone; the change and its audit entry (before → after) commit together. */
export async function setStoreTimeZone(db: Db, actorId: string, timeZone: string): Promise<SetTimeZoneResult> {
  if (!isTimeZone(timeZone)) return { ok: false, reason: "unknown_zone" };
  const outcome = await runTransaction<boolean, never>(db, async (tx) => {
    // Locks the row, so two admins saving at once are audited in the order they committed.
    const [before] = await tx.$queryRaw<{ time_zone: string }[]>`
      SELECT time_zone FROM store_settings WHERE id FOR UPDATE`;
    if (before?.time_zone === timeZone) return false;
    // The migration inserted the one row; it is never deleted.
    await tx.storeSettings.update({ where: { id: true }, data: { timeZone, updatedAt: new Date() } });
    await recordAdminChange(tx, actorId, {
      action: "SETTINGS_CHANGED",
      targetType: "settings",
      targetId: "store",
      summary: `Store time zone set to ${timeZone}`,
      before: { timeZone: before?.time_zone ?? DEFAULT_TIME_ZONE },
      after: { timeZone },
    });
    return true;
  });
  if (outcome.kind === "committed") return { ok: true, timeZone, changed: outcome.value };
  return { ok: false, reason: "busy" };
}
