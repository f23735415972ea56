import { z } from "zod";

/**
 * Coupon codes are case-insensitive: they are stored and compared in one canonical form
 * (NFKC-folded, upper case, trimmed), which the database also enforces with a CHECK.
 */

export const CODE_MAX_LENGTH = 64;
/** Longer raw input is refused before any normalisation work is spent on it. */
export const RAW_CODE_MAX_LENGTH = 256;
const CODE_PATTERN = /^[A-Z0-9][A-Z0-9_-]*$/;

export type CodeCheck = { ok: true; code: string } | { ok: false; message: string };

export function normalizeCode(raw: string): CodeCheck {
  if (raw.length > RAW_CODE_MAX_LENGTH) return { ok: false, message: "That code is far too long to be a coupon code." };
  // NFKC folds full-width and compatibility forms (ＳＡＶＥ１０ → SAVE10) before the upper-casing.
  const code = raw.normalize("NFKC").trim().toUpperCase();
  if (code.length === 0) return { ok: false, message: "Enter a coupon code." };
  if (code.length > CODE_MAX_LENGTH)
    return { ok: false, message: `Coupon codes are at most ${CODE_MAX_LENGTH} characters.` };
  if (!CODE_PATTERN.test(code)) {
    return { ok: false, message: "Coupon codes contain only letters, digits, dashes and underscores." };
  }
  return { ok: true, code };
}

/** A coupon code as typed by a person, validated and normalised. */
export const couponCodeSchema = z.string().transform((raw, ctx) => {
  const result = normalizeCode(raw);
  if (!result.ok) {
    ctx.addIssue({ code: "custom", message: result.message });
    return z.NEVER;
  }
  return result.code;
});

/** Client-chosen idempotency keys: UUIDs in practice; any short, printable token is accepted. */
export const idempotencyKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{8,128}$/, "The idempotency key must be 8 to 128 letters, digits or . _ : -");

/** Keeps what the attempts table stores of raw input bounded and printable. */
export function truncateForAudit(raw: string, max = 128): string {
  const printable = raw.slice(0, max * 2).replace(/[\u0000-\u001f\u007f]/g, "\uFFFD");
  return printable.length > max ? `${printable.slice(0, max)}…` : printable;
}
