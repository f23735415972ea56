import { z } from "zod";
import { orderJson } from "@/lib/checkout/order-view";
import type { PlaceOrderRefusal } from "@/lib/checkout/place-order";
import { type LimitedOrderResult, placeOrderWithinLimits } from "@/lib/checkout/within-limits";
import { getDb } from "@/lib/db/client";
import { orderMessage } from "@/lib/messages";
import { decidedResponse, rateLimitedResponse, readCustomerRequest } from "@/lib/web/customer-request";
import { answerBusyWhenDatabaseUnavailable } from "@/lib/web/http";
import { requestMeta } from "@/lib/web/request-meta";

/**
 * POST /api/orders  {"lines":[{"sku":"LIMITED-TEE","quantity":1}],"discountCode":"HALFOFF"}  with an
 * Idempotency-Key header, signed in by cookie. The conventions of POST /api/redemptions: the first
 * request with a key decides and every later one with it gets the same answer, marked
 * `Idempotent-Replayed: true`; the same key with another body is refused (422). 201 placed, 409 refused
 * (stock, code, credit), 400/422 malformed, 415 not JSON, 401 anonymous, 429 rate-limited (orders with
 * a code), 503 busy. The whole order is one transaction (lib/checkout/place-order.ts).
 */

export const dynamic = "force-dynamic";

// Shapes only; the domain validates quantities, line counts and the code with its own messages.
const bodySchema = z.object({
  lines: z.array(z.object({ sku: z.string(), quantity: z.number() })),
  discountCode: z.string().nullish(),
});

const STATUS: Record<PlaceOrderRefusal, number> = {
  invalid_order: 422,
  invalid_code: 422,
  unknown_product: 422,
  unknown_code: 422,
  idempotency_key_reused: 422,
  invalid_idempotency_key: 400,
  unavailable: 409,
  out_of_stock: 409,
  not_applicable: 409,
  minimum_not_met: 409,
  disabled: 409,
  not_started: 409,
  expired: 409,
  exhausted: 409,
  per_user_limit: 409,
  revoked_before: 409,
  not_first_order: 409,
  insufficient_credit: 409,
  cart_changed: 409,
  unknown_user: 401,
  busy: 503,
};

export const POST = answerBusyWhenDatabaseUnavailable(async (request: Request): Promise<Response> => {
  const read = await readCustomerRequest(request, {
    schema: bodySchema,
    example: '{"lines":[{"sku":"LIMITED-TEE","quantity":1}]}',
  });
  if (!read.ok) return read.response;

  const result = await placeOrderWithinLimits(getDb(), {
    userId: read.user.id,
    lines: read.body.lines,
    discountCode: read.body.discountCode,
    idempotencyKey: read.key,
    ip: requestMeta(request.headers).ip,
  });
  return toResponse(result);
});

function toResponse(result: LimitedOrderResult): Response {
  if (!result.ok && result.reason === "rate_limited") return rateLimitedResponse(result);
  if (result.ok) {
    return decidedResponse(
      201,
      {
        status: "placed",
        order: orderJson(result.order),
        balanceCents: result.balanceCents,
        message: orderMessage(result),
      },
      result,
    );
  }
  const { reason, sku, totalCents, balanceCents, minSubtotalCents } = result;
  return decidedResponse(
    STATUS[reason],
    { status: "refused", reason, message: orderMessage(result), sku, totalCents, balanceCents, minSubtotalCents },
    { replayed: result.replayed, busy: reason === "busy" },
  );
}
