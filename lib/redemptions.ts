import "server-only";
import { z } from "zod";
import { auditedAttempt, type RequestMeta, recordAttempt } from "./attempts";
import { couponCodeSchema, idempotencyKeySchema } from "./codes";
import { giveBackCouponUse, takeCouponUse, type CouponUseRefusal } from "./coupon-use";
import { creditValue } from "./coupon-value";
import type { Db } from "./db/client";
import { isForeignKeyViolation } from "./db/errors";
import { type RefusalDetail, Rollback, runTransaction, type Tx } from "./db/transaction";
import { fingerprint, type KeyedRequest, keyInsert, type Once, runOnce } from "./idempotency";
import { addCredit, debit } from "./ledger";
import { Prisma } from "@/lib/generated/prisma/client";
import { recordEvent } from "@/lib/webhooks/outbox";

/**
 * Redeeming a coupon into store credit, and reversing it: two callers of the exactly-once primitive.
 *
 * Redeem is one transaction: claim the idempotency key (lib/idempotency.ts), take one use of the coupon
 * for the user (lib/coupon-use.ts: per-user and global guards, terms fenced), and in between write the
 * redemption and its credit (lib/ledger.ts) for what the coupon is worth (lib/coupon-value.ts). The
 * redemption, the balance and the ledger entry commit together with the use, or none of them does.
 * Revoke is guarded on the redemption still being active, gives the use back and debits the credit.
 */

export type RedeemRefusal =
  | CouponUseRefusal
  | "invalid_code"
  /** A discount code: it is used at checkout, not turned into credit. */
  | "not_applicable"
  | "invalid_idempotency_key"
  | "idempotency_key_reused"
  | "unknown_user"
  /** Crediting the coupon would take the wallet past its limit (lib/balance-limit.ts MAX_BALANCE_CENTS). */
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
  const { result, couponId, attemptRecorded } = await decideRedemption(db, input);
  if (attemptRecorded) return result;
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
  /** A redemption's attempt row commits with it (bookRedemption); every other outcome's is written after. */
  attemptRecorded?: boolean;
}

export const REDEEM_SCOPE = "redeem";

/** A redeem request's idempotency key: one per user, naming one (normalised) code. */
export function redeemKey(userId: string, idempotencyKey: string, code: string): KeyedRequest {
  return { scope: REDEEM_SCOPE, userId, key: idempotencyKey, fingerprint: fingerprint({ code }) };
}

interface Redeemed {
  redemption: RedemptionSummary;
  balanceCents: number;
}

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
  const request = {
    userId: input.userId,
    code: code.data,
    codeTyped: input.code,
    idempotencyKey: key.data,
    meta: input.meta ?? {},
    now: input.now,
  };
  const keyed = redeemKey(request.userId, request.idempotencyKey, request.code);

  let once: Once<Redeemed, RedeemRefusal>;
  /** Set when this call stored its refusal: the coupon as the same statement read it (null: no such code). */
  let refusedCoupon: RefusedCoupon | null | undefined;
  try {
    once = await runOnce<Redeemed, RedeemRefusal>(
      db,
      keyed,
      (tx, redemptionId) => redeemInTransaction(tx, request, redemptionId),
      async (_, refused, reason, detail) => {
        const stored = await storeRefusalWithAttempt(db, request, refused, reason, detail);
        if (stored.stored) refusedCoupon = stored.coupon;
        return stored.stored;
      },
    );
  } catch (error) {
    if (isForeignKeyViolation(error))
      return { result: { ok: false, reason: "unknown_user", replayed: false }, couponId: null };
    throw error;
  }
  switch (once.kind) {
    case "done": {
      const { redemption, balanceCents } = once.value;
      return {
        result: { ok: true, redemption, balanceCents, replayed: false },
        couponId: redemption.couponId,
        attemptRecorded: true,
      };
    }
    case "replayed":
      return replayRedemption(db, once.resultId);
    case "refused":
      if (refusedCoupon !== undefined) {
        const window = refusedCoupon
          ? { startsAt: refusedCoupon.startsAt, expiresAt: refusedCoupon.expiresAt }
          : undefined;
        return {
          result: { ok: false, reason: once.reason, replayed: false, window },
          couponId: refusedCoupon?.id ?? null,
          attemptRecorded: true,
        };
      }
      return refusalWithWindow(db, request.code, once.reason, once.replayed);
    case "key_reused":
      return { result: { ok: false, reason: "idempotency_key_reused", replayed: true }, couponId: null };
    case "busy":
      return { result: { ok: false, reason: "busy", replayed: false }, couponId: null };
  }
}

