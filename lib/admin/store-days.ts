import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";
import { DEFAULT_TIME_ZONE } from "@/lib/time-zones";

/**
 * Days on the store's clocks, in SQL: the audit pages' From/To days, the overview's "today" and its
 * chart count in the store's time zone (store_settings), read by the same query that counts, so a page
 * and its CSV export agree and no caller has to pass the zone along. PostgreSQL's zone database knows
 * every zone the settings page offers (test/store-days.test.ts).
 */

const storeZone = Prisma.sql`coalesce((SELECT time_zone FROM store_settings WHERE id), ${DEFAULT_TIME_ZONE})`;

/** The instant a store day starts: `day` is a SQL date (a `YYYY-MM-DD` parameter cast to date, or a date expression). */
export function storeDayStart(day: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`((${day})::timestamp AT TIME ZONE ${storeZone})`;
}

/** Today on the store's clocks, as a SQL date, at `now`. */
export function storeToday(now: Date): Prisma.Sql {
  return Prisma.sql`((${now}::timestamptz AT TIME ZONE ${storeZone})::date)`;
}

/** `column` within the From and To store days (both inclusive), as the audit pages filter. */
export function dayRangeConditions(column: Prisma.Sql, filters: { from?: string; to?: string }): Prisma.Sql[] {
  const conditions: Prisma.Sql[] = [];
  if (filters.from) conditions.push(Prisma.sql`${column} >= ${storeDayStart(Prisma.sql`${filters.from}::date`)}`);
  if (filters.to) conditions.push(Prisma.sql`${column} < ${storeDayStart(Prisma.sql`${filters.to}::date + 1`)}`);
  return conditions;
}
