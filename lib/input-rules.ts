import { z } from "zod";

/**
 * What every field that reaches PostgreSQL must satisfy beyond its own rules, defined once so that no
 * input, however odd, can make the database refuse it (and the request answer 500):
 * - text without U+0000, which PostgreSQL's text cannot hold;
 * - dates and times that exist on the calendar (no 30 February, no 24:00) within the years both
 *   JavaScript and PostgreSQL represent the same way;
 * - ids of BIGINT columns that fit a signed 64-bit integer.
 * Pure (no database), so forms in the browser share it with the server.
 */

export const NUL_MESSAGE = "Remove the invisible NUL character from this field.";

/** A string PostgreSQL can store: any text but U+0000. Chain trim/max/etc. after it. */
export const storableText = (message = NUL_MESSAGE) => z.string().regex(/^[^\u0000]*$/, message);

/** The years a date may fall in: from the Unix epoch (nothing in Once is older) to the last 4-digit year. */
export const YEAR_RANGE = { min: 1970, max: 9999 } as const;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * The UTC instant written as `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM[:SS]`, or null when no such instant
 * exists (2026-02-30, T24:00, year 0000) or it is outside YEAR_RANGE. Checked by writing the parsed
 * instant back out: JavaScript rolls impossible dates over, and the round trip catches that.
 */
export function utcInstant(text: string): Date | null {
  const match = DAY.exec(text) ?? DATE_TIME.exec(text);
  if (!match) return null;
  const year = Number(match[1]);
  if (year < YEAR_RANGE.min || year > YEAR_RANGE.max) return null;
  const canonical = match.length > 4 ? `${text}${match[6] === undefined ? ":00" : ""}` : `${text}T00:00:00`;
  const instant = new Date(`${canonical}Z`);
  if (Number.isNaN(instant.getTime()) || instant.toISOString().slice(0, 19) !== canonical) return null;
  return instant;
}

/** An instant from anywhere (a cursor, a stored value) that PostgreSQL can compare with: within YEAR_RANGE. */
export function isStorableInstant(date: Date): boolean {
  const year = date.getUTCFullYear();
  return !Number.isNaN(date.getTime()) && year >= YEAR_RANGE.min && year <= YEAR_RANGE.max;
}

/** A calendar day, `YYYY-MM-DD`, that exists (which zone it is a day in is up to its reader). */
export const calendarDaySchema = z
  .string()
  .refine((text) => DAY.test(text) && utcInstant(text) !== null, "Enter a real date as YYYY-MM-DD.");

const BIGINT_MAX = 2n ** 63n - 1n;

/** A positive id of a BIGINT column, as decimal text (paging cursors). */
export const bigintIdSchema = z
  .string()
  .regex(/^\d{1,19}$/, "Not an id.")
  // zod runs this refinement even when the regex failed: BigInt("abc") would throw (a 500).
  .refine((text) => /^\d+$/.test(text) && BigInt(text) <= BIGINT_MAX, "Not an id.");

/**
 * Parses search parameters leniently: a field that fails its rule is dropped (and so gets its default)
 * instead of failing the whole query, for pages where a bad filter is simply ignored. The schema's
 * fields must all be optional or defaulted.
 */
export function parseIgnoringInvalid<Schema extends z.ZodObject>(
  schema: Schema,
  input: Record<string, unknown>,
): z.output<Schema> {
  const first = schema.safeParse(input);
  if (first.success) return first.data;
  const invalid = new Set(first.error.issues.map((issue) => issue.path[0]));
  return schema.parse(Object.fromEntries(Object.entries(input).filter(([key]) => !invalid.has(key))));
}
