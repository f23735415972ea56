import type { Db } from "@/lib/db/client";
import type { Tx } from "@/lib/db/transaction";
import type { Coupon } from "@/lib/generated/prisma/client";

/**
 * THE CONTROL. A deliberately naive check-then-act implementation, written the way most coupon engines
 * are: read the coupon and the user's history, decide in application code, then write. It even runs in
 * a transaction (READ COMMITTED, like Medusa, Saleor or Vendure without their row locks), which does not
 * help. The race suites run every scenario against it and assert that the harness catches its oversell:
 * a harness that cannot catch this proves nothing about the real engine.
 *
 * Between its check and its write it spends 20 milliseconds, standing in for what real engines do
 * there (pricing rules, a fraud check, a call to another service). A gap alone cannot promise that two
 * calls overlap (a slow machine may run one whole naive transaction before the next one reads), so the
 * race suites also pass `checked`, which holds the first callers there until several have read: then
 * the control oversells on every run, on any machine.
 *
 * It never leaves test/; the hook that flags read-then-write code skips files named "naive".
 */

const CHECK_TO_ACT_GAP_MS = 20;

export interface NaiveOptions {
  /** The benchmark sets 0 to compare raw speed; the race tests keep the default. */
  gapMs?: number;
  /** Awaited between the check and the write, before the gap (see test/helpers.ts meetingPoint). */
  checked?: () => Promise<void>;
}

export type NaiveRedeemResult =
  { ok: true; redemptionId: string; balanceCents: number } | { ok: false; reason: string };

export async function naiveRedeem(
  db: Db,
  input: { userId: string; code: string; idempotencyKey: string; now?: Date },
  { gapMs = CHECK_TO_ACT_GAP_MS, checked }: NaiveOptions = {},
): Promise<NaiveRedeemResult> {
  try {
    return await db.$transaction(
      async (tx) => {
        const previous = await tx.redemption.findFirst({
          where: { userId: input.userId, idempotencyKey: input.idempotencyKey },
        });
        if (previous) return { ok: true as const, redemptionId: previous.id, balanceCents: -1 };
        const now = input.now ?? new Date();
        const coupon = await tx.coupon.findUnique({ where: { code: input.code } });
        if (!coupon) return { ok: false as const, reason: "unknown_code" };
        if (coupon.status !== "ACTIVE") return { ok: false as const, reason: "disabled" };
        if (coupon.startsAt && coupon.startsAt > now) return { ok: false as const, reason: "not_started" };
        if (coupon.expiresAt && coupon.expiresAt <= now) return { ok: false as const, reason: "expired" };
        const uses = await readUses(tx, coupon);
        if (coupon.maxRedemptions !== null && uses.total >= coupon.maxRedemptions) {
          return { ok: false as const, reason: "exhausted" };
        }
        const mine = await tx.redemption.count({
          where: { couponId: coupon.id, userId: input.userId, status: "ACTIVE" },
        });
        if (mine >= coupon.perUserLimit) return { ok: false as const, reason: "per_user_limit" };
        await checked?.();
        if (gapMs > 0) await sleep(gapMs);

        const redemption = await tx.redemption.create({
          data: {
            couponId: coupon.id,
            userId: input.userId,
            amountCents: coupon.valueCents,
            idempotencyKey: input.idempotencyKey,
            createdAt: new Date(),
          },
        });
        await uses.write(+1);
        const user = await tx.user.findUniqueOrThrow({ where: { id: input.userId } });
        const balanceCents = user.balanceCents + coupon.valueCents;
        await tx.user.update({ where: { id: input.userId }, data: { balanceCents } });
        await tx.ledgerEntry.create({
          data: {
            userId: input.userId,
            amountCents: coupon.valueCents,
            kind: "COUPON_CREDIT",
            balanceAfterCents: balanceCents,
            redemptionId: redemption.id,
          },
        });
        return { ok: true as const, redemptionId: redemption.id, balanceCents };
      },
      { maxWait: 30_000, timeout: 30_000 },
    );
  } catch (error) {
    return { ok: false, reason: `error: ${(error as Error).message.split("\n").at(-1)}` };
  }
}

export type NaiveRevokeResult = { ok: true } | { ok: false; reason: string };

export async function naiveRevoke(
  db: Db,
  redemptionId: string,
  { checked }: Pick<NaiveOptions, "checked"> = {},
): Promise<NaiveRevokeResult> {
  try {
    return await db.$transaction(
      async (tx) => {
        const redemption = await tx.redemption.findUnique({ where: { id: redemptionId } });
        if (!redemption) return { ok: false as const, reason: "not_found" };
        if (redemption.status !== "ACTIVE") return { ok: true as const };
        await checked?.();
        await sleep(CHECK_TO_ACT_GAP_MS);
        const coupon = await tx.coupon.findUniqueOrThrow({ where: { id: redemption.couponId } });
        const uses = await readUses(tx, coupon);
        const user = await tx.user.findUniqueOrThrow({ where: { id: redemption.userId } });
        await tx.redemption.update({ where: { id: redemptionId }, data: { status: "REVOKED", revokedAt: new Date() } });
        await uses.write(-1);
        const balanceCents = user.balanceCents - redemption.amountCents;
        await tx.user.update({ where: { id: user.id }, data: { balanceCents } });
        await tx.ledgerEntry.create({
          data: {
            userId: user.id,
            amountCents: -redemption.amountCents,
            kind: "COUPON_REVOCATION",
            balanceAfterCents: balanceCents,
            redemptionId,
          },
        });
        return { ok: true as const };
      },
      { maxWait: 30_000, timeout: 30_000 },
    );
  } catch (error) {
    return { ok: false, reason: `error: ${(error as Error).message.split("\n").at(-1)}` };
  }
}

/**
 * The naive count of a coupon's uses, read wherever it is kept (its row, or its hot-coupon slots), and a
 * write of that read value plus or minus one: the lost update hot-coupon mode must not reintroduce.
 */
async function readUses(tx: Tx, coupon: Coupon): Promise<{ total: number; write(delta: 1 | -1): Promise<void> }> {
  if (coupon.counterMode === "SINGLE_ROW") {
    return {
      total: coupon.redeemedCount,
      write: async (delta) =>
        void (await tx.coupon.update({
          where: { id: coupon.id },
          data: { redeemedCount: coupon.redeemedCount + delta },
        })),
    };
  }
  const slots = await tx.couponCounterSlot.findMany({ where: { couponId: coupon.id } });
  return {
    total: slots.reduce((sum, s) => sum + s.used, 0),
    async write(delta) {
      const fits = slots.filter((s) => (delta > 0 ? s.capacity === null || s.used < s.capacity : s.used > 0));
      const slot = fits[Math.floor(Math.random() * fits.length)] ?? slots[0]!;
      await tx.couponCounterSlot.update({
        where: { couponId_slot: { couponId: coupon.id, slot: slot.slot } },
        data: { used: slot.used + delta },
      });
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
