import "server-only";
import type { Coupon } from "@/lib/generated/prisma/client";
import { type CouponRefusal, couponRefusal } from "./coupon-terms";
import { counterFor } from "./counters";
import { RetryTransaction, type Tx } from "./db/transaction";
import { recordEvent } from "./webhooks/outbox";

/**
 * THE exactly-once primitive: take one use of a coupon for a user, or give one back, inside the caller's
 * own transaction. Redeeming into store credit is one caller (lib/redemptions.ts); an order taking a
 * discount code is the next.
 *
 * Every limit is checked by the write that consumes it, a Prisma updateMany whose count is checked:
 * - per user: the user's coupon_usages row, `used < per_user_limit` (CHECK used <= per_user_limit), and
 *   for a coupon with `noRedeemAfterRevoke`, `revoked_uses = 0` (a revoked use is not taken again);
 * - globally: status, window and remaining uses on the row the coupon's uses are counted on, its own or a
 *   hot-coupon slot (lib/counters.ts), fenced by the terms version the caller acted on, so an admin's
 *   disable or edit either waits for this transaction or makes it start over (RetryTransaction).
 * A refusal is returned, typed, after writes may have happened: the caller rolls its transaction back
 * (throw Rollback with the reason). Nothing here reads a limit and then writes on the strength of it.
 */

export type CouponUseRefusal = CouponRefusal | "per_user_limit" | "revoked_before";

export interface CouponUseRequest {
  code: string;
  userId: string;
  /** The instant the validity window is judged at; defaults to now (tests pin it). */
  now?: Date;
}

export type CouponUse<T> = { ok: true; coupon: Coupon; value: T } | { ok: false; reason: CouponUseRefusal };

/**
 * Takes one use of `code` for `userId`. `record` runs between the user's use and the coupon's: it writes
 * what the use is for (a redemption and its credit, an order) from the terms it is given, which stay the
 * coupon's until commit, and may throw Rollback to refuse. Its value is returned with the use.
 */
export async function takeCouponUse<T>(
  tx: Tx,
  { code, userId, now: pinnedNow }: CouponUseRequest,
  record: (coupon: Coupon, now: Date) => Promise<T>,
): Promise<CouponUse<T>> {
  // A snapshot may refuse early (nothing is consumed by refusing); it never grants anything.
  const terms = await snapshotWithUsageRow(tx, code, userId);
  const early = couponRefusal(terms, pinnedNow ?? new Date());
  if (early || !terms) return { ok: false, reason: early ?? "unknown_code" };
  const counter = await counterFor(terms.counterMode).prepare(tx, terms);
  if (!counter.ok) return counter;

  const userUse = await takeUserUse(tx, terms, userId);
  if (!userUse.ok) return userUse;

  // Judged as late as possible: the window is checked at the instant the consuming UPDATE is sent.
  const now = pinnedNow ?? new Date();
  const value = await record(terms, now);

  // The coupon's use is taken last, so the row it is counted on (the one every user of this code
  // contends for) stays locked only from this statement to COMMIT.
  const taken = await counter.take(now);
  if (taken.ok) {
    if (taken.last) {
      const data = { couponId: terms.id, code: terms.code, maxRedemptions: terms.maxRedemptions! };
      await recordEvent(tx, { type: "coupon.exhausted", data });
    }
    return { ok: true, coupon: terms, value };
  }
  // Still usable means its terms changed since we read them (an admin edit): start over.
  if (taken.reason === "terms_changed") throw new RetryTransaction();
  return { ok: false, reason: taken.reason };
}

/**
 * The coupon's terms as they are now, and the user's usage row for it created if missing, in one
 * statement: the row guards nothing (the guarded updateMany in takeUserUse takes the use) and a refusal
 * rolls it back with the rest of the caller's transaction. Raw SQL, so each column is named for the
 * Coupon it becomes (test/statements.test.ts compares it with Prisma's own read of the row).
 */
