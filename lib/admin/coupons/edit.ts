import "server-only";
import { z } from "zod";
import type { Coupon } from "@/lib/generated/prisma/client";
import {
  counterModeFor,
  couponKindFields,
  type CouponUpdate,
  couponUpdateSchema,
  FIRST_ORDER_ONLY_NEEDS_DISCOUNT,
  type IssueList,
  isLargeValueChange,
  parseTerms,
} from "@/lib/coupon-terms";
import { redeemedTotals, relayCounters } from "@/lib/counters";
import type { Db } from "@/lib/db/client";
import { isCheckViolation, isForeignKeyViolation } from "@/lib/db/errors";
import { Rollback, runTransaction } from "@/lib/db/transaction";
import { recordAdminChange } from "@/lib/admin-changes";
import { auditedTerms, couponProductIds, lockCoupon, UNKNOWN_PRODUCT } from "./row";

/** An admin edits a coupon's terms: changed and audited in one transaction, ordered against redemptions. */

export type AdminUpdateResult =
  | { ok: true; coupon: Coupon; changed: boolean }
  | { ok: false; reason: "invalid"; issues: IssueList }
  | { ok: false; reason: "not_found" }
  /** The new maximum is below what has already been redeemed (possibly by redemptions that raced in). */
  | { ok: false; reason: "below_redeemed"; redeemedCount: number }
  /** The value would change tenfold or more and the admin did not confirm it (isLargeValueChange). */
  | { ok: false; reason: "large_value_change"; beforeCents: number; afterCents: number }
  | { ok: false; reason: "busy" };

type UpdateRefusal =
  | "not_found"
  | "below_redeemed"
  | "large_value_change"
  | "credit_with_products"
  | "credit_first_order_only"
  | "unknown_product";

/** A discount's product list: absent keeps the coupon's, empty means every product. */
const productListSchema = z.object({ productIds: couponKindFields.productIds.unwrap().optional() });

/**
 * Changes a coupon's terms. On the coupon row the maximum is guarded by the UPDATE itself
 * (`redeemed_count <= new max` in its WHERE), so a redemption committing at the same moment can never
 * leave the coupon over its limit; CHECK coupons_redeemed_within_max is the second line. In hot-coupon
 * mode relayCounters re-lays the slots under the locks this UPDATE's trigger took, and refuses a max
 * below the uses taken. Every other term may change freely: a redemption that judged the old terms
 * finds its guarded UPDATE's terms version no longer matches and retries. A tenfold change of value is
 * made only when `confirmedValueChange` says the admin meant it; it is judged against the value the row
 * has under the lock, not the one the admin's page showed. The product list is replaced in the same
 * transaction; its trigger bumps the terms version too, so the same fence covers it.
 */
