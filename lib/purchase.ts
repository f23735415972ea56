import "server-only";
import { z } from "zod";
import { idempotencyKeySchema } from "./codes";
import type { Db } from "./db/client";
import { isForeignKeyViolation } from "./db/errors";
import { RetryTransaction, Rollback, runTransaction, type Tx } from "./db/transaction";
import { countLiveOrder } from "./checkout/live-orders";
import { recordSales, takeLine } from "./checkout/stock";
import { debit } from "./ledger";

/**
 * Spending store credit on the catalogue (lib/catalogue.ts); the wallet's reads are lib/wallet.ts.
 *
 * A purchase is one transaction: the order row claims the (user, idempotency key) pair, a stock-tracked
 * product's stock is taken by a guarded decrement (lib/checkout/stock.ts), the balance is taken by one
 * guarded decrement (lib/ledger.ts `debit`), and the PURCHASE ledger entry records it.
 * A refusal rolls all of it back, so nothing about a refused purchase is stored and a retry with the
 * same key is judged afresh; a committed order is the key's answer forever.
 */

export type PurchaseRefusal =
  | "invalid_product"
  | "invalid_idempotency_key"
  | "unknown_product"
  | "unavailable"
  | "out_of_stock"
  | "insufficient_credit"
  | "idempotency_key_reused"
  | "unknown_user"
  /** The database was unreachable or overloaded; nothing happened, retry with the same key. */
  | "busy";

export interface OrderSummary {
  id: string;
  productId: string;
  productName: string;
  priceCents: number;
  createdAt: Date;
}

export type PurchaseResult =
  | { ok: true; order: OrderSummary; balanceCents: number; replayed: boolean }
  | {
      ok: false;
      reason: PurchaseRefusal;
      /** Validation message for invalid_product / invalid_idempotency_key. */
      message?: string;
      /** For insufficient_credit: what it costs and what the customer had when it was refused. */
      priceCents?: number;
      balanceCents?: number;
    };

export interface PurchaseInput {
  userId: string;
  productId: string;
  idempotencyKey: string;
}

const productIdSchema = z.uuid("That product does not exist.");

type Purchased = { kind: "bought"; order: OrderSummary; balanceCents: number } | { kind: "key_taken" };

export async function purchase(db: Db, input: PurchaseInput): Promise<PurchaseResult> {
  const productId = productIdSchema.safeParse(input.productId);
  if (!productId.success) return { ok: false, reason: "invalid_product", message: productId.error.issues[0]?.message };
  const key = idempotencyKeySchema.safeParse(input.idempotencyKey);
  if (!key.success) return { ok: false, reason: "invalid_idempotency_key", message: key.error.issues[0]?.message };
  const request = { userId: input.userId, productId: productId.data, idempotencyKey: key.data };

  let outcome;
  try {
    outcome = await runTransaction<Purchased, PurchaseRefusal>(db, (tx) => purchaseInTransaction(tx, request));
  } catch (error) {
    if (isForeignKeyViolation(error)) return { ok: false, reason: "unknown_user" };
    throw error;
  }
  switch (outcome.kind) {
    case "busy":
      return { ok: false, reason: "busy" };
    case "rolled_back":
      return outcome.reason === "insufficient_credit"
        ? explainInsufficientCredit(db, request)
        : { ok: false, reason: outcome.reason };
    case "committed":
      if (outcome.value.kind === "bought")
        return { ok: true, order: outcome.value.order, balanceCents: outcome.value.balanceCents, replayed: false };
      return answerFromOrder(db, request);
  }
}

async function purchaseInTransaction(tx: Tx, { userId, productId, idempotencyKey }: PurchaseInput): Promise<Purchased> {
  const product = await tx.product.findUnique({ where: { id: productId }, select: { priceCents: true } });
  if (!product) throw new Rollback<PurchaseRefusal>("unknown_product");

  // Claim the key. A concurrent duplicate blocks on the unique index until this commits or rolls back.
  const price = product.priceCents;
  const [order] = await tx.order.createManyAndReturn({
    data: [{ userId, subtotalCents: price, totalCents: price, idempotencyKey }],
    skipDuplicates: true,
    select: { id: true, createdAt: true },
  });
  if (!order) return { kind: "key_taken" };

  // Locks the product (lib/checkout/stock.ts): a price change or withdrawal waits for this purchase, so
  // the price charged is the price at commit time and nothing is sold after it was withdrawn.
  const line = await takeLine(tx, productId, 1);
  if (!line.ok) throw new Rollback<PurchaseRefusal>(line.reason);
  // The price changed between the read above and the lock: charge the new one, from the start.
  if (line.product.priceCents !== price) throw new RetryTransaction();
  const { sku, name } = line.product;
  await tx.orderLine.create({
    data: { orderId: order.id, lineNo: 1, productId, sku, name, unitPriceCents: price, quantity: 1 },
  });
  await recordSales(tx, order.id, [{ product: line.product, quantity: 1 }]);
  // Unguarded; the order's foreign key has already refused an unknown user.
  await countLiveOrder(tx, userId, { firstOrder: false });
  const paid = await debit(tx, userId, price, { kind: "PURCHASE", orderId: order.id });
  if (!paid.ok) throw new Rollback<PurchaseRefusal>("insufficient_credit");
  return {
    kind: "bought",
    order: { ...order, productId, priceCents: price, productName: name },
    balanceCents: paid.balanceCents,
  };
}

/** The stored order of an already-used key is the answer to every later request with that key. */
async function answerFromOrder(db: Db, request: PurchaseInput): Promise<PurchaseResult> {
  const order = await db.order.findUniqueOrThrow({
    where: { userId_idempotencyKey: { userId: request.userId, idempotencyKey: request.idempotencyKey } },
    select: {
      id: true,
      createdAt: true,
      lines: { select: { productId: true, name: true, unitPriceCents: true } },
      ledgerEntries: { where: { kind: "PURCHASE" }, select: { balanceAfterCents: true } },
    },
  });
  const [line] = order.lines;
  if (order.lines.length !== 1 || line?.productId !== request.productId) {
    return { ok: false, reason: "idempotency_key_reused" };
  }
  return {
    ok: true,
    order: {
      id: order.id,
      createdAt: order.createdAt,
      productId: line.productId,
      priceCents: line.unitPriceCents,
      productName: line.name,
    },
    // The balance right after this order, so every replay shows the same answer.
    balanceCents: order.ledgerEntries[0]?.balanceAfterCents ?? 0,
    replayed: true,
  };
}

/** Only explains a refusal the guarded debit already decided; never used to decide. */
async function explainInsufficientCredit(db: Db, request: PurchaseInput): Promise<PurchaseResult> {
  const [user, product] = await Promise.all([
    db.user.findUnique({ where: { id: request.userId }, select: { balanceCents: true } }),
    db.product.findUnique({ where: { id: request.productId }, select: { priceCents: true } }),
  ]);
  return {
    ok: false,
    reason: "insufficient_credit",
    priceCents: product?.priceCents,
    balanceCents: user?.balanceCents,
  };
}
