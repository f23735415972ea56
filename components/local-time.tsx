"use client";

import { formatDayAndTime, formatDayAndTimeIn } from "@/lib/format";
import { useServerZone } from "./browser-zone";
import { useHydrated } from "./use-hydrated";

/**
 * An instant in the customer's own zone. The server (and hydration) render it in the zone the browser's
 * cookie names (UTC before it has one), so both produce the same text; once hydrated the browser's zone
 * is used, which is the same zone whenever the cookie is set: nothing moves.
 */
export function LocalTime({ date }: { date: Date }) {
  const hydrated = useHydrated();
  const serverZone = useServerZone();
  const zone = hydrated ? Intl.DateTimeFormat().resolvedOptions().timeZone : serverZone;
  return (
    <time dateTime={date.toISOString()} title={formatDayAndTime(date)}>
      {formatDayAndTimeIn(date, zone)}
    </time>
  );
}
