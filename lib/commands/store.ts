import "server-only";
import { z } from "zod";
import { ADJUSTMENT_SCOPE, adjustCredit, adjustmentSchema } from "@/lib/admin/customers/adjust";
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

/** A store's adjustment of its customer's credit: body fields; the customer is the path's, the key the header's. */
export const creditInput = adjustmentSchema.omit({ customerId: true });

/** Credit (positive) or debit (negative), guarded by the ledger's updates, once per Idempotency-Key (a UUID). */
export const adjustCustomerCredit = defineCommand({
  name: "adjust-customer-credit",
  input: creditInput,
  limit: null,
  idempotency: { key: "required", scope: ADJUSTMENT_SCOPE },
  run: async (db, actor, input) => {
    // Only an API key's route runs this command (lib/web/api-v1.ts), and it always names the key.
    const result = await adjustCredit(db, { apiKeyId: actor.apiKeyId! }, { ...input, customerId: actor.userId });
    if (result.ok) return result;
    const reason = result.reason === "key_reused" ? "idempotency_key_reused" : result.reason;
    return { ok: false as const, reason, replayed: false };
  },
});
