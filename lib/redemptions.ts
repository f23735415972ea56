import "server-only";
import { z } from "zod";
import { type RequestMeta, recordAttempt } from "./attempts";
import { couponCodeSchema, idempotencyKeySchema } from "./codes";
import { type CouponRefusal, couponRefusal, redeemableCouponWhere } from "./coupons";
import type { Db } from "./db/client";
import { isForeignKeyViolation } from "./db/errors";
import { Rollback, RetryTransaction, runTransaction, type Tx } from "./db/transaction";
import { giveBackSlotUse, openSlots, takeSlotUse } from "./counters";
import type { Coupon } from "@/lib/generated/prisma/client";
import { credit, debit } from "./ledger";

/**
 * Redeeming a coupon into store credit, and reversing it, exactly once.
 *
 * Every limit is checked by the write that consumes it: the coupon's status, window and remaining uses
 * by one guarded UPDATE of the row its uses are counted on (the coupon's own, or in hot-coupon mode a
 * slot whose terms version pins the terms judged, see lib/counters.ts), the per-user limit by a guarded UPDATE of the user's usage row (backed by a
 * CHECK), idempotency by the primary key of redemption_requests. The redemption, the balance and the
 * ledger entry commit in the same transaction, or none of them does.
 */

export type RedeemRefusal =
  | CouponRefusal
  | "invalid_code"
  | "invalid_idempotency_key"
  | "per_user_limit"
  | "idempotency_key_reused"
  | "unknown_user"
  /** Crediting the coupon would take the wallet past its limit (lib/ledger.ts MAX_BALANCE_CENTS). */
  | "balance_limit"
  /** The database was unreachable or overloaded; nothing happened, retry with the same key. */
  | "busy";

export interface RedemptionSummary {
  id: string;
  couponId: string;
  code: string;
  amountCents: number;
  createdAt: Date;
}

export type RedeemResult =
  | { ok: true; redemption: RedemptionSummary; balanceCents: number; replayed: boolean }
  | {
      ok: false;
      reason: RedeemRefusal;
      replayed: boolean;
      /** Validation message for invalid_code / invalid_idempotency_key. */
      message?: string;
      /** The coupon's window, so a refusal can say "expired on …" or "valid from …". */
      window?: { startsAt: Date | null; expiresAt: Date | null };
    };

export interface RedeemInput {
  userId: string;
  code: string;
  idempotencyKey: string;
  meta?: RequestMeta;
  /** The instant the validity window is judged at; defaults to now (tests pin it). */
  now?: Date;
}

export async function redeemCoupon(db: Db, input: RedeemInput): Promise<RedeemResult> {
  const { result, couponId } = await decideRedemption(db, input);
  await recordAttempt(db, {
    userId: result.ok || result.reason !== "unknown_user" ? input.userId : null,
    couponId,
    codeTyped: input.code,
    outcome: result.ok ? "REDEEMED" : "REFUSED",
    reason: result.ok ? null : result.reason,
    replayed: result.replayed,
    idempotencyKey: input.idempotencyKey,
    redemptionId: result.ok ? result.redemption.id : null,
    meta: input.meta ?? {},
  });
  return result;
}

interface Decision {
  result: RedeemResult;
  couponId: string | null;
}

type Redeemed = { kind: "redeemed"; redemption: RedemptionSummary; balanceCents: number } | { kind: "key_taken" };

async function decideRedemption(db: Db, input: RedeemInput): Promise<Decision> {
  const code = couponCodeSchema.safeParse(input.code);
  if (!code.success) {
    return {
      result: { ok: false, reason: "invalid_code", replayed: false, message: code.error.issues[0]?.message },
      couponId: null,
    };
  }
  const key = idempotencyKeySchema.safeParse(input.idempotencyKey);
  if (!key.success) {
    return {
      result: { ok: false, reason: "invalid_idempotency_key", replayed: false, message: key.error.issues[0]?.message },
      couponId: null,
    };
  }
  const request = { userId: input.userId, code: code.data, idempotencyKey: key.data, now: input.now };

  let outcome;
  try {
    outcome = await runTransaction<Redeemed, RedeemRefusal>(db, (tx) => redeemInTransaction(tx, request));
  } catch (error) {
    if (isForeignKeyViolation(error))
      return { result: { ok: false, reason: "unknown_user", replayed: false }, couponId: null };
    throw error;
  }
  switch (outcome.kind) {
    case "busy":
      return { result: { ok: false, reason: "busy", replayed: false }, couponId: null };
    case "committed":
      if (outcome.value.kind === "redeemed") {
        const { redemption, balanceCents } = outcome.value;
        return { result: { ok: true, redemption, balanceCents, replayed: false }, couponId: redemption.couponId };
      }
      return answerFromRecord(db, request, true);
    case "rolled_back":
      return settleRefusal(db, request, outcome.reason);
  }
}

interface Request {
  userId: string;
  code: string;
  idempotencyKey: string;
  now?: Date;
}

