import "server-only";
import { type ExportFilters, exportFilters } from "./filters";
import { z } from "zod";
import { type AdminAction, Prisma } from "@/lib/generated/prisma/client";
import type { Db } from "@/lib/db/client";
import { bigintIdSchema, parseIgnoringInvalid, calendarDaySchema } from "@/lib/input-rules";
import { auditLines, auditLineText } from "./audit-lines";
import type { CsvSource } from "./csv";
import { newerPage, olderPage } from "./keyset";
import { containsPattern, EXPORT_PAGE_SIZE, searchParam, type SearchParams, searchText } from "./redemptions";
import { dayRangeConditions } from "./store-days";
import { AUDIT_ACTION_LABELS } from "./audit-labels";

/**
 * Reading the admin audit log: who changed what, when, and the values before and after. Entries are
 * written in the same transaction as the change they describe (by lib/admin-changes.ts, revocations by a
 * database trigger inside the engine's transaction), so a change never commits without its entry. The
 * table refuses UPDATE/DELETE.
 */

export interface AuditEntryView {
  id: string;
  createdAt: Date;
  actorId: string;
  actorEmail: string;
  action: AdminAction;
  targetType: string;
  targetId: string;
  summary: string;
  before: unknown;
  after: unknown;
}

/** The admin log's filters: part of the actor's email or of the summary (which names the code), and store days. */
export const auditLogFiltersSchema = z.object({
  q: searchText,
  from: calendarDaySchema.optional(),
  to: calendarDaySchema.optional(),
});

export type AuditLogFilters = z.infer<typeof auditLogFiltersSchema>;

const auditLogFilterFields = (params: SearchParams) =>
  Object.fromEntries((["q", "from", "to"] as const).map((field) => [field, searchParam(params, field)]));

/** For the page: a filter that fails its rule is ignored. */
export function auditLogFiltersFromSearchParams(params: SearchParams): AuditLogFilters {
  return parseIgnoringInvalid(auditLogFiltersSchema, auditLogFilterFields(params));
}

/** For the export: the filters, or which one is wrong, decided before anything is streamed. */
export function auditLogExportFilters(params: SearchParams): ExportFilters<AuditLogFilters> {
  return exportFilters(auditLogFiltersSchema.safeParse(auditLogFilterFields(params)));
}

/** A paging id from the URL (`before`: older than it; `newer`: newer than it); anything else is the top. */
function pagingId(raw: string | undefined): bigint | undefined {
  const parsed = bigintIdSchema.safeParse(raw);
  return parsed.success ? BigInt(parsed.data) : undefined;
}

function auditLogWhere(
  filters: AuditLogFilters,
  target: { type: string; id: string } | undefined,
  paging: { olderThan?: bigint; newerThan?: bigint } = {},
): Prisma.Sql {
  const conditions: Prisma.Sql[] = [];
  if (filters.q) {
    const pattern = containsPattern(filters.q);
    conditions.push(Prisma.sql`(e.summary ILIKE ${pattern} OR u.email ILIKE ${pattern})`);
  }
  conditions.push(...dayRangeConditions(Prisma.sql`e.created_at`, filters));
  if (target) conditions.push(Prisma.sql`e.target_type = ${target.type} AND e.target_id = ${target.id}`);
  if (paging.olderThan !== undefined) conditions.push(Prisma.sql`e.id < ${paging.olderThan}`);
  if (paging.newerThan !== undefined) conditions.push(Prisma.sql`e.id > ${paging.newerThan}`);
  return conditions.length ? Prisma.sql`WHERE ${Prisma.join(conditions, " AND ")}` : Prisma.empty;
}

export interface AuditLogPage {
  entries: AuditEntryView[];
  /** The id the next older page starts below, if there is one. */
  nextBeforeId: string | null;
  /** Whether newer entries exist (a "Newer" and a "First page" link). */
  newer: boolean;
}

/**
 * One page of the log, newest first: below `beforeId` (an "Older" link), above `newerThanId` (a "Newer"
 * link), or the newest. Keyset on the id, reading one entry more than it shows, like the audit tables.
 */
export async function listAuditLog(
  db: Db,
  options: {
    filters?: AuditLogFilters;
    beforeId?: string;
    newerThanId?: string;
    limit?: number;
    target?: { type: string; id: string };
  } = {},
): Promise<AuditLogPage> {
  const limit = options.limit ?? 50;
  const filters = options.filters ?? auditLogFiltersSchema.parse({});
  const olderThan = pagingId(options.beforeId);
  const newerThan = olderThan === undefined ? pagingId(options.newerThanId) : undefined;
  const dir = newerThan === undefined ? Prisma.sql`DESC` : Prisma.sql`ASC`;
  const rows = await db.$queryRaw<(Omit<AuditEntryView, "id"> & { id: bigint })[]>`
    SELECT e.id, e.created_at AS "createdAt", e.actor_id AS "actorId", u.email AS "actorEmail", e.action,
           e.target_type AS "targetType", e.target_id AS "targetId", e.summary, e.before, e.after
    FROM admin_audit_log e
    JOIN users u ON u.id = e.actor_id
    ${auditLogWhere(filters, options.target, { olderThan, newerThan })}
    ORDER BY e.id ${dir}
    LIMIT ${limit + 1}`;
  const entries = rows.map((row) => ({ ...row, id: row.id.toString() }));
  if (newerThan !== undefined) {
    const page = newerPage(entries, limit);
    // The page a "Newer" link came from is older than this one, so an older page always follows.
    return { entries: page.rows, newer: page.newer, nextBeforeId: page.rows.at(-1)?.id ?? null };
  }
  const page = olderPage(entries, limit);
  return { entries: page.rows, newer: olderThan !== undefined, nextBeforeId: page.next?.id ?? null };
}

/** How many entries the filters match, on every page. */
export async function countAuditLog(db: Db, filters: AuditLogFilters): Promise<number> {
  const [{ total }] = await db.$queryRaw<[{ total: number }]>`
    SELECT count(*)::int AS total FROM admin_audit_log e JOIN users u ON u.id = e.actor_id
    ${auditLogWhere(filters, undefined)}`;
  return total;
}

/** The same filters as the page, streamed in keyset pages, each change as a readable line. */
export function auditLogCsv(db: Db, filters: AuditLogFilters): CsvSource<AuditEntryView, string> {
  return {
    header: [
      "at_utc",
      "entry_id",
      "admin_email",
      "action",
      "action_label",
      "target_type",
      "target_id",
      "summary",
      "changes",
    ],
    page: async (beforeId) => {
      const page = await listAuditLog(db, { filters, beforeId: beforeId ?? undefined, limit: EXPORT_PAGE_SIZE });
      return { rows: page.entries, next: page.nextBeforeId };
    },
    cells: (e) => [
      e.createdAt.toISOString(),
      e.id,
      e.actorEmail,
      e.action,
      AUDIT_ACTION_LABELS[e.action],
      e.targetType,
      e.targetId,
      e.summary,
      // In UTC like every time in the file (its columns say so), whatever the store's zone.
      auditLines(e.before, e.after, "UTC").map(auditLineText).join("; "),
    ],
  };
}
