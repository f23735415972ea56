import "server-only";
import { z } from "zod";
import { MAX_LINE_QUANTITY, MAX_ORDER_CENTS, MAX_ORDER_LINES } from "@/lib/checkout/place-order";
import { countLiveOrder } from "@/lib/checkout/live-orders";
import { couponCodeSchema, idempotencyKeySchema } from "@/lib/codes";
import { type CouponUseRefusal, takeCouponUse } from "@/lib/coupon-use";
import { type DiscountRefusal, discountFor, type PricedLine } from "@/lib/coupon-value";
import type { Db } from "@/lib/db/client";
import { isForeignKeyViolation } from "@/lib/db/errors";
import { Rollback, type Tx } from "@/lib/db/transaction";
import type { Coupon } from "@/lib/generated/prisma/client";
import { fingerprint, type Once, runOnce } from "@/lib/idempotency";
import { storableText } from "@/lib/input-rules";
import { debit } from "@/lib/ledger";
import { recordEvent } from "@/lib/webhooks/outbox";
import { type HoldView, holdViewSelect, toHoldView } from "./hold-view";

/**
 * Making a hold (README "Holds"): a store's checkout holds a code's use and some of the customer's
 * credit while the customer pays. One interactive transaction, claimed by its idempotency key (scope
 * "hold"): the code's use is taken through the exactly-once primitive (lib/coupon-use.ts), and while it
 * is held the discount is judged from the terms the use is fenced on, the customer's live orders are
 * counted (from 0 only, guarded, for a first-order-only code: a hold is an order at the store), the hold
 * is written and the credit is debited by the guarded decrement (a HOLD ledger entry). The limits are
 * consumed by the hold itself; capture keeps them, release and expiry give them back (settle-hold.ts).
 *
 * Lock order: the one placing an order uses (coupon_usages, users, the coupon's counter); the hold row
 * is new, so no other transaction waits on it here.
 */

export const HOLD_SCOPE = "hold";
/** How long a hold lives unless captured or released: 15 minutes by default, a minute to a day. */
export const HOLD_TTL_SECONDS = { default: 900, min: 60, max: 86_400 } as const;

export type CreateHoldRefusal =
  | "invalid_hold"
  | "invalid_code"
  | "invalid_idempotency_key"
  | "idempotency_key_reused"
  | "unknown_user"
  | DiscountRefusal
  | CouponUseRefusal
  | "not_first_order"
  | "insufficient_credit"
  | "busy";

export type CreateHoldResult =
  | { ok: true; hold: HoldView; replayed: boolean }
  | {
      ok: false;
      reason: CreateHoldRefusal;
      replayed: boolean;
      /** Validation message for the invalid_* reasons. */
      message?: string;
      /** For minimum_not_met. */
      minSubtotalCents?: number;
    };

/** One line of the store's cart: the code's product list is matched by sku against Once's products. */
export interface HoldLine {
  sku: string;
  quantity: number;
  unitPriceCents: number;
}

export interface CreateHoldInput {
  userId: string;
  /** The discount code to hold a use of; none for a hold of credit alone. */
  code?: string | null;
  subtotalCents: number;
  lines?: readonly HoldLine[];
  /** Store credit to hold towards the total after the discount. */
  creditCents?: number;
  ttlSeconds?: number;
  idempotencyKey: string;
  /** The instant the hold is made at (and the code's window judged at); defaults to now (tests pin it). */
  now?: Date;
}

const cents = (what: string) =>
  z
    .number(`${what} is a whole number of cents.`)
    .int(`${what} is a whole number of cents.`)
    .min(0, `${what} cannot be negative.`)
    .max(MAX_ORDER_CENTS, `${what} is above the most store credit can pay.`);

