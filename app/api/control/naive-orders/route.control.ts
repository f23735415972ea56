import { z } from "zod";
import { getCurrentUser } from "@/lib/web/session";
import { getDb } from "@/lib/db/client";
import { naivePlaceOrder } from "@/lib/controls/naive";

/**
 * TEST-ONLY CONTROL. POST /api/control/naive-orders places an order through the deliberately naive
 * check-then-act checkout (lib/controls/naive.ts naivePlaceOrder), with the body and answers of
 * POST /api/orders, so the race tool's `--target orders` can be shown to catch an oversold stock over
 * HTTP. Like ../naive-redemptions, the `.control.ts` extension makes it a route only in builds made
 * with ONCE_NAIVE_CONTROL=1 (next.config.js pageExtensions), which only the end-to-end suite makes.
 */

// The control places one line, as the race tool's orders do.
const bodySchema = z.object({
  lines: z.tuple([z.object({ sku: z.string().max(64), quantity: z.number().int().positive() })]),
  discountCode: z.string().max(64).nullish(),
});

export async function POST(request: Request): Promise<Response> {
  const user = await getCurrentUser();
  if (!user) return Response.json({ reason: "unauthenticated" }, { status: 401 });
  const body = bodySchema.safeParse(await request.json().catch(() => null));
  if (!body.success) return Response.json({ reason: "invalid_body" }, { status: 400 });
  const [line] = body.data.lines;
  const result = await naivePlaceOrder(getDb(), {
    userId: user.id,
    sku: line.sku,
    quantity: line.quantity,
    code: body.data.discountCode?.trim().toUpperCase() || undefined,
    idempotencyKey: request.headers.get("idempotency-key") ?? crypto.randomUUID(),
  });
  return result.ok
    ? Response.json({ status: "placed", order: { id: result.orderId } }, { status: 201 })
    : Response.json({ reason: result.reason }, { status: 409 });
}
