import { z } from "zod";
import { storableText } from "@/lib/input-rules";
import { checkWholeNumber, money } from "./coupon-form";

/**
 * The products admin's forms, as strings, turned into the domain's input with a message per field.
 * Pure, like coupon-form.ts, whose money and whole-number parsers it shares.
 */

/** The largest stock a product may have, and the largest single adjustment. */
export const MAX_STOCK = 1_000_000;

export const productFormSchema = z.object({
  sku: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z0-9][A-Z0-9_-]{0,39}$/, "The SKU is 1 to 40 letters, digits, dashes or underscores."),
  name: storableText().trim().min(1, "Enter the product's name.").max(120, "The name can be at most 120 characters."),
  price: money,
  // Empty = the product is not stock-tracked (sells without a limit).
  stock: z
    .string()
    .transform((raw, ctx) =>
      raw.trim() === "" ? null : checkWholeNumber(raw.trim(), "The stock", 0, MAX_STOCK, ctx, ", or empty"),
    ),
});

export type ProductFormValues = Record<keyof z.input<typeof productFormSchema>, string>;

/** A stock edit: "+5" or "5" adds, "-3" removes, "=12" sets the count (after counting the shelf). */
export const stockChangeSchema = z.string().transform((raw, ctx): { set: number } | { change: number } => {
  const text = raw.trim();
  if (/^=\s*\d{1,7}$/.test(text)) {
    const stock = Number(text.slice(1).trim());
    if (stock <= MAX_STOCK) return { set: stock };
  } else if (/^[+-]?\d{1,7}$/.test(text) && Number(text) !== 0) {
    const change = Number(text);
    if (Math.abs(change) <= MAX_STOCK) return { change };
  } else {
    ctx.addIssue({ code: "custom", message: "Enter a change like 5 or -3 (not 0), or =12 to set the count." });
    return z.NEVER;
  }
  ctx.addIssue({ code: "custom", message: "A change or a count can be at most 1,000,000." });
  return z.NEVER;
});
