import "server-only";
import { z } from "zod";
import { ADJUSTMENT_SCOPE, adjustCredit, adjustmentSchema } from "@/lib/admin/customers/adjust";
import { fulfilOrder, fulfilSchema } from "@/lib/admin/fulfil-order";
import { adminCancelOrder } from "@/lib/admin/orders";
import { defineCommand } from "./edge";

/** The admin's commands that move money or stock, with their edge (lib/commands/edge.ts); the actor is the admin. */

/** A manual credit or debit of a customer's store credit, once per form key. */
export const adjustCustomerCredit = defineCommand({
  name: "adjust-credit",
  input: adjustmentSchema,
  limit: null,
  idempotency: { key: "required", scope: ADJUSTMENT_SCOPE },
  run: (db, actor, input) => adjustCredit(db, actor.userId, input),
});

/** An admin cancels any order; idempotent by the order's status, audited once. */
export const cancelAnyOrder = defineCommand({
  name: "admin-cancel-order",
  input: z.object({ orderId: z.string() }),
  limit: null,
  idempotency: { key: "none", by: "state" },
  run: (db, actor, input) => adminCancelOrder(db, actor.userId, input.orderId),
});

/** An admin marks a placed order fulfilled (shipped); idempotent by the order's status, audited once. */
export const fulfilAnyOrder = defineCommand({
  name: "admin-fulfil-order",
  input: fulfilSchema,
  limit: null,
  idempotency: { key: "none", by: "state" },
  run: (db, actor, input) => fulfilOrder(db, actor.userId, input.orderId),
});
