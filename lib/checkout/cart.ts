import "server-only";
import { z } from "zod";
import { type RequestMeta, recordAttempt } from "@/lib/attempts";
import { couponCodeSchema } from "@/lib/codes";
import { couponRefusal } from "@/lib/coupon-terms";
import type { CouponUseRefusal } from "@/lib/coupon-use";
import { type DiscountRefusal, discountFor, type PricedLine } from "@/lib/coupon-value";
import type { Db } from "@/lib/db/client";
import { isForeignKeyViolation } from "@/lib/db/errors";
import { orderViewSelect, toOrderView } from "./order-view";
import { MAX_LINE_QUANTITY, type OrderLineRequest, type PlaceOrderResult } from "./place-order";

/**
 * A customer's cart, kept in the database: items (product, quantity 1..99) and at most one discount
 * code. Showing the cart previews the code's discount without consuming anything; the real decision is
 * placeOrder's, which takes the cart's items and code and clears them in the order's own transaction.
 */

export type CartRefusal = "unknown_product" | "unavailable" | "invalid_quantity" | "invalid_code" | "unknown_user";
export type CartChange = { ok: true } | { ok: false; reason: CartRefusal; message?: string };

const productIdSchema = z.uuid();
const quantitySchema = z.number().int().min(0).max(MAX_LINE_QUANTITY, `At most ${MAX_LINE_QUANTITY} of one product.`);

/** Adds `quantity` of a product (an upsert: adding again raises the quantity, up to the maximum). */
export async function addToCart(db: Db, userId: string, productId: string, quantity = 1): Promise<CartChange> {
  if (!productIdSchema.safeParse(productId).success) return { ok: false, reason: "unknown_product" };
  if (!quantitySchema.min(1).safeParse(quantity).success) return { ok: false, reason: "invalid_quantity" };
  const product = await db.product.findUnique({ where: { id: productId }, select: { active: true } });
  if (!product) return { ok: false, reason: "unknown_product" };
  if (!product.active) return { ok: false, reason: "unavailable" };
  try {
    await db.$transaction([
      db.cart.upsert({ where: { userId }, create: { userId }, update: {} }),
      db.$executeRaw`
        INSERT INTO cart_items (user_id, product_id, quantity) VALUES (${userId}::uuid, ${productId}::uuid, ${quantity})
        ON CONFLICT (user_id, product_id) DO UPDATE SET quantity = LEAST(cart_items.quantity + EXCLUDED.quantity, ${MAX_LINE_QUANTITY})`,
    ]);
  } catch (error) {
    if (isForeignKeyViolation(error)) return { ok: false, reason: "unknown_product" };
    throw error;
  }
  return { ok: true };
}

/** Sets an item's quantity; 0 removes it. */
export async function setCartQuantity(
  db: Db,
  userId: string,
  productId: string,
  quantity: number,
): Promise<CartChange> {
  const parsed = quantitySchema.safeParse(quantity);
  if (!parsed.success) return { ok: false, reason: "invalid_quantity", message: parsed.error.issues[0]?.message };
  if (!productIdSchema.safeParse(productId).success) return { ok: false, reason: "unknown_product" };
  if (parsed.data === 0) {
    await db.cartItem.deleteMany({ where: { userId, productId } });
    return { ok: true };
  }
  // Shown, not guarded: the order's guarded take decides; this keeps a cart from asking for more than exists.
  const product = await db.product.findUnique({ where: { id: productId }, select: { name: true, stock: true } });
  if (product?.stock != null && parsed.data > product.stock) {
    const left = product.stock === 0 ? `${product.name} is sold out` : `Only ${product.stock} of ${product.name} left`;
    return { ok: false, reason: "invalid_quantity", message: `${left}. Lower the quantity or remove it.` };
  }
  const { count } = await db.cartItem.updateMany({ where: { userId, productId }, data: { quantity: parsed.data } });
  return count === 1 ? { ok: true } : { ok: false, reason: "unknown_product" };
}

