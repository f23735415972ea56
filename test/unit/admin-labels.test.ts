import { describe, expect, it } from "vitest";
import { AUDIT_ACTION_LABELS, LEDGER_KIND_LABELS, STOCK_MOVEMENT_LABELS } from "@/lib/admin/audit-labels";
import { ATTEMPT_REASON_LABELS, refusalLabel } from "@/lib/refusals";

/** A stored code (`not_applicable`, `COUPON_CREATED`) rather than words. */
const looksLikeACode = (label: string) => /^[a-z0-9_]+$/.test(label) || /^[A-Z0-9_]+$/.test(label);

describe("admins read labels, not stored codes", () => {
  it("every refusal reason has a worded label (the attempts log, its filter and CSV)", () => {
    const codes = ATTEMPT_REASON_LABELS.filter(([reason, label]) => label === reason || looksLikeACode(label));
    expect(codes).toEqual([]);
    expect(refusalLabel("not_applicable")).toBe("Doesn't apply");
  });

  it("every admin-log action, credit movement and stock movement has a worded label", () => {
    const labels = [AUDIT_ACTION_LABELS, LEDGER_KIND_LABELS, STOCK_MOVEMENT_LABELS].flatMap((labels) =>
      Object.entries(labels),
    );
    expect(labels.filter(([code, label]) => label === code || looksLikeACode(label))).toEqual([]);
    expect(AUDIT_ACTION_LABELS.COUPON_CREATED).toBe("Coupon created");
  });
});
