import "server-only";
import type { HoldStatus, Prisma } from "@/lib/generated/prisma/client";

/** A hold as its store and the API see it: what it takes off the cart, the credit it holds, until when. */
export interface HoldView {
  id: string;
  status: HoldStatus;
  code: string | null;
  subtotalCents: number;
  discountCents: number;
  /** Credit taken from the customer's balance for this hold. */
  creditCents: number;
  /** Credit given back after capture (0 ≤ refunded ≤ credit). */
  refundedCents: number;
  createdAt: Date;
  expiresAt: Date;
  capturedAt: Date | null;
  /** When it was released or expired. */
  releasedAt: Date | null;
  /** When it was refunded whole. */
  refundedAt: Date | null;
}

export const holdViewSelect = {
  id: true,
  status: true,
  subtotalCents: true,
  discountCents: true,
  creditCents: true,
  refundedCents: true,
  createdAt: true,
  expiresAt: true,
  capturedAt: true,
  releasedAt: true,
  refundedAt: true,
  coupon: { select: { code: true } },
} satisfies Prisma.HoldSelect;

export function toHoldView({ coupon, ...hold }: Prisma.HoldGetPayload<{ select: typeof holdViewSelect }>): HoldView {
  return { ...hold, code: coupon?.code ?? null };
}

/** What a hold gives back when it ends without a sale, or is refunded whole. */
export type HeldHold = { id: string; userId: string; couponId: string | null; creditCents: number };

export const heldHoldSelect = { id: true, userId: true, couponId: true, creditCents: true } satisfies Prisma.HoldSelect;
