import "server-only";
import type { Db } from "@/lib/db/client";
import type { Tx } from "@/lib/db/transaction";
import type { Coupon, LedgerKind } from "@/lib/generated/prisma/client";

/**
 * THE CONTROL. A deliberately naive check-then-act implementation, written the way most coupon engines
 * are: read the coupon and the user's history, decide in application code, then write. It even runs in
 * a transaction (READ COMMITTED, like Medusa, Saleor or Vendure without their row locks), which does not
 * help. The race suites run every scenario against it and assert that the harness catches its oversell:
 * a harness that cannot catch this proves nothing about the real engine.
 *
 * Between its check and its write it spends 20 milliseconds, standing in for what real engines do
 * there (pricing rules, a fraud check, a call to another service). A gap alone cannot promise that two
 * calls overlap (a slow machine may run one whole naive transaction before the next one reads), so a
 * race suite may also pass `checked`, which holds the first callers there until several have read.
 *
 * It is shared by the race suites (test/), the e2e test build's control route (app/api/control/, compiled
 * only with ONCE_NAIVE_CONTROL=1) and the strategy benchmark (scripts/bench/); nothing else may import it
 * (eslint.config.mjs). The hook that flags read-then-write code skips files named "naive".
 */

const CHECK_TO_ACT_GAP_MS = 20;

export interface NaiveOptions {
  /** The benchmark sets 0 to compare raw speed; the race tests keep the default. */
  gapMs?: number;
  /** Awaited between the check and the write, before the gap (a test's meeting point). */
  checked?: () => Promise<void>;
}

export type NaiveCouponUse<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * The control of lib/coupon-use.ts takeCouponUse, with the same shape: one use of `code` for `userId`
 * inside the caller's transaction, `record` writing what it is for. It reads the coupon, its uses and the
 * user's, decides in code, then writes the numbers it read plus one: the oversell and the lost updates
 * the guarded updates exist to prevent.
 */
export async function naiveTakeCouponUse<T>(
  tx: Tx,
  input: { code: string; userId: string; now?: Date },
  record: (coupon: Coupon, now: Date) => Promise<T>,
  { gapMs = CHECK_TO_ACT_GAP_MS, checked }: NaiveOptions = {},
): Promise<NaiveCouponUse<T>> {
  const now = input.now ?? new Date();
  const coupon = await tx.coupon.findUnique({ where: { code: input.code } });
  if (!coupon) return { ok: false, reason: "unknown_code" };
  if (coupon.status !== "ACTIVE") return { ok: false, reason: "disabled" };
  if (coupon.startsAt && coupon.startsAt > now) return { ok: false, reason: "not_started" };
  if (coupon.expiresAt && coupon.expiresAt <= now) return { ok: false, reason: "expired" };
  const uses = await readUses(tx, coupon);
  if (coupon.maxRedemptions !== null && uses.total >= coupon.maxRedemptions) return { ok: false, reason: "exhausted" };
  const usage = await tx.couponUsage.findUnique({
    where: { couponId_userId: { couponId: coupon.id, userId: input.userId } },
  });
  const mine = usage?.used ?? 0;
  if (mine >= coupon.perUserLimit) return { ok: false, reason: "per_user_limit" };
  await checked?.();
  if (gapMs > 0) await sleep(gapMs);

  const value = await record(coupon, new Date());
  // Upserted with the count read above, so concurrent first uses overwrite each other instead of failing.
  await tx.$executeRaw`
    INSERT INTO coupon_usages (coupon_id, user_id, used, per_user_limit)
    VALUES (${coupon.id}::uuid, ${input.userId}::uuid, ${mine + 1}, ${coupon.perUserLimit})
    ON CONFLICT (coupon_id, user_id) DO UPDATE SET used = ${mine + 1}`;
  await uses.write(+1);
  return { ok: true, value };
}

export type NaiveRedeemResult =
  { ok: true; redemptionId: string; balanceCents: number } | { ok: false; reason: string };

/** The control of lib/redemptions.ts redeemCoupon: a naive key check, the naive use, a read-then-write credit. */
export async function naiveRedeem(
  db: Db,
  input: { userId: string; code: string; idempotencyKey: string; now?: Date },
  options: NaiveOptions = {},
): Promise<NaiveRedeemResult> {
  try {
    return await db.$transaction(
      async (tx) => {
        const previous = await tx.redemption.findFirst({
          where: { userId: input.userId, idempotencyKey: input.idempotencyKey },
        });
        if (previous) return { ok: true as const, redemptionId: previous.id, balanceCents: -1 };
        const use = await naiveTakeCouponUse(
          tx,
          input,
          async (coupon, createdAt) => {
            const redemption = await tx.redemption.create({
              data: {
                couponId: coupon.id,
                userId: input.userId,
                amountCents: coupon.valueCents,
                idempotencyKey: input.idempotencyKey,
                createdAt,
              },
            });
            const user = await tx.user.findUniqueOrThrow({ where: { id: input.userId } });
            const balanceCents = await writeBalance(tx, user, coupon.valueCents, {
              kind: "COUPON_CREDIT",
              redemptionId: redemption.id,
            });
            return { redemptionId: redemption.id, balanceCents };
          },
          options,
        );
        return use.ok ? { ok: true as const, ...use.value } : use;
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
        await writeBalance(tx, user, -redemption.amountCents, { kind: "COUPON_REVOCATION", redemptionId });
        return { ok: true as const };
      },
      { maxWait: 30_000, timeout: 30_000 },
    );
  } catch (error) {
    return { ok: false, reason: `error: ${(error as Error).message.split("\n").at(-1)}` };
  }
}

