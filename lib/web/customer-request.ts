import "server-only";
import type { z } from "zod";
import { idempotencyKeySchema } from "@/lib/codes";
import type { CurrentUser } from "@/lib/current-user";
import { rateLimitedMessage } from "@/lib/messages";
import type { RateLimited } from "@/lib/rate-limits";
import { jsonResponse, problem, readJsonBody } from "./http";
import { getCurrentUser } from "./session";

/**
 * What the customer's keyed JSON endpoints (POST /api/redemptions, /api/orders, /api/orders/{id}/cancel)
 * share: who is asking, the Idempotency-Key that makes a retry safe, and the bounded JSON body; and the
 * way their decided answers are marked. The conventions are Stripe's and the IETF draft's: the first
 * request with a key decides, later ones get its answer marked `Idempotent-Replayed: true`.
 */

const MAX_BODY_BYTES = 16 * 1024;

export type CustomerRequest<Body> =
  { ok: true; user: CurrentUser; key: string; body: Body } | { ok: false; response: Response };

interface BodyShape<Body> {
  schema: z.ZodType<Body>;
  /** A well-formed body, quoted in the 400 answer to a malformed one. */
  example: string;
}

/**
 * Reads a keyed request in the order its refusals are promised: signed in by cookie (401), an
 * Idempotency-Key (400), then, when the endpoint takes one, a JSON body of at most 16 KiB (415/413/400)
 * of the given shape (400). The domain validates the values with its own messages.
 */
export async function readCustomerRequest(request: Request): Promise<CustomerRequest<undefined>>;
export async function readCustomerRequest<Body>(
  request: Request,
  shape: BodyShape<Body>,
): Promise<CustomerRequest<Body>>;
export async function readCustomerRequest<Body>(
  request: Request,
  shape?: BodyShape<Body>,
): Promise<CustomerRequest<Body | undefined>> {
  const refuse = (response: Response) => ({ ok: false, response }) as const;
  const user = await getCurrentUser();
  if (!user) return refuse(problem(401, "unauthenticated", "Sign in first; this endpoint uses the session cookie."));

  const key = request.headers.get("idempotency-key");
  if (key === null) {
    return refuse(problem(400, "missing_idempotency_key", "Send an Idempotency-Key header (a UUID works)."));
  }
  const validKey = idempotencyKeySchema.safeParse(key);
  if (!validKey.success) {
    const message = validKey.error.issues[0]?.message ?? "Malformed Idempotency-Key.";
    return refuse(problem(400, "invalid_idempotency_key", message));
  }
  if (!shape) return { ok: true, user, key: validKey.data, body: undefined };

  const read = await readJsonBody(request, MAX_BODY_BYTES);
  if (!read.ok) return refuse(problem(read.status, read.reason, read.message));
  const body = shape.schema.safeParse(read.value);
  if (!body.success) return refuse(problem(400, "invalid_body", `Send a JSON object like ${shape.example}.`));
  return { ok: true, user, key: validKey.data, body: body.data };
}

/** 429 with Retry-After: the limiter refused before the engine was asked, so the key stays unused. */
export function rateLimitedResponse(result: RateLimited): Response {
  const { reason, scope, retryAfterSeconds } = result;
  return jsonResponse(
    429,
    { status: "refused", reason, scope, retryAfterSeconds, message: rateLimitedMessage(result) },
    { "Retry-After": String(retryAfterSeconds) },
  );
}

/** A decided answer: marked when it is a replay, and a busy one says when to retry with the same key. */
export function decidedResponse(status: number, body: unknown, answer: { replayed: boolean; busy?: boolean }) {
  return jsonResponse(status, body, {
    ...(answer.replayed ? { "Idempotent-Replayed": "true" } : {}),
    ...(answer.busy ? { "Retry-After": "1" } : {}),
  });
}
