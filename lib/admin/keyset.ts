import { z } from "zod";
import { isStorableInstant } from "@/lib/input-rules";

/**
 * Keyset paging of the audit tables (redemptions, orders), newest first on (created_at, id): a page reads
 * one row more than it shows, so it knows whether another page follows without counting them all, and
 * the ten-thousandth page costs what the first does.
 */

export interface Cursor {
  createdAt: Date;
  id: string;
}

/** Opaque in URLs; a tampered cursor is simply ignored (first page). */
export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(`${cursor.createdAt.toISOString()}|${cursor.id}`).toString("base64url");
}

export function decodeCursor(raw: unknown): Cursor | null {
  if (typeof raw !== "string" || raw.length > 200) return null;
  const [at, id] = Buffer.from(raw, "base64url").toString().split("|");
  const createdAt = new Date(at ?? "");
  if (!isStorableInstant(createdAt) || !z.uuid().safeParse(id).success) return null;
  return { createdAt, id: id! };
}

const cursorOf = (row: Cursor): Cursor => ({ createdAt: row.createdAt, id: row.id });

/** Rows read newest first, `limit + 1` of them: the page, and the cursor of the next (older) one if any. */
export function olderPage<Row extends Cursor>(rows: Row[], limit: number): { rows: Row[]; next: Cursor | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { rows: page, next: rows.length > limit && last ? cursorOf(last) : null };
}

/** Rows read oldest first from a cursor, `limit + 1` of them: the page newest first, and whether newer rows remain. */
export function newerPage<Row>(rows: Row[], limit: number): { rows: Row[]; newer: boolean } {
  return { rows: rows.slice(0, limit).reverse(), newer: rows.length > limit };
}

/** Where a page of an audit table starts: after an "Older" link, before a "Newer" one, or at the top. */
export interface PagePosition {
  after: Cursor | null;
  before: Cursor | null;
}

/** "Older" links carry the last row of the page they came from, "Newer" ones its first row. */
export function pagePosition(params: Record<string, unknown>): PagePosition {
  const after = decodeCursor(params.after);
  return { after, before: after ? null : decodeCursor(params.before) };
}

export interface AuditPage<Row> {
  rows: Row[];
  /** The cursor of the next older page, if there is one. */
  next: Cursor | null;
  /** Whether newer rows exist (a "Newer" link and a "First page" link). */
  newer: boolean;
}

/** One page at `position`, read by the table's own older/newer queries. */
export async function readAuditPage<Row extends Cursor>(
  position: PagePosition,
  read: {
    older: (after: Cursor | null) => Promise<{ rows: Row[]; next: Cursor | null }>;
    newer: (before: Cursor) => Promise<{ rows: Row[]; newer: boolean }>;
  },
): Promise<AuditPage<Row>> {
  if (position.before) {
    const { rows, newer } = await read.newer(position.before);
    const last = rows.at(-1);
    // The page a "Newer" link came from is older than this one, so an older page always follows.
    return { rows, newer, next: last ? cursorOf(last) : null };
  }
  const older = await read.older(position.after);
  return { ...older, newer: position.after !== null };
}

/** The pager's links of an audit page: the filters kept, the cursor changed. */
export function pagerLinks<Row extends Cursor>(
  page: AuditPage<Row>,
  filters: Record<string, string | undefined>,
): { first: string | null; newer: string | null; older: string | null } {
  const first = page.rows[0];
  return {
    first: page.newer ? filterQuery(filters) : null,
    newer: page.newer && first ? filterQuery(filters, { before: encodeCursor(cursorOf(first)) }) : null,
    older: page.next ? filterQuery(filters, { after: encodeCursor(page.next) }) : null,
  };
}

/** `?code=…&from=…`: the filters that are set, and `extra` (a cursor), as a query string. */
export function filterQuery(filters: Record<string, string | undefined>, extra: Record<string, string> = {}): string {
  const set = Object.entries({ ...filters, ...extra }).filter((entry): entry is [string, string] => !!entry[1]);
  return `?${new URLSearchParams(set)}`;
}
