"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { ADMIN_ACTIONS, type ActionResult, type AdminActionName } from "@/lib/admin/actions";
import { type CouponFormValues, formValues } from "@/lib/admin/coupon-form";
import { sessionUserId } from "@/lib/web/session";
import { getDb } from "@/lib/db/client";

/**
 * The admin server actions: each one only turns FormData into the action's raw input and runs it
 * through lib/admin/actions.ts, which checks the caller's role before anything else. A customer replaying
 * one of these requests gets `forbidden` back and nothing happens.
 */

async function serve(name: AdminActionName, raw: unknown): Promise<ActionResult> {
  const result = await ADMIN_ACTIONS[name].run({ db: getDb(), userId: await sessionUserId() }, raw);
  // Balances in the header, counts on every admin page: refresh them all after any change.
  if (result.ok) revalidatePath("/", "layout");
  return result;
}

export interface CouponFormState {
  values: CouponFormValues;
  result: ActionResult | null;
}

export async function createCouponAction(_previous: CouponFormState, formData: FormData): Promise<CouponFormState> {
  const values = formValues(formData);
  const result = await serve("createCoupon", values);
  if (result.ok) redirect(`/admin/coupons/${result.id}?created=1`);
  return { values, result };
}

export async function updateCouponAction(_previous: CouponFormState, formData: FormData): Promise<CouponFormState> {
  const values = formValues(formData);
  return { values, result: await serve("updateCoupon", { ...values, couponId: formData.get("couponId") }) };
}

export async function setCouponStatusAction(_previous: ActionResult | null, formData: FormData): Promise<ActionResult> {
  return serve("setCouponStatus", { couponId: formData.get("couponId"), status: formData.get("status") });
}

export async function revokeRedemptionAction(
  _previous: ActionResult | null,
  formData: FormData,
): Promise<ActionResult> {
  return serve("revokeRedemption", { redemptionId: formData.get("redemptionId") });
}

export async function setBatchStatusAction(_previous: ActionResult | null, formData: FormData): Promise<ActionResult> {
  return serve("setBatchStatus", { batchId: formData.get("batchId"), status: formData.get("status") });
}
