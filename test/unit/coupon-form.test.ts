/**
 * The admin coupon form parses text into the terms lib/coupon-terms.ts defines: the same fields, bounds,
 * defaults and window rule, so what the form accepts the domain accepts, and a coupon shown in the form
 * parses back to its own terms.
 */
import { describe, expect, it } from "vitest";
import {
  batchFormSchemaIn,
  couponFormSchema,
  couponFormValues,
  couponTermsFormSchema,
  fieldErrors,
} from "@/lib/admin/coupon-form";
import {
  COUPON_DEFAULTS,
  couponUpdateSchema,
  FIRST_ORDER_ONLY_NEEDS_DISCOUNT,
  newCouponSchema,
  TERM_BOUNDS,
} from "@/lib/coupon-terms";
import type { Coupon } from "@/lib/generated/prisma/client";

const coupon: Coupon = {
  id: "00000000-0000-4000-8000-000000000001",
  code: "SPRING25",
  description: "Spring sale",
  kind: "CREDIT",
  valueCents: 1_999,
  percentOff: null,
  maxDiscountCents: null,
  minSubtotalCents: null,
  maxRedemptions: 100,
  redeemedCount: 3,
  counterMode: "SINGLE_ROW",
  termsVersion: 2,
  perUserLimit: 3,
  startsAt: new Date("2026-03-01T09:30:00Z"),
  expiresAt: new Date("2026-06-01T00:00:00Z"),
  status: "ACTIVE",
  createdAt: new Date("2026-02-01T00:00:00Z"),
  updatedAt: new Date("2026-02-01T00:00:00Z"),
  batchId: null,
  noRedeemAfterRevoke: true,
  firstOrderOnly: false,
  archivedAt: null,
};

const errorsOf = (values: Record<string, string>) => {
  const parsed = couponFormSchema.safeParse({ ...couponFormValues(), ...values });
  return parsed.success ? {} : fieldErrors(parsed.error.issues);
};

