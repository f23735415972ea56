import "server-only";
import { z } from "zod";
import { customerAccount, LEDGER_PAGE, validateCode, viewHold } from "@/lib/store-api";
import { holdInput } from "./holds";
import { typedCode } from "./customer";
import { defineCommand, guessedCode } from "./edge";

/**
 * What a store's server asks of Once through /api/v1 besides holding and redeeming (lib/commands/holds.ts,
 * customer.ts): validating a code against its cart, reading a hold and a customer's account. For one of
 * the store's customers (the actor); reads change nothing, so a repeat has nothing to repeat.
 */

/** What a hold's code would do to the cart, taking nothing: a guess, charged like the cart's preview. */
export const validateInput = holdInput.pick({ subtotalCents: true, lines: true }).extend({ code: typedCode });

export const validate = defineCommand({
  name: "validate-code",
  input: validateInput,
  limit: { charges: () => true, guessed: guessedCode },
  idempotency: { key: "none", by: "nothing_to_repeat" },
  run: (db, actor, input) => validateCode(db, { ...input, userId: actor.userId, meta: actor.meta }),
});

export const viewHeld = defineCommand({
  name: "view-hold",
  input: z.object({ holdId: z.string("Send the hold's id.") }),
  limit: null,
  idempotency: { key: "none", by: "nothing_to_repeat" },
  run: (db, actor, input) => viewHold(db, input.holdId, actor.userId),
});

/** A page of the ledger: `before` is the previous page's `nextBefore`. */
export const accountQuery = z.object({
  before: z
    .string()
    .regex(/^[1-9]\d{0,17}$/, "before is the nextBefore of the previous page.")
    .optional(),
  limit: z.coerce
    .number("limit is a number of entries.")
    .int("limit is a whole number of entries.")
    .min(1, "limit is at least 1.")
    .max(LEDGER_PAGE.max, `limit is at most ${LEDGER_PAGE.max}.`)
    .default(LEDGER_PAGE.default),
});

export const viewCustomer = defineCommand({
  name: "view-customer",
  input: accountQuery,
  limit: null,
  idempotency: { key: "none", by: "nothing_to_repeat" },
  run: (db, actor, input) => customerAccount(db, actor.userId, input),
});
