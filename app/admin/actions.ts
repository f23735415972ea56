"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import type { StatusAnswer } from "@/components/admin/action-button";
import type { CouponAnswer } from "@/components/admin/coupon-form";
import { setBatchStatus } from "@/lib/admin/bulk";
import {
  type CouponFormValues,
  couponFormSchemaIn,
  couponTermsFormSchemaIn,
  fieldErrors,
  formValues,
} from "@/lib/admin/coupon-form";
import { adminCreateCoupon } from "@/lib/admin/coupons/create";
import { adminUpdateCoupon } from "@/lib/admin/coupons/edit";
import { adminChangeCoupons, couponIdsSchema } from "@/lib/admin/coupons/status";
import type { IssueList } from "@/lib/coupon-terms";
import { ADMIN_BUSY, type CouponChangeAnswer, couponChangeMessage, revokeMessage } from "@/lib/admin/messages";
import { adminRevoke } from "@/lib/admin/redemptions";
import { formatCents, formatCount, plural } from "@/lib/format";
import { CouponStatus } from "@/lib/generated/prisma/client";
import { getDb } from "@/lib/db/client";
import { getStoreTimeZone } from "@/lib/store-settings";
import { adminAction, answering, answeringWithValues, fromForm } from "@/lib/web/actions";

/**
 * The admin server actions. Each is built on `adminAction` (lib/web/actions.ts), which re-reads the
 * caller's role from the database before the form is looked at: a customer replaying one of these
 * requests gets `forbidden` back and nothing happens. The audit entry is written by the domain inside
 * the change's own transaction.
 */

const NOT_FOUND = "That coupon no longer exists.";
const CHECK_FIELDS = "Check the highlighted fields.";
const uuid = z.uuid("Unknown id.");
const status = z.enum(CouponStatus);

function domainIssues(issues: IssueList) {
  return fieldErrors(issues.map((i) => ({ path: i.path.split("."), message: i.message })));
}

/** What the coupon form typed, shown again with the answer. */
const typedValues = (formData: FormData | undefined): CouponFormValues => formValues(formData ?? new FormData());

const createCoupon = adminAction
  // Read per request: the window is typed in the store's time zone as it is now.
  .inputSchema(async () => fromForm(couponFormSchemaIn(await getStoreTimeZone(getDb()))))
  .action(async ({ ctx, parsedInput }): Promise<CouponAnswer> => {
    const result = await adminCreateCoupon(ctx.db, ctx.admin.id, parsedInput);
    if (result.ok) redirect(`/admin/coupons/${result.coupon.id}?created=1`);
    switch (result.reason) {
      case "duplicate_code":
        return {
          ok: false,
          reason: "duplicate_code",
          message: `A coupon with the code ${result.code} already exists.`,
          fieldErrors: { code: `${result.code} is already taken. Choose another code.` },
        };
      case "invalid":
        return { ok: false, reason: "invalid", message: CHECK_FIELDS, fieldErrors: domainIssues(result.issues) };
      case "busy":
        return { ok: false, reason: "busy", message: ADMIN_BUSY };
    }
  });

/** Creates a coupon and opens its page; a refusal keeps the form as typed. */
export const createCouponAction = answeringWithValues(createCoupon, typedValues);

