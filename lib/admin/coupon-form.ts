import { z } from "zod";
import type { Coupon } from "@/lib/generated/prisma/client";
import { normalizeCode } from "@/lib/codes";
import {
  checkWindowOrdered,
  COUNTER_CHOICES,
  COUPON_DEFAULTS,
  type CounterChoice,
  couponKindFields,
  couponTermFields,
  TERM_BOUNDS,
} from "@/lib/coupon-terms";
import { CouponKind } from "@/lib/generated/prisma/enums";
import { formatCount, formatDecimalCents } from "@/lib/format";

/**
 * What the coupon forms send, as strings, turned into the domain's terms (lib/coupon-terms.ts: the same
 * fields, bounds, defaults and window rule) with a message per field. Shared by the browser (instant
 * feedback) and the server action (the check that counts); the domain's schemas and the table's CHECKs
 * validate again behind both.
 *
 * Money is typed in currency units and converted to integer cents by string arithmetic, never through a
 * float, so 19.99 is 1999 cents exactly. Times are entered and shown in UTC.
 */

function parseMoney(raw: string, ctx: z.RefinementCtx): number {
  const text = raw.trim().replace(/,/g, "");
  const match = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) {
    ctx.addIssue({ code: "custom", message: "Enter an amount like 10 or 12.50." });
    return 0;
  }
  const cents = Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
  if (cents <= 0) ctx.addIssue({ code: "custom", message: "The value must be more than 0.00." });
  if (cents > TERM_BOUNDS.valueCents.max)
    ctx.addIssue({ code: "custom", message: "The value can be at most 1,000,000.00." });
  return cents;
}

export const money = z.string().transform(parseMoney);
/** Empty means "none" (no cap, no minimum); absent (a form without the field) too. */
const optionalMoney = z
  .string()
  .optional()
  .transform((raw, ctx) => (raw === undefined || raw.trim() === "" ? null : parseMoney(raw, ctx)));

export function checkWholeNumber(
  text: string,
  label: string,
  min: number,
  max: number,
  ctx: z.RefinementCtx,
  hint: string,
): number {
  if (!/^\d{1,10}$/.test(text)) {
    ctx.addIssue({ code: "custom", message: `${label} is a whole number${hint}.` });
    return 0;
  }
  const value = Number(text);
  if (value < min || value > max) {
    ctx.addIssue({
      code: "custom",
      message: `${label} must be between ${formatCount(min)} and ${formatCount(max)}.`,
    });
  }
  return value;
}

const wholeNumber = (label: string, min: number, max: number) =>
  z.string().transform((raw, ctx) => checkWholeNumber(raw.trim(), label, min, max, ctx, ""));

/** Empty means "no limit". */
const optionalWholeNumber = (label: string, min: number, max: number) =>
  z
    .string()
    .transform((raw, ctx) =>
      raw.trim() === "" ? null : checkWholeNumber(raw.trim(), label, min, max, ctx, ", or empty for no limit"),
    );

const utcDateTime = z.string().transform((raw, ctx): Date | null => {
  const text = raw.trim();
  if (text === "") return null;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(text) || Number.isNaN(new Date(`${text}Z`).getTime())) {
    ctx.addIssue({ code: "custom", message: "Enter a date and time, or leave it empty." });
    return z.NEVER;
  }
  return new Date(`${text}Z`);
});

const code = z.string().transform((raw, ctx): string | null => {
  if (raw.trim() === "") return null;
  const check = normalizeCode(raw);
  if (!check.ok) {
    ctx.addIssue({ code: "custom", message: check.message });
    return z.NEVER;
  }
  return check.code;
});

/**
 * The products a discount applies to, as the form sends them: ids separated by commas (its checkboxes
 * joined, after an always-present empty one, so "none chosen" is sent too). Absent keeps the coupon's.
 */
const productList = z
  .string()
  .optional()
  .transform((raw) => raw?.split(",").flatMap((id) => (id.trim() ? [id.trim()] : [])))
  .pipe(couponKindFields.productIds.unwrap().optional());

const termsShape = {
  description: couponTermFields.description,
  // Required for credit and amount off, ignored for percent off (asTerms).
  value: optionalMoney,
  // Absent (a form without the kind choice) keeps the domain's: credit when creating, unchanged when editing.
  kind: z.enum(CouponKind, { message: "Choose what the coupon gives." }).optional(),
  percentOff: z
    .string()
    .optional()
    .transform((raw, ctx) =>
      raw === undefined || raw.trim() === ""
        ? null
        : checkWholeNumber(
            raw.trim(),
            "The percent off",
            TERM_BOUNDS.percentOff.min,
            TERM_BOUNDS.percentOff.max,
            ctx,
            "",
          ),
    ),
  maxDiscount: optionalMoney,
  minSubtotal: optionalMoney,
  productIds: productList,
  maxRedemptions: optionalWholeNumber(
    "Max redemptions",
    TERM_BOUNDS.maxRedemptions.min,
    TERM_BOUNDS.maxRedemptions.max,
  ),
  perUserLimit: wholeNumber("The per-customer limit", TERM_BOUNDS.perUserLimit.min, TERM_BOUNDS.perUserLimit.max),
  startsAt: utcDateTime,
  expiresAt: utcDateTime,
  // Empty (a form without the choice) keeps the domain's default: automatic when creating, unchanged when editing.
  counter: z
    .enum(["", ...COUNTER_CHOICES], { message: "Choose where uses are counted." })
    .optional()
    .transform((v) => v || undefined),
};
const formShape = { code, ...termsShape };

