/**
 * Display formats shared by pages, server actions and the JSON API. Dates are shown in a named zone
 * (UTC, or the store's for admins), so the server-rendered text is the same for every visitor and never
 * mismatches on hydration; customers' browsers re-render them in their own zone (components/local-time.tsx).
 */

const money = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });

export function formatCents(cents: number): string {
  return money.format(cents / 100);
}

/** One formatter per zone: building an Intl.DateTimeFormat costs far more than using one. */
const dayAndTimeIn = new Map<string, Intl.DateTimeFormat>();
const timeIn = new Map<string, Intl.DateTimeFormat>();
function formatterIn(cache: Map<string, Intl.DateTimeFormat>, zone: string, withDay: boolean) {
  let formatter = cache.get(zone);
  if (!formatter) {
    const dayParts = withDay ? ({ day: "numeric", month: "short", year: "numeric" } as const) : {};
    formatter = new Intl.DateTimeFormat("en-GB", { ...dayParts, hour: "2-digit", minute: "2-digit", timeZone: zone });
    cache.set(zone, formatter);
  }
  return formatter;
}

/** "28 Nov 2026, 14:00 Europe/Berlin": an instant on the wall clocks of an IANA zone, named. */
export function formatDayAndTimeIn(date: Date, zone: string): string {
  return `${formatterIn(dayAndTimeIn, zone, true).format(date)} ${zone}`;
}

/** "27 Nov 2026, 23:48 UTC" */
export function formatDayAndTime(date: Date): string {
  return formatDayAndTimeIn(date, "UTC");
}

/**
 * "28 Nov 2026, 14:00 Europe/Berlin · 13:00 UTC": the instant in a zone and in UTC, the UTC date
 * repeated only when it is another day.
 */
export function formatDayAndTimeWithUtc(date: Date, zone: string): string {
  const local = formatDayAndTimeIn(date, zone);
  if (zone === "UTC") return local;
  const sameDay = date.toLocaleDateString("en-CA", { timeZone: zone }) === date.toISOString().slice(0, 10);
  const utc = sameDay ? `${formatterIn(timeIn, "UTC", false).format(date)} UTC` : formatDayAndTime(date);
  return `${local} · ${utc}`;
}

const count = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** "12,345": counts always with thousands separators. */
export function formatCount(value: number): string {
  return count.format(value);
}

/** "1 code", "12,345 codes": the count and the noun that agrees with it. */
export function plural(value: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatCount(value)} ${value === 1 ? singular : pluralForm}`;
}

/** "1250" cents → "12.50": a plain decimal for CSV cells and form inputs, by integer arithmetic. */
export function formatDecimalCents(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const whole = Math.abs(cents);
  return `${sign}${Math.floor(whole / 100)}.${String(whole % 100).padStart(2, "0")}`;
}

/** An order's number as customers and admins read it: #1001. */
export function formatOrderNumber(number: number): string {
  return `#${number}`;
}

/** An order's status in the customer's and the admin's words. */
export const ORDER_STATUS_LABEL: Record<"PLACED" | "CANCELLED" | "FULFILLED", string> = {
  PLACED: "Placed",
  CANCELLED: "Cancelled",
  FULFILLED: "Fulfilled",
};

const shortDay = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });
const fullDay = new Intl.DateTimeFormat("en-GB", {
  weekday: "short",
  day: "numeric",
  month: "short",
  year: "numeric",
  timeZone: "UTC",
});

/** "30 Oct": a calendar day (`2026-10-30`) as a chart axis shows it. */
export function formatShortDay(day: string): string {
  return shortDay.format(new Date(`${day}T00:00:00Z`));
}

/** "Fri 30 Oct 2026": a calendar day (`2026-10-30`) in full, for a chart's hover titles and table. */
export function formatCalendarDay(day: string): string {
  return fullDay.format(new Date(`${day}T00:00:00Z`));
}

/** "12 seconds", "3 minutes", "2 hours": a wait rounded up to the unit a person would use. */
export function formatWait(seconds: number): string {
  const unit = (n: number, name: string) => `${n} ${name}${n === 1 ? "" : "s"}`;
  if (seconds < 90) return unit(Math.max(1, Math.ceil(seconds)), "second");
  if (seconds < 90 * 60) return unit(Math.ceil(seconds / 60), "minute");
  return unit(Math.ceil(seconds / 3600), "hour");
}
