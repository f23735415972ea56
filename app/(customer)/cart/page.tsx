import type { Metadata } from "next";
import { CartView } from "@/components/cart-view";
import { PageHeading } from "@/components/page-heading";
import { getCart } from "@/lib/checkout/cart";
import { getDb } from "@/lib/db/client";
import { initialKeyedState } from "@/lib/web/actions";
import { requireUser } from "@/lib/web/page-guard";
import { placeOrder, setCode, setQuantity } from "./actions";

export const metadata: Metadata = { title: "Cart" };

export default async function CartPage() {
  const user = await requireUser("/cart");
  const cart = await getCart(getDb(), user.id);
  return (
    <>
      <PageHeading
        title="Your cart"
        description="Paid with store credit. A discount code is only used when you place the order."
      />
      <CartView
        cart={cart}
        balanceCents={user.balanceCents}
        setQuantity={setQuantity}
        setCode={setCode}
        placeOrder={placeOrder}
        // A fresh idempotency key for every rendering of the order button.
        initialOrderState={initialKeyedState({})}
      />
    </>
  );
}