export async function snapshotWithUsageRow(tx: Tx, code: string, userId: string): Promise<Coupon | null> {
  const [terms] = await tx.$queryRaw<Coupon[]>`
    WITH "terms" AS (SELECT * FROM "coupons" WHERE "code" = ${code}),
    "usage" AS (
      INSERT INTO "coupon_usages" ("coupon_id", "user_id", "used", "per_user_limit")
      SELECT "id", ${userId}::uuid, 0, "per_user_limit" FROM "terms" ON CONFLICT DO NOTHING)
    SELECT "id"::text AS "id", "code", "description", "kind"::text AS "kind", "value_cents" AS "valueCents",
      "percent_off" AS "percentOff", "max_discount_cents" AS "maxDiscountCents",
      "min_subtotal_cents" AS "minSubtotalCents", "max_redemptions" AS "maxRedemptions",
      "redeemed_count" AS "redeemedCount", "counter_mode"::text AS "counterMode", "terms_version" AS "termsVersion",
      "per_user_limit" AS "perUserLimit", "starts_at" AS "startsAt", "expires_at" AS "expiresAt",
      "status"::text AS "status", "created_at" AS "createdAt", "updated_at" AS "updatedAt",
      "batch_id"::text AS "batchId", "no_redeem_after_revoke" AS "noRedeemAfterRevoke",
      "first_order_only" AS "firstOrderOnly", "archived_at" AS "archivedAt"
    FROM "terms"`;
  return terms ?? null;
}

/**
 * The per-user limit is copied onto the usage row, so its CHECK enforces any limit, not only 1. The
 * option read from the snapshot is fenced like every term: an admin changing it bumps the terms
 * version, and the coupon's counter then sends this transaction back to start over.
 */
async function takeUserUse(
  tx: Tx,
  terms: Coupon,
  userId: string,
): Promise<{ ok: true } | { ok: false; reason: "per_user_limit" | "revoked_before" }> {
  const usage = await tx.couponUsage.updateMany({
    where: {
      couponId: terms.id,
      userId,
      used: { lt: terms.perUserLimit },
      ...(terms.noRedeemAfterRevoke ? { revokedUses: 0 } : {}),
    },
    data: { used: { increment: 1 }, perUserLimit: terms.perUserLimit },
  });
  if (usage.count === 1) return { ok: true };
  if (!terms.noRedeemAfterRevoke) return { ok: false, reason: "per_user_limit" };
  // Refused either way; this read only chooses which reason to give.
  const row = await tx.couponUsage.findUniqueOrThrow({
    where: { couponId_userId: { couponId: terms.id, userId } },
    select: { revokedUses: true },
  });
  return { ok: false, reason: row.revokedUses > 0 ? "revoked_before" : "per_user_limit" };
}

export type GiveBack<T> = { ok: true; value: T } | { ok: false; reason: "no_use_held" };

/**
 * Gives back one use of `couponId` that `userId` holds: the user's, then (after `record`, which writes
 * the reversal and may throw Rollback) the coupon's, in the same lock order as taking one, so the two
 * never deadlock. `revoked` counts it as a revoked use (which a coupon with `noRedeemAfterRevoke` does not
 * let the user take again); a use given back for another reason does not count. `no_use_held` means the counters held no use to give back: for a caller that knows a
 * use is held (an active redemption) that is corruption, not a user error.
 */
export async function giveBackCouponUse<T>(
  tx: Tx,
  { couponId, userId, revoked }: { couponId: string; userId: string; revoked: boolean },
  record: () => Promise<T>,
): Promise<GiveBack<T>> {
  const usage = await tx.couponUsage.updateMany({
    where: { couponId, userId, used: { gt: 0 } },
    data: { used: { decrement: 1 }, ...(revoked ? { revokedUses: { increment: 1 } } : {}) },
  });
  const value = await record();
  const givenBack = await giveBackToCounter(tx, couponId);
  return givenBack && usage.count === 1 ? { ok: true, value } : { ok: false, reason: "no_use_held" };
}

/** Gives the coupon's use back wherever it is counted; a counter moved by an admin meanwhile means start over. */
async function giveBackToCounter(tx: Tx, couponId: string): Promise<boolean> {
  const { counterMode } = await tx.coupon.findUniqueOrThrow({ where: { id: couponId }, select: { counterMode: true } });
  if (await counterFor(counterMode).giveBack(tx, couponId)) return true;
  const current = await tx.coupon.findUniqueOrThrow({ where: { id: couponId }, select: { counterMode: true } });
  if (current.counterMode !== counterMode) throw new RetryTransaction();
  return false;
}
