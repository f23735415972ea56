import "server-only";
import { z } from "zod";
import { type RequestMeta, recordAttempt } from "@/lib/attempts";
import { judgeCode } from "@/lib/checkout/cart";
import { couponCodeSchema } from "@/lib/codes";
import type { PricedLine } from "@/lib/coupon-value";
import type { Db } from "@/lib/db/client";
import { type LedgerKind, Prisma } from "@/lib/generated/prisma/client";
import { type CreateHoldInput, holdRequestSchema } from "@/lib/holds/create-hold";
import { type HoldView, holdViewSelect, toHoldView } from "@/lib/holds/hold-view";
import type { PreviewRefusal } from "@/lib/checkout/cart";

/**
 * What a store's server reads through /api/v1 beside the commands that change things: what a code would
 * do to its cart, a hold, a customer's balance and ledger. Reads only; the holds and the ledger's guarded
 * writes decide for real.
 */

export type ValidateRefusal = PreviewRefusal | "invalid_code" | "invalid_hold";

export type ValidateResult =
  | { ok: true; code: string; subtotalCents: number; discountCents: number; totalCents: number }
  | { ok: false; reason: ValidateRefusal; message?: string; minSubtotalCents?: number; appliesTo?: string[] };

/**
 * Judges a code against the store's cart as a hold would, consuming nothing (the cart's preview's
 * judgement, lib/checkout/cart.ts). Its answer tells whether a code exists, so the command that runs it
 * is charged as a guess, and each call is logged in the attempts log as a preview.
 */
export async function validateCode(
  db: Db,
  input: Pick<CreateHoldInput, "userId" | "subtotalCents" | "lines"> & { code: string; meta: RequestMeta; now?: Date },
): Promise<ValidateResult> {
  const cart = holdRequestSchema.safeParse({ subtotalCents: input.subtotalCents, lines: input.lines });
  if (!cart.success) return { ok: false, reason: "invalid_hold", message: cart.error.issues[0]?.message };
  const attempt = {
    userId: input.userId,
    codeTyped: input.code,
    replayed: false,
    idempotencyKey: null,
    redemptionId: null,
    meta: input.meta,
    source: "CART_PREVIEW" as const,
  };
  const code = couponCodeSchema.safeParse(input.code);
  if (!code.success) {
    await recordAttempt(db, { ...attempt, couponId: null, outcome: "REFUSED", reason: "invalid_code" });
    return { ok: false, reason: "invalid_code", message: code.error.issues[0]?.message };
  }
  const { subtotalCents, lines } = cart.data;
  const { preview, couponId } = await judgeCode(
    db,
    input.userId,
    code.data,
    await pricedLines(db, subtotalCents, lines),
    input.now ?? new Date(),
  );
  await recordAttempt(db, {
    ...attempt,
    couponId,
    outcome: preview.ok ? "PREVIEWED" : "REFUSED",
    reason: preview.ok ? null : preview.reason,
  });
  if (!preview.ok) {
    const { reason, minSubtotalCents, appliesTo } = preview;
    return { ok: false, reason, minSubtotalCents, appliesTo };
  }
  const { discountCents } = preview;
  return { ok: true, code: code.data, subtotalCents, discountCents, totalCents: subtotalCents - discountCents };
}

/** The store's lines matched to Once's products by sku; without lines the cart is one line no product list names. */
async function pricedLines(
  db: Db,
  subtotalCents: number,
  lines: readonly { sku: string; quantity: number; unitPriceCents: number }[] | undefined,
): Promise<PricedLine[]> {
  if (!lines) return [{ productId: "", amountCents: subtotalCents }];
  const products = await db.product.findMany({
    where: { sku: { in: lines.map((line) => line.sku) } },
    select: { id: true, sku: true },
  });
  const idOf = new Map(products.map((p) => [p.sku, p.id]));
  return lines.map((line) => ({
    productId: idOf.get(line.sku) ?? "",
    amountCents: line.unitPriceCents * line.quantity,
  }));
}

/** A hold of this customer's, as the store sees it; another customer's is not found, like an unknown id. */
export async function viewHold(
  db: Db,
  holdId: string,
  userId: string,
): Promise<{ ok: true; hold: HoldView } | { ok: false; reason: "not_found" }> {
  if (!z.uuid().safeParse(holdId).success) return { ok: false, reason: "not_found" };
  const hold = await db.hold.findFirst({ where: { id: holdId, userId }, select: holdViewSelect });
  return hold ? { ok: true, hold: toHoldView(hold) } : { ok: false, reason: "not_found" };
}

export const LEDGER_PAGE = { default: 50, max: 200 } as const;

export interface CustomerAccount {
  balanceCents: number;
  entries: { id: string; kind: LedgerKind; amountCents: number; balanceAfterCents: number; createdAt: Date }[];
  /** The cursor for the next (older) page: pass it as `before`; null on the last page. */
  nextBefore: string | null;
}

/**
 * The balance and a page of the ledger, newest first, by keyset on the entry's id (`before`: older than
 * that entry), read from one snapshot so the balance equals the newest entry's running balance.
 */
export async function customerAccount(
  db: Db,
  userId: string,
  page: { before?: string; limit: number },
): Promise<{ ok: true; account: CustomerAccount } | { ok: false; reason: "unknown_customer" }> {
  const before = page.before === undefined ? undefined : BigInt(page.before);
  const [user, rows] = await db.$transaction(
    [
      db.user.findUnique({ where: { id: userId }, select: { balanceCents: true } }),
      db.ledgerEntry.findMany({
        where: { userId, ...(before === undefined ? {} : { id: { lt: before } }) },
        orderBy: { id: "desc" },
        take: page.limit + 1,
        select: { id: true, kind: true, amountCents: true, balanceAfterCents: true, createdAt: true },
      }),
    ],
    { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead },
  );
  if (!user) return { ok: false, reason: "unknown_customer" };
  const entries = rows.slice(0, page.limit).map((row) => ({ ...row, id: row.id.toString() }));
  const nextBefore = rows.length > page.limit ? (entries.at(-1)?.id ?? null) : null;
  return { ok: true, account: { balanceCents: user.balanceCents, entries, nextBefore } };
}
