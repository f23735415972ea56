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
  FIRST_ORDER_ONLY_NEEDS_DISCOUNT,
  TERM_BOUNDS,
} from "@/lib/coupon-terms";
import { CouponKind } from "@/lib/generated/prisma/enums";
import { formatCents, formatCount, formatDecimalCents } from "@/lib/format";
import { DEFAULT_TIME_ZONE, instantToWallTime, wallTimeToInstant } from "@/lib/time-zones";

/**
 * What the admin forms send, as strings, turned into the domain's terms (lib/coupon-terms.ts: the same
 * fields, bounds, defaults and window rule) with a message per field. Shared by the browser (instant
 * feedback) and the server (the check that counts); the domain's schemas and the table's CHECKs
 * validate again behind both. Every field is checked on every submission, so an admin sees every
 * mistake at once, the window rule included.
 *
 * Money is typed in dollars and converted to integer cents by string arithmetic, never through a float,
 * so 19.99 is 1999 cents exactly (the rule for commas: parseMoney). Coupon windows and a batch's expiry are typed in the store's time zone.
 */

export type MoneyParse = { ok: true; cents: number } | { ok: false; message: string };

const MAX_VALUE = formatDecimalCents(TERM_BOUNDS.valueCents.max).replace(/\B(?=(\d{3})+\.)/g, ",");

/**
 * Dollars as typed, to cents. Accepted: `10`, `10.5`, `10.50`, `.50`, `$10.50`, and thousands separated
 * by commas in groups of three *before a dot*, `1,050.00`, the one place a comma cannot be misread. A
 * comma anywhere else is refused with what to type instead: `10,50` (cents written the European way)
 * would otherwise become 1,050 dollars, and `1,050` could be either.
 */
export function parseMoney(raw: string): MoneyParse {
  const text = raw.trim().replace(/^\$\s*/, "");
  const refuse = (message: string): MoneyParse => ({ ok: false, message });
  if (text.startsWith("-")) return refuse("The value must be more than 0.00.");
  const decimalComma = /^(\d+),(\d{1,2})$/.exec(text);
  if (decimalComma) return refuse(`Use a dot for cents: ${decimalComma[1]}.${decimalComma[2]!.padEnd(2, "0")}`);
  if (/^\d{1,3}(,\d{3})+$/.test(text)) {
    return refuse(`Write ${text}.00 (with the cents) or ${text.replaceAll(",", "")}: a comma alone could mean cents.`);
  }
  if (/^\d+\.\d{3,}$/.test(text)) return refuse("Use at most two decimals (cents), like 12.50.");
  const grouped = /^\d{1,3}(,\d{3})+\.\d{1,2}$/.test(text);
  if (text.includes(",") && !grouped) return refuse("Commas separate thousands in groups of three, like 1,050.00.");
  const match = /^(\d*)(?:\.(\d{1,2}))?$/.exec(text.replaceAll(",", ""));
  if (!match || (match[1] === "" && match[2] === undefined)) return refuse("Enter an amount like 10 or 12.50.");
  const dollars = match[1] || "0";
  if (dollars.replace(/^0+/, "").length > 9) return refuse(`The value can be at most ${MAX_VALUE}.`);
  const cents = Number(dollars) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
  if (cents < TERM_BOUNDS.valueCents.min) return refuse("The value must be more than 0.00.");
  if (cents > TERM_BOUNDS.valueCents.max) return refuse(`The value can be at most ${MAX_VALUE}.`);
  return { ok: true, cents };
}

export type FieldPreview = { ok: boolean; text: string } | null;

/**
 * "= $10.50 per redemption" (or the sentence `per` makes of the amount) as the admin types, or what is
 * wrong with the amount so far.
 */
export function moneyPreview(raw: string, per: string | ((amount: string) => string)): FieldPreview {
  if (raw.trim() === "") return null;
  const parsed = parseMoney(raw);
  if (!parsed.ok) return { ok: false, text: parsed.message };
  const amount = formatCents(parsed.cents);
  return { ok: true, text: typeof per === "string" ? `= ${amount} per ${per}` : per(amount) };
}

/** "= 25% off the products it applies to" as the admin types the percent, or the range it must be in. */
export function percentPreview(raw: string): FieldPreview {
  const text = raw.trim();
  if (text === "") return null;
  const { min, max } = TERM_BOUNDS.percentOff;
  const percent = /^\d{1,3}$/.test(text) ? Number(text) : NaN;
  return percent >= min && percent <= max
    ? { ok: true, text: `= ${percent}% off the products it applies to, rounded down to the cent` }
    : { ok: false, text: `The percent off is a whole number from ${min} to ${max}.` };
}