/** The store's cart and the hold's terms; the API's validate judges a cart by it too (lib/store-api.ts). */
export const holdRequestSchema = z
  .object({
    subtotalCents: cents("The subtotal"),
    lines: z
      .array(
        z.object({
          sku: storableText().trim().min(1, "Every line needs a sku.").max(64, "That sku is too long."),
          quantity: z
            .number("The quantity is a whole number.")
            .int("The quantity is a whole number.")
            .min(1, "Each quantity is at least 1.")
            .max(MAX_LINE_QUANTITY, `Each quantity is at most ${MAX_LINE_QUANTITY}.`),
          unitPriceCents: cents("A unit price"),
        }),
      )
      .min(1, "Send the cart's lines, or leave them out.")
      .max(MAX_ORDER_LINES, `A cart has at most ${MAX_ORDER_LINES} lines.`)
      .optional(),
    creditCents: cents("The credit to hold").default(0),
    ttlSeconds: z
      .number("ttlSeconds is a whole number of seconds.")
      .int("ttlSeconds is a whole number of seconds.")
      .min(HOLD_TTL_SECONDS.min, `A hold lives at least ${HOLD_TTL_SECONDS.min} seconds.`)
      .max(HOLD_TTL_SECONDS.max, `A hold lives at most ${HOLD_TTL_SECONDS.max} seconds.`)
      .default(HOLD_TTL_SECONDS.default),
  })
  .refine(
    ({ lines, subtotalCents }) =>
      !lines || lines.reduce((sum, l) => sum + l.unitPriceCents * l.quantity, 0) === subtotalCents,
    "The subtotal must be the sum of the lines.",
  );

type HoldRequest = z.output<typeof holdRequestSchema> & { userId: string; code: string | null; now?: Date };
type Refused = Extract<CreateHoldResult, { ok: false }>;

export async function createHold(db: Db, input: CreateHoldInput): Promise<CreateHoldResult> {
  const parsed = holdRequestSchema.safeParse({
    subtotalCents: input.subtotalCents,
    lines: input.lines,
    creditCents: input.creditCents,
    ttlSeconds: input.ttlSeconds,
  });
  if (!parsed.success) return invalid("invalid_hold", parsed.error);
  const code = input.code ? couponCodeSchema.safeParse(input.code) : null;
  if (code && !code.success) return invalid("invalid_code", code.error);
  if (!code && parsed.data.creditCents === 0) {
    return { ok: false, reason: "invalid_hold", replayed: false, message: "A hold needs a code, some credit or both." };
  }
  const key = idempotencyKeySchema.safeParse(input.idempotencyKey);
  if (!key.success) return invalid("invalid_idempotency_key", key.error);

  const request: HoldRequest = { ...parsed.data, userId: input.userId, code: code?.data ?? null, now: input.now };
  const keyed = {
    scope: HOLD_SCOPE,
    userId: input.userId,
    key: key.data,
    fingerprint: fingerprint({
      code: request.code,
      subtotalCents: request.subtotalCents,
      lines: (request.lines ?? []).map(({ sku, quantity, unitPriceCents }) => ({ sku, quantity, unitPriceCents })),
      creditCents: request.creditCents,
      ttlSeconds: request.ttlSeconds,
    }),
  };
  let once: Once<HoldView, CreateHoldRefusal>;
  try {
    once = await runOnce<HoldView, CreateHoldRefusal>(db, keyed, (tx, holdId) =>
      holdInTransaction(tx, request, key.data, holdId),
    );
  } catch (error) {
    if (isForeignKeyViolation(error)) return { ok: false, reason: "unknown_user", replayed: false };
    throw error;
  }
  switch (once.kind) {
    case "done":
      return { ok: true, hold: once.value, replayed: false };
    case "replayed": {
      const hold = await db.hold.findUniqueOrThrow({ where: { id: once.resultId }, select: holdViewSelect });
      return { ok: true, hold: toHoldView(hold), replayed: true };
    }
    case "refused": {
      const detail = (once.detail ?? {}) as Pick<Refused, "message" | "minSubtotalCents">;
      return { ok: false, reason: once.reason, replayed: once.replayed, ...detail };
    }
    case "key_reused":
      return { ok: false, reason: "idempotency_key_reused", replayed: true };
    case "busy":
      return { ok: false, reason: "busy", replayed: false };
  }
}

