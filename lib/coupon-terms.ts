import { z } from "zod";
import type { Coupon } from "@/lib/generated/prisma/client";
import { CounterMode, CouponStatus } from "@/lib/generated/prisma/enums";
import { couponCodeSchema } from "./codes";

/**
 * A coupon's terms, defined once: their fields, bounds and defaults, the window rule, what makes a
 * coupon usable at an instant, and where its uses are counted. The domain's create and update schemas
 * are derived here; the admin form (lib/admin/coupon-form.ts) parses text into the same fields with the
 * same bounds. Pure (no database), so the form in the browser shares it with the server.
 */

/** The bounds of each term (the table's CHECKs stand behind the lower ones). */
export const TERM_BOUNDS = {
  descriptionLength: 500,
  valueCents: { min: 1, max: 100_000_000 },
  maxRedemptions: { min: 1, max: 1_000_000_000 },
  perUserLimit: { min: 1, max: 1_000 },
} as const;

/** What a new coupon gets for each term left out. */
export const COUPON_DEFAULTS = {
  description: "",
  maxRedemptions: null,
  perUserLimit: 1,
  startsAt: null,
  expiresAt: null,
  status: CouponStatus.ACTIVE,
  counter: "AUTO",
} as const;

/** A window must open before it closes (CHECK coupons_window_ordered behind it). */
export function checkWindowOrdered(
  terms: { startsAt: Date | null; expiresAt: Date | null },
  ctx: z.RefinementCtx,
): void {
  if (terms.startsAt && terms.expiresAt && terms.startsAt >= terms.expiresAt) {
    ctx.addIssue({ code: "custom", path: ["expiresAt"], message: "The coupon must start before it expires." });
  }
}

/**
 * A new value this many times the old one (or this many times smaller) is more likely a typo (a
 * misplaced separator, a missing dot) than a decision: an edit that makes one must say it was meant.
 */
export const LARGE_VALUE_CHANGE_FACTOR = 10;

export function isLargeValueChange(beforeCents: number, afterCents: number): boolean {
  return afterCents >= beforeCents * LARGE_VALUE_CHANGE_FACTOR || afterCents * LARGE_VALUE_CHANGE_FACTOR <= beforeCents;
}

/** Why a coupon cannot be used right now, judged from its own row. */
export type CouponRefusal = "unknown_code" | "disabled" | "not_started" | "expired" | "exhausted";

/**
 * Why this snapshot of a coupon cannot be used at `now`, or null if it can. A refusal may be decided
 * from a snapshot (nothing is consumed); a success never is: it needs the guarded update.
 */
export function couponRefusal(coupon: Coupon | null, now: Date): CouponRefusal | null {
  if (!coupon) return "unknown_code";
  if (coupon.status === "DISABLED") return "disabled";
  if (coupon.startsAt && coupon.startsAt > now) return "not_started";
  if (coupon.expiresAt && coupon.expiresAt <= now) return "expired";
  if (coupon.maxRedemptions !== null && coupon.redeemedCount >= coupon.maxRedemptions) return "exhausted";
  return null;
}

/** Coupons with at least this many uses count them in slots unless the admin chose otherwise. */
export const HOT_COUPON_THRESHOLD = 1_000;
/** Slots per hot coupon: enough to spread the redemptions one server's pool can have in flight. */
export const SLOT_COUNT = 16;

/** Where an admin may ask a coupon's uses to be counted: a counter mode, or AUTO to decide from the limit. */
export const COUNTER_CHOICES = ["AUTO", ...Object.values(CounterMode)] as const;
export type CounterChoice = (typeof COUNTER_CHOICES)[number];

/** The terms an admin sets, with their domain types; extended into the schemas below, never restated. */
export const couponTermFields = {
  description: z
    .string()
    .trim()
    .max(TERM_BOUNDS.descriptionLength, `The description can be at most ${TERM_BOUNDS.descriptionLength} characters.`)
    .default(COUPON_DEFAULTS.description),
  valueCents: z
    .number()
    .int("Amounts are whole cents.")
    .min(TERM_BOUNDS.valueCents.min)
    .max(TERM_BOUNDS.valueCents.max, "That is more than 1,000,000.00."),
  maxRedemptions: z
    .number()
    .int()
    .min(TERM_BOUNDS.maxRedemptions.min)
    .max(TERM_BOUNDS.maxRedemptions.max)
    .nullable()
    .default(COUPON_DEFAULTS.maxRedemptions),
  perUserLimit: z
    .number()
    .int()
    .min(TERM_BOUNDS.perUserLimit.min)
    .max(TERM_BOUNDS.perUserLimit.max)
    .default(COUPON_DEFAULTS.perUserLimit),
  startsAt: z.date().nullable().default(COUPON_DEFAULTS.startsAt),
  expiresAt: z.date().nullable().default(COUPON_DEFAULTS.expiresAt),
};

/** Creating a coupon: its code, its terms, its status and where its uses are counted. */
export const newCouponSchema = z
  .object({
    code: couponCodeSchema,
    ...couponTermFields,
    status: z.enum(CouponStatus).default(COUPON_DEFAULTS.status),
    counter: z.enum(COUNTER_CHOICES).default(COUPON_DEFAULTS.counter),
  })
  .superRefine(checkWindowOrdered);

export type NewCoupon = z.input<typeof newCouponSchema>;

/**
 * Editing a coupon: its terms, not its code (which redemptions and printed material refer to) nor its
 * status (disable/enable); an absent counter keeps the coupon's.
 */
export const couponUpdateSchema = z
  .object({ ...couponTermFields, counter: z.enum(COUNTER_CHOICES).optional() })
  .superRefine(checkWindowOrdered);

export type CouponUpdate = z.input<typeof couponUpdateSchema>;

/** Validation issues, one per field path, for a form to show beside its fields. */
export type IssueList = { path: string; message: string }[];

/** Parses terms with one of the schemas above into a typed result: the data, or why it is invalid. */
export function parseTerms<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
): { ok: true; data: z.output<Schema> } | { ok: false; reason: "invalid"; issues: IssueList } {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, data: parsed.data };
  const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
  return { ok: false, reason: "invalid", issues };
}

export function counterModeFor(maxRedemptions: number | null, choice: CounterChoice): CounterMode {
  if (maxRedemptions === null) return "SLOTS";
  if (choice !== "AUTO") return choice;
  return maxRedemptions >= HOT_COUPON_THRESHOLD ? "SLOTS" : "SINGLE_ROW";
}
