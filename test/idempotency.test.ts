/**
 * lib/idempotency.ts on its own, as a command other than redeem would use it (the checkout's orders):
 * claim inside the command's transaction, replays answered from what was stored, a different request
 * with the same key refused, refusals (with their detail) replayed, concurrent duplicates waiting for
 * the first. And the migration that turned redemption_requests into this table keeps every row.
 */
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { migrate, MIGRATIONS_DIR } from "@/lib/db/migrate";
import { Rollback } from "@/lib/db/transaction";
import { fingerprint, type KeyedRequest, runOnce } from "@/lib/idempotency";
import { redeemCoupon } from "@/lib/redemptions";
import { emptyDatabase, freshDatabase, fulfilled, makeUsers, newKey, race, type TestDatabase } from "./helpers";

/** Runs one scenario on its own database, closed and dropped when it ends, failures included. */
async function withDatabase(scenario: (test: TestDatabase) => Promise<void>, open = () => freshDatabase(4)) {
  const test = await open();
  try {
    await scenario(test);
  } finally {
    await test.drop();
  }
}

/** A stand-in command: "place an order" of `lines`, whose result is a product row named by the result id. */
function placeOrder(db: Db, request: KeyedRequest, refuse?: { reason: "out_of_stock"; sku: string }) {
  let ran = 0;
  const run = () =>
    runOnce<string, "out_of_stock">(db, request, async (tx, resultId) => {
      ran++;
      if (refuse) throw new Rollback(refuse.reason, { sku: refuse.sku });
      await tx.product.create({ data: { id: resultId, sku: `ORDER-${resultId}`, name: "order", priceCents: 1 } });
      return resultId;
    });
  return { run, ran: () => ran };
}

const orderKey = (userId: string, key: string, lines: { sku: string; quantity: number }[]): KeyedRequest => ({
  scope: "order",
  userId,
  key,
  fingerprint: fingerprint({ lines, code: null }),
});

