import "server-only";
import { z } from "zod";
import type { ApiScope } from "@/lib/api-keys";
import type { Command } from "@/lib/commands/edge";
import { redeem } from "@/lib/commands/customer";
import { captureHeld, hold, holdInput, refundHeld, refundInput, releaseHeld } from "@/lib/commands/holds";
import {
  accountQuery,
  adjustCustomerCredit,
  creditInput,
  validate,
  validateInput,
  viewCustomer,
  viewHeld,
} from "@/lib/commands/store";
import { getDb } from "@/lib/db/client";
import { formatCents } from "@/lib/format";
import type { HoldView } from "@/lib/holds/hold-view";
import { redeemMessage } from "@/lib/messages";
import { type CustomerRefusal, REFUSALS, type RefusalDetail } from "@/lib/refusals";
import { messageTimeZone } from "@/lib/store-settings";
import { storeCustomerSchema } from "@/lib/store-customers";
import type { ApiKeyRouteSpec } from "./api-key-route";

/**
 * The store's contract, /api/v1: each operation's route spec (what apiKeyRoute runs) beside what the
 * OpenAPI document says of it (lib/web/openapi.ts), from the same zod schemas the commands validate
 * with, so the document cannot drift from the routes. Each app/api/v1 route file is one line over an
 * entry here; test/unit/openapi.test.ts checks the files and the document name the same operations.
 */

export interface V1Operation<
  Input,
  Result extends { ok: boolean; replayed?: boolean; reason?: string },
> extends ApiKeyRouteSpec<Result> {
  command: Command<Input, Result>;
  method: "get" | "post";
  /** The status of a success (its body is `response`). */
  successStatus: 200 | 201;
  /** The OpenAPI path, `{id}` for the route's [id] folder. */
  path: string;
  summary: string;
  description: string;
  /** The JSON body, for the document (the command's input rules judge it). */
  body?: z.ZodType;
  query?: z.ZodObject;
  /** The success's body, for the document. */
  response: z.ZodType;
  /** The decided refusals this operation can answer with (status and sentence from lib/refusals.ts). */
  refusals: readonly CustomerRefusal[];
}

function operation<Input, Result extends { ok: boolean; replayed?: boolean; reason?: string }>(
  spec: V1Operation<Input, Result>,
) {
  return spec;
}

const cents = z.number().int();
const when = z.iso.datetime();

const holdJson = z
  .object({
    id: z.uuid(),
    status: z.enum(["HELD", "CAPTURED", "RELEASED", "EXPIRED", "REFUNDED"]),
    code: z.string().nullable(),
    subtotalCents: cents,
    discountCents: cents,
    creditCents: cents.meta({ description: "Credit taken from the customer's balance for this hold." }),
    refundedCents: cents.meta({ description: "Credit given back after capture." }),
    createdAt: when,
    expiresAt: when,
    capturedAt: when.nullable(),
    releasedAt: when.nullable().meta({ description: "When it was released or expired." }),
    refundedAt: when.nullable().meta({ description: "When it was refunded whole." }),
  })
  .meta({ id: "Hold" });

const customerField = { customer: storeCustomerSchema.meta({ id: "StoreCustomer" }) };
const message = z.string().meta({ description: "A sentence to show the customer." });

/** A refusal's sentence, from its row in the one table, with what the result knows. */
function refused(result: { reason?: string } & RefusalDetail, context: RefusalDetail["context"]) {
  return REFUSALS[result.reason as CustomerRefusal].message({ ...result, context });
}

const settled = (result: { ok: true; hold: HoldView; changed: boolean }) => ({
  status: 200 as const,
  body: { status: result.hold.status.toLowerCase(), changed: result.changed, hold: result.hold },
  replayed: !result.changed,
});

const settledResponse = z.object({
  status: z.enum(["captured", "released", "expired", "refunded"]),
  changed: z.boolean().meta({ description: "False when an earlier request made this change (nothing changed now)." }),
  hold: holdJson,
  message,
});

