import "server-only";
import { z } from "zod";
import { couponCodeSchema, idempotencyKeySchema } from "@/lib/codes";
import { type CouponUseRefusal, takeCouponUse } from "@/lib/coupon-use";
import { type DiscountRefusal, discountFor } from "@/lib/coupon-value";
import type { Db } from "@/lib/db/client";
import { isForeignKeyViolation } from "@/lib/db/errors";
import { Rollback, type Tx } from "@/lib/db/transaction";
import { type Coupon, Prisma } from "@/lib/generated/prisma/client";
import { fingerprint, type KeyedRequest, type Once, runOnce } from "@/lib/idempotency";
import { storableText } from "@/lib/input-rules";
import { debit } from "@/lib/ledger";
import { MAX_BALANCE_CENTS } from "@/lib/balance-limit";
import { countLiveOrder } from "./live-orders";
import { type OrderLineView, type OrderView, orderViewSelect, toOrderView } from "./order-view";
import { saleMovements, takeLine, type TakenProduct } from "./stock";
import { recordEvent } from "@/lib/webhooks/outbox";

/**
 * Placing an order: one interactive transaction, all or nothing (README "Checkout"). In order: the idempotency key is claimed (lib/idempotency.ts, scope "order"); a cart order
 * takes its items out of the cart (guarded, so one cart becomes one order); the products are resolved; each line's stock is taken by a guarded decrement in product-id order; the discount
 * code's use is taken through the exactly-once primitive (lib/coupon-use.ts), and while it is held the
 * discount is judged from the terms the use is fenced on, the customer's count of live orders is raised
 * (from 0 only, guarded, for a first-order-only code), the order and its lines are written and the total
 * is debited by the guarded decrement (none for a zero total). Any refusal rolls everything back and is
 * stored as the key's answer, so a replay gets the same refusal.
 *
 * Lock order, shared with cancelling (cancel-order.ts) and redeeming (lib/redemptions.ts): the customer's
 * cart items (cart orders only; nothing else of another customer's takes them), product rows (in id order), then the customer's coupon_usages row, then the customer's users row (live_orders here,
 * then the debit), then the coupon's counter row or slot. Every path takes the ones it needs in this
 * order, so two of them never wait on each other in a cycle.
 */

export const MAX_ORDER_LINES = 50;
export const MAX_LINE_QUANTITY = 99;
/**
 * An order is paid with store credit, which never holds more than MAX_BALANCE_CENTS, so a larger order
 * can never be paid; refusing it before it is written also keeps every amount inside its INTEGER column.
 */
export const MAX_ORDER_CENTS = MAX_BALANCE_CENTS;

export type PlaceOrderRefusal =
  | "invalid_order"
  | "invalid_code"
  | "invalid_idempotency_key"
  | "idempotency_key_reused"
  | "unknown_user"
  | "unknown_product"
  | "unavailable"
  | "out_of_stock"
  | DiscountRefusal
  | CouponUseRefusal
  | "insufficient_credit"
  /** The subtotal is above MAX_ORDER_CENTS: no balance could pay it. */
  | "order_too_large"
  /** A first-order-only code, and the customer has an order that is not cancelled. */
  | "not_first_order"
  /** A cart order whose items were ordered or changed by another request (a second tab or press) meanwhile. */
  | "cart_changed"
  /** The database was unreachable or overloaded; nothing happened, retry with the same key. */
  | "busy";

export type PlaceOrderResult =
  | { ok: true; order: OrderView; balanceCents: number; replayed: boolean }
  | {
      ok: false;
      reason: PlaceOrderRefusal;
      replayed: boolean;
      /** Validation message for the invalid_* reasons. */
      message?: string;
      /** The product a refusal is about (unknown_product, unavailable, out_of_stock), and its name when it exists. */
      sku?: string;
      productName?: string;
      /** For out_of_stock: how many there were when the order was refused (0: sold out). */
      stockLeft?: number;
      /** For insufficient_credit: the order's total, and the balance read after the refusal. */
      totalCents?: number;
      balanceCents?: number;
      /** For minimum_not_met. */
      minSubtotalCents?: number;
      /** For order_too_large. */
      maxTotalCents?: number;
    };

export interface OrderLineRequest {
  sku: string;
  quantity: number;
}

