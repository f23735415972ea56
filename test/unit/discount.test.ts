/**
 * The discount a code gives an order and its allocation to lines (lib/coupon-value.ts): the rounding
 * rule the README writes down, checked on examples and, for allocation, as properties over random carts.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allocateDiscount, type DiscountTerms, discountFor } from "@/lib/coupon-value";

const percent = (percentOff: number, extra: Partial<DiscountTerms> = {}): DiscountTerms => ({
  kind: "PERCENT_OFF",
  valueCents: 0,
  percentOff,
  maxDiscountCents: null,
  minSubtotalCents: null,
  productIds: [],
  ...extra,
});
const amountOff = (valueCents: number, extra: Partial<DiscountTerms> = {}): DiscountTerms => ({
  ...percent(1),
  kind: "AMOUNT_OFF",
  valueCents,
  percentOff: null,
  ...extra,
});
const lines = (...amounts: number[]) => amounts.map((amountCents, i) => ({ productId: `p${i}`, amountCents }));

describe("discountFor", () => {
  it("takes floor(eligible × percent / 100) and allocates it by largest remainder", () => {
    // 33% of 1001 = 330.33 → 330; shares of 330 over 1, 500, 500: 0.33, 164.84, 164.84 → 0, 165, 165.
    expect(discountFor(percent(33), lines(1, 500, 500))).toEqual({
      ok: true,
      discountCents: 330,
      allocation: [0, 165, 165],
      eligibleSubtotalCents: 1001,
    });
  });

  it("caps a percent discount, then never exceeds the eligible subtotal", () => {
    expect(discountFor(percent(50, { maxDiscountCents: 700 }), lines(2000))).toMatchObject({ discountCents: 700 });
    expect(discountFor(percent(100), lines(999, 1))).toMatchObject({ discountCents: 1000, allocation: [999, 1] });
    expect(discountFor(amountOff(500), lines(300))).toMatchObject({ discountCents: 300, allocation: [300] });
  });

  it("applies only to the listed products and judges the minimum on them", () => {
    const terms = amountOff(500, { productIds: ["p1"], minSubtotalCents: 2000 });
    expect(discountFor(terms, lines(5000, 1999))).toEqual({
      ok: false,
      reason: "minimum_not_met",
      minSubtotalCents: 2000,
      eligibleSubtotalCents: 1999,
    });
    expect(discountFor(terms, lines(5000, 2000))).toMatchObject({ ok: true, discountCents: 500, allocation: [0, 500] });
    expect(discountFor(terms, [{ productId: "other", amountCents: 9000 }])).toMatchObject({ reason: "not_applicable" });
  });

  it("refuses a store-credit coupon as a discount", () => {
    expect(discountFor({ ...amountOff(500), kind: "CREDIT" }, lines(5000))).toMatchObject({
      ok: false,
      reason: "not_applicable",
    });
  });

  it("rounds a tiny percent down to nothing rather than up", () => {
    expect(discountFor(percent(1), lines(99))).toMatchObject({ ok: true, discountCents: 0, allocation: [0] });
  });
});

describe("allocateDiscount", () => {
  it("breaks equal remainders towards the earlier line", () => {
    expect(allocateDiscount(1, [100, 100, 100])).toEqual([1, 0, 0]);
    expect(allocateDiscount(2, [100, 100, 100])).toEqual([1, 1, 0]);
  });

  it("refuses a discount larger than the lines", () => {
    expect(() => allocateDiscount(11, [5, 5])).toThrow(RangeError);
  });

  const cart = fc
    .array(fc.integer({ min: 0, max: 99 * 100_000_000 }), { minLength: 1, maxLength: 12 })
    .filter((amounts) => amounts.some((amount) => amount > 0));
  const cartAndDiscount = cart.chain((amounts) =>
    fc.tuple(fc.constant(amounts), fc.integer({ min: 0, max: amounts.reduce((sum, a) => sum + a, 0) })),
  );

  it("adds up exactly, keeps every share within its line, and is deterministic", () => {
    fc.assert(
      fc.property(cartAndDiscount, ([amounts, discount]) => {
        const shares = allocateDiscount(discount, amounts);
        expect(shares.reduce((sum, share) => sum + share, 0)).toBe(discount);
        shares.forEach((share, i) => {
          expect(share).toBeGreaterThanOrEqual(0);
          expect(share).toBeLessThanOrEqual(amounts[i]!);
        });
        expect(allocateDiscount(discount, amounts)).toEqual(shares);
      }),
    );
  });

  it("gives each line its exact proportional share, rounded by less than one cent", () => {
    fc.assert(
      fc.property(cartAndDiscount, ([amounts, discount]) => {
        const total = amounts.reduce((sum, a) => sum + a, 0);
        allocateDiscount(discount, amounts).forEach((share, i) => {
          const exact = (discount * amounts[i]!) / total;
          expect(Math.abs(share - exact)).toBeLessThan(1 + 1e-6);
        });
      }),
    );
  });
});
