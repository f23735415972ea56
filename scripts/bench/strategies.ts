/**
 * The ways to redeem a coupon that the strategy benchmark compares. Each takes one request and says
 * whether it redeemed; all write the same rows (request, usage, redemption, balance, ledger, count).
 * Only the engine (lib/redemptions.ts) is used by the app; the others exist to be measured against it.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { type CounterMode, Prisma } from "@/lib/generated/prisma/client";
import type { Db } from "@/lib/db/client";
import { isRetryableConflict } from "@/lib/db/errors";
import { redeemCoupon, redeemKey } from "@/lib/redemptions";
import { naiveRedeem } from "@/lib/controls/naive";

export interface Attempt {
  userId: string;
  code: string;
  idempotencyKey: string;
}

export interface Outcome {
  ok: boolean;
  retries: number;
  error?: string;
}

export interface Strategy {
  name: string;
  /** Where the measured coupons count their uses; every strategy but hot-coupon mode uses the coupon row. */
  counter?: CounterMode;
  redeem(attempt: Attempt): Promise<Outcome>;
}

const MAX_RETRIES = 10;

/** Naive check-then-act (the control), without the artificial gap the race tests give it. */
export function naive(db: Db): Strategy {
  return {
    name: "naive check-then-act",
    async redeem(a) {
      const r = await naiveRedeem(db, a, { gapMs: 0 });
      return { ok: r.ok, retries: 0, error: r.ok || !r.reason.startsWith("error") ? undefined : r.reason };
    },
  };
}

/** Read, check in code and write, but at SERIALIZABLE, retrying serialization failures. */
export function serializable(db: Db): Strategy {
  return {
    name: "SERIALIZABLE + retry",
    async redeem(a) {
      for (let retries = 0; ; retries++) {
        try {
          const ok = await db.$transaction((tx) => checkThenWrite(tx, a), {
            isolationLevel: Prisma.TransactionIsolationLevel.Serializable,
            maxWait: 30_000,
            timeout: 30_000,
          });
          return { ok, retries };
        } catch (error) {
          if (isRetryableConflict(error) && retries < MAX_RETRIES) continue;
          return { ok: false, retries, error: String(error).split("\n").at(-1) };
        }
      }
    },
  };
}

/** Lock the coupon row first (SELECT … FOR UPDATE), then check and write: Medusa, Saleor, Vendure. */
export function forUpdate(db: Db): Strategy {
  return {
    name: "SELECT … FOR UPDATE, re-check",
    async redeem(a) {
      try {
        const ok = await db.$transaction(
          async (tx) => {
            await tx.$queryRaw`SELECT id FROM coupons WHERE code = ${a.code} FOR UPDATE`;
            return checkThenWrite(tx, a);
          },
          { maxWait: 30_000, timeout: 30_000 },
        );
        return { ok, retries: 0 };
      } catch (error) {
        return { ok: false, retries: 0, error: String(error).split("\n").at(-1) };
      }
    },
  };
}

/**
 * Once's engine: guarded updateMany, count checked, coupon use taken last; on the coupon row, or in
 * hot-coupon mode spread over counter slots (lib/counters.ts).
 */
export function guarded(db: Db, counter: CounterMode = "SINGLE_ROW"): Strategy {
  return {
    name: counter === "SLOTS" ? "Once: hot-coupon slots" : "Once: guarded updateMany",
    counter,
    async redeem(a) {
      const r = await redeemCoupon(db, a);
      return { ok: r.ok, retries: 0, error: !r.ok && r.reason === "busy" ? "busy" : undefined };
    },
  };
}

type Tx = Prisma.TransactionClient;

/** The check-then-act body the serializable and FOR UPDATE strategies share. */
async function checkThenWrite(tx: Tx, a: Attempt): Promise<boolean> {
  const coupon = await tx.coupon.findUnique({ where: { code: a.code } });
  if (!coupon || coupon.status !== "ACTIVE") return false;
  if (coupon.maxRedemptions !== null && coupon.redeemedCount >= coupon.maxRedemptions) return false;
  const mine = await tx.redemption.count({ where: { couponId: coupon.id, userId: a.userId, status: "ACTIVE" } });
  if (mine >= coupon.perUserLimit) return false;
  const { scope, userId, key, fingerprint } = redeemKey(a.userId, a.idempotencyKey, a.code);
  const redemptionId = randomUUID();
  await tx.idempotencyKey.create({
    data: { scope, userId, key, fingerprint, outcome: "SUCCEEDED", resultId: redemptionId },
  });
  await tx.couponUsage.upsert({
    where: { couponId_userId: { couponId: coupon.id, userId: a.userId } },
    create: { couponId: coupon.id, userId: a.userId, used: 1, perUserLimit: coupon.perUserLimit },
    update: { used: { increment: 1 } },
  });
  const redemption = await tx.redemption.create({
    data: {
      id: redemptionId,
      couponId: coupon.id,
      userId: a.userId,
      amountCents: coupon.valueCents,
      idempotencyKey: a.idempotencyKey,
    },
  });
  const user = await tx.user.update({
    where: { id: a.userId },
    data: { balanceCents: { increment: coupon.valueCents } },
  });
  await tx.ledgerEntry.create({
    data: {
      userId: a.userId,
      amountCents: coupon.valueCents,
      kind: "COUPON_CREDIT",
      balanceAfterCents: user.balanceCents,
      redemptionId: redemption.id,
    },
  });
  await tx.coupon.update({ where: { id: coupon.id }, data: { redeemedCount: { increment: 1 } } });
  return true;
}

