/**
 * `npm run worker`: the webhook worker alone (lib/webhooks/worker.ts), for DATABASE_URL or the data
 * folder's embedded PostgreSQL (joined when `npm start` runs on it, else started and stopped here).
 * `npm start` runs one already; more may run beside it (each delivery is sent by whoever leases it).
 * Ctrl-C / SIGTERM: running deliveries finish and record their answers, then it exits.
 */
import { startWebhookWorker } from "../lib/webhooks/worker";
import { toolDatabase } from "./tool-database";

const database = await toolDatabase().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
const worker = await startWebhookWorker({ databaseUrl: database.url });
console.log("[once] webhook worker running; Ctrl-C stops it");

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await worker.stop();
  await database.embedded?.stop();
  console.log("[once] webhook worker stopped");
  process.exit(0);
}
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
