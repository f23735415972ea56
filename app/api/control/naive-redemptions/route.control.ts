import { z } from "zod";
import { getCurrentUser } from "@/lib/web/session";
import { getDb } from "@/lib/db/client";
import { naiveRedeem } from "@/lib/controls/naive";

/**
 * TEST-ONLY CONTROL. POST /api/control/naive-redemptions redeems through the deliberately naive
 * check-then-act implementation, so the race tool can be shown to catch an oversell over HTTP.
 * The `.control.ts` extension makes it a route only in builds made with ONCE_NAIVE_CONTROL=1
 * (next.config.js pageExtensions), which only the end-to-end suite makes.
 */

const bodySchema = z.object({ code: z.string().max(64) });

export async function POST(request: Request): Promise<Response> {
  const user = await getCurrentUser();
  if (!user) return Response.json({ reason: "unauthenticated" }, { status: 401 });
  const body = bodySchema.safeParse(await request.json().catch(() => null));
  if (!body.success) return Response.json({ reason: "invalid_body" }, { status: 400 });
  const result = await naiveRedeem(getDb(), {
    userId: user.id,
    code: body.data.code.trim().toUpperCase(),
    idempotencyKey: request.headers.get("idempotency-key") ?? crypto.randomUUID(),
  });
  return result.ok
    ? Response.json({ status: "redeemed", redemption: { id: result.redemptionId } }, { status: 201 })
    : Response.json({ reason: result.reason }, { status: 409 });
}
