import "server-only";
import { z } from "zod";
import { recordAdminChange } from "@/lib/admin-changes";
import type { Db } from "@/lib/db/client";
import { Rollback, type Tx } from "@/lib/db/transaction";
import { formatCents, formatOrderNumber } from "@/lib/format";
import { fingerprint, runOnce } from "@/lib/idempotency";
import { credit } from "@/lib/ledger";
import { recordEvent } from "@/lib/webhooks/outbox";

/**
 * A partial refund of a fulfilled order to the customer's store credit: an amount, or units of its lines
 * (each unit's share of what the line was paid, its discount taken off), optionally put back in stock.
 *
 * Exactly once per admin's key (idempotency_keys, scope order_refund), and never more than was paid,
 * however many refunds run at once: each refunded line is one guarded UPDATE (refunded_quantity + q <=
 * quantity), then the order is one guarded UPDATE (status = FULFILLED and refunded_cents + amount <=
 * total_cents), both counts checked, with CHECKs behind them; the credit moves through the ledger; the
 * restock is a guarded increment with its RESTOCK movement; the admin log has the entry, all in one
 * transaction. Locks are taken lines (by line number), order, products, customer, so refunds never
 * wait for each other in a circle.
 */

export const REFUND_SCOPE = "order_refund";

const MAX_REFUND_CENTS = 1_000_000_000;

/** CHECK order_refunds_reason_given: the customer sees it in their wallet and on the order's page. */
export const refundReason = z
  .string()
  .trim()
  .min(3, "Give a reason of at least 3 characters; the customer sees it.")
  .max(500, "Keep the reason under 500 characters.");

const common = {
  orderId: z.uuid("Unknown order."),
  reason: refundReason,
  idempotencyKey: z.uuid(),
};

export const refundSchema = z.discriminatedUnion("by", [
  z.object({
    ...common,
    by: z.literal("amount"),
    amountCents: z
      .number()
      .int()
      .min(1, "Refund at least $0.01.")
      .max(MAX_REFUND_CENTS, "That is more than any order's total."),
  }),
  z.object({
    ...common,
    by: z.literal("lines"),
    lines: z
      .array(z.object({ lineNo: z.number().int().min(1), quantity: z.number().int().min(1).max(99) }))
      .min(1, "Choose at least one unit to refund.")
      .max(100)
      .refine((lines) => new Set(lines.map((l) => l.lineNo)).size === lines.length, "Each line once."),
    restock: z.boolean(),
  }),
]);

export type RefundInput = z.infer<typeof refundSchema>;

export type RefundRefusal =
  | "not_found"
  /** Only a fulfilled order is refunded in part; a placed one is cancelled. */
  | "not_fulfilled"
  /** More than what is left of what was paid (detail: remainingCents). */
  | "exceeds_paid"
  /** More units of a line than are left to refund (detail: name, remaining). */
  | "exceeds_quantity"
  | "unknown_line"
  /** The chosen units were paid nothing (fully discounted). */
  | "nothing_to_refund"
  | "balance_limit";

export type RefundResult =
  | {
      ok: true;
      refundId: string;
      number: number;
      amountCents: number;
      /** The order's refunded total after this refund, and its total. */
      refundedCents: number;
      totalCents: number;
      balanceCents: number;
      replayed: boolean;
    }
  | { ok: false; reason: RefundRefusal; detail?: { remainingCents?: number; name?: string; remaining?: number } }
  | { ok: false; reason: "key_reused" | "busy" };

type Done = Omit<Extract<RefundResult, { ok: true }>, "ok" | "replayed">;

export async function refundOrder(db: Db, actorId: string, input: RefundInput): Promise<RefundResult> {
  const { idempotencyKey, ...request } = input;
  const outcome = await runOnce<Done, RefundRefusal>(
    db,
    { scope: REFUND_SCOPE, userId: actorId, key: idempotencyKey, fingerprint: fingerprint(request) },
    (tx, refundId) => refundInTransaction(tx, actorId, refundId, input),
  );
  switch (outcome.kind) {
    case "done":
      return { ok: true, ...outcome.value, replayed: false };
    case "replayed":
      return replayed(db, outcome.resultId);
    case "refused":
      return { ok: false, reason: outcome.reason, ...(outcome.detail ? { detail: outcome.detail as object } : {}) };
    case "key_reused":
    case "busy":
      return { ok: false, reason: outcome.kind };
  }
}

interface RefundedLine {
  lineNo: number;
  quantity: number;
  productId: string;
  name: string;
  amountCents: number;
}