const holdPath = { holdOwner: ({ params }: { params: Record<string, string> }) => params.id } as const;
const SETTLE_REFUSALS = ["not_found", "expired", "hold_captured", "hold_released", "busy"] as const;

function settleMessage(verb: string) {
  return (result: { ok: true; changed: boolean; hold: HoldView } | { ok: false; reason: string }) =>
    result.ok
      ? result.changed
        ? `${verb}.`
        : `${verb} already by an earlier request; nothing changed.`
      : refused(result, "hold");
}

export const API_V1 = {
  validateCode: operation({
    command: validate,
    scope: "checkout",
    method: "post",
    successStatus: 200,
    path: "/api/v1/codes/validate",
    summary: "What a code would do to a cart",
    description:
      "Judges a code against the store's cart as a hold would, consuming nothing. It says whether a code exists, so it is charged against the customer's guess budget like a redemption attempt, and logged in the attempts log.",
    bodyExample: '{"customer":{"id":"c-1","email":"ada@example.com"},"code":"WELCOME10","subtotalCents":5000}',
    body: validateInput.extend(customerField),
    customer: { create: ({ body }) => body.customer },
    input: ({ body }) => ({ code: body.code, subtotalCents: body.subtotalCents, lines: body.lines }),
    response: z.object({
      status: z.literal("applies"),
      code: z.string(),
      subtotalCents: cents,
      discountCents: cents,
      totalCents: cents,
      message,
    }),
    placed: ({ ok: _ok, ...preview }) => ({ status: 200, body: { status: "applies", ...preview }, replayed: false }),
    refusalFields: ({ minSubtotalCents, appliesTo }) => ({ minSubtotalCents, appliesTo }),
    message: (result) =>
      result.ok
        ? `${result.code} takes ${formatCents(result.discountCents)} off this cart.`
        : refused(result, "checkout"),
    refusals: [
      "invalid_hold",
      "invalid_code",
      "unknown_code",
      "disabled",
      "not_started",
      "expired",
      "exhausted",
      "per_user_limit",
      "revoked_before",
      "not_applicable",
      "minimum_not_met",
      "not_first_order",
      "customer_email_taken",
      "rate_limited",
    ],
  }),

  createHold: operation({
    command: hold,
    scope: "checkout",
    method: "post",
    successStatus: 201,
    path: "/api/v1/holds",
    summary: "Hold a code's use and some credit for a cart",
    description:
      "Takes one use of the code and debits the credit now, in one transaction: the hold itself consumes the limits, so of many holds racing for a code's last use exactly one is granted. The hold lives ttlSeconds (default 900, 60 to 86400), then expires and gives both back unless captured or released first.",
    bodyExample:
      '{"customer":{"id":"c-1","email":"ada@example.com"},"code":"WELCOME10","subtotalCents":5000,"creditCents":0}',
    body: holdInput.omit({ idempotencyKey: true }).extend(customerField),
    customer: { create: ({ body }) => body.customer },
    input: ({ body, key }) => ({
      code: body.code,
      subtotalCents: body.subtotalCents,
      lines: body.lines,
      creditCents: body.creditCents,
      ttlSeconds: body.ttlSeconds,
      idempotencyKey: key,
    }),
    response: z.object({ status: z.literal("held"), hold: holdJson, message }),
    placed: (result) => ({ status: 201, body: { status: "held", hold: result.hold }, replayed: result.replayed }),
    refusalFields: ({ minSubtotalCents }) => ({ minSubtotalCents }),
    message: (result) =>
      result.ok
        ? `Held ${formatCents(result.hold.discountCents)} off and ${formatCents(result.hold.creditCents)} of credit until ${result.hold.expiresAt.toISOString()}.`
        : refused(result, "hold"),
    refusals: [
      "invalid_hold",
      "invalid_code",
      "invalid_idempotency_key",
      "idempotency_key_reused",
      "unknown_code",
      "disabled",
      "not_started",
      "expired",
      "exhausted",
      "per_user_limit",
      "revoked_before",
      "not_applicable",
      "minimum_not_met",
      "not_first_order",
      "insufficient_credit",
      "customer_email_taken",
      "rate_limited",
      "busy",
    ],
  }),

  viewHold: operation({
    command: viewHeld,
    scope: "read",
    method: "get",
    successStatus: 200,
    path: "/api/v1/holds/{id}",
    summary: "A hold",
    description: "The hold as it is now: its status, what it takes off the cart and the credit it holds.",
    customer: holdPath,
    input: ({ params }) => ({ holdId: params.id }),
    response: z.object({ status: z.literal("found"), hold: holdJson, message }),
    placed: (result) => ({ status: 200, body: { status: "found", hold: result.hold }, replayed: false }),
    message: (result) => (result.ok ? `This hold is ${result.hold.status.toLowerCase()}.` : refused(result, "hold")),
    refusals: ["not_found"],
  }),

  captureHold: operation({
    command: captureHeld,
    scope: "checkout",
    method: "post",
    successStatus: 200,
    path: "/api/v1/holds/{id}/capture",
    summary: "Capture a hold",
    description:
      "The sale stands: the code's use and the credit stay taken. Exactly one of capture, release and expiry wins; capturing a captured hold answers the same success with changed false.",
    customer: holdPath,
    input: ({ params }) => ({ holdId: params.id }),
    response: settledResponse,
    placed: settled,
    message: settleMessage("Captured"),
    refusals: SETTLE_REFUSALS,
  }),

  releaseHold: operation({
    command: releaseHeld,
    scope: "checkout",
    method: "post",
    successStatus: 200,
    path: "/api/v1/holds/{id}/release",
    summary: "Release a hold",
    description:
      "No sale: the code's use and the credit go back. A hold past its time is answered as expired (same effect).",
    customer: holdPath,
    input: ({ params }) => ({ holdId: params.id }),
    response: settledResponse,
    placed: settled,
    message: settleMessage("Released"),
    refusals: SETTLE_REFUSALS,
  }),

  refundHold: operation({
    command: refundHeld,
    scope: "checkout",
    method: "post",
    successStatus: 200,
    path: "/api/v1/holds/{id}/refund",
    summary: "Refund a captured hold, whole or in part",
    description:
      "With amountCents: that much of the captured credit goes back (the use stays taken). Without: the rest of the credit and the code's use go back and the hold is refunded. Each refund is made once per Idempotency-Key.",
    bodyExample: '{"amountCents": 500}',
    body: refundInput.pick({ amountCents: true }),
    customer: holdPath,
    input: ({ params, body, key }) => ({ holdId: params.id, amountCents: body.amountCents, idempotencyKey: key }),
    response: settledResponse,
    placed: settled,
    refusalFields: (result) => ("refundableCents" in result ? { refundableCents: result.refundableCents } : {}),
    message: settleMessage("Refunded"),
    refusals: [
      "not_found",
      "hold_not_captured",
      "refund_too_large",
      "invalid_refund",
      "idempotency_key_reused",
      "balance_limit",
      "busy",
    ],
  }),

  redeem: operation({
    command: redeem,
    scope: "redeem",
    method: "post",
    successStatus: 201,
    path: "/api/v1/redemptions",
    summary: "Redeem a store-credit code for a customer",
    description:
      "Turns a store-credit code into credit on the customer's balance, once per Idempotency-Key; the code's limits are checked in the same write that consumes them.",
    bodyExample: '{"customer":{"id":"c-1","email":"ada@example.com"},"code":"WELCOME10"}',
    body: z.object({ code: z.string(), ...customerField }),
    customer: { create: ({ body }) => body.customer },
    input: ({ body, key }) => ({ code: body.code, idempotencyKey: key }),
    response: z.object({
      status: z.literal("redeemed"),
      redemption: z.object({ id: z.uuid(), code: z.string(), amountCents: cents, createdAt: when }),
      balanceCents: cents,
      message,
    }),
    placed: (result) => {
      const { id, code, amountCents, createdAt } = result.redemption;
      return {
        status: 201,
        body: {
          status: "redeemed",
          redemption: { id, code, amountCents, createdAt },
          balanceCents: result.balanceCents,
        },
        replayed: result.replayed,
      };
    },
    message: async (result) => redeemMessage(result, await messageTimeZone(getDb(), result)),
    refusals: [
      "invalid_code",
      "unknown_code",
      "disabled",
      "not_started",
      "expired",
      "exhausted",
      "per_user_limit",
      "revoked_before",
      "not_applicable",
      "invalid_idempotency_key",
      "idempotency_key_reused",
      "balance_limit",
      "customer_email_taken",
      "rate_limited",
      "busy",
    ],
  }),

  viewCustomer: operation({
    command: viewCustomer,
    scope: "read",
    method: "get",
    successStatus: 200,
    path: "/api/v1/customers/{id}",
    summary: "A customer's balance and ledger",
    description:
      "The balance and a page of ledger entries, newest first. Pass nextBefore as before for the next page. The id is the store's id for the customer.",
    query: accountQuery,
    customer: { existing: ({ params }) => params.id },
    input: ({ query }) => ({ before: query.before, limit: query.limit }),
    response: z.object({
      status: z.literal("found"),
      balanceCents: cents,
      ledger: z.array(
        z.object({
          id: z.string(),
          kind: z.string(),
          amountCents: cents,
          balanceAfterCents: cents,
          createdAt: when,
        }),
      ),
      nextBefore: z.string().nullable(),
      message,
    }),
    placed: ({ account }) => ({
      status: 200,
      body: {
        status: "found",
        balanceCents: account.balanceCents,
        ledger: account.entries,
        nextBefore: account.nextBefore,
      },
      replayed: false,
    }),
    message: (result) =>
      result.ok ? `The balance is ${formatCents(result.account.balanceCents)}.` : refused(result, "checkout"),
    refusals: ["unknown_customer"],
  }),

  adjustCredit: operation({
    command: adjustCustomerCredit,
    scope: "checkout",
    method: "post",
    successStatus: 201,
    path: "/api/v1/customers/{id}/credit",
    summary: "Adjust a customer's credit",
    description:
      "Credits (amountCents > 0) or debits (amountCents < 0) the customer's balance with a reason they see, once per Idempotency-Key, which must be a UUID here. A debit never takes the balance below zero, a credit never past the wallet's limit: both are checked in the write that moves it.",
    bodyExample: '{"amountCents": 500, "reason": "Goodwill for a late delivery"}',
    body: creditInput.omit({ idempotencyKey: true }),
    customer: { existing: ({ params }) => params.id },
    input: ({ body, key }) => ({ amountCents: body.amountCents, reason: body.reason, idempotencyKey: key }),
    response: z.object({
      status: z.literal("adjusted"),
      adjustmentId: z.uuid(),
      amountCents: cents,
      balanceCents: cents,
      message,
    }),
    placed: ({ adjustmentId, amountCents, balanceCents, replayed }) => ({
      status: 201,
      body: { status: "adjusted", adjustmentId, amountCents, balanceCents },
      replayed,
    }),
    message: (result) =>
      result.ok ? `The balance is now ${formatCents(result.balanceCents)}.` : refused(result, "checkout"),
    refusals: ["unknown_customer", "insufficient_credit", "balance_limit", "idempotency_key_reused", "busy"],
  }),
} satisfies Record<string, { scope: ApiScope; method: string; path: string }>;

export type V1OperationName = keyof typeof API_V1;
