import "server-only";
import { z } from "zod";
import type { Db } from "./db/client";
import { placeOrder, type PlaceOrderResult } from "./checkout/place-order";

/**
 * The shop's Buy button: one of a product, paid with store credit, placed as an order of one line by
 * placeOrder, so it has the order's single idempotency mechanism (its key claimed in scope "order", a
 * refusal stored as the key's answer and replayed), its guarded stock and debit, and its refusals.
 */

export interface PurchaseInput {
  userId: string;
  productId: string;
  idempotencyKey: string;
}

const productIdSchema = z.uuid();

export async function purchase(db: Db, input: PurchaseInput): Promise<PlaceOrderResult> {
  // The product's sku names the line; reading it decides nothing (the order's guarded take does).
  const product = productIdSchema.safeParse(input.productId).success
    ? await db.product.findUnique({ where: { id: input.productId }, select: { sku: true } })
    : null;
  if (!product) return { ok: false, reason: "unknown_product", replayed: false };
  return placeOrder(db, {
    userId: input.userId,
    lines: [{ sku: product.sku, quantity: 1 }],
    idempotencyKey: input.idempotencyKey,
  });
}
