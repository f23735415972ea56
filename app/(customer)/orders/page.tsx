import type { Metadata } from "next";
import { EmptyState } from "@/components/empty-state";
import { OrderList } from "@/components/order-list";
import { PageHeading } from "@/components/page-heading";
import { listOrders } from "@/lib/checkout/orders";
import { getDb } from "@/lib/db/client";
import { requireUser } from "@/lib/web/page-guard";
import { cancel } from "./actions";

export const metadata: Metadata = { title: "Orders" };

export default async function OrdersPage() {
  const user = await requireUser("/orders");
  const orders = await listOrders(getDb(), user.id);
  return (
    <>
      <PageHeading
        title="Your orders"
        description="Cancelling an order that is not fulfilled yet returns its credit and its discount code's use."
      />
      {orders.length === 0 ? (
        <EmptyState title="No orders yet" action={{ href: "/shop", label: "Go to the shop" }}>
          Orders you place from your cart show up here.
        </EmptyState>
      ) : (
        <OrderList orders={orders} cancel={cancel} />
      )}
    </>
  );
}
