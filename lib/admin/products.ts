import "server-only";
import { z } from "zod";
import type { Product } from "@/lib/generated/prisma/client";
import type { Db } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { Rollback, runTransaction, type Tx } from "@/lib/db/transaction";
import { recordAdminChange } from "@/lib/admin-changes";

/**
 * The products admin: the list with stock, creating a product, and adjusting or setting its stock.
 * Stock only moves with a stock_movements row in the same transaction (products.stock = sum of its
 * movements), and a decrease is a guarded UPDATE (`stock >= n` in its WHERE, count checked), so an
 * adjustment racing orders never takes the stock below what they already took; CHECK
 * products_stock_non_negative stands behind it.
 */

export interface NewProduct {
  sku: string;
  name: string;
  priceCents: number;
  /** null = not stock-tracked. */
  stock: number | null;
}

export type CreateProductResult =
  { ok: true; product: Product } | { ok: false; reason: "duplicate_sku"; sku: string } | { ok: false; reason: "busy" };

export type AdjustStockResult =
  | { ok: true; product: Product }
  | { ok: false; reason: "not_found" | "not_tracked" | "busy" }
  /** The decrease is more than is in stock now (orders may have taken some meanwhile). */
  | { ok: false; reason: "below_zero"; stock: number };

export function listAdminProducts(db: Db): Promise<Product[]> {
  return db.product.findMany({ orderBy: [{ active: "desc" }, { name: "asc" }, { id: "asc" }] });
}

export async function adminCreateProduct(db: Db, actorId: string, input: NewProduct): Promise<CreateProductResult> {
  const outcome = await runTransaction<Product, never>(db, async (tx) => {
    const product = await tx.product.create({ data: input });
    if (input.stock !== null) {
      await tx.stockMovement.create({
        data: { productId: product.id, kind: "INITIAL", quantity: input.stock, actorId },
      });
    }
    await recordAdminChange(tx, actorId, {
      action: "PRODUCT_CREATED",
      targetType: "product",
      targetId: product.id,
      summary: `Created ${product.sku}`,
      after: input,
    });
    return product;
  }).catch((error: unknown) => {
    if (isUniqueViolation(error)) return { kind: "duplicate_sku" as const };
    throw error;
  });
  switch (outcome.kind) {
    case "committed":
      return { ok: true, product: outcome.value };
    case "duplicate_sku":
      return { ok: false, reason: "duplicate_sku", sku: input.sku };
    case "rolled_back":
    case "busy":
      return { ok: false, reason: "busy" };
  }
}

/** Adds (change > 0) or removes (change < 0) stock of a tracked product, as one ADJUSTMENT movement. */
export async function adminAdjustStock(
  db: Db,
  actorId: string,
  productId: string,
  change: number,
): Promise<AdjustStockResult> {
  if (!z.uuid().safeParse(productId).success) return { ok: false, reason: "not_found" };
  if (!Number.isSafeInteger(change) || change === 0) throw new Error("a stock change is a non-zero integer");
  const outcome = await runTransaction<Product, "not_found" | "not_tracked" | "below_zero">(db, async (tx) => {
    const [product] = await tx.product.updateManyAndReturn({
      where: { id: productId, stock: change < 0 ? { gte: -change } : { not: null } },
      data: { stock: { increment: change } },
    });
    if (!product) throw new Rollback(await whyNotAdjusted(tx, productId));
    await tx.stockMovement.create({ data: { productId, kind: "ADJUSTMENT", quantity: change, actorId } });
    await recordAdminChange(tx, actorId, {
      action: "STOCK_ADJUSTED",
      targetType: "product",
      targetId: productId,
      summary: `${change > 0 ? "Added" : "Removed"} ${Math.abs(change)} of ${product.sku}`,
      before: { stock: product.stock! - change },
      after: { stock: product.stock },
    });
    return product;
  });
  switch (outcome.kind) {
    case "committed":
      return { ok: true, product: outcome.value };
    case "busy":
      return { ok: false, reason: "busy" };
    case "rolled_back":
      if (outcome.reason !== "below_zero") return { ok: false, reason: outcome.reason };
      return { ok: false, reason: "below_zero", stock: await currentStock(db, productId) };
  }
}

export type SetStockResult =
  | { ok: true; product: Product; change: number }
  | { ok: false; reason: "not_found" | "not_tracked" | "invalid" | "busy" };

/**
 * Sets a tracked product's stock to `stock` (a count taken off the shelf), as one ADJUSTMENT movement of
 * the difference. The row is locked before it is read, so an order committing meanwhile is either in
 * the stock the difference is taken from or waits for the new value: never counted twice or lost.
 */
export async function adminSetStock(
  db: Db,
  actorId: string,
  productId: string,
  stock: number,
): Promise<SetStockResult> {
  if (!z.uuid().safeParse(productId).success) return { ok: false, reason: "not_found" };
  if (!Number.isSafeInteger(stock) || stock < 0) return { ok: false, reason: "invalid" };
  const outcome = await runTransaction<{ product: Product; change: number }, "not_found" | "not_tracked">(
    db,
    async (tx) => {
      const [locked] = await tx.$queryRaw<{ stock: number | null }[]>`
        SELECT stock FROM products WHERE id = ${productId}::uuid FOR NO KEY UPDATE`;
      if (!locked) throw new Rollback("not_found");
      if (locked.stock === null) throw new Rollback("not_tracked");
      const change = stock - locked.stock;
      const product = await tx.product.update({ where: { id: productId }, data: { stock } });
      if (change !== 0) {
        await tx.stockMovement.create({ data: { productId, kind: "ADJUSTMENT", quantity: change, actorId } });
      }
      await recordAdminChange(tx, actorId, {
        action: "STOCK_ADJUSTED",
        targetType: "product",
        targetId: productId,
        summary: `Set ${product.sku} to ${stock} (${change >= 0 ? "+" : ""}${change})`,
        before: { stock: locked.stock },
        after: { stock },
      });
      return { product, change };
    },
  );
  switch (outcome.kind) {
    case "committed":
      return { ok: true, ...outcome.value };
    case "rolled_back":
      return { ok: false, reason: outcome.reason };
    case "busy":
      return { ok: false, reason: "busy" };
  }
}

/** Why the guarded UPDATE matched nothing: told apart after the fact, never used to decide the change. */
async function whyNotAdjusted(tx: Tx, productId: string): Promise<"not_found" | "not_tracked" | "below_zero"> {
  const product = await tx.product.findUnique({ where: { id: productId }, select: { stock: true } });
  if (!product) return "not_found";
  return product.stock === null ? "not_tracked" : "below_zero";
}

async function currentStock(db: Db, productId: string): Promise<number> {
  const product = await db.product.findUnique({ where: { id: productId }, select: { stock: true } });
  return product?.stock ?? 0;
}
