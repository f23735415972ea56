import { env } from "@/lib/env";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { Db } from "./client";
import { isDatabaseUnavailable, isRetryableConflict } from "./errors";

export type Tx = Prisma.TransactionClient;

/** What a refusal says besides its reason (which product ran out, what was owed), as stored JSON. */
export type RefusalDetail = Prisma.JsonObject;

/**
 * Thrown inside a transaction to roll all of it back and report a domain reason instead.
 * It never leaves the domain module that threw it.
 */
export class Rollback<Reason extends string> extends Error {
  constructor(
    readonly reason: Reason,
    readonly detail?: RefusalDetail,
  ) {
    super(reason);
  }
}

/** Thrown inside a transaction when what it read changed under it: run the whole transaction again. */
export class RetryTransaction extends Error {}

export const TRANSACTION_OPTIONS = {
  // Waiting for a pool connection: long enough for a burst to drain, short enough to answer "busy".
  maxWait: env().DATABASE_TX_MAX_WAIT_MS,
  timeout: env().DATABASE_TX_TIMEOUT_MS,
} as const;

const MAX_ATTEMPTS = 5;

export type TransactionOutcome<T, Reason extends string> =
  { kind: "committed"; value: T } | { kind: "rolled_back"; reason: Reason; detail?: RefusalDetail } | { kind: "busy" };

/**
 * Runs `work` in one interactive transaction. Deadlocks and serialization failures are retried a
 * bounded number of times with jittered backoff; a database that stays unreachable, or conflicts that
 * never settle, become `busy` (the caller may retry with the same idempotency key).
 */
export async function runTransaction<T, Reason extends string>(
  db: Db,
  work: (tx: Tx) => Promise<T>,
): Promise<TransactionOutcome<T, Reason>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return { kind: "committed", value: await db.$transaction(work, TRANSACTION_OPTIONS) };
    } catch (error) {
      if (error instanceof Rollback) {
        return { kind: "rolled_back", reason: error.reason as Reason, detail: error.detail };
      }
      const retryable = error instanceof RetryTransaction || isRetryableConflict(error);
      if (retryable && attempt < MAX_ATTEMPTS) {
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * 2 ** attempt));
        continue;
      }
      if (retryable || isDatabaseUnavailable(error)) return { kind: "busy" };
      throw error;
    }
  }
}