export interface PlaceOrderInput {
  userId: string;
  lines: readonly OrderLineRequest[];
  discountCode?: string | null;
  idempotencyKey: string;
  /** Set when the order is the customer's cart: the ordered items leave the cart in the same transaction. */
  fromCart?: boolean;
  /** The instant the code's window is judged at; defaults to now (tests pin it). */
  now?: Date;
}

const linesSchema = z
  .array(
    z.object({
      sku: storableText().trim().min(1, "Every line needs a sku.").max(64, "That sku is too long."),
      quantity: z
        .number("The quantity is a whole number.")
        .int("The quantity is a whole number.")
        .min(1, "Each quantity is at least 1.")
        .max(MAX_LINE_QUANTITY, `Each quantity is at most ${MAX_LINE_QUANTITY}.`),
    }),
  )
  .min(1, "An order needs at least one line.")
  .max(MAX_ORDER_LINES, `An order has at most ${MAX_ORDER_LINES} lines.`)
  .refine((lines) => new Set(lines.map((l) => l.sku)).size === lines.length, "List each product once.");

interface Request {
  userId: string;
  lines: OrderLineRequest[];
  code: string | null;
  fromCart: boolean;
  now?: Date;
}

type Refused = Extract<PlaceOrderResult, { ok: false }>;

export async function placeOrder(db: Db, input: PlaceOrderInput): Promise<PlaceOrderResult> {
  const lines = linesSchema.safeParse(input.lines);
  if (!lines.success) return invalid("invalid_order", lines.error);
  const code = input.discountCode ? couponCodeSchema.safeParse(input.discountCode) : null;
  if (code && !code.success) return invalid("invalid_code", code.error);
  const key = idempotencyKeySchema.safeParse(input.idempotencyKey);
  if (!key.success) return invalid("invalid_idempotency_key", key.error);

  const sorted = [...lines.data].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
  const request: Request = {
    userId: input.userId,
    lines: sorted,
    code: code?.data ?? null,
    fromCart: input.fromCart ?? false,
    now: input.now,
  };
  const keyed = orderKey(input.userId, key.data, request);

  let once: Once<Placed, PlaceOrderRefusal>;
  try {
    once = await runOnce<Placed, PlaceOrderRefusal>(db, keyed, (tx, orderId) =>
      placeInTransaction(tx, request, key.data, orderId),
    );
  } catch (error) {
    if (isForeignKeyViolation(error)) return { ok: false, reason: "unknown_user", replayed: false };
    throw error;
  }
  switch (once.kind) {
    case "done":
      return { ok: true, ...once.value, replayed: false };
    case "replayed":
      return { ok: true, ...(await placedOrder(db, once.resultId)), replayed: true };
    case "refused":
      return explainRefusal(db, request.userId, once.reason, once.detail, once.replayed);
    case "key_reused":
      return { ok: false, reason: "idempotency_key_reused", replayed: true };
    case "busy":
      return { ok: false, reason: "busy", replayed: false };
  }
}

/** The idempotency scope of orders: the cart, the API and the shop's Buy button share it. */
export const ORDER_SCOPE = "order";

/** An order request's key: one per user, naming its lines (sorted by sku) and its code. */
export function orderKey(
  userId: string,
  idempotencyKey: string,
  request: Pick<Request, "lines" | "code">,
): KeyedRequest {
  return {
    scope: ORDER_SCOPE,
    userId,
    key: idempotencyKey,
    fingerprint: fingerprint({
      lines: request.lines.map(({ sku, quantity }) => ({ sku, quantity })),
      code: request.code,
    }),
  };
}

interface Placed {
  order: OrderView;
  balanceCents: number;
}

interface ResolvedLine {
  lineNo: number;
  product: TakenProduct;
  quantity: number;
}

async function placeInTransaction(tx: Tx, request: Request, idempotencyKey: string, orderId: string): Promise<Placed> {
  if (request.fromCart) await takeCartItems(tx, request);
  const lines = await takeLines(tx, request.lines);
  const write = (coupon: Coupon | null) => writeOrder(tx, request, idempotencyKey, orderId, lines, coupon);
  if (!request.code) return write(null);
  const use = await takeCouponUse(tx, { code: request.code, userId: request.userId, now: request.now }, write);
  if (!use.ok) throw refuse(use.reason);
  return use.value;
}