/** Keeps a code on the cart (normalised), or removes it with null. Nothing is judged or consumed here. */
export async function setCartCode(db: Db, userId: string, code: string | null): Promise<CartChange> {
  const parsed = code === null ? null : couponCodeSchema.safeParse(code);
  if (parsed && !parsed.success) return { ok: false, reason: "invalid_code", message: parsed.error.issues[0]?.message };
  const discountCode = parsed?.data ?? null;
  try {
    await db.cart.upsert({ where: { userId }, create: { userId, discountCode }, update: { discountCode } });
  } catch (error) {
    if (isForeignKeyViolation(error)) return { ok: false, reason: "unknown_user" };
    throw error;
  }
  return { ok: true };
}

export interface CartLine {
  productId: string;
  sku: string;
  name: string;
  unitPriceCents: number;
  quantity: number;
  amountCents: number;
  active: boolean;
  /** null = not stock-tracked. */
  stock: number | null;
}

/** Why the cart's code would not be applied to the order as the cart is now. */
export type PreviewRefusal = DiscountRefusal | CouponUseRefusal | "not_first_order";

/** What the cart's code would do now, judged from committed state; placing the order decides for real. */
export type CodePreview =
  | { ok: true; code: string; discountCents: number }
  | {
      ok: false;
      code: string;
      reason: PreviewRefusal;
      minSubtotalCents?: number;
      /** For a code limited to some products (not_applicable): their names. */
      appliesTo?: string[];
    };

export interface Cart {
  lines: CartLine[];
  subtotalCents: number;
  preview: CodePreview | null;
  totalCents: number;
}

export async function getCart(db: Db, userId: string, now = new Date()): Promise<Cart> {
  const cart = await db.cart.findUnique({
    where: { userId },
    select: {
      discountCode: true,
      items: {
        orderBy: { addedAt: "asc" },
        select: {
          quantity: true,
          product: { select: { id: true, sku: true, name: true, priceCents: true, active: true, stock: true } },
        },
      },
    },
  });
  const lines: CartLine[] = (cart?.items ?? []).map(({ quantity, product }) => ({
    productId: product.id,
    sku: product.sku,
    name: product.name,
    unitPriceCents: product.priceCents,
    quantity,
    amountCents: product.priceCents * quantity,
    active: product.active,
    stock: product.stock,
  }));
  const subtotalCents = lines.reduce((sum, line) => sum + line.amountCents, 0);
  const preview =
    cart?.discountCode && lines.length > 0
      ? (await judgeCode(db, userId, cart.discountCode, lines, now)).preview
      : null;
  const discountCents = preview?.ok ? preview.discountCents : 0;
  return { lines, subtotalCents, preview, totalCents: subtotalCents - discountCents };
}

export interface Judged {
  preview: CodePreview;
  /** The coupon the code names, when it exists (for the attempts log). */
  couponId: string | null;
}

/**
 * Reads only: the coupon, its product list and the customer's uses, judged as placeOrder would. The cart's
 * preview and the store API's validate (lib/store-api.ts) both judge with it.
 */
export async function judgeCode(
  db: Db,
  userId: string,
  code: string,
  lines: readonly PricedLine[],
  now: Date,
): Promise<Judged> {
  const coupon = await db.coupon.findUnique({
    where: { code },
    include: { products: { select: { productId: true, product: { select: { name: true } } } } },
  });
  const refusal = couponRefusal(coupon, now);
  if (refusal || !coupon) return { preview: { ok: false, code, reason: refusal ?? "unknown_code" }, couponId: null };
  const judged = (preview: CodePreview): Judged => ({ preview, couponId: coupon.id });
  const productIds = coupon.products.map((p) => p.productId);
  const discount = discountFor({ ...coupon, productIds }, lines);
  if (!discount.ok) {
    const appliesTo = coupon.products.map((p) => p.product.name).sort();
    return judged({
      ok: false,
      code,
      reason: discount.reason,
      minSubtotalCents: discount.minSubtotalCents,
      ...(discount.reason === "not_applicable" && appliesTo.length > 0 ? { appliesTo } : {}),
    });
  }
  const usage = await db.couponUsage.findUnique({ where: { couponId_userId: { couponId: coupon.id, userId } } });
  if (usage && usage.used >= coupon.perUserLimit) return judged({ ok: false, code, reason: "per_user_limit" });
  if (coupon.firstOrderOnly) {
    const user = await db.user.findUnique({ where: { id: userId }, select: { liveOrders: true } });
    if (user && user.liveOrders > 0) return judged({ ok: false, code, reason: "not_first_order" });
  }
  return judged({ ok: true, code, discountCents: discount.discountCents });
}

