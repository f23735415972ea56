import { cancelOrder, type CancelRefusal } from "@/lib/checkout/cancel-order";
import { orderJson } from "@/lib/checkout/order-view";
import { idempotencyKeySchema } from "@/lib/codes";
import { getDb } from "@/lib/db/client";
import { cancelMessage } from "@/lib/messages";
import { answerBusyWhenDatabaseUnavailable, jsonResponse, problem } from "@/lib/web/http";
import { getCurrentUser } from "@/lib/web/session";

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
    const user = await getCurrentUser();
    if (!user) return problem(401, "unauthenticated", "Sign in first; this endpoint uses the session cookie.");
    const key = request.headers.get("idempotency-key");
    if (key === null) return problem(400, "missing_idempotency_key", "Send an Idempotency-Key header (a UUID works).");
    const validKey = idempotencyKeySchema.safeParse(key);
    if (!validKey.success)
      return problem(400, "invalid_idempotency_key", validKey.error.issues[0]?.message ?? "Malformed Idempotency-Key.");

    const { id } = await params;
    const result = await cancelOrder(getDb(), { orderId: id, by: { kind: "customer", userId: user.id } });
    if (result.ok) {
      return jsonResponse(
        200,
        {
          status: "cancelled",
          order: orderJson(result.order),
          balanceCents: result.balanceCents,
          message: cancelMessage(result),
        },
        result.alreadyCancelled ? { "Idempotent-Replayed": "true" } : {},
      );
    }
    return jsonResponse(
      STATUS[result.reason],
      { status: "refused", reason: result.reason, message: cancelMessage(result) },
      result.reason === "busy" ? { "Retry-After": "1" } : {},
    );
  },
);
