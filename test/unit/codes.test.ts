import { describe, expect, it } from "vitest";
import { idempotencyKeySchema, normalizeCode, truncateForAudit } from "@/lib/codes";

describe("normalizeCode", () => {
  it.each([
    ["welcome10", "WELCOME10"],
    ["  Welcome10 \n", "WELCOME10"],
    ["\tspring-25_x ", "SPRING-25_X"],
    ["ＳＡＶＥ１０", "SAVE10"], // full-width forms fold to ASCII
  ])("accepts %j as %s", (raw, code) => {
    expect(normalizeCode(raw)).toEqual({ ok: true, code });
  });

  it.each([
    ["", "Enter a coupon code."],
    ["   \n\t ", "Enter a coupon code."],
    ["A".repeat(65), "Coupon codes are at most 64 characters."],
    ["x".repeat(10_000_000), "That code is far too long to be a coupon code."],
    ["SAVE 10", "Coupon codes contain only letters, digits, dashes and underscores."],
    ["SAVE\u000010", "Coupon codes contain only letters, digits, dashes and underscores."],
    ["SAVE\u200B10", "Coupon codes contain only letters, digits, dashes and underscores."],
    ["ÉTÉ2026", "Coupon codes contain only letters, digits, dashes and underscores."],
    ["💸💸", "Coupon codes contain only letters, digits, dashes and underscores."],
    ["-LEADING", "Coupon codes contain only letters, digits, dashes and underscores."],
    ["'; DROP TABLE coupons; --", "Coupon codes contain only letters, digits, dashes and underscores."],
  ])("refuses %j with a clear message", (raw, message) => {
    expect(normalizeCode(raw)).toEqual({ ok: false, message });
  });
});

describe("idempotencyKeySchema", () => {
  it.each(["0b6f4a3e-2b1c-4c35-9d59-1f1f5b7c2a10", "order_123:retry.1", "12345678"])("accepts %s", (key) => {
    expect(idempotencyKeySchema.safeParse(key).success).toBe(true);
  });
  it.each(["", "short", "has space in it", "x".repeat(129), "ключ-ключ-ключ", "tab\tinside"])("refuses %j", (key) => {
    expect(idempotencyKeySchema.safeParse(key).success).toBe(false);
  });
});

describe("truncateForAudit", () => {
  it("keeps audit text bounded and free of control characters", () => {
    expect(truncateForAudit("a\u0000b\u001bc")).toBe("a\uFFFDb\uFFFDc");
    expect(truncateForAudit("y".repeat(1_000), 10)).toBe(`${"y".repeat(10)}…`);
  });
});
