import "server-only";
import type { OrderStatus, Prisma } from "@/lib/generated/prisma/client";

/** An order as customers, the API and admins see it: its lines, discount, total and code. */
export interface OrderView {
  id: string;
  /** The human order number (shown as #1001: formatOrderNumber). */
  number: number;
  status: OrderStatus;
  lines: OrderLineView[];
  subtotalCents: number;
  discountCents: number;
  totalCents: number;
  code: string | null;
  createdAt: Date;
  cancelledAt: Date | null;
  fulfilledAt: Date | null;
  /** What partial refunds have given back to store credit so far. */
  refundedCents: number;
}

export interface OrderLineView {
  lineNo: number;
  sku: string;
  name: string;
  unitPriceCents: number;
  quantity: number;
  discountCents: number;
}

/** The select that reads an OrderView. */
export const orderViewSelect = {
  id: true,
  number: true,
  status: true,
  subtotalCents: true,
  discountCents: true,
  totalCents: true,
  createdAt: true,
  cancelledAt: true,
  fulfilledAt: true,
  refundedCents: true,
  coupon: { select: { code: true } },
  lines: {
    orderBy: { lineNo: "asc" },
    select: { lineNo: true, sku: true, name: true, unitPriceCents: true, quantity: true, discountCents: true },
  },
} satisfies Prisma.OrderSelect;

export function toOrderView({
  coupon,
  ...order
}: Prisma.OrderGetPayload<{ select: typeof orderViewSelect }>): OrderView {
  return { ...order, code: coupon?.code ?? null };
}

/** The order as JSON, as POST /api/orders and its cancel answer with it. */
export function orderJson(order: OrderView) {
  const { id, number, status, lines, subtotalCents, discountCents, totalCents, code, createdAt, cancelledAt } = order;
  return { id, number, status, lines, subtotalCents, discountCents, totalCents, code, createdAt, cancelledAt };
}
