import "server-only";
import type { Db } from "@/lib/db/client";
import { type Policy, type RateLimitSettings, rateLimitSettings } from "@/lib/rate-limits";
import { recordAdminChange } from "@/lib/admin-changes";

/**
 * The admin's view of the rate limits: which keys are locked right now, and lifting one. Kept apart
 * from lib/rate-limits.ts, which decides requests and knows nothing of admins.
 */

const POLICY_LABEL: Record<Policy, string> = {
  "redeem-customer": "Redeem attempts by one customer",
  "redeem-address": "Redeem attempts from one address",
  "sign-in-account": "Failed sign-ins to one account",
  "sign-in-pace": "Sign-in slowdown for one account",
  "sign-in-address": "Failed sign-ins from one address",
  "sign-up-address": "Sign-ups from one address",
  "api-key": "Requests with one API key",
};

function budgetOf(policy: Policy, settings: RateLimitSettings): number {
  switch (policy) {
    case "redeem-customer":
      return settings.redeemPerCustomer.points;
    case "redeem-address":
      return settings.redeemPerAddress.points;
    case "sign-in-account":
      return settings.signInPerAccount.points;
    case "sign-in-pace":
      return 1;
    case "sign-in-address":
      return settings.signInPerAddress.points;
    case "sign-up-address":
      return settings.signUpPerAddress.points;
    case "api-key":
      return settings.apiKeyRequests.points;
  }
}

export interface RateLimitLock {
  /** The stored key, `<policy>:<subject>`; pass it to clearRateLimitLock. */
  key: string;
  policy: Policy;
  label: string;
  /** A customer's id, an account's email or a client address (IPv6 as its /64). */
  subject: string;
  consumedPoints: number;
  budget: number;
  until: Date;
}

/** Every key whose budget is spent right now (its next request would be refused), soonest to end first. */
export async function listRateLimitLocks(db: Db, settings = rateLimitSettings(), now = Date.now()) {
  const rows = await db.rateLimit.findMany({ where: { expire: { gt: BigInt(now) } }, orderBy: { expire: "asc" } });
  const locks: RateLimitLock[] = [];
  for (const row of rows) {
    const split = row.key.indexOf(":");
    const policy = row.key.slice(0, split) as Policy;
    if (!(policy in POLICY_LABEL)) continue;
    const budget = budgetOf(policy, settings);
    if (row.points <= budget) continue;
    locks.push({
      key: row.key,
      policy,
      label: POLICY_LABEL[policy],
      subject: row.key.slice(split + 1),
      consumedPoints: row.points,
      budget,
      until: new Date(Number(row.expire)),
    });
  }
  return locks;
}

export type ClearLockResult = { ok: true; cleared: boolean } | { ok: false; reason: "unknown_policy" };

/**
 * Lifts a lock at once on every instance (the row is the lock), recorded in the admin audit log in the
 * same transaction. Clearing a sign-in lock clears the account's slowdown too.
 */
export async function clearRateLimitLock(db: Db, actorId: string, key: string): Promise<ClearLockResult> {
  const split = key.indexOf(":");
  const policy = key.slice(0, split) as Policy;
  if (split < 1 || !(policy in POLICY_LABEL)) return { ok: false, reason: "unknown_policy" };
  const subject = key.slice(split + 1);
  const keys = policy === "sign-in-account" ? [key, `sign-in-pace:${subject}`] : [key];
  return db.$transaction(async (tx) => {
    const deleted = await tx.rateLimit.deleteMany({ where: { key: { in: keys } } });
    if (deleted.count > 0) {
      await recordAdminChange(tx, actorId, {
        action: "RATE_LIMIT_CLEARED",
        targetType: "rate_limit",
        targetId: key,
        summary: `Cleared the lock "${POLICY_LABEL[policy]}" for ${subject}`,
      });
    }
    return { ok: true, cleared: deleted.count > 0 };
  });
}