describe("the coupon form", () => {
  it("starts a new coupon from the domain's defaults", () => {
    expect(couponFormValues()).toEqual({
      code: "",
      description: COUPON_DEFAULTS.description,
      kind: COUPON_DEFAULTS.kind,
      value: "",
      percentOff: "",
      maxDiscount: "",
      minSubtotal: "",
      productIds: "",
      maxRedemptions: "",
      perUserLimit: String(COUPON_DEFAULTS.perUserLimit),
      startsAt: "",
      expiresAt: "",
      counter: COUPON_DEFAULTS.counter,
      noRedeemAfterRevoke: "",
      firstOrderOnly: "",
    });
  });

  it("shows a coupon's terms so that they parse back to the same terms, which the domain accepts", () => {
    const values = couponFormValues(coupon);
    expect(values).toMatchObject({ value: "19.99", startsAt: "2026-03-01T09:30", counter: "SINGLE_ROW" });
    const parsed = couponTermsFormSchema.parse(values);
    expect(parsed).toEqual({
      description: coupon.description,
      kind: "CREDIT",
      valueCents: coupon.valueCents,
      percentOff: null,
      maxDiscountCents: null,
      minSubtotalCents: null,
      productIds: [],
      maxRedemptions: coupon.maxRedemptions,
      perUserLimit: coupon.perUserLimit,
      startsAt: coupon.startsAt,
      expiresAt: coupon.expiresAt,
      counter: "SINGLE_ROW",
      noRedeemAfterRevoke: true,
      firstOrderOnly: false,
      confirmedValueChange: false,
    });
    expect(couponUpdateSchema.safeParse(parsed).success).toBe(true);
    expect(newCouponSchema.safeParse(couponFormSchema.parse(values)).success).toBe(true);
  });

  it("reads money by string arithmetic, empty limits as none, and an empty counter as the default", () => {
    expect(couponFormSchema.parse({ ...couponFormValues(), value: " 1,000.5 " })).toMatchObject({
      code: null,
      valueCents: 100_050,
      maxRedemptions: null,
      perUserLimit: 1,
      startsAt: null,
      counter: "AUTO",
    });
    expect(couponFormSchema.parse({ ...couponFormValues(), value: "1", counter: "" }).counter).toBeUndefined();
  });

  it("tells a negative, a too-large, an empty and a garbled whole number apart, each naming the allowed range", () => {
    const range = "a whole number from 1 to 1,000";
    expect(errorsOf({ value: "1", perUserLimit: "-5" })).toEqual({
      perUserLimit: `The per-customer limit cannot be negative: type ${range}.`,
    });
    expect(errorsOf({ value: "1", perUserLimit: "99999999999999999999" })).toEqual({
      perUserLimit: "The per-customer limit must be between 1 and 1,000.",
    });
    expect(errorsOf({ value: "1", perUserLimit: "" })).toEqual({
      perUserLimit: `Enter the per-customer limit: ${range}.`,
    });
    expect(errorsOf({ value: "1", perUserLimit: "2.5" })).toEqual({
      perUserLimit: `The per-customer limit is ${range}; “2.5” is not one.`,
    });
    // Where empty means "no limit", the messages say so.
    expect(errorsOf({ value: "1", maxRedemptions: "-5" })).toEqual({
      maxRedemptions:
        "Max redemptions cannot be negative: type a whole number from 1 to 1,000,000,000, or leave it empty for no limit.",
    });
  });

  it("explains each mistake beside its field, with the domain's bounds and window rule", () => {
    expect(errorsOf({ value: "" })).toEqual({ value: "Enter an amount like 10 or 12.50." });
    expect(errorsOf({ value: "1000000.01" })).toEqual({ value: "The value can be at most 1,000,000.00." });
    expect(errorsOf({ value: "1", perUserLimit: String(TERM_BOUNDS.perUserLimit.max + 1) })).toEqual({
      perUserLimit: "The per-customer limit must be between 1 and 1,000.",
    });
    expect(errorsOf({ value: "1", maxRedemptions: "0" })).toEqual({
      maxRedemptions: "Max redemptions must be between 1 and 1,000,000,000.",
    });
    expect(errorsOf({ value: "1", description: "x".repeat(501) })).toEqual({
      description: "The description can be at most 500 characters.",
    });
    expect(errorsOf({ value: "1", startsAt: "2026-06-01T00:00", expiresAt: "2026-03-01T00:00" })).toEqual({
      expiresAt: "The coupon must start before it expires.",
    });
    expect(errorsOf({ value: "1", counter: "SOMEWHERE" })).toEqual({ counter: "Choose where uses are counted." });
  });

  it("turns each kind into the domain's terms, dropping the fields of another kind, and the domain accepts them", () => {
    const product = "00000000-0000-4000-8000-0000000000aa";
    const base = {
      ...couponFormValues(),
      code: "KINDS",
      value: "7",
      percentOff: "15",
      maxDiscount: "4",
      minSubtotal: "20",
    };
    const percent = couponFormSchema.parse({ ...base, kind: "PERCENT_OFF", productIds: `,${product}` });
    expect(percent).toMatchObject({
      kind: "PERCENT_OFF",
      valueCents: 0,
      percentOff: 15,
      maxDiscountCents: 400,
      minSubtotalCents: 2_000,
      productIds: [product],
    });
    const amount = couponFormSchema.parse({ ...base, kind: "AMOUNT_OFF", productIds: "" });
    expect(amount).toMatchObject({
      kind: "AMOUNT_OFF",
      valueCents: 700,
      percentOff: null,
      maxDiscountCents: null,
      minSubtotalCents: 2_000,
      productIds: [],
    });
    const credit = couponFormSchema.parse({ ...base, kind: "CREDIT", productIds: product });
    expect(credit).toMatchObject({ kind: "CREDIT", valueCents: 700, minSubtotalCents: null, productIds: [] });
    for (const terms of [percent, amount, credit]) expect(newCouponSchema.safeParse(terms).success).toBe(true);
    // A coupon's products show as the form sends them, and parse back.
    const shown = couponFormValues({ ...coupon, kind: "PERCENT_OFF", percentOff: 15, valueCents: 0 }, [product]);
    expect(shown).toMatchObject({ kind: "PERCENT_OFF", value: "", percentOff: "15", productIds: product });
    expect(couponTermsFormSchema.parse(shown)).toMatchObject({ productIds: [product], percentOff: 15 });
  });

  it("explains each kind's mistakes beside the form's own fields", () => {
    expect(errorsOf({ kind: "PERCENT_OFF", percentOff: "" })).toEqual({
      percentOff: "Enter the percent off (1 to 100).",
    });
    expect(errorsOf({ kind: "PERCENT_OFF", percentOff: "101", maxDiscount: "0" })).toEqual({
      percentOff: "The percent off must be between 1 and 100.",
      maxDiscount: "The value must be more than 0.00.",
    });
    expect(errorsOf({ kind: "AMOUNT_OFF", value: "5", minSubtotal: "abc" })).toEqual({
      minSubtotal: "Enter an amount like 10 or 12.50.",
    });
    expect(errorsOf({ kind: "AMOUNT_OFF", value: "" })).toEqual({ value: "Enter an amount like 10 or 12.50." });
    expect(errorsOf({ kind: "AMOUNT_OFF", value: "5", productIds: "not-a-product" })).toEqual({
      productIds: "That product does not exist.",
    });
    expect(errorsOf({ kind: "GIFT", value: "5" })).toEqual({ kind: "Choose what the coupon gives." });
    expect(errorsOf({ kind: "CREDIT", value: "5", firstOrderOnly: "on" })).toEqual({
      firstOrderOnly: FIRST_ORDER_ONLY_NEEDS_DISCOUNT,
    });
    expect(
      couponFormSchema.parse({ ...couponFormValues(), kind: "AMOUNT_OFF", value: "5", firstOrderOnly: "on" }),
    ).toMatchObject({ kind: "AMOUNT_OFF", firstOrderOnly: true });
    // The domain's schemas refuse it on store credit too, on the same field.
    for (const schema of [newCouponSchema, couponUpdateSchema]) {
      const parsed = schema.safeParse({ code: "CREDITFIRST", kind: "CREDIT", valueCents: 500, firstOrderOnly: true });
      expect(parsed.error?.issues).toEqual([
        expect.objectContaining({ path: ["firstOrderOnly"], message: FIRST_ORDER_ONLY_NEEDS_DISCOUNT }),
      ]);
    }
    // The domain's own messages land on the form's field names.
    expect(
      fieldErrors([
        { path: ["maxDiscountCents"], message: "cap" },
        { path: ["valueCents"], message: "v" },
      ]),
    ).toEqual({
      maxDiscount: "cap",
      value: "v",
    });
  });

  it("reads a batch's expiry in the store's zone, and refuses one in the past there", () => {
    const batch = { prefix: "GIFT", quantity: "2", value: "5", expiresAt: "2031-12-01T00:00" };
    expect(batchFormSchemaIn("Europe/Berlin").parse(batch).expiresAt).toEqual(new Date("2031-11-30T23:00:00Z"));
    expect(batchFormSchemaIn("UTC").parse(batch).expiresAt).toEqual(new Date("2031-12-01T00:00:00Z"));
    const past = batchFormSchemaIn("Pacific/Kiritimati").safeParse({ ...batch, expiresAt: "2020-01-01T00:00" });
    expect(past.success || past.error.issues.map((issue) => issue.message)).toEqual([
      "The expiry must be in the future.",
    ]);
  });

  it("refuses input that is not a form at all, without running the window rule on nothing", () => {
    for (const schema of [couponFormSchema, couponTermsFormSchema, batchFormSchemaIn("UTC")]) {
      for (const input of [undefined, null, [], "x", 3]) expect(schema.safeParse(input).success).toBe(false);
    }
  });
});
