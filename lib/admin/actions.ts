import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { setBatchStatus } from "./bulk";
import { type FieldErrors, couponFormSchema, couponTermsFormSchema, fieldErrors } from "./coupon-form";
import { adminCreateCoupon, adminSetCouponStatus, adminUpdateCoupon, type IssueList } from "./coupons";
import { type AdminIdentity, type AdminRefusal, REFUSAL_MESSAGE, checkAdmin } from "./guard";
import { revokeMessage } from "./messages";
import { adminRevoke } from "./redemptions";

/**
 * Every admin mutation that a server action exposes, as data: its input schema and what it does. Each
 * one's `run` authenticates (role re-read from the database), validates, and only then
 * performs; the audit entry is written by the domain inside the change's own transaction. Server
 * actions are public HTTP endpoints, so the check lives here and not in a page or in the proxy.
 */

export type ActionResult =
  | { ok: true; message: string; id?: string }
  | { ok: false; reason: AdminRefusal | "invalid" | string; message: string; fieldErrors?: FieldErrors };

interface AdminActionDef<Input> {
  input: z.ZodType<Input>;
  perform(db: Db, admin: AdminIdentity, input: Input): Promise<ActionResult>;
}

export interface ActionContext {
  db: Db;
  /** The session's user id, or null when signed out. */
  userId: string | null | undefined;
}

/** An admin action, ready to run with whatever a client sent: it checks the caller before anything else. */
export interface AdminAction {
  run(ctx: ActionContext, raw: unknown): Promise<ActionResult>;
}

function defineAdminAction<Input>(def: AdminActionDef<Input>): AdminAction {
  return {
    async run(ctx, raw) {
      const guard = await checkAdmin(ctx.db, ctx.userId);
      if (!guard.ok) return { ok: false, reason: guard.reason, message: REFUSAL_MESSAGE[guard.reason] };
      const parsed = def.input.safeParse(raw);
      if (!parsed.success) {
        return {
          ok: false,
          reason: "invalid",
          message: "Check the highlighted fields.",
          fieldErrors: fieldErrors(parsed.error.issues),
        };
      }
      return def.perform(ctx.db, guard.admin, parsed.data);
    },
  };
}

const BUSY = "The database is busy and nothing changed. Try again in a moment.";
const NOT_FOUND = "That coupon no longer exists.";
const uuid = z.uuid("Unknown id.");

function domainIssues(issues: IssueList): FieldErrors {
  return fieldErrors(issues.map((i) => ({ path: i.path.split("."), message: i.message })));
}

function terms(input: z.output<typeof couponTermsFormSchema>) {
  return {
    description: input.description,
    valueCents: input.value,
    maxRedemptions: input.maxRedemptions,
    perUserLimit: input.perUserLimit,
    startsAt: input.startsAt,
    expiresAt: input.expiresAt,
    counter: input.counter,
  };
}

export const ADMIN_ACTIONS = {
  createCoupon: defineAdminAction({
    input: couponFormSchema,
    async perform(db, admin, input) {
      const result = await adminCreateCoupon(db, admin.id, { code: input.code, ...terms(input) });
      if (result.ok) return { ok: true, message: `Created ${result.coupon.code}.`, id: result.coupon.id };
      switch (result.reason) {
        case "duplicate_code":
          return {
            ok: false,
            reason: "duplicate_code",
            message: `A coupon with the code ${result.code} already exists.`,
            fieldErrors: { code: `${result.code} is already taken. Choose another code.` },
          };
        case "invalid":
          return {
            ok: false,
            reason: "invalid",
            message: "Check the highlighted fields.",
            fieldErrors: domainIssues(result.issues),
          };
        case "busy":
          return { ok: false, reason: "busy", message: BUSY };
      }
    },
  }),

  updateCoupon: defineAdminAction({
    input: z.object({ couponId: uuid }).and(couponTermsFormSchema),
    async perform(db, admin, input) {
      const result = await adminUpdateCoupon(db, admin.id, input.couponId, terms(input));
      if (result.ok)
        return {
          ok: true,
          message: result.changed ? `Saved ${result.coupon.code}.` : "Nothing to save: no field changed.",
          id: result.coupon.id,
        };
      switch (result.reason) {
        case "below_redeemed":
          return {
            ok: false,
            reason: "below_redeemed",
            message: `Max redemptions cannot go below the ${result.redeemedCount.toLocaleString("en-US")} already redeemed. Nothing was changed.`,
            fieldErrors: {
              maxRedemptions: `At least ${result.redeemedCount.toLocaleString("en-US")} (already redeemed), or empty for no limit.`,
            },
          };
        case "invalid":
          return {
            ok: false,
            reason: "invalid",
            message: "Check the highlighted fields.",
            fieldErrors: domainIssues(result.issues),
          };
        case "not_found":
          return { ok: false, reason: "not_found", message: NOT_FOUND };
        case "busy":
          return { ok: false, reason: "busy", message: BUSY };
      }
    },
  }),

  setCouponStatus: defineAdminAction({
    input: z.object({ couponId: uuid, status: z.enum(["ACTIVE", "DISABLED"]) }),
    async perform(db, admin, input) {
      const result = await adminSetCouponStatus(db, admin.id, input.couponId, input.status);
      if (!result.ok) return { ok: false, reason: result.reason, message: result.reason === "busy" ? BUSY : NOT_FOUND };
      const verb = input.status === "DISABLED" ? "disabled" : "enabled";
      return {
        ok: true,
        message: result.changed ? `${result.coupon.code} is ${verb}.` : `${result.coupon.code} was already ${verb}.`,
        id: result.coupon.id,
      };
    },
  }),

  revokeRedemption: defineAdminAction({
    input: z.object({ redemptionId: uuid }),
    async perform(db, admin, input) {
      const result = await adminRevoke(db, admin.id, input.redemptionId);
      const message = revokeMessage(result);
      return result.ok ? { ok: true, message, id: result.redemptionId } : { ok: false, reason: result.reason, message };
    },
  }),

  setBatchStatus: defineAdminAction({
    input: z.object({ batchId: uuid, status: z.enum(["ACTIVE", "DISABLED"]) }),
    async perform(db, admin, input) {
      const result = await setBatchStatus(db, admin.id, input.batchId, input.status);
      if (!result.ok) return { ok: false, reason: "not_found", message: "That batch does not exist." };
      const verb = input.status === "DISABLED" ? "Disabled" : "Enabled";
      return { ok: true, message: `${verb} ${result.affected.toLocaleString("en-US")} codes.`, id: input.batchId };
    },
  }),
};

export type AdminActionName = keyof typeof ADMIN_ACTIONS;