type FormTerms = z.output<z.ZodObject<typeof termsShape>>;

/**
 * The form's fields as the domain's terms: amounts in cents, and only the conditions the chosen kind has
 * (fields of another kind, still filled in from before the admin switched, are dropped, not refused).
 */
function asTerms<T extends FormTerms>(form: T, ctx: z.RefinementCtx) {
  const { value, kind, percentOff, maxDiscount, minSubtotal, productIds, ...terms } = form;
  const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
  if (kind !== "PERCENT_OFF" && value === null) issue("value", "Enter an amount like 10 or 12.50.");
  if (kind === undefined) return { ...terms, valueCents: value ?? 0 };
  if (kind === "PERCENT_OFF" && percentOff === null) issue("percentOff", "Enter the percent off (1 to 100).");
  const discount = kind !== "CREDIT";
  return {
    ...terms,
    kind,
    valueCents: kind === "PERCENT_OFF" ? 0 : (value ?? 0),
    percentOff: kind === "PERCENT_OFF" ? percentOff : null,
    maxDiscountCents: kind === "PERCENT_OFF" ? maxDiscount : null,
    minSubtotalCents: discount ? minSubtotal : null,
    productIds: discount ? productIds : [],
  };
}

/** Create: the code may be left empty, and one is generated. */
export const couponFormSchema = z.object(formShape).superRefine(checkWindowOrdered).transform(asTerms);
/** Edit: everything but the code, which redemptions and printed material refer to. */
export const couponTermsFormSchema = z.object(termsShape).superRefine(checkWindowOrdered).transform(asTerms);

export type CouponFormValues = Record<keyof typeof formShape, string>;

/** The domain's name of a term, where the form's differs (amounts are typed in units, stored in cents). */
const FORM_FIELD_OF: Record<string, CouponFormField> = {
  valueCents: "value",
  maxDiscountCents: "maxDiscount",
  minSubtotalCents: "minSubtotal",
};
export type CouponFormField = keyof CouponFormValues;
export type FieldErrors = Partial<Record<CouponFormField, string>>;

export const COUPON_FORM_FIELDS = Object.keys(formShape) as CouponFormField[];

export function formValues(formData: FormData): CouponFormValues {
  const values = {} as CouponFormValues;
  for (const field of COUPON_FORM_FIELDS) {
    // The product checkboxes share one name; every other field is one input.
    const value = formData.getAll(field).filter((v) => typeof v === "string");
    values[field] = value.join(",").slice(0, field === "productIds" ? 4_000 : 1_000);
  }
  return values;
}

const decimalOrEmpty = (cents: number | null) => (cents === null ? "" : formatDecimalCents(cents));

/** What the form shows: an existing coupon's terms (and products) when editing, the domain's defaults when creating. */
export function couponFormValues(coupon?: Coupon, productIds: readonly string[] = []): CouponFormValues {
  const terms = coupon
    ? { ...coupon, counter: coupon.counterMode, productIds }
    : { code: "", valueCents: null, ...COUPON_DEFAULTS };
  return {
    code: terms.code,
    description: terms.description,
    kind: terms.kind,
    value: terms.kind === "PERCENT_OFF" ? "" : decimalOrEmpty(terms.valueCents),
    percentOff: terms.percentOff === null ? "" : String(terms.percentOff),
    maxDiscount: decimalOrEmpty(terms.maxDiscountCents),
    minSubtotal: decimalOrEmpty(terms.minSubtotalCents),
    productIds: terms.productIds.join(","),
    maxRedemptions: terms.maxRedemptions === null ? "" : String(terms.maxRedemptions),
    perUserLimit: String(terms.perUserLimit),
    startsAt: toUtcInput(terms.startsAt),
    expiresAt: toUtcInput(terms.expiresAt),
    counter: terms.counter satisfies CounterChoice,
  };
}

/** The first message for each field, keyed the way the form names its inputs. */
export function fieldErrors(issues: readonly { path: readonly PropertyKey[]; message: string }[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const raw = String(issue.path[0] ?? "");
    const field = FORM_FIELD_OF[raw] ?? (raw as CouponFormField);
    if (COUPON_FORM_FIELDS.includes(field) && !errors[field]) errors[field] = issue.message;
  }
  return errors;
}

/** `2026-11-28T09:30` for a datetime-local input showing UTC. */
function toUtcInput(date: Date | null): string {
  return date ? date.toISOString().slice(0, 16) : "";
}

/** The bulk generation form; the batch's codes are single-use credit by definition, so only these four. */
export const batchFormSchema = z
  .object({
    prefix: z
      .string()
      .trim()
      .toUpperCase()
      .regex(
        /^[A-Z0-9][A-Z0-9_-]{0,23}$/,
        "The prefix is 1 to 24 letters, digits, dashes or underscores, starting with a letter or digit.",
      ),
    quantity: wholeNumber("The number of codes", 1, 100_000),
    value: money,
    expiresAt: utcDateTime,
  })
  .transform(({ value, ...batch }) => ({ ...batch, valueCents: value }));

export type BatchFormValues = Record<keyof z.input<typeof batchFormSchema>, string>;
