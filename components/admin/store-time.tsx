import { formatDayAndTime, formatDayAndTimeIn } from "@/lib/format";

/** An instant as an admin reads it: in the store's zone, the UTC instant on hover and in `dateTime`. */
export function StoreTime({ date, zone }: { date: Date; zone: string }) {
  return (
    <time dateTime={date.toISOString()} title={formatDayAndTime(date)}>
      {formatDayAndTimeIn(date, zone)}
    </time>
  );
}

/** What a page's description says of its times and days. */
export function storeTimesNote(zone: string): string {
  return zone === "UTC"
    ? "Times and days are UTC, the store's time zone."
    : `Times and days are in ${zone}, the store's time zone (UTC on hover).`;
}
