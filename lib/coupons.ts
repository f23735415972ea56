import "server-only";
import { z } from "zod";
import type { Coupon } from "@/lib/generated/prisma/client";
import { couponCodeSchema } from "./codes";
import { counterModeFor } from "./coupon-terms";
import { slotRows } from "./counters";
import type { Db } from "./db/client";
import { isUniqueViolation } from "./db/errors";
import type { Tx } from "./db/transaction";

const cents = z.number().int("Amounts are whole cents.").positive().max(100_000_000, "That is more than 1,000,000.00.");

export const newCouponSchema = z
  .object({
    code: couponCodeSchema,
    description: z.string().trim().max(500).default(""),
    valueCents: cents,
    maxRedemptions: z.number().int().positive().max(1_000_000_000).nullable().default(null),
    perUserLimit: z.number().int().min(1).max(1_000).default(1),
    startsAt: z.date().nullable().default(null),
    expiresAt: z.date().nullable().default(null),
    status: z.enum(["ACTIVE", "DISABLED"]).default("ACTIVE"),
    /** Where uses are counted; AUTO picks slots for unlimited coupons and those of HOT_COUPON_THRESHOLD or more. */
    counter: z.enum(["AUTO", "SINGLE_ROW", "SLOTS"]).default("AUTO"),
  })
  .refine((c) => !c.startsAt || !c.expiresAt || c.startsAt < c.expiresAt, {
    message: "The coupon must start before it expires.",
    path: ["expiresAt"],
  });

export type NewCoupon = z.input<typeof newCouponSchema>;

export type CreateCouponResult =
  | { ok: true; coupon: Coupon }
  | { ok: false; reason: "invalid"; issues: { path: string; message: string }[] }
  | { ok: false; reason: "duplicate_code"; code: string };

export async function createCoupon(db: Db | Tx, input: NewCoupon): Promise<CreateCouponResult> {
  const parsed = newCouponSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      reason: "invalid",
      issues: parsed.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })),
    };
  }
  const { counter, ...fields } = parsed.data;
  const counterMode = counterModeFor(fields.maxRedemptions, counter);
  const terms = { ...fields, counterMode, termsVersion: 1 };
  const counterSlots = counterMode === "SLOTS" ? { createMany: { data: slotRows(terms) } } : undefined;
  try {
    return { ok: true, coupon: await db.coupon.create({ data: { ...terms, counterSlots } }) };
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, reason: "duplicate_code", code: parsed.data.code };
    throw error;
  }
}

export type SetStatusResult = { ok: true; coupon: Coupon } | { ok: false; reason: "not_found" };

/**
 * Disabling is one UPDATE of the row every single-row redemption must update too, and (by the
 * terms-version trigger) of every slot a hot-coupon redemption must update, so it orders itself
 * against in-flight redemptions: none can commit after the disable commits.
 */
export async function setCouponStatus(
  db: Db | Tx,
  couponId: string,
  status: Coupon["status"],
): Promise<SetStatusResult> {
  const [coupon] = await db.coupon.updateManyAndReturn({ where: { id: couponId }, data: { status } });
  return coupon ? { ok: true, coupon } : { ok: false, reason: "not_found" };
}
