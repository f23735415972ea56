import { z } from "zod";
import { idempotencyKeySchema } from "@/lib/codes";
import { orderJson } from "@/lib/checkout/order-view";
import type { PlaceOrderRefusal } from "@/lib/checkout/place-order";
import { type LimitedOrderResult, placeOrderWithinLimits } from "@/lib/checkout/within-limits";
import { getDb } from "@/lib/db/client";
import { orderMessage, rateLimitedMessage } from "@/lib/messages";
import { answerBusyWhenDatabaseUnavailable, jsonResponse, problem, readJsonBody } from "@/lib/web/http";
import { requestMeta } from "@/lib/web/request-meta";
import { getCurrentUser } from "@/lib/web/session";

/**
 * POST /api/orders  {"lines":[{"sku":"LIMITED-TEE","quantity":1}],"discountCode":"HALFOFF"}  with an
 * Idempotency-Key header, signed in by cookie. The conventions of POST /api/redemptions: the first
 * request with a key decides and every later one with it gets the same answer, marked
 * `Idempotent-Replayed: true`; the same key with another body is refused (422). 201 placed, 409 refused
 * (stock, code, credit), 400/422 malformed, 415 not JSON, 401 anonymous, 429 rate-limited (orders with
 * a code), 503 busy. The whole order is one transaction (lib/checkout/place-order.ts).
 */

export const dynamic = "force-dynamic";

const MAX_BODY_BYTES = 16 * 1024;
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
  unknown_user: 401,
  busy: 503,
};

export const POST = answerBusyWhenDatabaseUnavailable(async (request: Request): Promise<Response> => {
  const user = await getCurrentUser();
  if (!user) return problem(401, "unauthenticated", "Sign in first; this endpoint uses the session cookie.");

  const key = request.headers.get("idempotency-key");
  if (key === null) return problem(400, "missing_idempotency_key", "Send an Idempotency-Key header (a UUID works).");
  const validKey = idempotencyKeySchema.safeParse(key);
  if (!validKey.success)
    return problem(400, "invalid_idempotency_key", validKey.error.issues[0]?.message ?? "Malformed Idempotency-Key.");

  const body = await readJsonBody(request, MAX_BODY_BYTES);
  if (!body.ok) return problem(body.status, body.reason, body.message);
  const input = bodySchema.safeParse(body.value);
  if (!input.success) {
    return problem(400, "invalid_body", 'Send a JSON object like {"lines":[{"sku":"LIMITED-TEE","quantity":1}]}.');
  }

  const result = await placeOrderWithinLimits(getDb(), {
    userId: user.id,
    lines: input.data.lines,
    discountCode: input.data.discountCode,
    idempotencyKey: validKey.data,
    ip: requestMeta(request.headers).ip,
  });
  return toResponse(result);
});

function toResponse(result: LimitedOrderResult): Response {
  if (!result.ok && result.reason === "rate_limited") {
    const { reason, scope, retryAfterSeconds } = result;
    return jsonResponse(
      429,
      { status: "refused", reason, scope, retryAfterSeconds, message: rateLimitedMessage(result) },
      { "Retry-After": String(retryAfterSeconds) },
    );
  }
  const replayed: Record<string, string> = result.replayed ? { "Idempotent-Replayed": "true" } : {};
  if (result.ok) {
    return jsonResponse(
      201,
      {
        status: "placed",
        order: orderJson(result.order),
        balanceCents: result.balanceCents,
        message: orderMessage(result),
      },
      replayed,
    );
  }
  const { reason, sku, totalCents, balanceCents, minSubtotalCents } = result;
  return jsonResponse(
    STATUS[reason],
    { status: "refused", reason, message: orderMessage(result), sku, totalCents, balanceCents, minSubtotalCents },
    { ...replayed, ...(reason === "busy" ? { "Retry-After": "1" } : {}) },
  );
}
