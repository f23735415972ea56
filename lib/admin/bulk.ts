import "server-only";
import { z } from "zod";
import type { CouponBatch } from "@/lib/generated/prisma/client";
import { couponTermFields } from "@/lib/coupon-terms";
import type { Db } from "@/lib/db/client";
import { isDatabaseUnavailable, isRetryableConflict } from "@/lib/db/errors";
import { recordAdminChange } from "@/lib/admin-changes";
import { CODE_BODY_BITS, randomCodeBodies } from "./code-generator";
import type { CsvSource } from "./csv";
import { formatDecimalCents, plural } from "@/lib/format";

/**
 * Bulk generation: N single-use codes `PREFIX-XXXX-XXXX-XXXX-XXXX` (≈79 bits of randomness each, see
 * code-generator.ts) under one batch record, inserted in chunks inside one transaction, so a batch
 * exists whole or not at all, and can be disabled or enabled at once.
 */

export const MAX_BATCH_SIZE = 100_000;
export const CHUNK_SIZE = 5_000;
export const BATCH_CODE_BITS = CODE_BODY_BITS;

export const batchInputSchema = z
  .object({
    prefix: z.string().regex(/^[A-Z0-9][A-Z0-9_-]{0,23}$/),
    quantity: z.number().int().min(1).max(MAX_BATCH_SIZE),
    valueCents: couponTermFields.valueCents,
    expiresAt: z.date().nullable(),
  })
  .refine((b) => !b.expiresAt || b.expiresAt > new Date(), {
    message: "The expiry must be in the future.",
    path: ["expiresAt"],
  });

/** Checked again here (the form's batchFormSchema gave the messages), since a route may be called directly. */
export type BatchInput = z.output<typeof batchInputSchema>;

export type GenerateResult = { ok: true; batch: CouponBatch; generated: number } | { ok: false; reason: "busy" };

// Long enough for 100,000 rows on a loaded two-core machine; the default transaction timeout is for redemptions.
const BATCH_TRANSACTION = { maxWait: 10_000, timeout: 10 * 60_000 };

export async function generateBatch(
  db: Db,
  actorId: string,
  input: BatchInput,
  onProgress: (inserted: number, total: number) => void = () => {},
): Promise<GenerateResult> {
  try {
    return await db.$transaction(async (tx) => {
      const batch = await tx.couponBatch.create({
        data: { prefix: input.prefix, quantity: input.quantity, valueCents: input.valueCents, createdById: actorId },
      });
      let inserted = 0;
      while (inserted < input.quantity) {
        const size = Math.min(CHUNK_SIZE, input.quantity - inserted);
        // ON CONFLICT DO NOTHING: a collision with an existing code (odds ~2^-79) is regenerated, not a failure.
        const { count } = await tx.coupon.createMany({
          data: randomCodeBodies(size).map((body) => ({
            code: `${input.prefix}-${body}`,
            description: `Batch ${input.prefix}`,
            valueCents: input.valueCents,
            maxRedemptions: 1,
            perUserLimit: 1,
            expiresAt: input.expiresAt,
            batchId: batch.id,
          })),
          skipDuplicates: true,
        });
        inserted += count;
        onProgress(inserted, input.quantity);
      }
      await recordAdminChange(tx, actorId, {
        action: "BATCH_GENERATED",
        targetType: "batch",
        targetId: batch.id,
        summary: `Generated ${plural(input.quantity, "single-use code")} ${input.prefix}-…`,
        after: {
          prefix: input.prefix,
          quantity: input.quantity,
          valueCents: input.valueCents,
          expiresAt: input.expiresAt,
        },
      });
      return { ok: true as const, batch, generated: inserted };
    }, BATCH_TRANSACTION);
  } catch (error) {
    if (isDatabaseUnavailable(error) || isRetryableConflict(error)) return { ok: false, reason: "busy" };
    throw error;
  }
}

export type BatchStatusResult = { ok: true; affected: number } | { ok: false; reason: "not_found" };

/** Every code of the batch in one UPDATE, audited in the same transaction. */
export async function setBatchStatus(
  db: Db,
  actorId: string,
  batchId: string,
  status: "ACTIVE" | "DISABLED",
): Promise<BatchStatusResult> {
  if (!z.uuid().safeParse(batchId).success) return { ok: false, reason: "not_found" };
  return db.$transaction(async (tx) => {
    const batch = await tx.couponBatch.findUnique({ where: { id: batchId } });
    if (!batch) return { ok: false as const, reason: "not_found" as const };
    const { count } = await tx.coupon.updateMany({ where: { batchId, status: { not: status } }, data: { status } });
    if (count > 0) {
      await recordAdminChange(tx, actorId, {
        action: status === "DISABLED" ? "BATCH_DISABLED" : "BATCH_ENABLED",
        targetType: "batch",
        targetId: batchId,
        summary: `${status === "DISABLED" ? "Disabled" : "Enabled"} ${plural(count, "code")} of batch ${batch.prefix}`,
        after: { status, affected: count },
      });
    }
    return { ok: true as const, affected: count };
  });
}

export interface BatchSummary {
  id: string;
  prefix: string;
  quantity: number;
  valueCents: number;
  createdAt: Date;
  createdById: string;
  createdByEmail: string;
  redeemed: number;
  disabled: number;
}

export async function listBatches(db: Db, limit = 50): Promise<BatchSummary[]> {
  return db.$queryRaw<BatchSummary[]>`
    SELECT b.id, b.prefix, b.quantity, b.value_cents AS "valueCents", b.created_at AS "createdAt", b.created_by_id AS "createdById", u.email AS "createdByEmail",
           (SELECT count(*)::int FROM coupons c WHERE c.batch_id = b.id AND c.redeemed_count > 0) AS redeemed,
           (SELECT count(*)::int FROM coupons c WHERE c.batch_id = b.id AND c.status = 'DISABLED') AS disabled
    FROM coupon_batches b JOIN users u ON u.id = b.created_by_id
    ORDER BY b.created_at DESC, b.id DESC LIMIT ${limit}`;
}

/** The batch's codes for its CSV download, by code order in pages of 5,000. */
export function batchCodesCsv(
  db: Db,
  batchId: string,
): CsvSource<
  { code: string; valueCents: number; status: string; redeemedCount: number; expiresAt: Date | null },
  string
> {
  return {
    header: ["code", "value", "status", "redeemed", "expires_at_utc"],
    async page(after) {
      const rows = await db.coupon.findMany({
        where: { batchId, ...(after ? { code: { gt: after } } : {}) },
        orderBy: { code: "asc" },
        take: CHUNK_SIZE,
        select: { code: true, valueCents: true, status: true, redeemedCount: true, expiresAt: true },
      });
      return { rows, next: rows.length === CHUNK_SIZE ? rows.at(-1)!.code : null };
    },
    cells: (c) => [
      c.code,
      formatDecimalCents(c.valueCents),
      c.status,
      c.redeemedCount,
      c.expiresAt?.toISOString() ?? "",
    ],
  };
}
