import { formatCount } from "@/lib/format";

/** A dependency-free SVG bar chart of counts per day; the numbers are also in a visually hidden table. */
export function BarChart({ data, label }: { data: { day: string; count: number }[]; label: string }) {
  const width = 600;
  const height = 160;
  const max = Math.max(1, ...data.map((d) => d.count));
  const slot = width / Math.max(1, data.length);
  return (
    <figure className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
      <figcaption className="mb-2 flex items-baseline justify-between text-sm">
        <span className="font-medium text-slate-800">{label}</span>
        <span className="text-xs text-slate-500">peak {formatCount(max)} / day (UTC days)</span>
      </figcaption>
      <svg
        viewBox={`0 0 ${width} ${height + 20}`}
        className="h-44 w-full"
        role="img"
        aria-label={label}
        data-testid="redemptions-chart"
      >
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
              <title>{`${d.day}: ${d.count}`}</title>
            </rect>
          );
        })}
        {data.length > 0 && (
          <>
            <text x="0" y={height + 15} className="fill-slate-500 text-[11px]">
              {data[0]!.day}
            </text>
            <text x={width} y={height + 15} textAnchor="end" className="fill-slate-500 text-[11px]">
              {data.at(-1)!.day}
            </text>
          </>
        )}
      </svg>
      <table className="sr-only">
        <caption>{label}</caption>
        <tbody>
          {data.map((d) => (
            <tr key={d.day}>
              <th scope="row">{d.day}</th>
              <td>{d.count}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