/** Dollars and cents as typed, to integer cents (also the credit adjustment's amount). */
export const money = z.string().transform(centsOrIssue);

/** Empty means "none" (no cap, no minimum); absent (a form without the field) too. */
const optionalMoney = z
  .string()
  .optional()
  .transform((raw, ctx) => (raw === undefined || raw.trim() === "" ? null : centsOrIssue(raw, ctx)));

function centsOrIssue(raw: string, ctx: z.RefinementCtx): number {
  const parsed = parseMoney(raw);
  if (parsed.ok) return parsed.cents;
  ctx.addIssue({ code: "custom", message: parsed.message });
  return z.NEVER;
}

export function checkWholeNumber(
  text: string,
  label: string,
  min: number,
  max: number,
  ctx: z.RefinementCtx,
  hint: string,
): number {
  const range = `a whole number from ${formatCount(min)} to ${formatCount(max)}`;
  const refuse = (message: string) => {
    ctx.addIssue({ code: "custom", message });
    return 0;
  };
  if (text === "") return refuse(`Enter ${label.charAt(0).toLowerCase()}${label.slice(1)}: ${range}${hint}.`);
  if (/^-\s*[\d,]+$/.test(text)) return refuse(`${label} cannot be negative: type ${range}${hint}.`);
  // Commas can only be thousands separators in a whole number, so they are accepted where they group by three.
  // Any run of digits is a number, however long: too large is said as such, not as "not a number".
  if (!/^(\d{1,3}(,\d{3})+|\d+)$/.test(text))
    return refuse(`${label} is ${range}${hint}; “${text.slice(0, 20)}” is not one.`);
  const value = Number(text.replaceAll(",", ""));
  if (value < min || value > max)
    return refuse(`${label} must be between ${formatCount(min)} and ${formatCount(max)}.`);
  return value;
}

const wholeNumber = (label: string, min: number, max: number) =>
  z.string().transform((raw, ctx) => checkWholeNumber(raw.trim(), label, min, max, ctx, ""));

/** Empty means "no limit". */
const optionalWholeNumber = (label: string, min: number, max: number) =>
  z
    .string()
    .transform((raw, ctx) =>
      raw.trim() === "" ? null : checkWholeNumber(raw.trim(), label, min, max, ctx, ", or leave it empty for no limit"),
    );

