"use server";

import { ADMIN_BUSY } from "@/lib/admin/messages";
import { z } from "zod";
import type { ProductAnswer, StockAnswer } from "@/components/admin/product-forms";
import { productFormSchema, type ProductFormValues, stockChangeSchema } from "@/lib/admin/product-form";
import { adminAdjustStock, adminCreateProduct, adminSetStock } from "@/lib/admin/products";
import { formatCount } from "@/lib/format";
import { adminAction, answering, answeringWithValues, echoedField, fromForm } from "@/lib/web/actions";

/** The products admin's server actions: thin, on `adminAction`; the domain audits inside its transaction. */

const createProduct = adminAction
  .inputSchema(fromForm(productFormSchema))
  .action(async ({ ctx, parsedInput }): Promise<ProductAnswer> => {
    const { price, ...input } = parsedInput;
    const result = await adminCreateProduct(ctx.db, ctx.admin.id, { ...input, priceCents: price });
    if (result.ok) return { ok: true, message: `Created ${result.product.sku}.` };
    if (result.reason === "busy") return { ok: false, reason: "busy", message: ADMIN_BUSY };
    return {
      ok: false,
      reason: "duplicate_sku",
      message: `A product with the SKU ${result.sku} already exists.`,
      fieldErrors: { sku: `${result.sku} is already taken.` },
    };
  });

const typedProduct = (formData: FormData | undefined): ProductFormValues => ({
  sku: echoedField(formData, "sku"),
  name: echoedField(formData, "name"),
  price: echoedField(formData, "price"),
  stock: echoedField(formData, "stock"),
});

/** Creates a product; a refusal keeps the form as typed. */
export const createProductAction = answeringWithValues(createProduct, typedProduct);

const adjustStock = adminAction
  .inputSchema(fromForm(z.object({ productId: z.uuid("Unknown product."), change: stockChangeSchema })))
  .action(async ({ ctx, parsedInput }): Promise<StockAnswer> => {
    const { productId, change: edit } = parsedInput;
    const result =
      "set" in edit
        ? await adminSetStock(ctx.db, ctx.admin.id, productId, edit.set)
        : await adminAdjustStock(ctx.db, ctx.admin.id, productId, edit.change);
    if (result.ok)
      return { ok: true, message: `${result.product.sku}: ${formatCount(result.product.stock ?? 0)} in stock.` };
    switch (result.reason) {
      case "below_zero":
        return {
          ok: false,
          reason: "below_zero",
          message: `Only ${formatCount(result.stock)} in stock now; nothing was changed.`,
          fieldErrors: {
            change:
              result.stock === 0
                ? "None in stock: type a change of 1 or more (or =count to set it)."
                : `Only ${formatCount(result.stock)} in stock: type a change from -${formatCount(result.stock)} up (or =count to set it).`,
          },
        };
      case "not_tracked":
        return { ok: false, reason: "not_tracked", message: "This product's stock is not tracked." };
      case "invalid":
        return {
          ok: false,
          reason: "invalid",
          message: "Enter a count of 0 or more.",
          fieldErrors: { change: "0 or more." },
        };
      case "not_found":
        return { ok: false, reason: "not_found", message: "That product no longer exists." };
      case "busy":
        return { ok: false, reason: "busy", message: ADMIN_BUSY };
    }
  });

/** Adds, removes or sets stock as one audited adjustment; a decrease never takes it below 0. */
export const adjustStockAction = answering(adjustStock);
