/** The admin's stock field: a signed change, or "=N" to set the count; anything else is refused plainly. */
import { describe, expect, it } from "vitest";
import { stockChangeSchema } from "@/lib/admin/product-form";

describe("stockChangeSchema", () => {
  it.each([
    ["5", { change: 5 }],
    ["+5", { change: 5 }],
    [" -3 ", { change: -3 }],
    ["=12", { set: 12 }],
    ["= 0", { set: 0 }],
    ["=1000000", { set: 1_000_000 }],
  ])("reads %j as %j", (raw, edit) => {
    expect(stockChangeSchema.parse(raw)).toEqual(edit);
  });

  it.each([
    ["0", "not 0"],
    ["", "=12 to set"],
    ["=-1", "=12 to set"],
    ["=", "=12 to set"],
    ["1.5", "=12 to set"],
    ["2000000", "at most 1,000,000"],
    ["=2000000", "at most 1,000,000"],
  ])("refuses %j (%s)", (raw, message) => {
    const parsed = stockChangeSchema.safeParse(raw);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toContain(message);
  });
});
