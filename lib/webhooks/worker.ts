import "server-only";
import { Logger, run, type Runner } from "graphile-worker";
import pg from "pg";
import { z } from "zod";
import { createDb } from "@/lib/db/client";
import { type DeliveryOptions, deliveryOptions, drain, sweepDeliveries } from "./deliver";
import { DRAIN_TASK } from "./outbox";

/**
 * The webhook worker: a graphile-worker runner with two tasks, the drain of one endpoint's key
 * (lib/webhooks/deliver.ts) and a sweep every minute that queues a drain for every key with deliveries
 * waiting (a job whose worker died stays locked, so the sweep is what takes its deliveries over). It
 * sweeps once when it starts too. `npm start` runs one in its primary process; `npm run worker` runs
 * one alone (scripts/webhook-worker.ts). Several may run against one database: a delivery is sent by
 * whoever leases it.
 */

const SWEEP_TASK = "webhook_sweep";
/** How long a dead runner is given to stop before a new one replaces it anyway. */
const STOP_WAIT_MS = 15_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const drainPayload = z.object({ endpointId: z.uuid(), orderingKey: z.string().min(1) });

export interface WebhookWorkerOptions {
  databaseUrl: string;
  /**
   * Deliveries sent at once (each waits up to WEBHOOK_TIMEOUT_MS for its receiver). Its connections
   * (concurrency + 2 for the runner, + 1 for the deliveries) come out of lib/db/pool-size.ts's TOOL_CONNECTIONS.
   */
  concurrency?: number;
  /** How often idle workers look for jobs, besides the LISTEN that wakes them on new ones. */
  pollIntervalMs?: number;
  delivery?: DeliveryOptions;
  log?: (line: string) => void;
}

export interface WebhookWorker {
  /** Stops taking jobs, lets the running ones finish, and closes its connections. */
  stop(): Promise<void>;
}

export async function startWebhookWorker({
  databaseUrl,
  concurrency = 2,
  pollIntervalMs = 2_000,
  delivery = deliveryOptions(),
  log = console.error,
}: WebhookWorkerOptions): Promise<WebhookWorker> {
  // The runner's own pool (its LISTEN connection and job bookkeeping) and the deliveries' one.
  const pgPool = new pg.Pool({ connectionString: databaseUrl, max: concurrency + 2 });
  // An idle connection the server closes (a restart, a stop) is replaced on next use, not a crash.
  pgPool.on("error", (error) => log(`[once] webhook worker: idle connection lost: ${error.message}`));
  const db = createDb(databaseUrl, { max: concurrency + 1 });
  const logger = new Logger(() => (level, message) => {
    if (level === "error") log(`[once] webhook worker: ${message}`);
  });
  const options = {
    pgPool,
    concurrency,
    pollInterval: pollIntervalMs,
    noHandleSignals: true,
    logger,
    crontab: `* * * * * ${SWEEP_TASK}`,
    taskList: {
      [DRAIN_TASK]: async (payload: unknown) => {
        await drain(db, drainPayload.parse(payload), delivery);
      },
      [SWEEP_TASK]: async () => {
        await sweepDeliveries(db);
      },
    },
  };
  let runner: Runner | null = null;
  let stopped = false;
  let restarting: Promise<void> | null = null;
  const begin = async () => {
    await sweepDeliveries(db);
    runner = await run(options);
    runner.events.on("worker:fatalError", restart);
  };
  /**
   * graphile-worker 0.16 retires a worker that cannot record a job's end (PostgreSQL gone) and does not
   * replace it; a runner that lost one is replaced, once the database answers, and sweeps on start.
   */
  function restart() {
    if (stopped || restarting) return;
    log("[once] webhook worker: a job runner stopped (database unreachable?); starting a new one");
    restarting = (async () => {
      const old = runner;
      runner = null;
      await Promise.race([old?.stop().catch(() => {}), sleep(STOP_WAIT_MS)]);
      for (let wait = 500; !stopped; wait = Math.min(wait * 2, 30_000)) {
        try {
          return await begin();
        } catch (error) {
          log(`[once] webhook worker: cannot start yet (${(error as Error).message}); retrying in ${wait} ms`);
          await sleep(wait);
        }
      }
    })().finally(() => (restarting = null));
  }
  try {
    await begin();
  } catch (error) {
    await Promise.allSettled([pgPool.end(), db.$disconnect()]);
    throw error;
  }
  return {
    async stop() {
      stopped = true;
      try {
        await restarting;
        await (runner as Runner | null)?.stop();
      } finally {
        await Promise.allSettled([pgPool.end(), db.$disconnect()]);
      }
    },
  };
}