export async function adminUpdateCoupon(
  db: Db,
  actorId: string,
  couponId: string,
  terms: CouponUpdate & { productIds?: string[] },
  { confirmedValueChange = false }: { confirmedValueChange?: boolean } = {},
): Promise<AdminUpdateResult> {
  const parsed = parseTerms(couponUpdateSchema, terms);
  if (!parsed.ok) return parsed;
  const products = parseTerms(productListSchema, { productIds: terms.productIds });
  if (!products.ok) return products;
  const { productIds } = products.data;
  if (!z.uuid().safeParse(couponId).success) return { ok: false, reason: "not_found" };
  const { counter, ...next } = parsed.data;
  const outcome = await runTransaction<{ coupon: Coupon; changed: boolean }, UpdateRefusal>(db, async (tx) => {
    const before = await lockCoupon(tx, couponId);
    if (!before) throw new Rollback("not_found");
    if (!confirmedValueChange && isLargeValueChange(before.valueCents, next.valueCents)) {
      throw new Rollback("large_value_change", { beforeCents: before.valueCents });
    }
    // An edit may leave out the kind or the option: judged on what the row will hold (CHECK behind it).
    if ((next.kind ?? before.kind) === "CREDIT" && (next.firstOrderOnly ?? before.firstOrderOnly)) {
      throw new Rollback("credit_first_order_only");
    }
    const counterMode = counterModeFor(next.maxRedemptions, counter ?? before.counterMode);
    const [after] = await tx.coupon.updateManyAndReturn({
      where: {
        id: couponId,
        ...(next.maxRedemptions === null ? {} : { redeemedCount: { lte: next.maxRedemptions } }),
      },
      // A coupon moving to slots takes its row count with it (relayCounters, below).
      data: { ...next, counterMode, ...(counterMode === "SLOTS" ? { redeemedCount: 0 } : {}) },
    });
    if (!after || !(await relayCounters(tx, before, after))) throw new Rollback("below_redeemed");
    const productsBefore = await couponProductIds(tx, couponId);
    const productsAfter = [...new Set(productIds ?? productsBefore)].sort();
    if (after.kind === "CREDIT" && productsAfter.length > 0) throw new Rollback("credit_with_products");
    const productsChanged = productsAfter.join() !== productsBefore.join();
    if (productsChanged) {
      await tx.couponProduct.deleteMany({ where: { couponId, productId: { notIn: productsAfter } } });
      await tx.couponProduct.createMany({
        data: productsAfter.map((productId) => ({ couponId, productId })),
        skipDuplicates: true,
      });
    }
    const audited = { before: auditedTerms(before, productsBefore), after: auditedTerms(after, productsAfter) };
    const changed = JSON.stringify(audited.before) !== JSON.stringify(audited.after);
    if (changed) {
      await recordAdminChange(tx, actorId, {
        action: "COUPON_UPDATED",
        targetType: "coupon",
        targetId: couponId,
        summary: `Edited ${after.code}`,
        ...audited,
      });
    }
    // The product list's trigger bumped the terms version after the row above was read.
    const coupon = productsChanged ? await tx.coupon.findUniqueOrThrow({ where: { id: couponId } }) : after;
    return { coupon, changed };
  }).catch((error: unknown) => {
    // Only reachable if the guard above were wrong: the CHECK still refuses, and it is still the admin's race to lose.
    if (isCheckViolation(error)) return { kind: "rolled_back" as const, reason: "below_redeemed" as const };
    if (isForeignKeyViolation(error)) return { kind: "rolled_back" as const, reason: "unknown_product" as const };
    throw error;
  });
  switch (outcome.kind) {
    case "committed":
      return { ok: true, ...outcome.value };
    case "busy":
      return { ok: false, reason: "busy" };
    case "rolled_back":
      if (outcome.reason === "not_found") return { ok: false, reason: "not_found" };
      if (outcome.reason === "large_value_change") {
        const beforeCents = Number(outcome.detail?.beforeCents);
        return { ok: false, reason: "large_value_change", beforeCents, afterCents: next.valueCents };
      }
      if (outcome.reason === "unknown_product") return { ok: false, reason: "invalid", issues: [UNKNOWN_PRODUCT] };
      if (outcome.reason === "credit_with_products")
        return { ok: false, reason: "invalid", issues: [{ path: "productIds", message: CREDIT_WITH_PRODUCTS }] };
      if (outcome.reason === "credit_first_order_only")
        return {
          ok: false,
          reason: "invalid",
          issues: [{ path: "firstOrderOnly", message: FIRST_ORDER_ONLY_NEEDS_DISCOUNT }],
        };
      return { ok: false, reason: "below_redeemed", redeemedCount: await redeemedTotal(db, couponId) };
  }
}

const CREDIT_WITH_PRODUCTS = "Only a discount code applies to chosen products.";

async function redeemedTotal(db: Db, couponId: string): Promise<number> {
  const coupon = await db.coupon.findUnique({ where: { id: couponId } });
  return coupon ? ((await redeemedTotals(db, [coupon])).get(couponId) ?? 0) : 0;
}