const updateCoupon = adminAction
  .inputSchema(async () =>
    fromForm(z.object({ couponId: uuid }).and(couponTermsFormSchemaIn(await getStoreTimeZone(getDb())))),
  )
  .action(async ({ ctx, parsedInput }): Promise<CouponAnswer> => {
    const { couponId, confirmedValueChange, ...terms } = parsedInput;
    const result = await adminUpdateCoupon(ctx.db, ctx.admin.id, couponId, terms, { confirmedValueChange });
    if (result.ok) {
      const message = result.changed ? `Saved ${result.coupon.code}.` : "Nothing to save: no field changed.";
      return { ok: true, message };
    }
    switch (result.reason) {
      case "below_redeemed": {
        const redeemed = formatCount(result.redeemedCount);
        return {
          ok: false,
          reason: "below_redeemed",
          message: `Max redemptions cannot go below the ${redeemed} already redeemed. Nothing was changed.`,
          fieldErrors: { maxRedemptions: `At least ${redeemed} (already redeemed), or empty for no limit.` },
        };
      }
      case "large_value_change": {
        const change = `from ${formatCents(result.beforeCents)} to ${formatCents(result.afterCents)}`;
        return {
          ok: false,
          reason: "large_value_change",
          message: `The value would change ${change}. Nothing was changed; reload the page and check it.`,
          fieldErrors: { value: `The saved value is now ${formatCents(result.beforeCents)}. Check this amount.` },
        };
      }
      case "invalid":
        return { ok: false, reason: "invalid", message: CHECK_FIELDS, fieldErrors: domainIssues(result.issues) };
      case "not_found":
        return { ok: false, reason: "not_found", message: NOT_FOUND };
      case "busy":
        return { ok: false, reason: "busy", message: ADMIN_BUSY };
    }
  });

/** Saves a coupon's terms (not its code). */
export const updateCouponAction = answeringWithValues(updateCoupon, typedValues);

const setCouponStatus = adminAction
  .inputSchema(fromForm(z.object({ couponId: uuid, status })))
  .action(async ({ ctx, parsedInput }): Promise<CouponChangeAnswer> => {
    const change = parsedInput.status === "DISABLED" ? "disable" : "enable";
    const result = await adminChangeCoupons(ctx.db, ctx.admin.id, [parsedInput.couponId], change);
    const answer = couponChangeMessage(change, result);
    // One coupon changed: the button can offer to put it back as it was.
    return answer.ok ? { ...answer, undoable: result.ok && result.changed.length === 1 } : answer;
  });

/** Disables or enables one coupon. */
export const setCouponStatusAction = answering(setCouponStatus);

const changeCoupons = adminAction
  .inputSchema(
    fromForm(
      z.object({
        // The selected ids, comma-separated (a form field holds one string).
        couponIds: z
          .string()
          .transform((ids) => ids.split(",").filter(Boolean))
          .pipe(couponIdsSchema),
        change: z.enum(["enable", "disable", "archive", "restore"]),
      }),
    ),
  )
  .action(async ({ ctx, parsedInput }): Promise<CouponChangeAnswer> => {
    const { couponIds, change } = parsedInput;
    return couponChangeMessage(change, await adminChangeCoupons(ctx.db, ctx.admin.id, couponIds, change));
  });

/** Enables, disables, archives or restores the selected coupons (one or many). */
export const changeCouponsAction = answering(changeCoupons);

const revokeRedemption = adminAction
  .inputSchema(fromForm(z.object({ redemptionId: uuid })))
  .action(async ({ ctx, parsedInput }): Promise<StatusAnswer<"not_found" | "credit_already_spent">> => {
    const result = await adminRevoke(ctx.db, ctx.admin.id, parsedInput.redemptionId);
    const message = revokeMessage(result);
    return result.ok ? { ok: true, message } : { ok: false, reason: result.reason, message };
  });

/** Revokes a redemption through the engine: the use given back, the credit debited. */
export const revokeRedemptionAction = answering(revokeRedemption);

const setBatch = adminAction
  .inputSchema(fromForm(z.object({ batchId: uuid, status })))
  .action(async ({ ctx, parsedInput }): Promise<StatusAnswer<"not_found">> => {
    const result = await setBatchStatus(ctx.db, ctx.admin.id, parsedInput.batchId, parsedInput.status);
    if (!result.ok) return { ok: false, reason: "not_found", message: "That batch does not exist." };
    const verb = parsedInput.status === "DISABLED" ? "Disabled" : "Enabled";
    return { ok: true, message: `${verb} ${plural(result.affected, "code")}.`, undoable: result.affected > 0 };
  });

/** Disables or enables every code of a batch. */
export const setBatchStatusAction = answering(setBatch);