interface Request {
  userId: string;
  code: string;
  /** The code as the user typed it, for the attempts log. */
  codeTyped: string;
  idempotencyKey: string;
  meta: RequestMeta;
  now?: Date;
}

/** Runs after the key was claimed, in its transaction; the redemption gets the id the key will answer with. */
async function redeemInTransaction(tx: Tx, request: Request, redemptionId: string): Promise<Redeemed> {
  const { userId, code, now } = request;
  const use = await takeCouponUse(tx, { code, userId, now }, async (coupon, at) => {
    if (coupon.kind !== "CREDIT") throw new Rollback<RedeemRefusal>("not_applicable");
    const amountCents = creditValue(coupon);
    // The balance bound is a guard: its own guarded update, count checked, before anything is booked.
    const credited = await addCredit(tx, userId, amountCents);
    if (!credited.ok) throw new Rollback<RedeemRefusal>(credited.reason);
    const redemption = { id: redemptionId, couponId: coupon.id, code: coupon.code, amountCents, createdAt: at };
    await bookRedemption(tx, request, redemption, credited);
    return { redemption, balanceCents: credited.balanceCents };
  });
  if (!use.ok) throw new Rollback<RedeemRefusal>(use.reason);
  return use.value;
}

/**
 * Writes what a redemption leaves behind, none of which guards anything: the redemption row, its ledger
 * entry (with the running balance the guarded credit returned), its attempt row and its webhook event
 * (lib/webhooks/outbox.ts), as one statement, so a redemption costs one round trip and one commit for
 * its bookkeeping instead of five statements and a second commit. The ledger entry's foreign key to the
 * redemption is checked at the end of the statement.
 */
async function bookRedemption(
  tx: Tx,
  { userId, codeTyped, idempotencyKey, meta }: Request,
  { id: redemptionId, couponId, code, amountCents, createdAt }: RedemptionSummary,
  { balanceCents }: { balanceCents: number },
): Promise<void> {
  const attempt = auditedAttempt({
    userId,
    couponId,
    codeTyped,
    outcome: "REDEEMED",
    reason: null,
    replayed: false,
    idempotencyKey,
    redemptionId,
    meta,
  });
  const event = { customerId: userId, redemptionId, couponId, code, amountCents };
  await recordEvent(
    tx,
    { type: "redemption.created", data: event },
    Prisma.sql`
    "redemption" AS (
      INSERT INTO "redemptions" ("id", "coupon_id", "user_id", "amount_cents", "idempotency_key", "created_at")
      VALUES (${redemptionId}::uuid, ${couponId}::uuid, ${userId}::uuid, ${amountCents}, ${idempotencyKey}, ${createdAt}::timestamptz)
    ), "entry" AS (
      INSERT INTO "ledger_entries" ("user_id", "amount_cents", "kind", "balance_after_cents", "redemption_id")
      VALUES (${userId}::uuid, ${amountCents}, 'COUPON_CREDIT', ${balanceCents}, ${redemptionId}::uuid)
    ), "attempt" AS (
      INSERT INTO "redemption_attempts"
        ("user_id", "coupon_id", "code_typed", "outcome", "replayed", "idempotency_key", "redemption_id", "ip", "user_agent")
      VALUES (${userId}::uuid, ${couponId}::uuid, ${attempt.codeTyped}, 'REDEEMED', false, ${attempt.idempotencyKey},
              ${redemptionId}::uuid, ${attempt.ip}, ${attempt.userAgent})
    )`,
  );
}

interface RefusedCoupon {
  id: string;
  startsAt: Date | null;
  expiresAt: Date | null;
}

/**
 * A refusal this call decided, after its transaction rolled back: the key's answer, the attempt row and
 * the read of the coupon's window in one statement (and one commit) instead of three statements and two
 * commits. The attempt row is written only with the key: a duplicate that decided first is replayed and
 * logged as a replay (redeemCoupon). Neither write guards anything; both are what a refusal leaves behind.
 */