async function redeemInTransaction(
  tx: Tx,
  { userId, code, idempotencyKey, now: pinnedNow }: Request,
): Promise<Redeemed> {
  // Claim the key first. A concurrent duplicate blocks on this insert until we commit or roll back,
  // so duplicates never do the work twice; a committed claim means the key was already decided.
  const claim = await tx.redemptionRequest.createMany({
    data: [{ userId, idempotencyKey, code, outcome: "REDEEMED" }],
    skipDuplicates: true,
  });
  if (claim.count === 0) return { kind: "key_taken" };

  // A snapshot may refuse early (nothing is consumed by refusing); it never grants anything.
  const terms = await tx.coupon.findUnique({ where: { code } });
  const early = couponRefusal(terms, pinnedNow ?? new Date());
  if (early || !terms) throw new Rollback(early ?? "unknown_code");
  const slots = terms.counterMode === "SLOTS" ? await openSlots(tx, terms.id) : null;
  if (slots?.length === 0) throw new Rollback("exhausted");

  await tx.couponUsage.createMany({
    data: [{ couponId: terms.id, userId, used: 0, perUserLimit: terms.perUserLimit }],
    skipDuplicates: true,
  });
  const usage = await tx.couponUsage.updateMany({
    where: { couponId: terms.id, userId, used: { lt: terms.perUserLimit } },
    data: { used: { increment: 1 }, perUserLimit: terms.perUserLimit },
  });
  if (usage.count !== 1) throw new Rollback("per_user_limit");

  // Judged as late as possible: the window is checked at the instant the consuming UPDATE is sent.
  const now = pinnedNow ?? new Date();
  const redemption = await tx.redemption.create({
    data: { couponId: terms.id, userId, amountCents: terms.valueCents, idempotencyKey, createdAt: now },
    select: { id: true, couponId: true, amountCents: true, createdAt: true },
  });
  const credited = await credit(tx, userId, terms.valueCents, { kind: "COUPON_CREDIT", redemptionId: redemption.id });
  if (!credited.ok) throw new Rollback(credited.reason);
  const { balanceCents } = credited;

  // The coupon's use is taken last, so the row it is counted on (the one every redeemer of this code
  // contends for) stays locked only from this statement to COMMIT.
  if (slots) await takeUseFromSlots(tx, terms, slots, now);
  else await takeUseFromCouponRow(tx, terms, now);
  return { kind: "redeemed", redemption: { ...redemption, code: terms.code }, balanceCents };
}

/** One guarded UPDATE of the coupon row whose where-clause carries every coupon-level limit. */
async function takeUseFromCouponRow(tx: Tx, terms: Coupon, now: Date): Promise<void> {
  const consumed = await tx.coupon.updateMany({
    where: redeemableCouponWhere(tx, terms, now),
    data: { redeemedCount: { increment: 1 } },
  });
  if (consumed.count === 1) return;
  const refusal = couponRefusal(await tx.coupon.findUnique({ where: { id: terms.id } }), now);
  // Still redeemable means its terms changed since we read them (an admin edit): start over.
  if (!refusal) throw new RetryTransaction();
  throw new Rollback(refusal);
}

/**
 * Hot-coupon mode: the slot's guarded UPDATE requires the terms version judged here, so these terms
 * (status, window, value, limits) are the coupon's until this transaction commits.
 */
async function takeUseFromSlots(tx: Tx, terms: Coupon, open: number[], now: Date): Promise<void> {
  const refusal = couponRefusal(terms, now);
  if (refusal) throw new Rollback(refusal);
  switch (await takeSlotUse(tx, terms, open)) {
    case "taken":
      return;
    case "exhausted":
      throw new Rollback("exhausted");
    case "terms_changed":
      throw new RetryTransaction();
  }
}

/**
 * Stores a refusal as the key's outcome, unless a concurrent duplicate with the same key decided first,
 * in which case that outcome is the answer: every caller of one key gets the same answer.
 */
async function settleRefusal(db: Db, request: Request, reason: RedeemRefusal): Promise<Decision> {
  const stored = await db.redemptionRequest.createMany({
    data: [
      {
        userId: request.userId,
        idempotencyKey: request.idempotencyKey,
        code: request.code,
        outcome: "REFUSED",
        reason,
      },
    ],
    skipDuplicates: true,
  });
  return answerFromRecord(db, request, stored.count === 0);
}

