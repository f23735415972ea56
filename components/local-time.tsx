"use client";

import { formatDayAndTime, formatDayAndTimeIn } from "@/lib/format";
import { useHydrated } from "./use-hydrated";

/**
 * An instant in the customer's own zone. The server (and hydration) render it in UTC, named, so both
 * produce the same text; the browser's zone replaces it once hydrated.
 */
export function LocalTime({ date }: { date: Date }) {
  const hydrated = useHydrated();
  const zone = hydrated ? Intl.DateTimeFormat().resolvedOptions().timeZone : "UTC";
  return (
    <time dateTime={date.toISOString()} title={formatDayAndTime(date)}>
      {formatDayAndTimeIn(date, zone)}
    </time>
  );
}
