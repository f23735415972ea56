import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { Prisma } from "@/lib/generated/prisma/client";
import type { Db } from "./db/client";
import { isDatabaseUnavailable } from "./db/errors";
import { type RefusalDetail, runTransaction, type Tx } from "./db/transaction";

/**
 * Idempotency keys for any command (redeem today, orders next), in one table keyed by (user, scope, key).
 *
 * The key is claimed by the first statement of the command's own transaction: an INSERT that a concurrent
 * duplicate blocks on until the first commits or rolls back, so duplicates never do the work twice and
 * wait for the first's answer. A committed claim names the result the command produced; a refusal rolls
 * the claim back with everything else and is then stored on its own, so a replay gets the same refusal.
 * Each key also stores the fingerprint of the request it was first used for: the same key with another
 * request is refused as `key_reused`, never answered with someone else's result.
 */

export interface KeyedRequest {
  /** What the key is used for ("redeem", "order", …): a key is used once per user and scope. */
  scope: string;
  userId: string;
  key: string;
  /** fingerprint() of the normalised request. */
  fingerprint: string;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** sha256 of the request's canonical JSON (keys sorted), so equal requests match however they were built. */
export function fingerprint(request: { [key: string]: JsonValue }): string {
  return createHash("sha256").update(canonicalJson(request)).digest("hex");
}

function canonicalJson(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key]!)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * Claims the key inside the caller's transaction, as the key of `resultId` (the id the caller gives the
 * row it is about to create) should this transaction commit. False: the key was already decided, and
 * storedAnswer() has its answer once this transaction ends.
 */
export async function claimKey(tx: Tx, request: KeyedRequest, resultId: string): Promise<boolean> {
  return (await insertKey(tx, request, "SUCCEEDED", { resultId })) === 1;
}

/**
 * Stores a refusal as the key's answer, after the refused transaction rolled back. False: a concurrent
 * duplicate decided first, and its answer (storedAnswer) is everyone's.
 */
export async function storeRefusal(
  db: Db,
  request: KeyedRequest,
  reason: string,
  detail?: RefusalDetail,
): Promise<boolean> {
  return (await insertKey(db, request, "REFUSED", { reason, detail })) === 1;
}

/**
 * Inserts the key's row unless the key exists, and says how many rows it inserted. Raw SQL rather than
 * `createMany({ skipDuplicates })`: Prisma compiles a createMany's query plan on every call (it is never
 * plan-cached), which cost this hot path more than the rest of the statement.
 */
async function insertKey(
  db: Db | Tx,
  request: KeyedRequest,
  outcome: "SUCCEEDED" | "REFUSED",
  answer: { resultId?: string; reason?: string; detail?: RefusalDetail },
): Promise<number> {
  return db.$executeRaw(keyInsert(request, outcome, answer));
}

/**
 * The INSERT of a key's row unless the key exists, returning one row when it inserted: a statement of its
 * own (insertKey), or the first part of a caller's statement that writes more beside a stored refusal.
 */
export function keyInsert(
  { userId, scope, key, fingerprint }: KeyedRequest,
  outcome: "SUCCEEDED" | "REFUSED",
  answer: { resultId?: string; reason?: string; detail?: RefusalDetail },
): Prisma.Sql {
  const detail = answer.detail === undefined ? null : JSON.stringify(answer.detail);
  return Prisma.sql`
    INSERT INTO "idempotency_keys" ("user_id", "scope", "idempotency_key", "fingerprint", "outcome", "reason", "detail", "result_id")
    VALUES (${userId}::uuid, ${scope}, ${key}, ${fingerprint}, ${outcome}::"IdempotencyOutcome",
            ${answer.reason ?? null}, ${detail}::jsonb, ${answer.resultId ?? null}::uuid)
    ON CONFLICT DO NOTHING RETURNING 1`;
}

export type StoredAnswer<Reason extends string> =
  | { outcome: "succeeded"; resultId: string }
  | { outcome: "refused"; reason: Reason; detail: Prisma.JsonValue }
  /** The key was first used for another request. */
  | { outcome: "key_reused" };

/** The answer committed for a decided key. */
export async function storedAnswer<Reason extends string>(
  db: Db,
  request: KeyedRequest,
): Promise<StoredAnswer<Reason>> {
  const stored = await db.idempotencyKey.findUniqueOrThrow({ where: { userId_scope_key: keyOf(request) } });
  if (stored.fingerprint !== request.fingerprint) return { outcome: "key_reused" };
  if (stored.outcome === "REFUSED") {
    return { outcome: "refused", reason: stored.reason as Reason, detail: stored.detail };
  }
  return { outcome: "succeeded", resultId: stored.resultId! };
}

export type Once<T, Reason extends string> =
  /** This call did the work and committed it. */
  | { kind: "done"; value: T }
  /** Refused: by this call (its refusal is now the key's answer) or, replayed, by an earlier one. */
  | { kind: "refused"; reason: Reason; detail: Prisma.JsonValue; replayed: boolean }
  /** An earlier call with this key and request succeeded: this is its result. */
  | { kind: "replayed"; resultId: string }
  | { kind: "key_reused" }
  /** The database was unreachable or overloaded; nothing happened, retry with the same key. */
  | { kind: "busy" };

/** Stores a refusal as the key's answer after the rollback: storeRefusal, or a caller's statement that also writes more. */
export type RefusalStore = (db: Db, request: KeyedRequest, reason: string, detail?: RefusalDetail) => Promise<boolean>;

/**
 * Runs `work` exactly once per key: claim, then the work, in one transaction (runTransaction: retried on
 * conflicts, `busy` when the database cannot answer). The work creates its result with the id it is
 * given and throws Rollback to refuse; the refusal is stored (by `store`), so every later call with the
 * key gets it.
 */
export async function runOnce<T, Reason extends string>(
  db: Db,
  request: KeyedRequest,
  work: (tx: Tx, resultId: string) => Promise<T>,
  store: RefusalStore = storeRefusal,
): Promise<Once<T, Reason>> {
  const resultId = randomUUID();
  const outcome = await runTransaction<{ claimed: true; value: T } | { claimed: false }, Reason>(db, async (tx) =>
    (await claimKey(tx, request, resultId)) ? { claimed: true, value: await work(tx, resultId) } : { claimed: false },
  );
  if (outcome.kind === "busy") return { kind: "busy" };
  if (outcome.kind === "committed" && outcome.value.claimed) return { kind: "done", value: outcome.value.value };
  // Storing a refusal and reading an earlier answer are statements of their own, after the transaction: a
  // database that stops answering there leaves this call's key undecided, which is busy (retry with the
  // same key), as it is inside the transaction.
  try {
    if (outcome.kind === "rolled_back" && (await store(db, request, outcome.reason, outcome.detail))) {
      return { kind: "refused", reason: outcome.reason, detail: outcome.detail ?? null, replayed: false };
    }
    return await replay(db, request);
  } catch (error) {
    if (isDatabaseUnavailable(error)) return { kind: "busy" };
    throw error;
  }
}

async function replay<T, Reason extends string>(db: Db, request: KeyedRequest): Promise<Once<T, Reason>> {
  const answer = await storedAnswer<Reason>(db, request);
  switch (answer.outcome) {
    case "succeeded":
      return { kind: "replayed", resultId: answer.resultId };
    case "refused":
      return { kind: "refused", reason: answer.reason, detail: answer.detail, replayed: true };
    case "key_reused":
      return { kind: "key_reused" };
  }
}

function keyOf({ userId, scope, key }: KeyedRequest) {
  return { userId, scope, key };
}
