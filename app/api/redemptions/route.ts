import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { redeemMessage } from "@/lib/messages";
import { redeemWithinLimits } from "@/lib/redeem-within-limits";
import { messageTimeZone } from "@/lib/store-settings";
import type { RedeemRefusal, RedeemResult } from "@/lib/redemptions";
import { decidedResponse, rateLimitedResponse, readCustomerRequest } from "@/lib/web/customer-request";
import { answerBusyWhenDatabaseUnavailable } from "@/lib/web/http";
import { requestMeta } from "@/lib/web/request-meta";

/**
 * POST /api/redemptions  {"code": "WELCOME10"}  with an Idempotency-Key header, signed in by cookie.
 *
 * Stripe / IETF Idempotency-Key semantics: the first request with a key decides, and every later
 * request with that key gets the same status and body, marked `Idempotent-Replayed: true`. A request
 * that arrives while the first one with its key is still running waits for it (the engine's claim on
 * the key blocks) and then receives that same stored answer, so duplicates never apply twice.
 *
 * Attempts are rate-limited per customer and per client address (lib/rate-limits.ts): over the limit,
 * the answer is 429 with Retry-After and nothing reaches the engine, so the key stays unused.
 */

export const dynamic = "force-dynamic";

const bodySchema = z.object({ code: z.string() });

const STATUS: Record<RedeemRefusal, number> = {
  invalid_code: 422,
  unknown_code: 422,
  not_applicable: 409,
  idempotency_key_reused: 422,
  disabled: 409,
  not_started: 409,
  expired: 409,
  exhausted: 409,
  per_user_limit: 409,
  revoked_before: 409,
  balance_limit: 409,
  invalid_idempotency_key: 400,
  unknown_user: 401,
  busy: 503,
};

export const POST = answerBusyWhenDatabaseUnavailable(async (request: Request): Promise<Response> => {
  const read = await readCustomerRequest(request, { schema: bodySchema, example: '{"code": "WELCOME10"}' });
  if (!read.ok) return read.response;

  const db = getDb();
  const result = await redeemWithinLimits(db, {
    userId: read.user.id,
    code: read.body.code,
    idempotencyKey: read.key,
    meta: requestMeta(request.headers),
  });
  if (!result.ok && result.reason === "rate_limited") return rateLimitedResponse(result);
  return toResponse(result, redeemMessage(result, await messageTimeZone(db, result)));
});

function toResponse(result: RedeemResult, message: string): Response {
  if (result.ok) {
    const { id, code, amountCents, createdAt } = result.redemption;
    return decidedResponse(
      201,
      {
        status: "redeemed",
        redemption: { id, code, amountCents, createdAt },
        balanceCents: result.balanceCents,
        message,
      },
      result,
    );
  }
  const window = result.reason === "expired" || result.reason === "not_started" ? result.window : undefined;
  return decidedResponse(
    STATUS[result.reason],
    { status: "refused", reason: result.reason, message, ...(window ? { window } : {}) },
    { replayed: result.replayed, busy: result.reason === "busy" },
  );
}
