import { z } from "zod";
import type { Coupon } from "@/lib/generated/prisma/client";
import { CounterMode, CouponKind, CouponStatus } from "@/lib/generated/prisma/enums";
import { couponCodeSchema } from "./codes";
import { YEAR_RANGE, isStorableInstant, storableText } from "./input-rules";

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
  percentOff: { min: 1, max: 100 },
  /** Cap and minimum subtotal share valueCents' range. */
  discountCents: { min: 1, max: 100_000_000 },
  /** A discount code lists at most this many products. */
  products: 100,
  maxRedemptions: { min: 1, max: 1_000_000_000 },
  perUserLimit: { min: 1, max: 1_000 },
} as const;

/** What a new coupon gets for each term left out. */
export const COUPON_DEFAULTS = {
  description: "",
  kind: CouponKind.CREDIT,
  percentOff: null,
  maxDiscountCents: null,
  minSubtotalCents: null,
  productIds: [],
  maxRedemptions: null,
  perUserLimit: 1,
  startsAt: null,
  expiresAt: null,
  noRedeemAfterRevoke: false,
  firstOrderOnly: false,
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
 * A coupon's one state, as admins see it, in precedence order: a coupon is in the first state whose
 * condition holds (couponState). An archived coupon is always disabled (CHECK coupons_archived_is_disabled),
 * so Archived comes first. The admin list computes the same states in SQL (lib/admin/coupons/list.ts),
 * in this order, and a test holds the two to agreement.
 */
export const COUPON_STATES = ["ARCHIVED", "DISABLED", "EXPIRED", "USED_UP", "SCHEDULED", "ACTIVE"] as const;
export type CouponState = (typeof COUPON_STATES)[number];

/** Each state in the admin's words. */
export const COUPON_STATE_LABELS: Record<CouponState, string> = {
  ARCHIVED: "Archived",
  DISABLED: "Disabled",
  EXPIRED: "Expired",
  USED_UP: "Used up",
  SCHEDULED: "Scheduled",
  ACTIVE: "Active",
};

/** What decides a coupon's state, besides the instant: its row, and its uses wherever they are counted. */
export type CouponStateFacts = Pick<Coupon, "status" | "archivedAt" | "startsAt" | "expiresAt" | "maxRedemptions">;

export function couponState(coupon: CouponStateFacts, redeemed: number, now: Date): CouponState {
  if (coupon.archivedAt) return "ARCHIVED";
  if (coupon.status === "DISABLED") return "DISABLED";
  if (coupon.expiresAt && coupon.expiresAt <= now) return "EXPIRED";
  if (coupon.maxRedemptions !== null && redeemed >= coupon.maxRedemptions) return "USED_UP";
  if (coupon.startsAt && coupon.startsAt > now) return "SCHEDULED";
  return "ACTIVE";
}

/** Why a store-credit coupon cannot be for first orders only (CHECK coupons_first_order_only_discounts_only). */
export const FIRST_ORDER_ONLY_NEEDS_DISCOUNT =
  "Only a discount code can be for first orders only: store credit is not spent on one order.";

/**
 * What each kind allows (CHECKs coupons_*_matches_kind and coupons_*_only behind it): a percent exactly
 * for PERCENT_OFF, a cap only there; a minimum subtotal and a product list only for discounts; an amount
 * for CREDIT and AMOUNT_OFF (PERCENT_OFF may leave it 0); first orders only, only for discounts.
 */
export function checkKindTerms(
  terms: {
    kind?: CouponKind;
    valueCents?: number;
    percentOff?: number | null;
    maxDiscountCents?: number | null;
    minSubtotalCents?: number | null;
    productIds?: string[];
    firstOrderOnly?: boolean;
  },
  ctx: z.RefinementCtx,
): void {
  if (terms.kind === undefined) return;
  const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
  if (terms.kind === "PERCENT_OFF" && terms.percentOff == null)
    issue("percentOff", "Enter the percent off (1 to 100).");
  if (terms.kind !== "PERCENT_OFF") {
    if (terms.percentOff != null) issue("percentOff", "Only a percent-off code has a percent.");
    if (terms.maxDiscountCents != null) issue("maxDiscountCents", "Only a percent-off code has a cap.");
    if (terms.valueCents !== undefined && terms.valueCents < TERM_BOUNDS.valueCents.min)
      issue("valueCents", "The amount must be at least 0.01.");
  }
  if (terms.kind === "CREDIT") {
    if (terms.minSubtotalCents != null) issue("minSubtotalCents", "Only a discount code has a minimum order.");
    if (terms.productIds?.length) issue("productIds", "Only a discount code applies to chosen products.");
    if (terms.firstOrderOnly) issue("firstOrderOnly", FIRST_ORDER_ONLY_NEEDS_DISCOUNT);
  }
}

/**
 * A new value this many times the old one (or this many times smaller) is more likely a typo (a
 * misplaced separator, a missing dot) than a decision: an edit that makes one must say it was meant.
 */
export const LARGE_VALUE_CHANGE_FACTOR = 10;

export function isLargeValueChange(beforeCents: number, afterCents: number): boolean {
  // A percent-off code carries no amount (0): there is no value to mistype.
  if (beforeCents <= 0 || afterCents <= 0) return false;
  return afterCents >= beforeCents * LARGE_VALUE_CHANGE_FACTOR || afterCents * LARGE_VALUE_CHANGE_FACTOR <= beforeCents;
}

/** Why a coupon cannot be used right now, judged from its own row. */
export type CouponRefusal = "unknown_code" | "disabled" | "not_started" | "expired" | "exhausted";

const REFUSAL_BY_STATE: Record<CouponState, CouponRefusal | null> = {
  ARCHIVED: "disabled",
  DISABLED: "disabled",
  EXPIRED: "expired",
  USED_UP: "exhausted",
  SCHEDULED: "not_started",
  ACTIVE: null,
};

/**
 * Why this snapshot of a coupon cannot be used at `now`, or null if it can: its state, told as a
 * refusal. A refusal may be decided from a snapshot (nothing is consumed); a success never is: it needs
 * the guarded update. The snapshot counts the uses on the coupon's row only (hot-coupon slots are judged
 * by their own guarded update).
 */
export function couponRefusal(coupon: Coupon | null, now: Date): CouponRefusal | null {
  if (!coupon) return "unknown_code";
  return REFUSAL_BY_STATE[couponState(coupon, coupon.redeemedCount, now)];
}

/** Coupons with at least this many uses count them in slots unless the admin chose otherwise. */
export const HOT_COUPON_THRESHOLD = 1_000;
/** Slots per hot coupon: enough to spread the redemptions one server's pool can have in flight. */
export const SLOT_COUNT = 16;

/** Where an admin may ask a coupon's uses to be counted: a counter mode, or AUTO to decide from the limit. */
export const COUNTER_CHOICES = ["AUTO", ...Object.values(CounterMode)] as const;
export type CounterChoice = (typeof COUNTER_CHOICES)[number];

const storableDate = z
  .date()
  .refine(isStorableInstant, `Choose a date between ${YEAR_RANGE.min} and ${YEAR_RANGE.max}.`);

/** The terms an admin sets, with their domain types; extended into the schemas below, never restated. */
export const couponTermFields = {
  description: storableText()
    .trim()
    .max(TERM_BOUNDS.descriptionLength, `The description can be at most ${TERM_BOUNDS.descriptionLength} characters.`)
    .default(COUPON_DEFAULTS.description),
  // 0 only for PERCENT_OFF (checkKindTerms).
  valueCents: z
    .number()
    .int("Amounts are whole cents.")
    .min(0, "The amount must be at least 0.01.")
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
  startsAt: storableDate.nullable().default(COUPON_DEFAULTS.startsAt),
  expiresAt: storableDate.nullable().default(COUPON_DEFAULTS.expiresAt),
  /** A customer one of whose redemptions was revoked cannot redeem the coupon again (lib/coupon-use.ts). */
  noRedeemAfterRevoke: z.boolean().default(COUPON_DEFAULTS.noRedeemAfterRevoke),
};

const discountCentsField = z
  .number()
  .int("Amounts are whole cents.")
  .min(TERM_BOUNDS.discountCents.min, "The amount must be at least 0.01.")
  .max(TERM_BOUNDS.discountCents.max, "That is more than 1,000,000.00.")
  .nullable();

/** What kind of coupon it is and the conditions of a discount (checkKindTerms says which go together). */
export const couponKindFields = {
  kind: z.enum(CouponKind).default(COUPON_DEFAULTS.kind),
  percentOff: z
    .number()
    .int("The percent is a whole number.")
    .min(TERM_BOUNDS.percentOff.min, "The percent off is at least 1.")
    .max(TERM_BOUNDS.percentOff.max, "The percent off is at most 100.")
    .nullable()
    .default(COUPON_DEFAULTS.percentOff),
  maxDiscountCents: discountCentsField.default(COUPON_DEFAULTS.maxDiscountCents),
  minSubtotalCents: discountCentsField.default(COUPON_DEFAULTS.minSubtotalCents),
  /** The products a discount applies to; empty = every product. */
  productIds: z
    .array(z.uuid("That product does not exist."))
    .max(TERM_BOUNDS.products, `A code can list at most ${TERM_BOUNDS.products} products.`)
    .default([...COUPON_DEFAULTS.productIds]),
  /**
   * Only a customer without an order that is not cancelled may use it: taken by the guarded update of
   * users.live_orders from 0 in the order's transaction (lib/checkout/place-order.ts). Discounts only.
   */
  firstOrderOnly: z.boolean().default(COUPON_DEFAULTS.firstOrderOnly),
};

/** The admin's words for the option, wherever a coupon's terms are shown. */
export const FIRST_ORDER_ONLY_LABEL = "First order only";

/** Creating a coupon: its code, its terms, its status and where its uses are counted. */
export const newCouponSchema = z
  .object({
    code: couponCodeSchema,
    ...couponTermFields,
    ...couponKindFields,
    status: z.enum(CouponStatus).default(COUPON_DEFAULTS.status),
    counter: z.enum(COUNTER_CHOICES).default(COUPON_DEFAULTS.counter),
  })
  .superRefine(checkWindowOrdered)
  .superRefine(checkKindTerms);

export type NewCoupon = z.input<typeof newCouponSchema>;

/**
 * Editing a coupon: its terms, not its code (which redemptions and printed material refer to) nor its
 * status (disable/enable); an absent counter keeps the coupon's, and so does an absent kind (with its
 * percent, cap and minimum). The product list is edited on its own (coupon_products).
 */
export const couponUpdateSchema = z
  .object({
    ...couponTermFields,
    kind: couponKindFields.kind.unwrap().optional(),
    percentOff: couponKindFields.percentOff.unwrap().optional(),
    maxDiscountCents: discountCentsField.optional(),
    minSubtotalCents: discountCentsField.optional(),
    firstOrderOnly: couponKindFields.firstOrderOnly.unwrap().optional(),
    counter: z.enum(COUNTER_CHOICES).optional(),
  })
  .superRefine(checkWindowOrdered)
  .superRefine(checkKindTerms);

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
