import "server-only";
import { z } from "zod";
import { createHold, HOLD_SCOPE, HOLD_TTL_SECONDS } from "@/lib/holds/create-hold";
import { captureHold, HOLD_REFUND_SCOPE, refundHold, releaseHold } from "@/lib/holds/settle-hold";
import { clientKey, typedCode } from "./customer";
import { defineCommand, guessedCode } from "./edge";

/**
 * A store's checkout, for one of its customers (the actor): hold a code's use and some credit, then
 * capture, release or refund it (lib/holds, README "Holds"). Inputs are shapes; the domain judges the
 * values with its own reasons (invalid_hold, invalid_code, invalid_refund).
 */

const cents = z.number("Send an amount in cents.");
const holdId = z.string("Send the hold's id.");

/** The hold's input: the shape /api/v1/holds documents too (lib/web/api-v1.ts). */
export const holdInput = z.object({
  code: typedCode
    .nullish()
    .meta({ description: "The discount code to hold a use of; none for a hold of credit alone." }),
  subtotalCents: cents.meta({ description: "The cart's subtotal; with lines, their sum." }),
  lines: z
    .array(z.object({ sku: z.string(), quantity: z.number(), unitPriceCents: cents }), "Send the cart's lines.")
    .optional()
    .meta({ description: "The cart's lines: a code for some products applies to the lines whose sku is one of them." }),
  creditCents: cents
    .optional()
    .meta({ description: "Store credit to hold towards the total after the discount (default 0)." }),
  ttlSeconds: z
    .number("Send ttlSeconds as a number of seconds.")
    .optional()
    .meta({
      description: `How long the hold lives unless captured or released: default ${HOLD_TTL_SECONDS.default}, ${HOLD_TTL_SECONDS.min} to ${HOLD_TTL_SECONDS.max}.`,
    }),
  idempotencyKey: clientKey,
});

/** A hold with a code is a guess at the code, charged like a redeem or an order with one. */
export const hold = defineCommand({
  name: "hold",
  input: holdInput,
  limit: { charges: (input) => !!input.code, guessed: guessedCode },
  idempotency: { key: "required", scope: HOLD_SCOPE },
  run: (db, actor, input) => createHold(db, { userId: actor.userId, ...input }),
});

/** Capturing twice answers the same success: idempotent by the hold's status. */
export const captureHeld = defineCommand({
  name: "capture-hold",
  input: z.object({ holdId }),
  limit: null,
  idempotency: { key: "none", by: "state" },
  run: (db, actor, input) => captureHold(db, { holdId: input.holdId, userId: actor.userId }),
});

/** Releasing twice answers the same success: idempotent by the hold's status. */
export const releaseHeld = defineCommand({
  name: "release-hold",
  input: z.object({ holdId }),
  limit: null,
  idempotency: { key: "none", by: "state" },
  run: (db, actor, input) => releaseHold(db, { holdId: input.holdId, userId: actor.userId }),
});

export const refundInput = z.object({
  holdId,
  amountCents: cents
    .optional()
    .meta({ description: "Cents of the captured credit to give back; absent: the whole hold, its code's use too." }),
  idempotencyKey: clientKey,
});

/** A refund, whole (no amount) or partial; each one made once by its key. */
export const refundHeld = defineCommand({
  name: "refund-hold",
  input: refundInput,
  limit: null,
  idempotency: { key: "required", scope: HOLD_REFUND_SCOPE },
  run: (db, actor, input) => refundHold(db, { ...input, userId: actor.userId }),
});
