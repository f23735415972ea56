/**
 * A crash of PostgreSQL itself between commit and delivery: the server (postmaster and every backend)
 * is SIGKILLed while a delivery is in flight, then started again on the same port and folder. The
 * webhook worker keeps running through it; every event that committed before the crash is delivered
 * and applied once, none is invented. The server is its own, durable (a crash must not lose a commit),
 * in a folder of its own, removed at the end.
 */
import { readdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { expect, it } from "vitest";
import { createDb } from "@/lib/db/client";
import { type EmbeddedDatabase, startEmbeddedPostgres } from "@/lib/db/embedded";
import { migrate } from "@/lib/db/migrate";
import { redeemCoupon } from "@/lib/redemptions";
import { createEndpoint } from "@/lib/webhooks/endpoints";
import { startWebhookWorker, type WebhookWorker } from "@/lib/webhooks/worker";
import { eventually, makeCoupon, makeUsers, newKey } from "./helpers";
import { type Receiver, startReceiver } from "@/lib/webhooks/test-receiver";

const dataDir = path.resolve(import.meta.dirname, `../.data/test-webhook-crash-${process.pid}/pg`);

it("delivers every event committed before PostgreSQL was SIGKILLed mid-delivery, once, inventing none", async () => {
  let postgres: EmbeddedDatabase | null = await startEmbeddedPostgres({ dataDir, port: 0 });
  let receiver: Receiver | null = null;
  let worker: WebhookWorker | null = null;
  const db = createDb(postgres.url, { max: 4 });
  try {
    expect((await migrate(postgres.url)).ok).toBe(true);
    const [admin, ...customers] = await makeUsers(db, 4);
    receiver = await startReceiver(`whsec_${Buffer.from("p".repeat(24)).toString("base64")}`);
    const url = receiver.url;
    await receiver.close();
    const endpoint = await createEndpoint(db, admin!, { url, eventTypes: [] });
    if (!endpoint.ok) throw new Error(endpoint.reason);
    let hung = false;
    // The first attempt gets no answer: PostgreSQL dies while the worker waits for it.
    receiver = await startReceiver(endpoint.value.secret, () => (hung ? "ok" : ((hung = true), "hang")));
    await db.webhookEndpoint.update({ where: { id: endpoint.value.id }, data: { url: receiver.url } });
    const coupon = await makeCoupon(db, { valueCents: 100, maxRedemptions: null, perUserLimit: 10 });
    for (const userId of customers) {
      for (let i = 0; i < 3; i++)
        await redeemCoupon(db, { userId: userId!, code: coupon.code, idempotencyKey: newKey() });
    }
    const attempted = new Promise<void>((resolve) => (receiver!.onAttempt = () => resolve()));
    worker = await startWebhookWorker({
      databaseUrl: postgres.url,
      delivery: { timeoutMs: 1_000, retryBaseMs: 50, retryMaxMs: 500, disableAfter: 1_000 },
      pollIntervalMs: 200,
      log: () => {},
    });
    await attempted;
    await crash();
    postgres = await startEmbeddedPostgres({ dataDir, port: postgres.port });

    await eventually("every delivery delivered after the crash", async () => {
      try {
        return (await db.webhookDelivery.count({ where: { status: "PENDING" } })) === 0;
      } catch {
        return false;
      }
    });
    const committed = await db.webhookEvent.findMany({ select: { id: true } });
    const applied = receiver.applied.map((e) => e.id);
    console.log(
      `PostgreSQL SIGKILLed mid-delivery: ${committed.length} events committed, ` +
        `${await db.webhookDelivery.count({ where: { status: "DELIVERED" } })} delivered, ${applied.length} applied ` +
        `(${receiver.attempts.length} attempts)`,
    );
    expect(committed).toHaveLength(customers.length * 3);
    expect(receiver.attempts.every((a) => a.verified)).toBe(true);
    expect([...applied].sort()).toEqual(committed.map((e) => e.id).sort());
  } finally {
    await worker?.stop();
    await db.$disconnect();
    await receiver?.close();
    await postgres?.stop();
    await rm(path.dirname(dataDir), { recursive: true, force: true });
  }
});

/** SIGKILLs the postmaster and every process of its server at once, and waits until they are gone. */
async function crash(): Promise<void> {
  const postmaster = Number((await readFile(path.join(dataDir, "postmaster.pid"), "utf8")).split("\n")[0]);
  const server = [postmaster, ...(await childrenOf(postmaster))];
  for (const pid of server) process.kill(pid, "SIGKILL");
  for (const pid of server) {
    for (;;) {
      try {
        process.kill(pid, 0);
      } catch {
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

async function childrenOf(parent: number): Promise<number[]> {
  const children: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === parent) children.push(Number(entry));
  }
  return children;
}
