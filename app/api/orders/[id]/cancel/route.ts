import { cancelOrder, type CancelRefusal } from "@/lib/checkout/cancel-order";
import { orderJson } from "@/lib/checkout/order-view";
import { getDb } from "@/lib/db/client";
import { cancelMessage } from "@/lib/messages";
import { decidedResponse, readCustomerRequest } from "@/lib/web/customer-request";
import { answerBusyWhenDatabaseUnavailable } from "@/lib/web/http";

/**
 * POST /api/orders/{id}/cancel  with an Idempotency-Key header, signed in by cookie; no body. Cancelling
 * is idempotent by the order's status (lib/checkout/cancel-order.ts): the first cancel reverses the order
 * and answers 200; every later one, with this key or another, answers 200 with the cancelled order,
 * marked `Idempotent-Replayed: true`, and changes nothing. Someone else's order is 404, a fulfilled one 409.
 */

export const dynamic = "force-dynamic";

const STATUS: Record<CancelRefusal, number> = {
  not_found: 404,
  not_cancellable: 409,
  balance_limit: 409,
  busy: 503,
};

export const POST = answerBusyWhenDatabaseUnavailable(
  async (request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> => {
    const read = await readCustomerRequest(request);
    if (!read.ok) return read.response;

    const { id } = await params;
    const result = await cancelOrder(getDb(), { orderId: id, by: { kind: "customer", userId: read.user.id } });
    if (result.ok) {
      return decidedResponse(
        200,
        {
          status: "cancelled",
          order: orderJson(result.order),
          balanceCents: result.balanceCents,
          message: cancelMessage(result),
        },
        { replayed: result.alreadyCancelled },
      );
    }
    return decidedResponse(
      STATUS[result.reason],
      { status: "refused", reason: result.reason, message: cancelMessage(result) },
      { replayed: false, busy: result.reason === "busy" },
    );
  },
);
