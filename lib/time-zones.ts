import { tzOffset } from "@date-fns/tz";
import { utcInstant } from "./input-rules";

/**
 * The cookie in which a browser tells the server its zone (components/browser-zone.tsx), so a customer's
 * dates are rendered in it on the server. Here, not in that client module: a server component importing
 * a constant from a "use client" file gets a client reference, not the string.
 */
export const ZONE_COOKIE = "tz";

/** The store's zone until an admin picks one. */
export const DEFAULT_TIME_ZONE = "UTC";

/** Every IANA zone this runtime knows (Intl lists canonical zones only, without UTC itself). */
export const TIME_ZONES: readonly string[] = [DEFAULT_TIME_ZONE, ...Intl.supportedValuesOf("timeZone")];

const known = new Set(TIME_ZONES);

export function isTimeZone(zone: string): boolean {
  return known.has(zone);
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const offsetAt = (zone: string, epoch: number) => tzOffset(zone, new Date(epoch)) * MINUTE;

/**
 * The instant a `datetime-local` value (`2026-11-28T14:00`) names on the wall clocks of `zone`, or
 * null when the text is no valid date. The two DST edges follow Temporal's "compatible" rule, as a
 * calendar app does: a time skipped by a spring-forward (02:30 in Berlin on 29 March 2026) moves forward
 * by the gap (03:30 summer time); a time that happens twice in the autumn means the first of them.
 */
export function wallTimeToInstant(text: string, zone: string): Date | null {
  const wall = utcInstant(text)?.getTime();
  if (wall === undefined) return null;
  // A day either side of the wall time brackets any transition near it.
  const before = offsetAt(zone, wall - DAY);
  const after = offsetAt(zone, wall + DAY);
  const matching = [before, after]
    .map((offset) => wall - offset)
    .filter((epoch) => wall - offsetAt(zone, epoch) === epoch);
  // In a gap no offset matches: the one in force before it carries the wall time past the gap.
  return new Date(matching.length ? Math.min(...matching) : wall - before);
}

/** `2026-11-28T14:00`: an instant on the wall clocks of `zone`, as a `datetime-local` input shows it. */
export function instantToWallTime(date: Date, zone: string): string {
  return new Date(date.getTime() + offsetAt(zone, date.getTime())).toISOString().slice(0, 16);
}
