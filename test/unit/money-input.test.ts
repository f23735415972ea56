import { describe, expect, it } from "vitest";
import { isLargeValueChange } from "@/lib/coupon-terms";
import { batchFormSchemaIn, couponFormSchema, moneyPreview, parseMoney, percentPreview } from "@/lib/admin/coupon-form";

describe("parseMoney: dollars as typed, to cents, never guessing at a comma", () => {
  it.each([
    ["10", 1_000],
    ["10.5", 1_050],
    ["10.50", 1_050],
    [".50", 50],
    ["$10.50", 1_050],
    [" 19.99 ", 1_999],
    ["1,050.00", 105_000],
    ["1,000,000.00", 100_000_000],
  ])("%s is %i cents", (typed, cents) => {
    expect(parseMoney(typed)).toEqual({ ok: true, cents });
  });

  it.each([
    ["10,50", "Use a dot for cents: 10.50"],
    ["10,5", "Use a dot for cents: 10.50"],
    ["1,050", "Write 1,050.00 (with the cents) or 1050: a comma alone could mean cents."],
    ["10.505", "Use at most two decimals (cents), like 12.50."],
    ["10,50.00", "Commas separate thousands in groups of three, like 1,050.00."],
    ["abc", "Enter an amount like 10 or 12.50."],
    ["", "Enter an amount like 10 or 12.50."],
    ["0", "The value must be more than 0.00."],
    ["-5", "The value must be more than 0.00."],
    ["1000000.01", "The value can be at most 1,000,000.00."],
    ["99999999999", "The value can be at most 1,000,000.00."],
  ])("%s is refused: %s", (typed, message) => {
    expect(parseMoney(typed)).toEqual({ ok: false, message });
  });

  it("previews what will be saved, or what is wrong so far", () => {
    expect(moneyPreview("10.5", "redemption")).toEqual({ ok: true, text: "= $10.50 per redemption" });
    expect(moneyPreview("10,50", "code")).toEqual({ ok: false, text: "Use a dot for cents: 10.50" });
    expect(moneyPreview("  ", "code")).toBeNull();
    expect(moneyPreview("5", (amount) => `= at most ${amount} off an order`)).toEqual({
      ok: true,
      text: "= at most $5.00 off an order",
    });
  });

  it("previews a percent as typed, or names its range", () => {
    expect(percentPreview("25")).toEqual({
      ok: true,
      text: "= 25% off the products it applies to, rounded down to the cent",
    });
    for (const typed of ["0", "101", "12.5", "-5", "abc"]) {
      expect(percentPreview(typed)).toEqual({ ok: false, text: "The percent off is a whole number from 1 to 100." });
    }
    expect(percentPreview(" ")).toBeNull();
  });
});

describe("the forms report every mistake at once", () => {
  const coupon = { code: "", description: "", maxRedemptions: "", perUserLimit: "1", counter: "" };
  it("the window rule comes with the other fields' errors", () => {
    const parsed = couponFormSchema.safeParse({
      ...coupon,
      value: "abc",
      perUserLimit: "0",
      startsAt: "2031-06-02T00:00",
      expiresAt: "2031-06-01T00:00",
    });
    expect(parsed.success).toBe(false);
    const fields = parsed.error!.issues.map((issue) => issue.path[0]);
    expect(fields).toEqual(expect.arrayContaining(["value", "perUserLimit", "expiresAt"]));
  });

  it("the batch form names every bad field, the expiry in the past included", () => {
    const parsed = batchFormSchemaIn("UTC").safeParse({
      prefix: "-bad prefix",
      quantity: "200000",
      value: "10,50",
      expiresAt: "2020-01-01T00:00",
    });
    expect(parsed.error!.issues.map((issue) => issue.path[0]).sort()).toEqual(
      ["expiresAt", "prefix", "quantity", "value"].sort(),
    );
  });
});

describe("isLargeValueChange", () => {
  it("asks about tenfold changes either way, not smaller ones", () => {
    expect(isLargeValueChange(1_000, 105_000)).toBe(true);
    expect(isLargeValueChange(1_000, 100)).toBe(true);
    expect(isLargeValueChange(1_000, 9_999)).toBe(false);
    expect(isLargeValueChange(1_000, 101)).toBe(false);
  });
});
