import "server-only";
import { z } from "zod";
import { couponCodeSchema } from "@/lib/codes";
import { couponRefusal } from "@/lib/coupon-terms";
import type { CouponUseRefusal } from "@/lib/coupon-use";
import { type DiscountRefusal, discountFor } from "@/lib/coupon-value";
import type { Db } from "@/lib/db/client";
import { isForeignKeyViolation } from "@/lib/db/errors";
import { orderViewSelect, toOrderView } from "./order-view";
import { MAX_LINE_QUANTITY, placeOrder, type PlaceOrderResult } from "./place-order";

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

/** What the cart's code would do now, judged from committed state; placing the order decides for real. */
export type CodePreview =
  | { ok: true; code: string; discountCents: number }
  | {
      ok: false;
      code: string;
      reason: DiscountRefusal | CouponUseRefusal | "not_first_order";
      minSubtotalCents?: number;
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
    cart?.discountCode && lines.length > 0 ? await previewCode(db, userId, cart.discountCode, lines, now) : null;
  const discountCents = preview?.ok ? preview.discountCents : 0;
  return { lines, subtotalCents, preview, totalCents: subtotalCents - discountCents };
}

/** Reads only: the coupon, its product list and the customer's uses, judged as placeOrder would. */
async function previewCode(db: Db, userId: string, code: string, lines: CartLine[], now: Date): Promise<CodePreview> {
  const coupon = await db.coupon.findUnique({
    where: { code },
    include: { products: { select: { productId: true } } },
  });
  const refusal = couponRefusal(coupon, now);
  if (refusal || !coupon) return { ok: false, code, reason: refusal ?? "unknown_code" };
  const productIds = coupon.products.map((p) => p.productId);
  const discount = discountFor({ ...coupon, productIds }, lines);
  if (!discount.ok) return { ok: false, code, reason: discount.reason, minSubtotalCents: discount.minSubtotalCents };
  const usage = await db.couponUsage.findUnique({ where: { couponId_userId: { couponId: coupon.id, userId } } });
  if (usage && usage.used >= coupon.perUserLimit) return { ok: false, code, reason: "per_user_limit" };
  if (coupon.firstOrderOnly) {
    const user = await db.user.findUnique({ where: { id: userId }, select: { liveOrders: true } });
    if (user && user.liveOrders > 0) return { ok: false, code, reason: "not_first_order" };
  }
  return { ok: true, code, discountCents: discount.discountCents };
}

/** Orders what is in the cart, with its code; the ordered items and the code leave the cart with the order. */
export async function placeCartOrder(
  db: Db,
  input: { userId: string; idempotencyKey: string; now?: Date },
): Promise<PlaceOrderResult | { ok: false; reason: "empty_cart"; replayed: false }> {
  const cart = await db.cart.findUnique({
    where: { userId: input.userId },
    select: { discountCode: true, items: { select: { quantity: true, product: { select: { sku: true } } } } },
  });
  if (!cart || cart.items.length === 0) {
    // A repeated press whose first order already emptied the cart gets that order again.
    const placed = await db.order.findUnique({
      where: { userId_idempotencyKey: { userId: input.userId, idempotencyKey: input.idempotencyKey } },
      select: { ...orderViewSelect, user: { select: { balanceCents: true } } },
    });
    if (!placed) return { ok: false, reason: "empty_cart", replayed: false };
    const { user, ...order } = placed;
    return { ok: true, order: toOrderView(order), balanceCents: user.balanceCents, replayed: true };
  }
  return placeOrder(db, {
    ...input,
    lines: cart.items.map((item) => ({ sku: item.product.sku, quantity: item.quantity })),
    discountCode: cart.discountCode,
    fromCart: true,
  });
}