// ---------------------------------------------------------------------------------------------
// Purchases

/**
 * THE CONTROL for purchases: check-then-act, the way a shop is usually written. It reads the balance,
 * decides in application code, then writes the computed balance back, inside a READ COMMITTED
 * transaction that does not help. test/wallet.test.ts runs the same race against it and asserts the
 * harness sees it overspend; a harness that cannot catch this proves nothing about lib/purchase.ts.
 */

export type NaivePurchaseResult = { ok: true; orderId: string } | { ok: false; reason: string };

export async function naivePurchase(
  db: Db,
  input: { userId: string; productId: string; idempotencyKey: string },
  { checked }: Pick<NaiveOptions, "checked"> = {},
): Promise<NaivePurchaseResult> {
  try {
    return await db.$transaction(
      async (tx) => {
        const product = await tx.product.findUniqueOrThrow({ where: { id: input.productId } });
        const user = await tx.user.findUniqueOrThrow({ where: { id: input.userId } });
        if (user.balanceCents < product.priceCents) return { ok: false as const, reason: "insufficient_credit" };
        await checked?.();
        const order = await tx.order.create({
          data: {
            userId: input.userId,
            subtotalCents: product.priceCents,
            totalCents: product.priceCents,
            idempotencyKey: input.idempotencyKey,
            lines: {
              create: {
                lineNo: 1,
                productId: product.id,
                sku: product.sku,
                name: product.name,
                unitPriceCents: product.priceCents,
                quantity: 1,
              },
            },
          },
        });
        await writeBalance(tx, user, -product.priceCents, { kind: "PURCHASE", orderId: order.id });
        return { ok: true as const, orderId: order.id };
      },
      { maxWait: 30_000, timeout: 30_000 },
    );
  } catch (error) {
    return { ok: false, reason: `error: ${(error as Error).message.split("\n").at(-1)}` };
  }
}

// ---------------------------------------------------------------------------------------------
// Orders

export type NaiveOrderResult = { ok: true; orderId: string } | { ok: false; reason: string };

/**
 * THE CONTROL for checkout (lib/checkout/place-order.ts): one line and an optional code, the way a shop
 * is usually written. It reads the stock, the balance and whether the customer has orders (for a
 * first-order-only code), decides in code, takes the code's use with naiveTakeCouponUse, then writes the
 * stock, the balance and the order count it read, moved by what it sold, charged and placed.
 * test/checkout-races.test.ts runs its scenarios against it and asserts the harness catches it.
 */
export async function naivePlaceOrder(
  db: Db,
  input: { userId: string; sku: string; quantity: number; code?: string; idempotencyKey: string },
  options: NaiveOptions = {},
): Promise<NaiveOrderResult> {
  const { gapMs = CHECK_TO_ACT_GAP_MS, checked } = options;
  try {
    return await db.$transaction(
      async (tx) => {
        const product = await tx.product.findUniqueOrThrow({ where: { sku: input.sku } });
        if (product.stock !== null && product.stock < input.quantity) return { ok: false, reason: "out_of_stock" };
        const user = await tx.user.findUniqueOrThrow({ where: { id: input.userId } });
        // "Is this the customer's first order?", asked before anything is written.
        const hasOrders = (await tx.order.count({ where: { userId: input.userId, status: { not: "CANCELLED" } } })) > 0;
        const subtotalCents = product.priceCents * input.quantity;
        const write = async (coupon: Coupon | null): Promise<NaiveOrderResult> => {
          const discountCents =
            coupon?.kind === "PERCENT_OFF"
              ? Math.floor((subtotalCents * (coupon.percentOff ?? 0)) / 100)
              : Math.min(coupon?.valueCents ?? 0, subtotalCents);
          const totalCents = subtotalCents - discountCents;
          if (user.balanceCents < totalCents) return { ok: false, reason: "insufficient_credit" };
          if (coupon?.firstOrderOnly && hasOrders) return { ok: false, reason: "not_first_order" };
          await tx.user.update({ where: { id: user.id }, data: { liveOrders: user.liveOrders + 1 } });
          const order = await tx.order.create({
            data: {
              userId: input.userId,
              idempotencyKey: input.idempotencyKey,
              subtotalCents,
              discountCents,
              totalCents,
              couponId: coupon?.id ?? null,
              lines: {
                create: {
                  lineNo: 1,
                  productId: product.id,
                  sku: product.sku,
                  name: product.name,
                  unitPriceCents: product.priceCents,
                  quantity: input.quantity,
                  discountCents,
                },
              },
            },
          });
          if (product.stock !== null) {
            await tx.product.update({ where: { id: product.id }, data: { stock: product.stock - input.quantity } });
            await tx.stockMovement.create({
              data: { productId: product.id, kind: "SALE", quantity: -input.quantity, orderId: order.id },
            });
          }
          if (totalCents > 0) await writeBalance(tx, user, -totalCents, { kind: "PURCHASE", orderId: order.id });
          return { ok: true, orderId: order.id };
        };
        if (!input.code) {
          await checked?.();
          if (gapMs > 0) await sleep(gapMs);
          return write(null);
        }
        const use = await naiveTakeCouponUse(tx, { code: input.code, userId: input.userId }, write, options);
        return use.ok ? use.value : use;
      },
      { maxWait: 30_000, timeout: 30_000 },
    );
  } catch (error) {
    return { ok: false, reason: `error: ${(error as Error).message.split("\n").at(-1)}` };
  }
}