/**
 * The engine's transaction written by hand over pg, statement for statement, without an ORM: the
 * physical limit of this machine for this transaction.
 */
export function rawSql(pool: pg.Pool): Strategy {
  return {
    name: "raw SQL baseline (pg)",
    async redeem(a) {
      const client = await pool.connect();
      try {
        const key = redeemKey(a.userId, a.idempotencyKey, a.code);
        const redemptionId = randomUUID();
        await client.query("BEGIN");
        const claim = await client.query(
          `INSERT INTO idempotency_keys (user_id, scope, idempotency_key, fingerprint, outcome, result_id)
             VALUES ($1, $2, $3, $4, 'SUCCEEDED', $5) ON CONFLICT DO NOTHING`,
          [key.userId, key.scope, key.key, key.fingerprint, redemptionId],
        );
        const { rows } = await client.query<{ id: string; value_cents: number; per_user_limit: number }>(
          `SELECT id, value_cents, per_user_limit FROM coupons WHERE code = $1 AND status = 'ACTIVE'
             AND (max_redemptions IS NULL OR redeemed_count < max_redemptions)`,
          [a.code],
        );
        const coupon = rows[0];
        if (claim.rowCount !== 1 || !coupon) return await rollback(client);
        await client.query(
          `INSERT INTO coupon_usages (coupon_id, user_id, used, per_user_limit) VALUES ($1, $2, 0, $3) ON CONFLICT DO NOTHING`,
          [coupon.id, a.userId, coupon.per_user_limit],
        );
        const usage = await client.query(
          `UPDATE coupon_usages SET used = used + 1 WHERE coupon_id = $1 AND user_id = $2 AND used < $3`,
          [coupon.id, a.userId, coupon.per_user_limit],
        );
        if (usage.rowCount !== 1) return await rollback(client);
        const redemption = await client.query<{ id: string }>(
          `INSERT INTO redemptions (id, coupon_id, user_id, amount_cents, idempotency_key) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
          [redemptionId, coupon.id, a.userId, coupon.value_cents, a.idempotencyKey],
        );
        const user = await client.query<{ balance_cents: number }>(
          `UPDATE users SET balance_cents = balance_cents + $2 WHERE id = $1 RETURNING balance_cents`,
          [a.userId, coupon.value_cents],
        );
        await client.query(
          `INSERT INTO ledger_entries (user_id, amount_cents, kind, balance_after_cents, redemption_id) VALUES ($1, $2, 'COUPON_CREDIT', $3, $4)`,
          [a.userId, coupon.value_cents, user.rows[0]!.balance_cents, redemption.rows[0]!.id],
        );
        // What a redemption leaves besides the money, as the engine writes it: its attempt row and its webhook
        // event (the outbox's row; no endpoint is configured here, as in the engine's runs).
        await client.query(
          `INSERT INTO redemption_attempts (user_id, coupon_id, code_typed, outcome, replayed, idempotency_key, redemption_id)
             VALUES ($1, $2, $3, 'REDEEMED', false, $4, $5)`,
          [a.userId, coupon.id, a.code, a.idempotencyKey, redemptionId],
        );
        await client.query(
          `INSERT INTO webhook_events (type, ordering_key, payload) VALUES ('redemption.created', $1, $2::jsonb)`,
          [
            `customer:${a.userId}`,
            JSON.stringify({
              customerId: a.userId,
              redemptionId,
              couponId: coupon.id,
              code: a.code,
              amountCents: coupon.value_cents,
            }),
          ],
        );
        const consumed = await client.query(
          `UPDATE coupons SET redeemed_count = redeemed_count + 1 WHERE id = $1 AND status = 'ACTIVE'
             AND (max_redemptions IS NULL OR redeemed_count < max_redemptions)`,
          [coupon.id],
        );
        if (consumed.rowCount !== 1) return await rollback(client);
        await client.query("COMMIT");
        return { ok: true, retries: 0 };
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        return { ok: false, retries: 0, error: String(error) };
      } finally {
        client.release();
      }
    },
  };
}

async function rollback(client: pg.PoolClient): Promise<Outcome> {
  await client.query("ROLLBACK");
  return { ok: false, retries: 0 };
}
