import "server-only";
import type { Db } from "@/lib/db/client";
import { runTransaction } from "@/lib/db/transaction";
import { expireHold } from "./settle-hold";

/**
 * Expiry: holds nobody captured or released in time go back (their use and credit), by the same guarded
 * HELD → EXPIRED change a late capture or release makes (settle-hold.ts expireHold). `expireHolds` is
 * one sweep at an explicit instant, so tests pin time instead of waiting; `startHoldExpiry` runs it in a
 * loop in the server process (lib/server-startup.ts). Several instances may sweep at once: the scan
 * skips rows another sweep has locked, and the guarded change decides each hold once whatever the scan saw.
 */

export const EXPIRY_BATCH = 100;

export interface Swept {
  expired: number;
  /** Holds whose expiry could not commit this time (busy, or their credit would pass the balance limit). */
  failed: number;
}

/** Expires every hold past its time at `now`, a batch of candidates at a time, each hold in its own transaction. */
export async function expireHolds(db: Db, now: Date, batchSize = EXPIRY_BATCH): Promise<Swept> {
  const swept: Swept = { expired: 0, failed: 0 };
  // A hold that could not expire is not tried again in this sweep, so the sweep ends.
  const tried = new Set<string>();
  for (;;) {
    // Candidates only: the guarded UPDATE in expireHold decides. SKIP LOCKED leaves holds being settled
    // (or swept by another instance) to whoever holds them.
    const due = await db.$queryRaw<{ id: string }[]>`
      SELECT "id" FROM "holds" WHERE "status" = 'HELD' AND "expires_at" <= ${now} AND NOT ("id" = ANY(${[...tried]}::uuid[]))
      ORDER BY "expires_at" LIMIT ${batchSize} FOR UPDATE SKIP LOCKED`;
    for (const { id } of due) {
      tried.add(id);
      const outcome = await runTransaction(db, (tx) => expireHold(tx, { holdId: id }, now));
      if (outcome.kind !== "committed") swept.failed++;
      else if (outcome.value) swept.expired++;
    }
    if (due.length < batchSize) return swept;
  }
}

export interface HoldExpiry {
  /** Stops the loop and waits for a sweep in progress to finish. */
  stop(): Promise<void>;
}

/**
 * Sweeps every `intervalMs` until stopped. Its timer does not keep the process alive, and a failed sweep
 * is logged and tried again at the next tick.
 */
export function startHoldExpiry(db: Db, { intervalMs = 5_000, log = console.error } = {}): HoldExpiry {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = expireHolds(db, new Date())
      .then((swept) => {
        if (swept.failed > 0) log(`[once] hold expiry: ${swept.failed} holds could not expire yet; retrying`);
      })
      .catch((error: unknown) => log(`[once] hold expiry failed: ${(error as Error).message}`))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs).unref();
      });
  };
  timer = setTimeout(tick, 0).unref();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
