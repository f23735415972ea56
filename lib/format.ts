/**
 * Display formats shared by pages, server actions and the JSON API. Dates are shown in UTC, named as
 * such, so the server-rendered text is the same for every visitor and never mismatches on hydration.
 */

const money = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });

export function formatCents(cents: number): string {
  return money.format(cents / 100);
}

const day = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
const dayAndTime = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  timeZone: "UTC",
});

/** "24 August 2025" */
export function formatDay(date: Date): string {
  return day.format(date);
}

/** "27 Nov 2026, 23:48 UTC" */
export function formatDayAndTime(date: Date): string {
  return `${dayAndTime.format(date)} UTC`;
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
