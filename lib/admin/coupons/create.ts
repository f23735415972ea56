import "server-only";
import type { Coupon } from "@/lib/generated/prisma/client";
import { type IssueList, type NewCoupon, newCouponSchema, parseTerms } from "@/lib/coupon-terms";
import { createCoupon } from "@/lib/coupons";
import type { Db } from "@/lib/db/client";
import { isForeignKeyViolation } from "@/lib/db/errors";
import { Rollback, runTransaction } from "@/lib/db/transaction";
import { recordAdminChange } from "@/lib/admin-changes";
import { randomCode } from "../code-generator";
import { auditedTerms, UNKNOWN_PRODUCT } from "./row";

/** An admin creates a coupon: created and audited in one transaction. */

export type AdminCreateResult =
  | { ok: true; coupon: Coupon }
  | { ok: false; reason: "invalid"; issues: IssueList }
  | { ok: false; reason: "duplicate_code"; code: string }
  | { ok: false; reason: "busy" };

/** `input.code` null means "generate one". */
export async function adminCreateCoupon(
  db: Db,
  actorId: string,
  input: Omit<NewCoupon, "code"> & { code: string | null },
): Promise<AdminCreateResult> {
  const parsed = parseTerms(newCouponSchema, { ...input, code: input.code ?? randomCode("PROMO") });
  if (!parsed.ok) return parsed;
  const outcome = await runTransaction<Coupon, "duplicate_code">(db, async (tx) => {
    const created = await createCoupon(tx, parsed.data);
    if (!created.ok) throw new Rollback("duplicate_code");
    await recordAdminChange(tx, actorId, {
      action: "COUPON_CREATED",
      targetType: "coupon",
      targetId: created.coupon.id,
      summary: `Created ${created.coupon.code}`,
      after: auditedTerms(created.coupon, parsed.data.productIds),
    });
    return created.coupon;
  }).catch((error: unknown) => {
    // A listed product that does not exist (a stale form, a hand-made request).
    if (isForeignKeyViolation(error)) return { kind: "unknown_product" as const };
    throw error;
  });
  switch (outcome.kind) {
    case "unknown_product":
      return { ok: false, reason: "invalid", issues: [UNKNOWN_PRODUCT] };
    case "committed":
      return { ok: true, coupon: outcome.value };
    case "rolled_back":
      return { ok: false, reason: "duplicate_code", code: parsed.data.code };
    case "busy":
      return { ok: false, reason: "busy" };
  }
}
