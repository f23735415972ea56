import type { Db } from "@/lib/db/client";

/**
 * THE CONTROL for purchases: check-then-act, the way a shop is usually written. It reads the balance,
 * decides in application code, then writes the computed balance back, inside a READ COMMITTED
 * transaction that does not help. test/wallet.test.ts runs the same race against it and asserts the
 * harness sees it overspend; a harness that cannot catch this proves nothing about lib/wallet.ts.
 *
 * It never leaves test/; the hook that flags read-then-write code skips files named "naive".
 */

export type NaivePurchaseResult = { ok: true; orderId: string } | { ok: false; reason: string };

export async function naivePurchase(
  db: Db,
  input: { userId: string; productId: string; idempotencyKey: string },
  { checked }: { checked?: () => Promise<void> } = {},
): Promise<NaivePurchaseResult> {
  try {
    return await db.$transaction(
      async (tx) => {
        const product = await tx.product.findUniqueOrThrow({ where: { id: input.productId } });
        const user = await tx.user.findUniqueOrThrow({ where: { id: input.userId } });
        if (user.balanceCents < product.priceCents) return { ok: false as const, reason: "insufficient_credit" };
        // The race suite holds the first callers here until several have read the same balance.
        await checked?.();
        const order = await tx.order.create({
          data: {
            userId: input.userId,
            productId: product.id,
            priceCents: product.priceCents,
            idempotencyKey: input.idempotencyKey,
          },
        });
        const balanceCents = user.balanceCents - product.priceCents;
        await tx.user.update({ where: { id: input.userId }, data: { balanceCents } });
        await tx.ledgerEntry.create({
          data: {
            userId: input.userId,
            amountCents: -product.priceCents,
            kind: "PURCHASE",
            balanceAfterCents: balanceCents,
            orderId: order.id,
          },
        });
        return { ok: true as const, orderId: order.id };
      },
      { maxWait: 30_000, timeout: 30_000 },
    );
  } catch (error) {
    return { ok: false, reason: `error: ${(error as Error).message.split("\n").at(-1)}` };
  }
}
