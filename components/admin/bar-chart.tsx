import { formatCalendarDay, formatCount, formatShortDay, plural } from "@/lib/format";

/**
 * A dependency-free SVG bar chart of counts per day, with dates in the app's format; the numbers are
 * also in a visually hidden table. With nothing to draw it says so instead of drawing an empty frame.
 */
export function BarChart({
  data,
  label,
  noun,
  zone,
}: {
  data: { day: string; count: number }[];
  label: string;
  /** The zone whose days are counted: the store's. */
  zone: string;
  /** What is counted, singular: "redemption". */
  noun: string;
}) {
  const width = 600;
  const height = 160;
  const total = data.reduce((sum, d) => sum + d.count, 0);
  const max = Math.max(1, ...data.map((d) => d.count));
  const slot = width / Math.max(1, data.length);
  return (
    <figure className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm" data-testid="redemptions-chart">
      <figcaption className="mb-2 flex flex-wrap items-baseline justify-between gap-x-4 text-sm">
        <span className="font-medium text-slate-800">{label}</span>
        {total > 0 && (
          <span className="text-xs text-slate-500">
            {plural(total, noun)} · busiest day {plural(max, noun)} (days in {zone})
          </span>
        )}
      </figcaption>
      {total === 0 ? (
        <p className="grid h-44 place-items-center text-sm text-slate-500" data-testid="chart-empty">
          No {noun}s in this period yet.
        </p>
      ) : (
        <>
          <svg viewBox={`0 0 ${width} ${height + 20}`} className="h-44 w-full" role="img" aria-label={label}>
            <line x1="0" y1={height} x2={width} y2={height} className="stroke-slate-300" />
            {data.map((d, i) => {
              const h = (d.count / max) * (height - 8);
              return (
                <rect
                  key={d.day}
                  x={i * slot + 2}
                  y={height - h}
                  width={Math.max(1, slot - 4)}
                  height={h}
                  rx="2"
                  className="fill-indigo-500"
                >
                  <title>{`${formatCalendarDay(d.day)}: ${plural(d.count, noun)}`}</title>
                </rect>
              );
            })}
            <text x="0" y={height + 15} className="fill-slate-500 text-[11px]">
              {formatShortDay(data[0]!.day)}
            </text>
            <text x={width} y={height + 15} textAnchor="end" className="fill-slate-500 text-[11px]">
              {formatShortDay(data.at(-1)!.day)}
            </text>
          </svg>
          <table className="sr-only">
            <caption>{label}</caption>
            <tbody>
              {data.map((d) => (
                <tr key={d.day}>
                  <th scope="row">{formatCalendarDay(d.day)}</th>
                  <td>{formatCount(d.count)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </figure>
  );
}
