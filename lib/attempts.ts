import "server-only";
import type { Db } from "./db/client";
import type { AttemptOutcome, AttemptSource } from "./generated/prisma/client";
import { truncateForAudit } from "./codes";

/** What the audit pages know about where a request came from. */
export interface RequestMeta {
  ip?: string | null;
  userAgent?: string | null;
}

export interface AttemptRecord {
  userId: string | null;
  couponId: string | null;
  codeTyped: string;
  outcome: AttemptOutcome;
  /** Where the code was tried: the redeem form or API (the default), or the cart's code preview. */
  source?: AttemptSource;
  reason: string | null;
  replayed: boolean;
  idempotencyKey: string | null;
  redemptionId: string | null;
  meta: RequestMeta;
}

/**
 * Appends one row to the attempts log for a refused, replayed or previewed request. It runs after the request's
 * transaction has settled and in a statement of its own, so it can neither undo nor fake a redemption;
 * if it fails, the outcome the caller gets is unchanged and the failure is logged. A redemption's own
 * attempt row commits with it instead (lib/redemptions.ts), so a success costs no second commit.
 */
export async function recordAttempt(db: Db, attempt: AttemptRecord): Promise<void> {
  try {
    await db.redemptionAttempt.create({ data: auditedAttempt(attempt) });
  } catch (error) {
    console.error("[once] could not record a redemption attempt:", error);
  }
}

/** The row an attempt is logged as: client-supplied text made printable and cut to the audit's lengths. */
export function auditedAttempt(attempt: AttemptRecord) {
  return {
    userId: attempt.userId,
    couponId: attempt.couponId,
    codeTyped: truncateForAudit(attempt.codeTyped),
    outcome: attempt.outcome,
    source: attempt.source ?? "REDEEM",
    reason: attempt.reason,
    replayed: attempt.replayed,
    idempotencyKey: attempt.idempotencyKey ? truncateForAudit(attempt.idempotencyKey) : null,
    redemptionId: attempt.redemptionId,
    ip: attempt.meta.ip ? truncateForAudit(attempt.meta.ip, 64) : null,
    userAgent: attempt.meta.userAgent ? truncateForAudit(attempt.meta.userAgent, 256) : null,
  };
}