async function storeRefusalWithAttempt(
  db: Db,
  { userId, code, codeTyped, idempotencyKey, meta }: Request,
  keyed: KeyedRequest,
  reason: string,
  detail: RefusalDetail | undefined,
): Promise<{ stored: boolean; coupon: RefusedCoupon | null }> {
  const attempt = auditedAttempt({
    userId,
    couponId: null,
    codeTyped,
    outcome: "REFUSED",
    reason,
    replayed: false,
    idempotencyKey,
    redemptionId: null,
    meta,
  });
  const [row] = await db.$queryRaw<({ stored: boolean } & Partial<RefusedCoupon>)[]>`
    WITH "key" AS (${keyInsert(keyed, "REFUSED", { reason, detail })}),
    "coupon" AS (SELECT "id", "starts_at", "expires_at" FROM "coupons" WHERE "code" = ${code}),
    "attempt" AS (
      INSERT INTO "redemption_attempts"
        ("user_id", "coupon_id", "code_typed", "outcome", "reason", "replayed", "idempotency_key", "ip", "user_agent")
      SELECT ${userId}::uuid, (SELECT "id" FROM "coupon"), ${attempt.codeTyped}, 'REFUSED', ${attempt.reason}, false,
             ${attempt.idempotencyKey}, ${attempt.ip}, ${attempt.userAgent}
      FROM "key")
    SELECT EXISTS (SELECT 1 FROM "key") AS "stored", "coupon"."id"::text AS "id",
           "coupon"."starts_at" AS "startsAt", "coupon"."expires_at" AS "expiresAt"
    FROM (SELECT 1) AS "one" LEFT JOIN "coupon" ON true`;
  const coupon = row?.id ? { id: row.id, startsAt: row.startsAt ?? null, expiresAt: row.expiresAt ?? null } : null;
  return { stored: row?.stored === true, coupon };
}

/** A refusal, with the coupon's window so the message can say "expired on …" or "valid from …". */
async function refusalWithWindow(db: Db, code: string, reason: RedeemRefusal, replayed: boolean): Promise<Decision> {
  const coupon = await db.coupon.findUnique({ where: { code } });
  const window = coupon ? { startsAt: coupon.startsAt, expiresAt: coupon.expiresAt } : undefined;
  return { result: { ok: false, reason, replayed, window }, couponId: coupon?.id ?? null };
}

/** The answer of an already-redeemed key, rebuilt from the redemption it produced. */
async function replayRedemption(db: Db, redemptionId: string): Promise<Decision> {
  const redemption = await db.redemption.findUniqueOrThrow({
    where: { id: redemptionId },
    select: {
      id: true,
      couponId: true,
      amountCents: true,
      createdAt: true,
      coupon: { select: { code: true } },
      ledger: { where: { kind: "COUPON_CREDIT" }, select: { balanceAfterCents: true } },
    },
  });
  const { coupon, ledger, ...summary } = redemption;
  return {
    result: {
      ok: true,
      redemption: { ...summary, code: coupon.code },
      // The balance right after this redemption, so every replay shows the same answer.
      balanceCents: ledger[0]?.balanceAfterCents ?? 0,
      replayed: true,
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

  // The user's use, the debit (the user's row), then the coupon's counter: redeem's lock order, so the two never deadlock.
  const givenBack = await giveBackCouponUse(tx, { ...redemption, revoked: true }, async () => {
    const debited = await debit(tx, redemption.userId, redemption.amountCents, {
      kind: "COUPON_REVOCATION",
      redemptionId,
    });
    if (!debited.ok) throw new Rollback<RevokeRefusal>("credit_already_spent");
    return debited.balanceCents;
  });
  if (!givenBack.ok) {
    // An active redemption always holds one use of each; anything else is corruption, not a user error.
    throw new Error(`Redemption ${redemptionId} is active but its coupon or usage counter holds no use.`);
  }
  await recordEvent(tx, {
    type: "redemption.revoked",
    data: {
      customerId: redemption.userId,
      redemptionId,
      amountCents: redemption.amountCents,
      balanceCents: givenBack.value,
    },
  });
  return { redemptionId, balanceCents: givenBack.value, alreadyRevoked: false };
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
