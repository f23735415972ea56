import "server-only";
import { z } from "zod";
import { giveBackCouponUse } from "@/lib/coupon-use";
import type { Db } from "@/lib/db/client";
import { isForeignKeyViolation } from "@/lib/db/errors";
import { Rollback, runTransaction, type Tx } from "@/lib/db/transaction";
import { MAX_BALANCE_CENTS } from "@/lib/balance-limit";
import { idempotencyKeySchema } from "@/lib/codes";
import { fingerprint, type Once, runOnce } from "@/lib/idempotency";
import { credit } from "@/lib/ledger";
import { recordEvent } from "@/lib/webhooks/outbox";
import { type HeldHold, heldHoldSelect, type HoldView, holdViewSelect, toHoldView } from "./hold-view";

/**
 * Settling a hold: each move is one guarded status change, count checked, so capture, release, expiry
 * and refund racing on one hold have exactly one outcome:
 *   capture  HELD → CAPTURED  where expires_at > now (keeps the use and the credit: the sale stands)
 *   release  HELD → RELEASED  where expires_at > now (gives both back)
 *   expiry   HELD → EXPIRED   where expires_at <= now (gives both back; expireHolds, or a late capture or release)
 *   refund   CAPTURED: part of the credit (refunded + amount <= credit, CHECK behind it), or whole
 *            (CAPTURED → REFUNDED: the credit not yet refunded and the code's use go back, as a cancel)
 * The loser of a race reads the row only to explain: a second capture of a captured hold, or release of
 * a released one, answers the same success; a capture after expiry answers `expired`.
 *
 * Lock order: the hold row (its guarded UPDATE), then what giving back takes, in the order every path
 * shares (coupon_usages, users, the coupon's counter: lib/checkout/place-order.ts).
 */

export type SettleRefusal =
  /** No such hold, or not this customer's: the same answer, so ids reveal nothing. */
  | "not_found"
  /** It expired before it was captured: its use and credit went back. */
  | "expired"
  /** Captured (or refunded) already: a release comes too late; refund it instead. */
  | "hold_captured"
  /** Released already: there is nothing to capture. */
  | "hold_released"
  /** Not captured: there is nothing to refund (release a live hold instead). */
  | "hold_not_captured"
  /** More than the credit captured and not yet refunded. */
  | "refund_too_large"
  /** Not a whole number of cents above 0, or no idempotency key. */
  | "invalid_refund"
  | "idempotency_key_reused"
  /** Giving the credit back would take the wallet past its limit (lib/balance-limit.ts). */
  | "balance_limit"
  | "busy";

export type SettleResult =
  | {
      ok: true;
      hold: HoldView;
      /** False when an earlier call did it (this one changed nothing). */
      changed: boolean;
    }
  | {
      ok: false;
      reason: SettleRefusal;
      /** For refund_too_large: what is left to refund. */
      refundableCents?: number;
      /** For invalid_refund. */
      message?: string;
    };

export interface SettleInput {
  holdId: string;
  /** The customer the hold is for: another's hold is not_found. */
  userId: string;
  now?: Date;
}

type Settled = { ok: true; changed: boolean } | { ok: false; reason: SettleRefusal };

export function captureHold(db: Db, { holdId, userId, now = new Date() }: SettleInput): Promise<SettleResult> {
  return settle(db, holdId, async (tx) => {
    const captured = await tx.hold.updateMany({
      where: { id: holdId, userId, status: "HELD", expiresAt: { gt: now } },
      data: { status: "CAPTURED", capturedAt: now },
    });
    if (captured.count === 1) {
      await recordEvent(tx, { type: "hold.captured", data: { customerId: userId, holdId } });
      return { ok: true, changed: true };
    }
    // Past its time but not yet swept: it expires now, as the worker would have, and answers so.
    if (await expireHold(tx, { holdId, userId }, now)) return { ok: false, reason: "expired" };
    const status = await statusOf(tx, holdId, userId);
    if (status === "CAPTURED" || status === "REFUNDED") return { ok: true, changed: false };
    return {
      ok: false,
      reason: status === "EXPIRED" ? "expired" : status === "RELEASED" ? "hold_released" : "not_found",
    };
  });
}

