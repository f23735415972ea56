import { describe, expect, it } from "vitest";
import { auditLines, auditLineText } from "@/lib/admin/audit-lines";

const texts = (before: unknown, after: unknown, zone = "UTC") => auditLines(before, after, zone).map(auditLineText);

describe("readable audit lines", () => {
  it("shows an edit's changed terms only, in the admin's words", () => {
    const before = { code: "SUMMER", maxRedemptions: 100, valueCents: 500, expiresAt: null, status: "ACTIVE" };
    const after = {
      code: "SUMMER",
      maxRedemptions: 200,
      valueCents: 1000,
      expiresAt: "2026-12-01T00:00:00.000Z",
      status: "ACTIVE",
    };
    expect(texts(before, after)).toEqual([
      "Limit: 100 → 200",
      "Value: $5.00 → $10.00",
      "Ends: — → 1 Dec 2026, 00:00 UTC",
    ]);
    expect(texts({ expiresAt: null }, { expiresAt: "2026-11-30T23:00:00.000Z" }, "Europe/Berlin")).toEqual([
      "Ends: — → 1 Dec 2026, 00:00 Europe/Berlin",
    ]);
  });

  it("shows every field set by an entry that has only an after (a creation)", () => {
    expect(texts(undefined, { prefix: "SPRING", quantity: 1200, valueCents: 250, expiresAt: null })).toEqual([
      "Prefix: — → SPRING",
      "Codes: — → 1,200",
      "Value: — → $2.50",
    ]);
  });

  it("names enums, booleans, product lists and percentages as an admin would", () => {
    expect(
      texts(
        { status: "ACTIVE", kind: "CREDIT", noRedeemAfterRevoke: false, productIds: [], percentOff: null },
        { status: "DISABLED", kind: "PERCENT_OFF", noRedeemAfterRevoke: true, productIds: ["a", "b"], percentOff: 15 },
      ),
    ).toEqual([
      "Status: Active → Disabled",
      "Kind: Store credit → Percent off",
      "Redeem again after a revoke: Yes → No",
      "Products: Every product → 2 products",
      "Percent off: — → 15%",
    ]);
  });

  it("labels a field it does not know from its name and keeps its value readable", () => {
    expect(texts({ someNewField: 3 }, { someNewField: 4, nested: { a: 1 } })).toEqual([
      "Some new field: 3 → 4",
      'Nested: — → {"a":1}',
    ]);
  });

  it("has no lines for an entry without values or with nothing changed", () => {
    expect(auditLines(null, null, "UTC")).toEqual([]);
    expect(auditLines({ stock: 4 }, { stock: 4 }, "UTC")).toEqual([]);
    expect(auditLines("text", [1], "UTC")).toEqual([]);
  });
});

describe("a change that reads the same", () => {
  it("is still shown when the recorded values differ", () => {
    expect(texts({ productIds: ["a", "b"] }, { productIds: ["c", "d"] })).toEqual([
      "Products: 2 products → 2 products (changed)",
    ]);
    expect(texts({ productIds: ["a"] }, { productIds: ["a"] })).toEqual([]);
  });
});

describe("a revocation", () => {
  it("shows what changed, not the context its before records", () => {
    const before = { status: "ACTIVE", couponCode: "SUMMER", userId: "u-1", amountCents: 500 };
    const after = { status: "REVOKED", revokedAt: "2026-11-28T10:05:00.000Z" };
    expect(texts(before, after)).toEqual(["Status: Active → Revoked", "Revoked: — → 28 Nov 2026, 10:05 UTC"]);
  });
});