async function holdInTransaction(tx: Tx, request: HoldRequest, idempotencyKey: string, holdId: string) {
  const write = (coupon: Coupon | null, now: Date) => writeHold(tx, request, idempotencyKey, holdId, coupon, now);
  if (!request.code) return write(null, request.now ?? new Date());
  const use = await takeCouponUse(tx, { code: request.code, userId: request.userId, now: request.now }, write);
  if (!use.ok) throw refuse(use.reason);
  return use.value;
}

/** Writes the hold for `coupon`'s terms (the ones its use is fenced on, or none), then debits the credit. */
async function writeHold(
  tx: Tx,
  request: HoldRequest,
  idempotencyKey: string,
  holdId: string,
  coupon: Coupon | null,
  now: Date,
): Promise<HoldView> {
  const { userId, subtotalCents, creditCents, ttlSeconds } = request;
  const discountCents = coupon ? await discountOf(tx, coupon, request) : 0;
  if (creditCents > subtotalCents - discountCents) {
    throw refuse("invalid_hold", { message: "The credit to hold is more than the total after the discount." });
  }
  const firstOrder = coupon?.firstOrderOnly ?? false;
  // As for an order: unguarded, nothing counted means an unknown user, whom the hold's foreign key refuses.
  if (!(await countLiveOrder(tx, userId, { firstOrder })) && firstOrder) throw refuse("not_first_order");
  await tx.hold.create({
    data: {
      id: holdId,
      userId,
      couponId: coupon?.id ?? null,
      idempotencyKey,
      subtotalCents,
      discountCents,
      creditCents,
      createdAt: now,
      expiresAt: new Date(now.getTime() + ttlSeconds * 1000),
    },
  });
  if (creditCents > 0 && !(await debit(tx, userId, creditCents, { kind: "HOLD", holdId })).ok) {
    throw refuse("insufficient_credit");
  }
  await recordEvent(tx, {
    type: "hold.created",
    data: {
      customerId: userId,
      holdId,
      couponId: coupon?.id ?? null,
      discountCents,
      creditCents,
      expiresAt: new Date(now.getTime() + ttlSeconds * 1000).toISOString(),
    },
  });
  return toHoldView(await tx.hold.findUniqueOrThrow({ where: { id: holdId }, select: holdViewSelect }));
}

/**
 * The discount for the store's cart. Its lines are matched to Once's products by sku, so a code for
 * some products applies to those lines only; without lines the cart is one line no product list names.
 */
async function discountOf(tx: Tx, coupon: Coupon, { lines, subtotalCents }: HoldRequest): Promise<number> {
  const productIds = (
    await tx.couponProduct.findMany({ where: { couponId: coupon.id }, select: { productId: true } })
  ).map((row) => row.productId);
  let priced: PricedLine[] = [{ productId: "", amountCents: subtotalCents }];
  if (lines) {
    const products = await tx.product.findMany({
      where: { sku: { in: lines.map((line) => line.sku) } },
      select: { id: true, sku: true },
    });
    const idOf = new Map(products.map((p) => [p.sku, p.id]));
    priced = lines.map((line) => ({
      productId: idOf.get(line.sku) ?? "",
      amountCents: line.unitPriceCents * line.quantity,
    }));
  }
  const discount = discountFor({ ...coupon, productIds }, priced);
  if (!discount.ok) {
    throw refuse(discount.reason, discount.minSubtotalCents ? { minSubtotalCents: discount.minSubtotalCents } : {});
  }
  return discount.discountCents;
}

function refuse(reason: CreateHoldRefusal, detail?: Record<string, string | number>) {
  return new Rollback<CreateHoldRefusal>(reason, detail);
}

function invalid(reason: CreateHoldRefusal, error: z.ZodError): Refused {
  return { ok: false, reason, replayed: false, message: error.issues[0]?.message };
}
