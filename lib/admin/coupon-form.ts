import { z } from "zod";
import type { Coupon } from "@/lib/generated/prisma/client";
import { normalizeCode } from "@/lib/codes";
import {
  checkWindowOrdered,
  COUNTER_CHOICES,
  COUPON_DEFAULTS,
  type CounterChoice,
  couponTermFields,
  TERM_BOUNDS,
} from "@/lib/coupon-terms";
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

export const money = z.string().transform((raw, ctx) => {
  const text = raw.trim().replace(/,/g, "");
  const match = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) {
    ctx.addIssue({ code: "custom", message: "Enter an amount like 10 or 12.50." });
    return z.NEVER;
  }
  const cents = Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
  if (cents <= 0) ctx.addIssue({ code: "custom", message: "The value must be more than 0.00." });
  if (cents > TERM_BOUNDS.valueCents.max)
    ctx.addIssue({ code: "custom", message: "The value can be at most 1,000,000.00." });
  return cents;
});

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

const termsShape = {
  description: couponTermFields.description,
  value: money,
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

/** The form's value, in cents, is the domain's valueCents. */
const asTerms = <T extends { value: number }>({ value, ...terms }: T) => ({ ...terms, valueCents: value });

/** Create: the code may be left empty, and one is generated. */
export const couponFormSchema = z.object(formShape).superRefine(checkWindowOrdered).transform(asTerms);
/** Edit: everything but the code, which redemptions and printed material refer to. */
export const couponTermsFormSchema = z.object(termsShape).superRefine(checkWindowOrdered).transform(asTerms);

export type CouponFormValues = Record<keyof typeof formShape, string>;
export type CouponFormField = keyof CouponFormValues;
export type FieldErrors = Partial<Record<CouponFormField, string>>;

export const COUPON_FORM_FIELDS = Object.keys(formShape) as CouponFormField[];

export function formValues(formData: FormData): CouponFormValues {
  const values = {} as CouponFormValues;
  for (const field of COUPON_FORM_FIELDS) {
    const value = formData.get(field);
    values[field] = typeof value === "string" ? value.slice(0, 1_000) : "";
  }
  return values;
}

/** What the form shows: an existing coupon's terms when editing, the domain's defaults when creating. */
export function couponFormValues(coupon?: Coupon): CouponFormValues {
  const terms = coupon
    ? { ...coupon, counter: coupon.counterMode }
    : { code: "", valueCents: null, ...COUPON_DEFAULTS };
  return {
    code: terms.code,
    description: terms.description,
    value: terms.valueCents === null ? "" : formatDecimalCents(terms.valueCents),
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
    const field = (raw === "valueCents" ? "value" : raw) as CouponFormField;
    if (COUPON_FORM_FIELDS.includes(field) && !errors[field]) errors[field] = issue.message;
  }
  return errors;
}

/** `2026-11-28T09:30` for a datetime-local input showing UTC. */
function toUtcInput(date: Date | null): string {
  return date ? date.toISOString().slice(0, 16) : "";
}

/** The bulk generation form; the batch's codes are single-use by definition, so only these four. */
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
  .transform(asTerms);

export type BatchFormValues = Record<keyof z.input<typeof batchFormSchema>, string>;
