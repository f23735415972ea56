import { orderJson } from "@/lib/checkout/order-view";
import { cancel } from "@/lib/commands/customer";
import { cancelMessage } from "@/lib/messages";
import { customerRoute } from "@/lib/web/customer-route";

/**
 * POST /api/orders/{id}/cancel, signed in by cookie; no body and no key needed. Cancelling is idempotent
 * by the order's status (lib/checkout/cancel-order.ts): the first cancel reverses the order and answers
 * 200; every later one answers 200 with the cancelled order, marked `Idempotent-Replayed: true`, and
 * changes nothing. Someone else's order is 404, a fulfilled one 409.
 */

export const dynamic = "force-dynamic";

export const POST = customerRoute(cancel, {
  input: ({ params }) => ({ orderId: params.id }),
  placed: (result) => ({
    status: 200,
    body: { status: "cancelled", order: orderJson(result.order), balanceCents: result.balanceCents },
    replayed: result.alreadyCancelled,
  }),
  message: cancelMessage,
});