/** Rebuilds the answer of an already-decided key from what was committed for it. */
async function answerFromRecord(db: Db, request: Request, replayed: boolean): Promise<Decision> {
  const record = await db.redemptionRequest.findUniqueOrThrow({
    where: { userId_idempotencyKey: { userId: request.userId, idempotencyKey: request.idempotencyKey } },
  });
  if (record.code !== request.code) {
    return { result: { ok: false, reason: "idempotency_key_reused", replayed: true }, couponId: null };
  }
  const coupon = await db.coupon.findUnique({ where: { code: record.code } });
  if (record.outcome === "REFUSED") {
    const reason = record.reason as RedeemRefusal;
    const window = coupon ? { startsAt: coupon.startsAt, expiresAt: coupon.expiresAt } : undefined;
    return { result: { ok: false, reason, replayed, window }, couponId: coupon?.id ?? null };
  }
  const redemption = await db.redemption.findUniqueOrThrow({
    where: { userId_idempotencyKey: { userId: request.userId, idempotencyKey: request.idempotencyKey } },
    select: {
      id: true,
      couponId: true,
      amountCents: true,
      createdAt: true,
      coupon: { select: { code: true } },
      ledger: { where: { kind: "COUPON_CREDIT" }, select: { balanceAfterCents: true } },
    },
  });
  const { coupon: redeemed, ledger, ...summary } = redemption;
  return {
    result: {
      ok: true,
      redemption: { ...summary, code: redeemed.code },
      // The balance right after this redemption, so every replay shows the same answer.
      balanceCents: ledger[0]?.balanceAfterCents ?? 0,
      replayed,
    },
    couponId: summary.couponId,
  };
}

// ---------------------------------------------------------------------------------------------
// Revocation (admin reversal)

export type RevokeRefusal = "not_found" | "credit_already_spent" | "busy";

export type RevokeResult =
  | { ok: true; redemptionId: string; balanceCents: number; alreadyRevoked: boolean }
  | { ok: false; reason: RevokeRefusal };

type Revoked = { redemptionId: string; balanceCents: number; alreadyRevoked: boolean };

/**
 * Reverses a redemption: the coupon use and the per-user use are given back and the credit is debited.
 * The status guard makes it idempotent and safe against concurrent revokes; the debit is guarded, so a
 * user who already spent the credit makes the whole reversal refuse rather than go negative.
 */
export async function revokeRedemption(
  db: Db,
  input: { redemptionId: string; revokedById: string; now?: Date },
): Promise<RevokeResult> {
  if (!z.uuid().safeParse(input.redemptionId).success) return { ok: false, reason: "not_found" };
  const outcome = await runTransaction<Revoked, RevokeRefusal>(db, (tx) => revokeInTransaction(tx, input));
  switch (outcome.kind) {
    case "committed":
      return { ok: true, ...outcome.value };
    case "rolled_back":
      return { ok: false, reason: outcome.reason };
    case "busy":
      return { ok: false, reason: "busy" };
  }
}

async function revokeInTransaction(
  tx: Tx,
  { redemptionId, revokedById, now = new Date() }: { redemptionId: string; revokedById: string; now?: Date },
): Promise<Revoked> {
  const [redemption] = await tx.redemption.updateManyAndReturn({
    where: { id: redemptionId, status: "ACTIVE" },
    data: { status: "REVOKED", revokedAt: now, revokedById },
    select: { id: true, couponId: true, userId: true, amountCents: true },
  });
  if (!redemption) return previousRevocation(tx, redemptionId);

  // Same lock order as redeeming (usage row, user row, then the coupon's counter), so the two never deadlock.
  const usage = await tx.couponUsage.updateMany({
    where: { couponId: redemption.couponId, userId: redemption.userId, used: { gt: 0 } },
    data: { used: { decrement: 1 } },
  });
  const debited = await debit(tx, redemption.userId, redemption.amountCents, {
    kind: "COUPON_REVOCATION",
    redemptionId,
  });
  if (!debited.ok) throw new Rollback("credit_already_spent");
  const givenBack = await giveBackCouponUse(tx, redemption.couponId);
  if (!givenBack || usage.count !== 1) {
    // An active redemption always holds one use of each; anything else is corruption, not a user error.
    throw new Error(`Redemption ${redemptionId} is active but its coupon or usage counter holds no use.`);
  }
  return { redemptionId, balanceCents: debited.balanceCents, alreadyRevoked: false };
}

/** Gives the coupon's use back wherever it is counted; a counter moved by an admin meanwhile means start over. */
async function giveBackCouponUse(tx: Tx, couponId: string): Promise<boolean> {
  const { counterMode } = await tx.coupon.findUniqueOrThrow({ where: { id: couponId }, select: { counterMode: true } });
  const givenBack =
    counterMode === "SLOTS"
      ? await giveBackSlotUse(tx, couponId)
      : (
          await tx.coupon.updateMany({
            where: { id: couponId, counterMode, redeemedCount: { gt: 0 } },
            data: { redeemedCount: { decrement: 1 } },
          })
        ).count === 1;
  if (givenBack) return true;
  const current = await tx.coupon.findUniqueOrThrow({ where: { id: couponId }, select: { counterMode: true } });
  if (current.counterMode !== counterMode) throw new RetryTransaction();
  return false;
}

/** A revoke that matched no active redemption: either it never existed or it was revoked already. */
async function previousRevocation(tx: Tx, redemptionId: string): Promise<Revoked> {
  const reversal = await tx.ledgerEntry.findUnique({
    where: { redemptionId_kind: { redemptionId, kind: "COUPON_REVOCATION" } },
    select: { balanceAfterCents: true },
  });
  if (!reversal) throw new Rollback("not_found");
  return { redemptionId, balanceCents: reversal.balanceAfterCents, alreadyRevoked: true };
}
