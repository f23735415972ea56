import { redeem } from "@/lib/commands/customer";
import { getDb } from "@/lib/db/client";
import { redeemMessage } from "@/lib/messages";
import { messageTimeZone } from "@/lib/store-settings";
import { customerRoute } from "@/lib/web/customer-route";

/**
 * POST /api/redemptions  {"code": "WELCOME10"}  with an Idempotency-Key header, signed in by cookie.
 *
 * The first request with a key decides, and every later request with that key gets the same status and
 * body, marked `Idempotent-Replayed: true`. A request that arrives while the first one with its key is
 * still running waits for it (the engine's claim on the key blocks) and then receives that same stored
 * answer, so duplicates never apply twice. Attempts are rate-limited per customer and per client address
 * (the redeem command's edge): over the limit the answer is 429 and nothing reaches the engine.
 */

export const dynamic = "force-dynamic";

export const POST = customerRoute(redeem, {
  bodyExample: '{"code": "WELCOME10"}',
  input: ({ body, key }) => ({ code: body.code, idempotencyKey: key }),
  placed: (result) => {
    const { id, code, amountCents, createdAt } = result.redemption;
    return {
      status: 201,
      body: { status: "redeemed", redemption: { id, code, amountCents, createdAt }, balanceCents: result.balanceCents },
      replayed: result.replayed,
    };
  },
  refusalFields: (result) => {
    const window = result.reason === "expired" || result.reason === "not_started" ? result.window : undefined;
    return window ? { window } : {};
  },
  message: async (result) => redeemMessage(result, await messageTimeZone(getDb(), result)),
});
