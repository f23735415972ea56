import type { Metadata } from "next";
import { EmptyState } from "@/components/empty-state";
import { PageHeading } from "@/components/page-heading";
import { ProductCard } from "@/components/product-card";
import { initialKeyedState } from "@/lib/web/actions";
import { requireUser } from "@/lib/web/page-guard";
import { getDb } from "@/lib/db/client";
import { formatCents } from "@/lib/format";
import { listProducts } from "@/lib/catalogue";
import { addItem } from "../cart/actions";
import { buy } from "./actions";

export const metadata: Metadata = { title: "Shop" };

export default async function ShopPage() {
  const user = await requireUser("/shop");
  const products = await listProducts(getDb());

  return (
    <>
      <PageHeading
        title="Spend your credit"
        description={`Everything here is paid with store credit. You have ${formatCents(user.balanceCents)} to spend.`}
      />
      {products.length === 0 ? (
        <EmptyState title="Nothing on sale right now" action={{ href: "/wallet", label: "See your wallet" }}>
          The catalogue is empty. Your credit stays in your wallet until there is something to spend it on.
        </EmptyState>
      ) : (
        <ul className="grid grid-cols-1 gap-5 sm:grid-cols-2 lg:grid-cols-3">
          {products.map((product, index) => (
            <ProductCard
              key={product.id}
              product={product}
              tile={index}
              balanceCents={user.balanceCents}
              action={buy}
              addToCart={addItem}
              // A fresh idempotency key for every rendering of each buy button.
              initialState={initialKeyedState({})}
            />
          ))}
        </ul>
      )}
    </>
  );
}