// ---------------------------------------------------------------------------------------------
// Partial refunds

/**
 * THE CONTROL for partial refunds (lib/admin/refund-order.ts): it reads what the order (or the line) has
 * refunded so far, decides in code whether this refund still fits, then writes the numbers it read plus
 * this refund, with the refund row and its credit. test/order-refund-races.test.ts fires the same burst
 * at it and asserts the harness sees it refund more than was paid.
 */
export type NaiveRefundResult = { ok: true } | { ok: false; reason: string };

export async function naiveRefundOrder(
  db: Db,
  input: { orderId: string; actorId: string } & ({ amountCents: number } | { lineNo: number; quantity: number }),
  { checked }: Pick<NaiveOptions, "checked"> = {},
): Promise<NaiveRefundResult> {
  try {
    return await db.$transaction(
      async (tx) => {
        const order = await tx.order.findUniqueOrThrow({ where: { id: input.orderId }, include: { lines: true } });
        if (order.status !== "FULFILLED") return { ok: false as const, reason: "not_fulfilled" };
        const line = "lineNo" in input ? order.lines.find((l) => l.lineNo === input.lineNo)! : null;
        if (line && line.refundedQuantity + (input as { quantity: number }).quantity > line.quantity) {
          return { ok: false as const, reason: "exceeds_quantity" };
        }
        const amountCents =
          "amountCents" in input
            ? input.amountCents
            : Math.floor(
                ((line!.unitPriceCents * line!.quantity - line!.discountCents) * input.quantity) / line!.quantity,
              );
        if (order.refundedCents + amountCents > order.totalCents) return { ok: false as const, reason: "exceeds_paid" };
        await checked?.();
        await sleep(CHECK_TO_ACT_GAP_MS);
        const user = await tx.user.findUniqueOrThrow({ where: { id: order.userId } });
        await tx.order.update({
          where: { id: order.id },
          data: { refundedCents: order.refundedCents + amountCents },
        });
        if (line) {
          await tx.orderLine.update({
            where: { orderId_lineNo: { orderId: order.id, lineNo: line.lineNo } },
            data: { refundedQuantity: line.refundedQuantity + (input as { quantity: number }).quantity },
          });
        }
        const refund = await tx.orderRefund.create({
          data: { orderId: order.id, actorId: input.actorId, amountCents, reason: "naive refund" },
        });
        if (line) {
          await tx.orderRefundLine.create({
            data: {
              refundId: refund.id,
              orderId: order.id,
              lineNo: line.lineNo,
              quantity: (input as { quantity: number }).quantity,
            },
          });
        }
        await writeBalance(tx, user, amountCents, { kind: "ORDER_PARTIAL_REFUND", refundId: refund.id });
        return { ok: true as const };
      },
      { maxWait: 30_000, timeout: 30_000 },
    );
  } catch (error) {
    return { ok: false, reason: `error: ${(error as Error).message.split("\n").at(-1)}` };
  }
}

/**
 * Moves a balance the naive way: the balance `user` had when it was read, plus `amountCents`, written
 * back with its ledger entry. Whatever committed since that read is overwritten: the lost update.
 */
async function writeBalance(
  tx: Tx,
  user: { id: string; balanceCents: number },
  amountCents: number,
  link: { kind: LedgerKind; redemptionId?: string; orderId?: string; refundId?: string },
): Promise<number> {
  const balanceCents = user.balanceCents + amountCents;
  await tx.user.update({ where: { id: user.id }, data: { balanceCents } });
  await tx.ledgerEntry.create({ data: { userId: user.id, amountCents, balanceAfterCents: balanceCents, ...link } });
  return balanceCents;
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
