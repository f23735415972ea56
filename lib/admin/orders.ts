import "server-only";
import { z } from "zod";
import { OrderStatus, Prisma } from "@/lib/generated/prisma/client";
import type { Db } from "@/lib/db/client";
import { recordAdminChange } from "@/lib/admin-changes";
import { formatCents, formatDecimalCents, formatOrderNumber } from "@/lib/format";
import { type CancelResult, cancelOrder } from "@/lib/checkout/cancel-order";
import type { CsvSource } from "./csv";
import { type ExportFilters, exportFilters } from "./filters";
import { type Cursor, newerPage, olderPage } from "./keyset";
import { parseIgnoringInvalid } from "@/lib/input-rules";
import {
  auditFilterFields,
  auditWhereClause,
  EXPORT_PAGE_SIZE,
  redemptionFiltersSchema,
  type SearchParams,
  searchParam,
} from "./redemptions";

/**
 * The orders audit table: every order, newest first, filtered by customer, code, status and UTC days,
 * paged by keyset on (created_at, id) like the redemptions table (indexes orders_coupon_id_created_at_id,
 * orders_status_created_at_id, orders_created_at_id; a customer's filter uses orders_user_id_created_at).
 */

/**
 * An order number as an admin types it, `1001` or `#1001`, kept as its digits (at most 9, so it always
 * fits the integer column; the unique index orders_number_key finds it).
 */
export const orderNumberSearch = z
  .string()
  .trim()
  .regex(/^(#?\s*\d{1,9})?$/, "An order number, like 1001 or #1001.")
  .transform((text) => text.replace(/^#\s*/, "").replace(/^0+(?=\d)/, ""))
  .default("");

export const orderFiltersSchema = redemptionFiltersSchema.extend({
  status: z.enum(["", ...Object.values(OrderStatus)]).default(""),
  number: orderNumberSearch,
});

export type OrderFilters = z.infer<typeof orderFiltersSchema>;

export interface OrderRow {
  id: string;
  number: number;
  createdAt: Date;
  status: OrderStatus;
  subtotalCents: number;
  discountCents: number;
  totalCents: number;
  /** Units across its lines. */
  items: number;
  couponId: string | null;
  code: string | null;
  userId: string;
  email: string;
  cancelledAt: Date | null;
}

export interface OrderPage {
  rows: OrderRow[];
  next: Cursor | null;
}

/** The rows older than `after`, newest first; or with `before`, the rows newer than it, oldest first. */
function ordersPageSql(filters: OrderFilters, after: Cursor | null, limit: number, before: Cursor | null = null) {
  const dir = before ? Prisma.sql`ASC` : Prisma.sql`DESC`;
  return Prisma.sql`
    SELECT o.id, o.number, o.created_at AS "createdAt", o.status, o.subtotal_cents AS "subtotalCents",
           o.discount_cents AS "discountCents", o.total_cents AS "totalCents",
           (SELECT coalesce(sum(l.quantity), 0)::int FROM order_lines l WHERE l.order_id = o.id) AS items,
           o.coupon_id AS "couponId", c.code, o.user_id AS "userId", u.email, o.cancelled_at AS "cancelledAt"
    FROM orders o
    LEFT JOIN coupons c ON c.id = o.coupon_id
    JOIN users u ON u.id = o.user_id
    ${auditWhereClause("o", "OrderStatus", filters, after, before)}
    ORDER BY o.created_at ${dir}, o.id ${dir}
    LIMIT ${limit}`;
}

export async function listOrders(db: Db, filters: OrderFilters, after: Cursor | null, limit = 50): Promise<OrderPage> {
  return olderPage(await db.$queryRaw<OrderRow[]>(ordersPageSql(filters, after, limit + 1)), limit);
}

/** The page just newer than `before`, newest first, and whether there are newer orders still. */
export async function listNewerOrders(
  db: Db,
  filters: OrderFilters,
  before: Cursor,
  limit = 50,
): Promise<{ rows: OrderRow[]; newer: boolean }> {
  return newerPage(await db.$queryRaw<OrderRow[]>(ordersPageSql(filters, null, limit + 1, before)), limit);
}

/** How many orders the filters match, on every page. */
export async function countOrders(db: Db, filters: OrderFilters): Promise<number> {
  const [{ total }] = await db.$queryRaw<[{ total: number }]>`
    SELECT count(*)::int AS total FROM orders o ${auditWhereClause("o", "OrderStatus", filters, null)}`;
  return total;
}

/** The same filters as the table, streamed in keyset pages. */
export function ordersCsv(db: Db, filters: OrderFilters): CsvSource<OrderRow, Cursor> {
  return {
    header: [
      "ordered_at_utc",
      "order_number",
      "order_id",
      "customer_email",
      "status",
      "items",
      "subtotal",
      "discount",
      "total",
      "discount_code",
      "cancelled_at_utc",
    ],
    page: (after) => listOrders(db, filters, after, EXPORT_PAGE_SIZE),
    cells: (o) => [
      o.createdAt.toISOString(),
      formatOrderNumber(o.number),
      o.id,
      o.email,
      o.status,
      o.items,
      formatDecimalCents(o.subtotalCents),
      formatDecimalCents(o.discountCents),
      formatDecimalCents(o.totalCents),
      o.code ?? "",
      o.cancelledAt?.toISOString() ?? "",
    ],
  };
}

/** For the page: a filter that fails its rule is ignored. */
export function orderFiltersFromSearchParams(params: SearchParams): OrderFilters {
  return parseIgnoringInvalid(orderFiltersSchema, orderFilterFields(params));
}

/** For the export: the filters, or which one is wrong, decided before anything is streamed. */
export function exportOrderFilters(params: URLSearchParams): ExportFilters<OrderFilters> {
  return exportFilters(orderFiltersSchema.safeParse(orderFilterFields(params)));
}

/** The orders table's filter fields as the query string has them: the audit fields and the order number. */
function orderFilterFields(params: SearchParams): Record<string, string | undefined> {
  return { ...auditFilterFields(params), number: searchParam(params, "number") };
}

export type AdminCancelResult = CancelResult;

/**
 * An admin cancels an order through the checkout's own cancel (guarded on PLACED: stock, the code's use
 * and the credit go back once; the order records who cancelled it) and the admin log's entry, in one transaction.
 */
export async function adminCancelOrder(db: Db, adminId: string, orderId: string): Promise<AdminCancelResult> {
  // Only the cancel that reverses the order writes the entry: concurrent cancels log once, refused ones never.
  return cancelOrder(db, {
    orderId,
    by: { kind: "admin", adminId },
    record: async (tx, order) => {
      await recordAdminChange(tx, adminId, {
        action: "ORDER_CANCELLED",
        targetType: "order",
        targetId: order.id,
        summary: `Cancelled order ${formatOrderNumber(order.number)} of ${formatCents(order.totalCents)}`,
        before: { status: "PLACED" },
        after: { status: "CANCELLED" },
      });
    },
  });
}
