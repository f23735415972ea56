import "server-only";
import { z } from "zod";
import { Prisma } from "@/lib/generated/prisma/client";
import type { Db } from "@/lib/db/client";
import { formatDecimalCents } from "@/lib/format";
import { calendarDaySchema, parseIgnoringInvalid } from "@/lib/input-rules";
import type { CsvSource } from "../csv";
import { type ExportFilters, exportFilters } from "../filters";
import { type Cursor, newerPage, olderPage } from "../keyset";
import { containsPattern, EXPORT_PAGE_SIZE, searchParam, type SearchParams, searchText } from "../redemptions";
import { dayRangeConditions } from "../store-days";

/**
 * The customers list: every customer (role CUSTOMER: admins are not customers and are left out), newest
 * first by the day they joined, searched by part of the email or the name, paged by keyset on
 * (created_at, id) like the audit tables. The index users (role, created_at, id) serves the page, the
 * count and the From/To days; each row's orders and last activity are read from its own indexes
 * (orders (user_id, created_at), redemptions (user_id, created_at, id), ledger_entries (user_id, id)), a
 * bounded lookup per row shown. A search by part of a word cannot use a b-tree: it filters the customers
 * walked in that index's order, as the other pages' partial searches do.
 */

export const customerFiltersSchema = z.object({
  /** Part of the email or of the name, any case. */
  q: searchText,
  /** Joined within these days on the store's clocks, both inclusive (lib/admin/store-days.ts). */
  from: calendarDaySchema.optional(),
  to: calendarDaySchema.optional(),
});

export type CustomerFilters = z.infer<typeof customerFiltersSchema>;

export interface CustomerRow {
  id: string;
  /** When they signed up. */
  createdAt: Date;
  email: string;
  name: string;
  balanceCents: number;
  disabled: boolean;
  /** Every order they placed, and those not cancelled. */
  orders: number;
  liveOrders: number;
  /** The latest of their newest redemption, order and ledger entry, and their sign-up. */
  lastActivityAt: Date;
}

export interface CustomerPage {
  rows: CustomerRow[];
  next: Cursor | null;
}

function customerWhereClause(filters: CustomerFilters, after: Cursor | null, before: Cursor | null): Prisma.Sql {
  const conditions: Prisma.Sql[] = [Prisma.sql`u.role = 'CUSTOMER'::"Role"`];
  if (filters.q) {
    const pattern = containsPattern(filters.q);
    conditions.push(Prisma.sql`(u.email ILIKE ${pattern} OR u.name ILIKE ${pattern})`);
  }
  conditions.push(...dayRangeConditions(Prisma.sql`u.created_at`, filters));
  if (after) conditions.push(Prisma.sql`(u.created_at, u.id) < (${after.createdAt}, ${after.id}::uuid)`);
  if (before) conditions.push(Prisma.sql`(u.created_at, u.id) > (${before.createdAt}, ${before.id}::uuid)`);
  return Prisma.sql`WHERE ${Prisma.join(conditions, " AND ")}`;
}

/** The customers who joined before `after`, newest first; or with `before`, those who joined after it, oldest first. */
export function customersPageSql(
  filters: CustomerFilters,
  after: Cursor | null,
  limit: number,
  before: Cursor | null = null,
): Prisma.Sql {
  const dir = before ? Prisma.sql`ASC` : Prisma.sql`DESC`;
  // GREATEST skips NULLs: a customer who never did anything was last active when they signed up.
  return Prisma.sql`
    SELECT u.id, u.created_at AS "createdAt", u.email, u.name, u.balance_cents AS "balanceCents", u.disabled,
           (SELECT count(*)::int FROM orders o WHERE o.user_id = u.id) AS orders,
           u.live_orders AS "liveOrders",
           GREATEST(
             u.created_at,
             (SELECT max(r.created_at) FROM redemptions r WHERE r.user_id = u.id),
             (SELECT max(o.created_at) FROM orders o WHERE o.user_id = u.id),
             (SELECT l.created_at FROM ledger_entries l WHERE l.user_id = u.id ORDER BY l.id DESC LIMIT 1)
           ) AS "lastActivityAt"
    FROM users u
    ${customerWhereClause(filters, after, before)}
    ORDER BY u.created_at ${dir}, u.id ${dir}
    LIMIT ${limit}`;
}

export async function listCustomers(
  db: Db,
  filters: CustomerFilters,
  after: Cursor | null,
  limit = 50,
): Promise<CustomerPage> {
  return olderPage(await db.$queryRaw<CustomerRow[]>(customersPageSql(filters, after, limit + 1)), limit);
}

/** The page just newer than `before`, newest first, and whether newer customers remain. */
export async function listNewerCustomers(
  db: Db,
  filters: CustomerFilters,
  before: Cursor,
  limit = 50,
): Promise<{ rows: CustomerRow[]; newer: boolean }> {
  return newerPage(await db.$queryRaw<CustomerRow[]>(customersPageSql(filters, null, limit + 1, before)), limit);
}

/** How many customers the filters match, on every page. */
export async function countCustomers(db: Db, filters: CustomerFilters): Promise<number> {
  const [{ total }] = await db.$queryRaw<[{ total: number }]>`
    SELECT count(*)::int AS total FROM users u ${customerWhereClause(filters, null, null)}`;
  return total;
}

/** The same filters as the page, streamed in keyset pages. */
export function customersCsv(db: Db, filters: CustomerFilters): CsvSource<CustomerRow, Cursor> {
  return {
    header: [
      "joined_at_utc",
      "customer_id",
      "email",
      "name",
      "balance",
      "orders",
      "live_orders",
      "last_activity_at_utc",
      "disabled",
    ],
    page: (after) => listCustomers(db, filters, after, EXPORT_PAGE_SIZE),
    cells: (c) => [
      c.createdAt.toISOString(),
      c.id,
      c.email,
      c.name,
      formatDecimalCents(c.balanceCents),
      c.orders,
      c.liveOrders,
      c.lastActivityAt.toISOString(),
      c.disabled ? "true" : "false",
    ],
  };
}

function customerFilterFields(params: SearchParams): Record<string, string | undefined> {
  const fields = ["q", "from", "to"] as const;
  return Object.fromEntries(fields.map((field) => [field, searchParam(params, field)]));
}

/** For the page: a filter that fails its rule is ignored. */
export function customerFiltersFromSearchParams(params: SearchParams): CustomerFilters {
  return parseIgnoringInvalid(customerFiltersSchema, customerFilterFields(params));
}

/** For the export: the filters, or which one is wrong, decided before anything is streamed. */
export function customerExportFilters(params: URLSearchParams): ExportFilters<CustomerFilters> {
  return exportFilters(customerFiltersSchema.safeParse(customerFilterFields(params)));
}