describe("fingerprint", () => {
  it("is the same for the same request however its keys were ordered, and differs for another", () => {
    expect(fingerprint({ a: 1, b: [{ x: "1", y: null }] })).toBe(fingerprint({ b: [{ y: null, x: "1" }], a: 1 }));
    expect(fingerprint({ code: "A" })).not.toBe(fingerprint({ code: "B" }));
    expect(fingerprint({ code: "A" })).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("runOnce", () => {
  it("does the work once; the same key and request replay its result; another request with the key is refused", async () => {
    await withDatabase(async ({ db }) => {
      const [user] = await makeUsers(db, 1);
      const key = newKey();
      const first = await placeOrder(db, orderKey(user!, key, [{ sku: "TEE", quantity: 1 }])).run();
      expect(first).toMatchObject({ kind: "done" });
      const resultId = first.kind === "done" ? first.value : "missing";

      const again = placeOrder(db, orderKey(user!, key, [{ sku: "TEE", quantity: 1 }]));
      expect(await again.run()).toEqual({ kind: "replayed", resultId });
      expect(again.ran()).toBe(0);
      expect(await placeOrder(db, orderKey(user!, key, [{ sku: "TEE", quantity: 2 }])).run()).toEqual({
        kind: "key_reused",
      });
      // Keys are per scope: the same key for a redeem is another request altogether.
      const redeem = await redeemCoupon(db, { userId: user!, code: "NO-SUCH-CODE", idempotencyKey: key });
      expect(redeem).toMatchObject({ ok: false, reason: "unknown_code", replayed: false });
      expect(await db.product.count({ where: { sku: { startsWith: "ORDER-" } } })).toBe(1);
    });
  });

  it("stores a refusal with its detail, and replays it even once the work would succeed", async () => {
    await withDatabase(async ({ db }) => {
      const [user] = await makeUsers(db, 1);
      const request = orderKey(user!, newKey(), [{ sku: "TEE", quantity: 3 }]);
      const refused = await placeOrder(db, request, { reason: "out_of_stock", sku: "TEE" }).run();
      expect(refused).toEqual({ kind: "refused", reason: "out_of_stock", detail: { sku: "TEE" }, replayed: false });
      const replay = placeOrder(db, request);
      expect(await replay.run()).toEqual({ ...refused, replayed: true });
      expect(replay.ran()).toBe(0);
    });
  });

  it("a database that stops answering while the refusal is stored leaves the key undecided: busy, not a throw", async () => {
    await withDatabase(async ({ db }) => {
      const [user] = await makeUsers(db, 1);
      const request = orderKey(user!, newKey(), [{ sku: "TEE", quantity: 3 }]);
      const refuse = async (): Promise<never> => {
        throw new Rollback("out_of_stock");
      };
      const hangUp = async (): Promise<boolean> => {
        throw new Error("Connection terminated unexpectedly");
      };
      expect(await runOnce(db, request, refuse, hangUp)).toEqual({ kind: "busy" });
      expect(await db.idempotencyKey.count({ where: { userId: user! } })).toBe(0);
      // Anything else is a bug, and stays one.
      const bug = async (): Promise<boolean> => {
        throw new TypeError("not a database failure");
      };
      await expect(runOnce(db, request, refuse, bug)).rejects.toThrow(TypeError);
      // The key is still free: the next call decides it.
      expect(await runOnce(db, request, refuse)).toMatchObject({ kind: "refused", replayed: false });
    });
  });

  it("200 concurrent calls with one key: one does the work, every other waits for it and gets its result", async () => {
    await withDatabase(
      async ({ db }) => {
        const [user] = await makeUsers(db, 1);
        const order = placeOrder(db, orderKey(user!, newKey(), [{ sku: "TEE", quantity: 1 }]));
        const answers = fulfilled(await race(200, () => order.run()));
        const done = answers.flatMap((a) => (a.kind === "done" ? [a.value] : []));
        expect(done).toHaveLength(1);
        const others = answers.filter((a) => a.kind !== "done");
        expect(others).toEqual(Array(199).fill({ kind: "replayed", resultId: done[0] }));
        expect(order.ran()).toBe(1);
      },
      () => freshDatabase(),
    );
  });
});

describe("migration 20261202000000_idempotency_keys", () => {
  it("keeps every redeem request: replays answer exactly as before the migration", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "once-migrations-"));
    try {
      await cp(MIGRATIONS_DIR, dir, { recursive: true });
      await rm(path.join(dir, "20261202000000_idempotency_keys"), { recursive: true });
      await withDatabase(
        async ({ db, url }) => {
          expect((await migrate(url, dir)).ok).toBe(true);
          const client = new pg.Client({ connectionString: url });
          await client.connect();
          try {
            await client.query(`
              INSERT INTO users (id, email, name) VALUES ('00000000-0000-4000-8000-000000000001', 'old@test.once', 'old');
              INSERT INTO coupons (id, code, value_cents, max_redemptions) VALUES
                ('00000000-0000-4000-8000-0000000000c1', 'OLD-CODE', 700, 1),
                ('00000000-0000-4000-8000-0000000000c2', 'OFF-CODE', 100, 1);
              INSERT INTO redemptions (id, coupon_id, user_id, amount_cents, idempotency_key) VALUES
                ('00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-0000000000c1',
                 '00000000-0000-4000-8000-000000000001', 700, 'old-key-redeemed');
              UPDATE coupons SET redeemed_count = 1 WHERE code = 'OLD-CODE';
              UPDATE users SET balance_cents = 700;
              INSERT INTO coupon_usages (coupon_id, user_id, used, per_user_limit) VALUES
                ('00000000-0000-4000-8000-0000000000c1', '00000000-0000-4000-8000-000000000001', 1, 1);
              INSERT INTO ledger_entries (user_id, amount_cents, kind, balance_after_cents, redemption_id) VALUES
                ('00000000-0000-4000-8000-000000000001', 700, 'COUPON_CREDIT', 700, '00000000-0000-4000-8000-0000000000a1');
              INSERT INTO redemption_requests (user_id, idempotency_key, code, outcome, reason) VALUES
                ('00000000-0000-4000-8000-000000000001', 'old-key-redeemed', 'OLD-CODE', 'REDEEMED', NULL),
                ('00000000-0000-4000-8000-000000000001', 'old-key-refused', 'OFF-CODE', 'REFUSED', 'disabled');`);
          } finally {
            await client.end();
          }
          expect(await migrate(url)).toMatchObject({ ok: true, applied: ["20261202000000_idempotency_keys"] });

          const rows = await db.idempotencyKey.findMany({ orderBy: { key: "asc" } });
          expect(rows).toMatchObject([
            {
              scope: "redeem",
              key: "old-key-redeemed",
              fingerprint: fingerprint({ code: "OLD-CODE" }),
              outcome: "SUCCEEDED",
              reason: null,
              resultId: "00000000-0000-4000-8000-0000000000a1",
            },
            {
              scope: "redeem",
              key: "old-key-refused",
              fingerprint: fingerprint({ code: "OFF-CODE" }),
              outcome: "REFUSED",
              reason: "disabled",
              resultId: null,
            },
          ]);
          const userId = "00000000-0000-4000-8000-000000000001";
          expect(
            await redeemCoupon(db, { userId, code: "old-code", idempotencyKey: "old-key-redeemed" }),
          ).toMatchObject({
            ok: true,
            replayed: true,
            balanceCents: 700,
            redemption: { id: "00000000-0000-4000-8000-0000000000a1", code: "OLD-CODE" },
          });
          // OFF-CODE is active now, but the key was refused before the migration: the refusal stands.
          expect(await redeemCoupon(db, { userId, code: "OFF-CODE", idempotencyKey: "old-key-refused" })).toMatchObject(
            { ok: false, reason: "disabled", replayed: true },
          );
          expect(
            await redeemCoupon(db, { userId, code: "OFF-CODE", idempotencyKey: "old-key-redeemed" }),
          ).toMatchObject({ ok: false, reason: "idempotency_key_reused" });
        },
        () => emptyDatabase(),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
