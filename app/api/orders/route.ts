import { orderJson } from "@/lib/checkout/order-view";
import { order } from "@/lib/commands/customer";
import { orderMessage } from "@/lib/messages";
import { customerRoute } from "@/lib/web/customer-route";

/**
 * POST /api/orders  {"lines":[{"sku":"LIMITED-TEE","quantity":1}],"discountCode":"HALFOFF"}  with an
 * Idempotency-Key header, signed in by cookie. The conventions of POST /api/redemptions: the first
 * request with a key decides and every later one with it gets the same answer, marked
 * `Idempotent-Replayed: true`; the same key with another body is refused (422). 201 placed, 409 refused
 * (stock, code, credit), 400/422 malformed, 415 not JSON, 401 anonymous, 429 rate-limited (orders with
 * a code), 503 busy. The whole order is one transaction (lib/checkout/place-order.ts).
 */

export const dynamic = "force-dynamic";

export const POST = customerRoute(order, {
  bodyExample: '{"lines":[{"sku":"LIMITED-TEE","quantity":1}]}',
  // Named fields only: the cart's own flag (fromCart) is never taken from a request body.
  input: ({ body, key }) => ({ lines: body.lines, discountCode: body.discountCode, idempotencyKey: key }),
  placed: (result) => ({
    status: 201,
    body: { status: "placed", order: orderJson(result.order), balanceCents: result.balanceCents },
    replayed: result.replayed,
  }),
  refusalFields: ({ sku, productName, stockLeft, totalCents, balanceCents, minSubtotalCents, maxTotalCents }) => ({
    sku,
    productName,
    stockLeft,
    totalCents,
    balanceCents,
    minSubtotalCents,
    maxTotalCents,
  }),
  message: orderMessage,
});
