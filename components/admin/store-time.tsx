import { formatDayAndTime, formatDayAndTimeIn } from "@/lib/format";

/** An instant as an admin reads it: in the store's zone, the UTC instant on hover and in `dateTime`. */
export function StoreTime({ date, zone }: { date: Date; zone: string }) {
  return (
    <time dateTime={date.toISOString()} title={formatDayAndTime(date)}>
      {formatDayAndTimeIn(date, zone)}
    </time>
  );
}
