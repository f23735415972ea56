import "server-only";
import type { Db } from "./db/client";

/** What store credit can buy: the products on sale, cheapest first. */

export interface CatalogueProduct {
  id: string;
  sku: string;
  name: string;
  description: string;
  priceCents: number;
  /** null = not stock-tracked (always available). */
  stock: number | null;
}

export function listProducts(db: Db): Promise<CatalogueProduct[]> {
  return db.product.findMany({
    where: { active: true },
    orderBy: [{ priceCents: "asc" }, { name: "asc" }],
    select: { id: true, sku: true, name: true, description: true, priceCents: true, stock: true },
  });
}