export function releaseHold(db: Db, { holdId, userId, now = new Date() }: SettleInput): Promise<SettleResult> {
  return settle(db, holdId, async (tx) => {
    const [released] = await tx.hold.updateManyAndReturn({
      where: { id: holdId, userId, status: "HELD", expiresAt: { gt: now } },
      data: { status: "RELEASED", releasedAt: now },
      select: heldHoldSelect,
    });
    if (released) {
      await giveBack(tx, released, "HOLD_RETURN");
      await recordEvent(tx, { type: "hold.released", data: { customerId: userId, holdId } });
      return { ok: true, changed: true };
    }
    // Past its time: it expired rather than being released, with the same effect for the store.
    if (await expireHold(tx, { holdId, userId }, now)) return { ok: true, changed: true };
    const status = await statusOf(tx, holdId, userId);
    if (status === "RELEASED" || status === "EXPIRED") return { ok: true, changed: false };
    return { ok: false, reason: status ? "hold_captured" : "not_found" };
  });
}

export const HOLD_REFUND_SCOPE = "hold_refund";

export interface RefundInput extends SettleInput {
  /** Cents of the captured credit to give back; absent: the whole hold (the rest of its credit and its use). */
  amountCents?: number;
  /** Makes each refund once: a partial refund is not idempotent by the hold's state. */
  idempotencyKey: string;
}

const refundSchema = z.object({
  amountCents: z.number().int().min(1).max(MAX_BALANCE_CENTS).optional(),
  idempotencyKey: idempotencyKeySchema,
});

/**
 * A partial refund gives back credit only (the sale still stands, so the code's use stays taken); the
 * whole refund ends the hold as REFUNDED and gives back the rest of the credit and the use, as a cancel
 * does. Each refund is claimed by its key (lib/idempotency.ts, scope "hold_refund"): a retry answers
 * with the hold, refunding nothing twice; a refusal is the key's answer too.
 */
export async function refundHold(db: Db, input: RefundInput): Promise<SettleResult> {
  const { holdId, userId, now = new Date() } = input;
  if (!z.uuid().safeParse(holdId).success) return { ok: false, reason: "not_found" };
  const parsed = refundSchema.safeParse(input);
  if (!parsed.success) return { ok: false, reason: "invalid_refund", message: parsed.error.issues[0]?.message };
  const { amountCents, idempotencyKey } = parsed.data;
  const keyed = {
    scope: HOLD_REFUND_SCOPE,
    userId,
    key: idempotencyKey,
    fingerprint: fingerprint({ holdId, amountCents: amountCents ?? null }),
  };
  let once: Once<void, SettleRefusal>;
  try {
    once = await runOnce<void, SettleRefusal>(db, keyed, (tx) =>
      amountCents === undefined ? refundWhole(tx, holdId, userId, now) : refundPart(tx, holdId, userId, amountCents),
    );
  } catch (error) {
    // The key names its customer: an unknown one has no holds.
    if (isForeignKeyViolation(error)) return { ok: false, reason: "not_found" };
    throw error;
  }
  switch (once.kind) {
    case "done":
    case "replayed": {
      const hold = await db.hold.findUniqueOrThrow({ where: { id: holdId }, select: holdViewSelect });
      return { ok: true, hold: toHoldView(hold), changed: once.kind === "done" };
    }
    case "refused":
      return { ok: false, reason: once.reason, ...((once.detail ?? {}) as { refundableCents?: number }) };
    case "key_reused":
      return { ok: false, reason: "idempotency_key_reused" };
    case "busy":
      return { ok: false, reason: "busy" };
  }
}

/** refunded + amount <= credit, in the UPDATE that adds it (CHECK holds_refunded_within_captured behind it). */
async function refundPart(tx: Tx, holdId: string, userId: string, amountCents: number): Promise<void> {
  const [refunded] = await tx.$queryRaw<{ id: string }[]>`
    UPDATE "holds" SET "refunded_cents" = "refunded_cents" + ${amountCents}
    WHERE "id" = ${holdId}::uuid AND "user_id" = ${userId}::uuid AND "status" = 'CAPTURED'
      AND "refunded_cents" + ${amountCents} <= "credit_cents"
    RETURNING "id"`;
  if (!refunded) return refuseRefund(tx, holdId, userId);
  await returnCredit(tx, userId, holdId, amountCents, "HOLD_REFUND");
  await recordEvent(tx, { type: "hold.refunded", data: { customerId: userId, holdId, amountCents, whole: false } });
}

/**
 * CAPTURED → REFUNDED in one statement: the subquery locks the row and reads its refunded cents as they
 * are once every earlier refund has committed, so the rest given back is exactly what was not refunded.
 * A hold refunded whole already is a success that changes nothing.
 */