/** A `datetime-local` value read on the wall clocks of `zone` (the store's), or null when empty. */
const dateTimeIn = (zone: string) =>
  z.string().transform((raw, ctx): Date | null => {
    const text = raw.trim();
    if (text === "") return null;
    const instant = wallTimeToInstant(text, zone);
    if (!instant) {
      ctx.addIssue({ code: "custom", message: "Enter a date and time that exists, or leave it empty." });
      return z.NEVER;
    }
    return instant;
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

/**
 * A rule across fields runs whenever the fields it reads could be read, whatever else is wrong, so it is
 * reported together with the other fields' mistakes, not only after they are fixed.
 */
const whenReadable = (fields: readonly string[]) => ({
  // An issue without a path is the input itself (not a form at all): then there are no fields to read.
  when: (payload: { issues: readonly { path?: readonly PropertyKey[] }[] }) =>
    !payload.issues.some((issue) => !issue.path?.length || fields.includes(String(issue.path[0]))),
});
const windowReadable = whenReadable(["startsAt", "expiresAt"]);

const termsShapeIn = (zone: string) => ({
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
  startsAt: dateTimeIn(zone),
  expiresAt: dateTimeIn(zone),
  // A checkbox: sent as "on" when ticked, absent otherwise.
  noRedeemAfterRevoke: z
    .string()
    .optional()
    .transform((v) => v === "on"),
  firstOrderOnly: z
    .string()
    .optional()
    .transform((v) => v === "on"),
  // Empty (a form without the choice) keeps the domain's default: automatic when creating, unchanged when editing.
  counter: z
    .enum(["", ...COUNTER_CHOICES], { message: "Choose where uses are counted." })
    .optional()
    .transform((v) => v || undefined),
});
const formShape = { code, ...termsShapeIn("UTC") };

type FormTerms = z.output<z.ZodObject<ReturnType<typeof termsShapeIn>>>;

/**
 * The form's fields as the domain's terms: amounts in cents, and only the conditions the chosen kind has
 * (fields of another kind, still filled in from before the admin switched, are dropped, not refused).
 */
function asTerms<T extends FormTerms>(form: T, ctx: z.RefinementCtx) {
  const { value, kind, percentOff, maxDiscount, minSubtotal, productIds, firstOrderOnly, ...terms } = form;
  const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
  if (kind !== "PERCENT_OFF" && value === null) issue("value", "Enter an amount like 10 or 12.50.");
  // Refused, not dropped: an admin who ticked it would otherwise get a code anyone may use.
  if (kind === "CREDIT" && firstOrderOnly) issue("firstOrderOnly", FIRST_ORDER_ONLY_NEEDS_DISCOUNT);
  if (kind === undefined) return { ...terms, firstOrderOnly, valueCents: value ?? 0 };
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
    firstOrderOnly,
  };
}

/** Create, with the window typed in `zone`: the code may be left empty, and one is generated. */
export const couponFormSchemaIn = (zone: string) =>
  z
    .object({ code, ...termsShapeIn(zone) })
    .superRefine(checkWindowOrdered, windowReadable)
    .transform(asTerms);
export const couponFormSchema = couponFormSchemaIn("UTC");
/**
 * Edit: everything but the code, which redemptions and printed material refer to. `confirmValue` says
 * the admin confirmed a value change large enough to be a typo (isLargeValueChange).
 */
export const couponTermsFormSchemaIn = (zone: string) =>
  z
    .object({ ...termsShapeIn(zone), confirmValue: z.string().optional() })
    .superRefine(checkWindowOrdered, windowReadable)
    .transform(({ confirmValue, ...terms }, ctx) => ({
      ...asTerms(terms, ctx),
      confirmedValueChange: confirmValue === "1",
    }));
export const couponTermsFormSchema = couponTermsFormSchemaIn("UTC");

export type CouponFormValues = Record<keyof typeof formShape, string>;
export type CouponFormField = keyof CouponFormValues;

/** The domain's name of a term, where the form's differs (amounts are typed in units, stored in cents). */
const FORM_FIELD_OF: Record<string, string> = {
  valueCents: "value",
  maxDiscountCents: "maxDiscount",
  minSubtotalCents: "minSubtotal",
};
export type FieldErrors<Field extends string = CouponFormField> = Partial<Record<Field, string>>;

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
export function couponFormValues(coupon?: Coupon, productIds: readonly string[] = [], zone = "UTC"): CouponFormValues {
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
    startsAt: terms.startsAt ? instantToWallTime(terms.startsAt, zone) : "",
    expiresAt: terms.expiresAt ? instantToWallTime(terms.expiresAt, zone) : "",
    noRedeemAfterRevoke: terms.noRedeemAfterRevoke ? "on" : "",
    firstOrderOnly: terms.firstOrderOnly ? "on" : "",
    counter: terms.counter satisfies CounterChoice,
  };
}

/** A new coupon's form prefilled with another's terms; the code is left empty, since codes are unique. */
export function duplicateFormValues(
  coupon: Coupon,
  productIds: readonly string[] = [],
  zone = "UTC",
): CouponFormValues {
  return { ...couponFormValues(coupon, productIds, zone), code: "" };
}

/**
 * The first message for each of `fields`, keyed the way the form names its inputs (the domain's
 * valueCents is the form's value). Any form's fields: the coupon form's by default.
 */
export function fieldErrors<Field extends string = CouponFormField>(
  issues: readonly { path?: readonly PropertyKey[]; message: string }[],
  fields: readonly Field[] = COUPON_FORM_FIELDS as unknown as readonly Field[],
): FieldErrors<Field> {
  const errors: FieldErrors<Field> = {};
  for (const issue of issues) {
    const raw = String(issue.path?.[0] ?? "");
    const field = (FORM_FIELD_OF[raw] ?? raw) as Field;
    if (fields.includes(field) && !errors[field]) errors[field] = issue.message;
  }
  return errors;
}

/** The bulk generation form, its expiry typed in `zone`; the batch's codes are single-use by definition, so only these. */
const batchShapeIn = (zone: string) => ({
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
  expiresAt: dateTimeIn(zone),
});

export const batchFormSchemaIn = (zone: string) =>
  z
    .object(batchShapeIn(zone))
    .superRefine(
      ({ expiresAt }, ctx) => {
        if (expiresAt && expiresAt <= new Date()) {
          ctx.addIssue({ code: "custom", path: ["expiresAt"], message: "The expiry must be in the future." });
        }
      },
      whenReadable(["expiresAt"]),
    )
    .transform(({ value, ...batch }) => ({ ...batch, valueCents: value }));

export type BatchFormField = keyof ReturnType<typeof batchShapeIn>;
export type BatchFormValues = Record<BatchFormField, string>;
export const BATCH_FORM_FIELDS = Object.keys(batchShapeIn(DEFAULT_TIME_ZONE)) as BatchFormField[];
