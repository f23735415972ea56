import "server-only";
import { z } from "zod";
import { ADJUSTMENT_SCOPE, adjustCredit, adjustmentSchema } from "@/lib/admin/customers/adjust";
import { fulfilOrder, fulfilSchema } from "@/lib/admin/fulfil-order";
import { adminCancelOrder } from "@/lib/admin/orders";
import { REFUND_SCOPE, refundOrder, refundSchema } from "@/lib/admin/refund-order";
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

/** A partial refund of a fulfilled order to store credit, once per form key (lib/admin/refund-order.ts). */
export const refundAnyOrder = defineCommand({
  name: "admin-refund-order",
  input: refundSchema,
  limit: null,
  idempotency: { key: "required", scope: REFUND_SCOPE },
  run: (db, actor, input) => refundOrder(db, actor.userId, input),
});