async function refundWhole(tx: Tx, holdId: string, userId: string, now: Date): Promise<void> {
  const [whole] = await tx.$queryRaw<{ coupon_id: string | null; rest: number }[]>`
    UPDATE "holds" h SET "status" = 'REFUNDED', "refunded_cents" = h."credit_cents", "refunded_at" = ${now}
    FROM (SELECT "id", "refunded_cents" FROM "holds" WHERE "id" = ${holdId}::uuid FOR UPDATE) before
    WHERE h."id" = before."id" AND h."user_id" = ${userId}::uuid AND h."status" = 'CAPTURED'
    RETURNING h."coupon_id", h."credit_cents" - before."refunded_cents" AS "rest"`;
  if (!whole) {
    if ((await statusOf(tx, holdId, userId)) === "REFUNDED") return;
    return refuseRefund(tx, holdId, userId);
  }
  await giveBack(tx, { id: holdId, userId, couponId: whole.coupon_id, creditCents: whole.rest }, "HOLD_REFUND");
  await recordEvent(tx, {
    type: "hold.refunded",
    data: { customerId: userId, holdId, amountCents: whole.rest, whole: true },
  });
}

/** Why a refund matched nothing; read only to explain, after the guarded UPDATE refused. */
async function refuseRefund(tx: Tx, holdId: string, userId: string): Promise<never> {
  const hold = await tx.hold.findFirst({
    where: { id: holdId, userId },
    select: { status: true, creditCents: true, refundedCents: true },
  });
  if (!hold) throw new Rollback<SettleRefusal>("not_found");
  if (hold.status !== "CAPTURED") throw new Rollback<SettleRefusal>("hold_not_captured");
  throw new Rollback<SettleRefusal>("refund_too_large", { refundableCents: hold.creditCents - hold.refundedCents });
}

/**
 * HELD → EXPIRED for a hold past its time, giving back what it held, inside the caller's transaction.
 * True when this call expired it. The expiry worker (expiry.ts) and a late capture or release share it.
 */
export async function expireHold(tx: Tx, { holdId, userId }: { holdId: string; userId?: string }, now: Date) {
  const [expired] = await tx.hold.updateManyAndReturn({
    where: { id: holdId, ...(userId ? { userId } : {}), status: "HELD", expiresAt: { lte: now } },
    data: { status: "EXPIRED", releasedAt: now },
    select: heldHoldSelect,
  });
  if (!expired) return false;
  await giveBack(tx, expired, "HOLD_RETURN");
  await recordEvent(tx, { type: "hold.expired", data: { customerId: expired.userId, holdId } });
  return true;
}

/**
 * Gives back what a hold took and no sale keeps: its live-order count, its credit and the code's use
 * (not as a revocation: the customer may use the code again), in the shared lock order.
 */
async function giveBack(tx: Tx, hold: HeldHold, kind: "HOLD_RETURN" | "HOLD_REFUND"): Promise<void> {
  const record = async () => {
    await tx.user.update({ where: { id: hold.userId }, data: { liveOrders: { decrement: 1 } } });
    await returnCredit(tx, hold.userId, hold.id, hold.creditCents, kind);
  };
  if (!hold.couponId) return record();
  const givenBack = await giveBackCouponUse(
    tx,
    { couponId: hold.couponId, userId: hold.userId, revoked: false },
    record,
  );
  // A live hold with a code always holds one use of it; anything else is corruption, not a user error.
  if (!givenBack.ok) throw new Error(`Hold ${hold.id} has a code but its coupon or usage counter holds no use.`);
}

async function returnCredit(
  tx: Tx,
  userId: string,
  holdId: string,
  amountCents: number,
  kind: "HOLD_RETURN" | "HOLD_REFUND",
) {
  if (amountCents === 0) return;
  const returned = await credit(tx, userId, amountCents, { kind, holdId });
  if (!returned.ok) throw new Rollback<SettleRefusal>("balance_limit");
}

async function statusOf(tx: Tx, holdId: string, userId: string) {
  return (await tx.hold.findFirst({ where: { id: holdId, userId }, select: { status: true } }))?.status ?? null;
}

/** Runs one settling move in its own transaction and answers with the hold as it is after it. */
async function settle(db: Db, holdId: string, move: (tx: Tx) => Promise<Settled>): Promise<SettleResult> {
  if (!z.uuid().safeParse(holdId).success) return { ok: false, reason: "not_found" };
  const outcome = await runTransaction<Settled, SettleRefusal>(db, move);
  switch (outcome.kind) {
    case "committed": {
      if (!outcome.value.ok) return outcome.value;
      const hold = await db.hold.findUniqueOrThrow({ where: { id: holdId }, select: holdViewSelect });
      return { ok: true, hold: toHoldView(hold), changed: outcome.value.changed };
    }
    case "rolled_back":
      return { ok: false, reason: outcome.reason };
    case "busy":
      return { ok: false, reason: "busy" };
  }
}