/**
 * A cart order takes its items out of the cart first, each at the quantity the customer was shown
 * (guarded delete, count checked): of two submissions of one cart with different keys (two tabs, a
 * fresh render) only one deletes the rows, so one cart becomes one order; an edit in between refuses.
 */
async function takeCartItems(tx: Tx, { userId, lines }: Request): Promise<void> {
  const taken = await tx.cartItem.deleteMany({
    where: { userId, OR: lines.map(({ sku, quantity }) => ({ quantity, product: { sku } })) },
  });
  if (taken.count !== lines.length) throw refuse("cart_changed");
  await tx.cart.updateMany({ where: { userId }, data: { discountCode: null } });
}

/** Takes every line (lib/checkout/stock.ts takeLine) in product-id order, the lock order every order shares. */
async function takeLines(tx: Tx, requested: readonly OrderLineRequest[]): Promise<ResolvedLine[]> {
  const ids = await tx.product.findMany({
    where: { sku: { in: requested.map((line) => line.sku) } },
    select: { id: true, sku: true },
  });
  const idOf = new Map(ids.map((product) => [product.sku, product.id]));
  const unknown = requested.find((line) => !idOf.has(line.sku));
  if (unknown) throw refuse("unknown_product", { sku: unknown.sku });
  const lockOrder = [...requested].sort((a, b) => (idOf.get(a.sku)! < idOf.get(b.sku)! ? -1 : 1));
  const taken = new Map<string, TakenProduct>();
  for (const line of lockOrder) {
    const result = await takeLine(tx, idOf.get(line.sku)!, line.quantity);
    if (!result.ok) {
      throw refuse(result.reason, {
        sku: line.sku,
        ...("name" in result ? { productName: result.name } : {}),
        ...("left" in result ? { stockLeft: result.left } : {}),
      });
    }
    taken.set(line.sku, result.product);
  }
  return requested.map((line, index) => ({
    lineNo: index + 1,
    product: taken.get(line.sku)!,
    quantity: line.quantity,
  }));
}

/**
 * Writes the order for `coupon`'s terms (the ones its use is fenced on, or none), then debits the total.
 * Runs while the code's use is held, so the discount judged here is the one the use was taken for.
 */
async function writeOrder(
  tx: Tx,
  { userId }: Request,
  idempotencyKey: string,
  orderId: string,
  lines: ResolvedLine[],
  coupon: Coupon | null,
): Promise<Placed> {
  const priced = lines.map(({ product, quantity }) => ({
    productId: product.id,
    amountCents: product.priceCents * quantity,
  }));
  const subtotalCents = priced.reduce((sum, line) => sum + line.amountCents, 0);
  if (subtotalCents > MAX_ORDER_CENTS) throw refuse("order_too_large", { maxTotalCents: MAX_ORDER_CENTS });
  let discountCents = 0;
  let allocation = lines.map(() => 0);
  if (coupon) {
    const productIds = (
      await tx.couponProduct.findMany({ where: { couponId: coupon.id }, select: { productId: true } })
    ).map((row) => row.productId);
    const discount = discountFor({ ...coupon, productIds }, priced);
    if (!discount.ok) {
      throw refuse(discount.reason, discount.minSubtotalCents ? { minSubtotalCents: discount.minSubtotalCents } : {});
    }
    ({ discountCents, allocation } = discount);
  }
  const totalCents = subtotalCents - discountCents;
  const firstOrder = coupon?.firstOrderOnly ?? false;
  // Unguarded, nothing counted means an unknown user, whom the order's foreign key refuses next; guarded,
  // the user is known (the code's usage row has the same foreign key), so it is the guard's refusal.
  if (!(await countLiveOrder(tx, userId, { firstOrder })) && firstOrder) throw refuse("not_first_order");
  const placed = await tx.order.create({
    data: {
      id: orderId,
      userId,
      idempotencyKey,
      subtotalCents,
      discountCents,
      totalCents,
      couponId: coupon?.id ?? null,
    },
    select: { number: true, status: true, createdAt: true, cancelledAt: true, fulfilledAt: true, refundedCents: true },
  });
  const orderLines = lines.map(({ lineNo, product, quantity }, index) => ({
    lineNo,
    sku: product.sku,
    name: product.name,
    unitPriceCents: product.priceCents,
    quantity,
    discountCents: allocation[index]!,
  }));
  const balanceCents = await pay(tx, userId, orderId, totalCents);
  // What the order leaves behind besides its guards (its lines, their stock movements, its event), in one
  // statement: none of it guards anything, and any refusal of this transaction rolls it all back.
  const linesWithProducts = orderLines.map((line, index) => ({ ...line, productId: lines[index]!.product.id }));
  const writes = [linesInsert(orderId, linesWithProducts), saleMovements(orderId, lines)].filter((sql) => sql !== null);
  await recordEvent(
    tx,
    {
      type: "order.placed",
      data: { customerId: userId, orderId, totalCents, discountCents, couponId: coupon?.id ?? null },
    },
    Prisma.join(writes, ", "),
  );
  // The answer is built from what this transaction wrote: reading the order back would cost three queries.
  const order: OrderView = {
    id: orderId,
    ...placed,
    lines: orderLines,
    subtotalCents,
    discountCents,
    totalCents,
    code: coupon?.code ?? null,
  };
  return { order, balanceCents };
}

