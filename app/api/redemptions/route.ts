import { z } from "zod";
import { getCurrentUser } from "@/lib/web/session";
import { idempotencyKeySchema } from "@/lib/codes";
import { getDb } from "@/lib/db/client";
import { answerBusyWhenDatabaseUnavailable, jsonResponse, problem, readJsonBody } from "@/lib/web/http";
import { rateLimitedMessage, redeemMessage } from "@/lib/messages";
import { type LimitedRedeemResult, redeemWithinLimits } from "@/lib/redeem-within-limits";
import type { RedeemRefusal } from "@/lib/redemptions";
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

const MAX_BODY_BYTES = 16 * 1024;
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
  balance_limit: 409,
  invalid_idempotency_key: 400,
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
  if (!input.success) return problem(400, "invalid_body", 'Send a JSON object like {"code": "WELCOME10"}.');

  const result = await redeemWithinLimits(getDb(), {
    userId: user.id,
    code: input.data.code,
    idempotencyKey: validKey.data,
    meta: requestMeta(request.headers),
  });
  return toResponse(result);
});

function toResponse(result: LimitedRedeemResult): Response {
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
    const { id, code, amountCents, createdAt } = result.redemption;
    return jsonResponse(
      201,
      {
        status: "redeemed",
        redemption: { id, code, amountCents, createdAt },
        balanceCents: result.balanceCents,
        message: redeemMessage(result),
      },
      replayed,
    );
  }
  const window = result.reason === "expired" || result.reason === "not_started" ? result.window : undefined;
  return jsonResponse(
    STATUS[result.reason],
    { status: "refused", reason: result.reason, message: redeemMessage(result), ...(window ? { window } : {}) },
    { ...replayed, ...(result.reason === "busy" ? { "Retry-After": "1" } : {}) },
  );
}