export type CodeApplied =
  { ok: true; preview: CodePreview | null } | { ok: false; reason: "invalid_code" | "unknown_user"; message?: string };

/**
 * Puts a code on the cart (null takes it off) and judges it against the cart as it is now. Its answer
 * says whether the code exists and applies, so it is a guess like a redeem attempt: the command that
 * calls this is charged against the same budget, and each code put on is logged in the attempts log
 * (source CART_PREVIEW, outcome PREVIEWED when it applies). Showing the cart later re-judges only the
 * code already paid for.
 */
export async function applyCartCode(
  db: Db,
  input: { userId: string; code: string | null; meta: RequestMeta; now?: Date },
): Promise<CodeApplied> {
  const { userId, code, meta } = input;
  const change = await setCartCode(db, userId, code);
  if (code === null) return change.ok ? { ok: true, preview: null } : { ok: false, reason: "unknown_user" };
  const attempt = { userId, codeTyped: code, replayed: false, idempotencyKey: null, redemptionId: null, meta };
  if (!change.ok) {
    if (change.reason === "invalid_code") {
      await recordAttempt(db, {
        ...attempt,
        couponId: null,
        outcome: "REFUSED",
        reason: "invalid_code",
        source: "CART_PREVIEW",
      });
      return { ok: false, reason: "invalid_code", message: change.message };
    }
    return { ok: false, reason: "unknown_user" };
  }
  const cart = await getCart(db, userId);
  const { preview, couponId } = await judgeCode(
    db,
    userId,
    couponCodeSchema.parse(code),
    cart.lines,
    input.now ?? new Date(),
  );
  await recordAttempt(db, {
    ...attempt,
    couponId,
    outcome: preview.ok ? "PREVIEWED" : "REFUSED",
    reason: preview.ok ? null : preview.reason,
    source: "CART_PREVIEW",
  });
  return { ok: true, preview };
}

export type CartOrder =
  | { kind: "order"; lines: OrderLineRequest[]; discountCode: string | null }
  /** The cart is empty; an earlier press with this key may have ordered it (then that order is the answer). */
  | { kind: "empty"; replay: PlaceOrderResult | null };

/**
 * What the cart orders: its items and code, or, when it is empty, the order an earlier press with this
 * key placed. The order itself is placed by the order command (lib/commands/customer.ts), through the
 * same edge as POST /api/orders; its guarded take of the cart's items makes one cart one order.
 */
export async function cartOrder(db: Db, userId: string, idempotencyKey: string): Promise<CartOrder> {
  const cart = await db.cart.findUnique({
    where: { userId },
    select: { discountCode: true, items: { select: { quantity: true, product: { select: { sku: true } } } } },
  });
  if (cart && cart.items.length > 0) {
    const lines = cart.items.map((item) => ({ sku: item.product.sku, quantity: item.quantity }));
    return { kind: "order", lines, discountCode: cart.discountCode };
  }
  const placed = await db.order.findUnique({
    where: { userId_idempotencyKey: { userId, idempotencyKey } },
    select: { ...orderViewSelect, user: { select: { balanceCents: true } } },
  });
  if (!placed) return { kind: "empty", replay: null };
  const { user, ...order } = placed;
  return {
    kind: "empty",
    replay: { ok: true, order: toOrderView(order), balanceCents: user.balanceCents, replayed: true },
  };
}