/**
 * Every line, whatever their number, as a data-modifying CTE named "lines" (Prisma's nested create sends
 * one statement per line, then reads the order back).
 */
function linesInsert(orderId: string, lines: (OrderLineView & { productId: string })[]): Prisma.Sql {
  const column = <K extends keyof (typeof lines)[number]>(key: K) => lines.map((line) => line[key]);
  return Prisma.sql`"lines" AS (
    INSERT INTO "order_lines"
      ("order_id", "line_no", "product_id", "sku", "name", "unit_price_cents", "quantity", "discount_cents")
    SELECT ${orderId}::uuid, * FROM unnest(${column("lineNo")}::int[], ${column("productId")}::uuid[],
      ${column("sku")}::text[], ${column("name")}::text[], ${column("unitPriceCents")}::int[],
      ${column("quantity")}::int[], ${column("discountCents")}::int[]))`;
}

/** The guarded debit of the total; a zero total writes no ledger entry. */
async function pay(tx: Tx, userId: string, orderId: string, totalCents: number): Promise<number> {
  if (totalCents === 0) {
    return (await tx.user.findUniqueOrThrow({ where: { id: userId }, select: { balanceCents: true } })).balanceCents;
  }
  const paid = await debit(tx, userId, totalCents, { kind: "PURCHASE", orderId });
  if (!paid.ok) throw refuse("insufficient_credit", { totalCents });
  return paid.balanceCents;
}

function refuse(reason: PlaceOrderRefusal, detail?: Record<string, string | number>) {
  return new Rollback<PlaceOrderRefusal>(reason, detail);
}

function invalid(reason: PlaceOrderRefusal, error: z.ZodError): Refused {
  return { ok: false, reason, replayed: false, message: error.issues[0]?.message };
}

/** The answer of a key whose order committed, rebuilt from the order. */
async function placedOrder(db: Db, orderId: string): Promise<Placed> {
  const order = await db.order.findUniqueOrThrow({
    where: { id: orderId },
    select: { ...orderViewSelect, userId: true, ledgerEntries: { where: { kind: "PURCHASE" } } },
  });
  const { userId, ledgerEntries, ...view } = order;
  // The balance right after the order; a free order has no entry, so it answers with today's balance.
  const balanceCents =
    ledgerEntries[0]?.balanceAfterCents ??
    (await db.user.findUniqueOrThrow({ where: { id: userId }, select: { balanceCents: true } })).balanceCents;
  return { order: toOrderView(view), balanceCents };
}

/** A stored refusal with what it needs to be explained; the balance is read after, never used to decide. */
async function explainRefusal(
  db: Db,
  userId: string,
  reason: PlaceOrderRefusal,
  detail: unknown,
  replayed: boolean,
): Promise<Refused> {
  const stored = (detail ?? {}) as Pick<
    Refused,
    "sku" | "productName" | "stockLeft" | "totalCents" | "minSubtotalCents" | "maxTotalCents"
  >;
  const refused: Refused = { ok: false, reason, replayed, ...stored };
  if (reason === "insufficient_credit") {
    const user = await db.user.findUnique({ where: { id: userId }, select: { balanceCents: true } });
    if (user) refused.balanceCents = user.balanceCents;
  }
  return refused;
}
