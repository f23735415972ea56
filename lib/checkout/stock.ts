import "server-only";
import { RetryTransaction, type Tx } from "@/lib/db/transaction";
import { Prisma } from "@/lib/generated/prisma/client";

/**
 * Stock moves only with a stock_movements row, in the same transaction (products.stock = the sum of
 * its movements for tracked products). Taking a line is one guarded decrement, `active` and
 * `stock >= quantity` in its where-clause with its count checked; callers take lines in product-id
 * order so two orders never wait for each other in a circle.
 */

export interface TakenProduct {
  id: string;
  sku: string;
  name: string;
  priceCents: number;
  /** Whether stock was taken (and a SALE movement is owed: saleMovements). */
  tracked: boolean;
}

export type TakeLine =
  | { ok: true; product: TakenProduct }
  | { ok: false; reason: "unknown_product" }
  /** `name`: the product's, so a refusal can name it to the customer; `left`: what stock there was. */
  | { ok: false; reason: "unavailable"; name: string }
  | { ok: false; reason: "out_of_stock"; name: string; left: number };

const productFields = { id: true, sku: true, name: true, priceCents: true } as const;

/**
 * Takes `quantity` of a product for an order. A tracked product is taken by the guarded decrement, which
 * also locks its row, so its price and name are the ones at commit. An untracked product is locked FOR
 * SHARE instead: a price change or withdrawal waits for the order (and it is never updated by orders,
 * so no shared lock is ever upgraded, which would deadlock two orders of the same product).
 */
export async function takeLine(tx: Tx, productId: string, quantity: number): Promise<TakeLine> {
  const [taken] = await tx.product.updateManyAndReturn({
    where: { id: productId, active: true, stock: { gte: quantity } },
    data: { stock: { decrement: quantity } },
    select: productFields,
  });
  if (taken) return { ok: true, product: { ...taken, tracked: true } };
  // Nothing taken: untracked, withdrawn, sold out or unknown; the row as it is now says which.
  const [row] = await tx.$queryRaw<(Omit<TakenProduct, "tracked"> & { active: boolean; stock: number | null })[]>`
    SELECT id::text AS id, sku, name, price_cents AS "priceCents", active, stock
    FROM products WHERE id = ${productId}::uuid FOR SHARE`;
  if (!row) return { ok: false, reason: "unknown_product" };
  if (!row.active) return { ok: false, reason: "unavailable", name: row.name };
  if (row.stock === null)
    return {
      ok: true,
      product: { id: row.id, sku: row.sku, name: row.name, priceCents: row.priceCents, tracked: false },
    };
  // Restocked since the decrement was refused (an admin's change committed in between): take it afresh.
  if (row.stock >= quantity) throw new RetryTransaction();
  return { ok: false, reason: "out_of_stock", name: row.name, left: row.stock };
}

/**
 * The SALE movement of each line whose stock takeLine took, as a data-modifying CTE named "sales" for the
 * statement that writes the order's lines (lib/checkout/place-order.ts); null when no line's stock is tracked.
 */
export function saleMovements(
  orderId: string,
  lines: readonly { product: TakenProduct; quantity: number }[],
): Prisma.Sql | null {
  const sales = lines.filter((line) => line.product.tracked);
  if (sales.length === 0) return null;
  return Prisma.sql`"sales" AS (
    INSERT INTO "stock_movements" ("product_id", "kind", "quantity", "order_id")
    SELECT "product_id", 'SALE', "quantity", ${orderId}::uuid
    FROM unnest(${sales.map((line) => line.product.id)}::uuid[], ${sales.map((line) => -line.quantity)}::int[])
      AS "sale" ("product_id", "quantity"))`;
}

/**
 * Gives back what an order's SALE movements took, once: the RETURN movement's unique (order, product,
 * kind) refuses a second return of the same line. A product no longer tracked keeps its (null) stock.
 */
export async function returnStock(tx: Tx, orderId: string): Promise<void> {
  const sales = await tx.stockMovement.findMany({ where: { orderId, kind: "SALE" }, orderBy: { productId: "asc" } });
  for (const sale of sales) {
    await tx.product.updateMany({
      where: { id: sale.productId, stock: { not: null } },
      data: { stock: { increment: -sale.quantity } },
    });
    await tx.stockMovement.create({
      data: { productId: sale.productId, kind: "RETURN", quantity: -sale.quantity, orderId },
    });
  }
}
