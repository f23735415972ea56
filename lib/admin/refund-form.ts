import { z } from "zod";
import { parseMoney } from "./coupon-form";
import { type RefundInput, refundReason } from "./refund-order";

/**
 * The admin's refund form, as strings, turned into a refund (lib/admin/refund-order.ts): units of lines
 * (`units-<line number>` fields, blank or 0 for none) with an optional restock, or an amount in dollars,
 * with a reason. Every problem gets a message on its field; the refund's own schema and the database's
 * guards judge the values again behind it.
 */

const MAX_UNITS = 99;

export const refundFormSchema = z
  .looseObject({
    orderId: z.uuid("Unknown order."),
    by: z.enum(["lines", "amount"], "Choose what to refund: units of the order's lines, or an amount."),
    amount: z.string().optional(),
    restock: z.string().optional(),
    reason: refundReason,
    idempotencyKey: z.string(),
  })
  .transform((form, ctx): RefundInput => {
    const common = { orderId: form.orderId, reason: form.reason, idempotencyKey: form.idempotencyKey };
    if (form.by === "amount") {
      const parsed = parseMoney(form.amount ?? "");
      if (!parsed.ok) {
        ctx.addIssue({ code: "custom", path: ["amount"], message: parsed.message.replace("The value", "The amount") });
        return z.NEVER;
      }
      return { ...common, by: "amount", amountCents: parsed.cents };
    }
    const lines: { lineNo: number; quantity: number }[] = [];
    for (const [name, value] of Object.entries(form)) {
      const lineNo = /^units-(\d{1,3})$/.exec(name)?.[1];
      if (lineNo === undefined || typeof value !== "string") continue;
      const text = value.trim();
      if (text === "" || /^0+$/.test(text)) continue;
      if (!/^\d{1,2}$/.test(text)) {
        ctx.addIssue({
          code: "custom",
          path: [name],
          message: `Type a whole number of units from 0 to ${MAX_UNITS}; “${text.slice(0, 20)}” is not one.`,
        });
        continue;
      }
      lines.push({ lineNo: Number(lineNo), quantity: Number(text) });
    }
    if (lines.length === 0) {
      ctx.addIssue({ code: "custom", path: ["units"], message: "Choose at least one unit to refund." });
      return z.NEVER;
    }
    return { ...common, by: "lines", lines, restock: form.restock === "on" };
  });