async function refundInTransaction(tx: Tx, actorId: string, refundId: string, input: RefundInput): Promise<Done> {
  const { orderId } = input;
  // Which refusal to give first; the guarded writes below decide.
  const current = await tx.order.findUnique({ where: { id: orderId }, select: { status: true } });
  if (!current) throw new Rollback<RefundRefusal>("not_found");
  if (current.status !== "FULFILLED") throw new Rollback<RefundRefusal>("not_fulfilled");

  const lines = input.by === "lines" ? await refundLines(tx, orderId, input.lines) : [];
  const amountCents = input.by === "lines" ? lines.reduce((sum, l) => sum + l.amountCents, 0) : input.amountCents;
  if (amountCents === 0) throw new Rollback<RefundRefusal>("nothing_to_refund");

  const [order] = await tx.$queryRaw<{ userId: string; number: number; totalCents: number; refundedCents: number }[]>`
    UPDATE orders SET refunded_cents = refunded_cents + ${amountCents}
    WHERE id = ${orderId}::uuid AND status = 'FULFILLED' AND refunded_cents + ${amountCents} <= total_cents
    RETURNING user_id::text AS "userId", number, total_cents AS "totalCents", refunded_cents AS "refundedCents"`;
  if (!order) {
    const now = await tx.order.findUniqueOrThrow({
      where: { id: orderId },
      select: { totalCents: true, refundedCents: true },
    });
    throw new Rollback<RefundRefusal>("exceeds_paid", { remainingCents: now.totalCents - now.refundedCents });
  }

  const restocked = input.by === "lines" && input.restock ? await restock(tx, orderId, lines) : [];
  await tx.orderRefund.create({
    data: { id: refundId, orderId, actorId, amountCents, restocked: restocked.length > 0, reason: input.reason },
  });
  if (lines.length > 0) {
    await tx.orderRefundLine.createMany({
      data: lines.map(({ lineNo, quantity }) => ({ refundId, orderId, lineNo, quantity })),
    });
  }
  if (restocked.length > 0) {
    await tx.stockMovement.createMany({
      data: restocked.map(({ productId, quantity }) => ({ productId, kind: "RESTOCK" as const, quantity, refundId })),
    });
  }
  const credited = await credit(tx, order.userId, amountCents, { kind: "ORDER_PARTIAL_REFUND", refundId });
  if (!credited.ok) throw new Rollback<RefundRefusal>("balance_limit");
  await recordEvent(tx, {
    type: "order.refunded",
    data: { customerId: order.userId, orderId, refundId, amountCents, refundedCents: order.refundedCents },
  });

  const number = formatOrderNumber(order.number);
  const what = lines.map((l) => `${l.quantity} × ${l.name}`).join(", ");
  const details = [what, restocked.length > 0 ? "restocked" : ""].filter(Boolean).join(", ");
  await recordAdminChange(tx, actorId, {
    action: "ORDER_REFUNDED",
    targetType: "order",
    targetId: orderId,
    summary: `Refunded ${formatCents(amountCents)} of order ${number} to store credit${details ? ` (${details})` : ""}: ${input.reason}`,
    before: { refundedCents: order.refundedCents - amountCents },
    after: { refundedCents: order.refundedCents },
  });
  return {
    refundId,
    number: order.number,
    amountCents,
    refundedCents: order.refundedCents,
    totalCents: order.totalCents,
    balanceCents: credited.balanceCents,
  };
}

/**
 * Raises each chosen line's refunded units by one guarded UPDATE, in line order, and prices them: the
 * units from r0 to r1 of a line paid P for q units are worth floor(P·r1/q) − floor(P·r0/q), so however
 * a line is refunded in parts, its parts add up to exactly what it was paid.
 */
async function refundLines(
  tx: Tx,
  orderId: string,
  chosen: readonly { lineNo: number; quantity: number }[],
): Promise<RefundedLine[]> {
  const refunded: RefundedLine[] = [];
  for (const { lineNo, quantity } of [...chosen].sort((a, b) => a.lineNo - b.lineNo)) {
    const [line] = await tx.$queryRaw<
      { productId: string; name: string; paidCents: number; units: number; refundedQuantity: number }[]
    >`
      UPDATE order_lines SET refunded_quantity = refunded_quantity + ${quantity}
      WHERE order_id = ${orderId}::uuid AND line_no = ${lineNo} AND refunded_quantity + ${quantity} <= quantity
      RETURNING product_id::text AS "productId", name, unit_price_cents * quantity - discount_cents AS "paidCents",
                quantity AS units, refunded_quantity AS "refundedQuantity"`;
    if (!line) {
      const now = await tx.orderLine.findUnique({ where: { orderId_lineNo: { orderId, lineNo } } });
      if (!now) throw new Rollback<RefundRefusal>("unknown_line");
      throw new Rollback<RefundRefusal>("exceeds_quantity", {
        name: now.name,
        remaining: now.quantity - now.refundedQuantity,
      });
    }
    const share = (units: number) => Math.floor((line.paidCents * units) / line.units);
    const amountCents = share(line.refundedQuantity) - share(line.refundedQuantity - quantity);
    refunded.push({ lineNo, quantity, productId: line.productId, name: line.name, amountCents });
  }
  return refunded;
}

/**
 * Puts refunded units of lines whose stock the order took (a SALE movement) back on the shelf: a guarded
 * increment of a product still tracked; the caller writes the RESTOCK movement of each, once its refund exists.
 */
async function restock(tx: Tx, orderId: string, lines: readonly RefundedLine[]) {
  const sold = await tx.stockMovement.findMany({
    where: { orderId, kind: "SALE", productId: { in: lines.map((l) => l.productId) } },
    select: { productId: true },
  });
  const soldIds = new Set(sold.map((s) => s.productId));
  const restocked: { productId: string; quantity: number }[] = [];
  for (const line of [...lines].sort((a, b) => a.productId.localeCompare(b.productId))) {
    if (!soldIds.has(line.productId)) continue;
    const { count } = await tx.product.updateMany({
      where: { id: line.productId, stock: { not: null } },
      data: { stock: { increment: line.quantity } },
    });
    if (count === 1) restocked.push({ productId: line.productId, quantity: line.quantity });
  }
  return restocked;
}

async function replayed(db: Db, refundId: string): Promise<RefundResult> {
  const refund = await db.orderRefund.findUniqueOrThrow({
    where: { id: refundId },
    select: {
      amountCents: true,
      order: {
        select: { number: true, refundedCents: true, totalCents: true, user: { select: { balanceCents: true } } },
      },
    },
  });
  const { number, refundedCents, totalCents, user } = refund.order;
  return {
    ok: true,
    refundId,
    number,
    amountCents: refund.amountCents,
    refundedCents,
    totalCents,
    balanceCents: user.balanceCents,
    replayed: true,
  };
}
