/**
 * Table chrome shared by the admin lists: a frame that scrolls sideways on its own (never the page), a
 * header row, and an empty message. The frame can take focus and is named, so keyboard users can scroll it.
 * It is `relative` so that visually hidden (absolutely positioned) cell text stays inside it: otherwise
 * such text is placed against the page and widens it on a phone.
 */
export function DataTable({
  head,
  children,
  empty,
  testId,
  label,
}: {
  head: React.ReactNode;
  children: React.ReactNode;
  empty?: string | false;
  testId?: string;
  /** What the table lists, for the scrollable region's name. */
  label: string;
}) {
  return (
    <div
      role="region"
      aria-label={label}
      tabIndex={0}
      className="relative max-w-full overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm focus-visible:outline-2 focus-visible:outline-indigo-600"
    >
      <table className="min-w-full divide-y divide-slate-200 text-sm" data-testid={testId}>
        <thead className="bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-600 uppercase">
          <tr>{head}</tr>
        </thead>
        <tbody className="divide-y divide-slate-100">{children}</tbody>
      </table>
      {empty && <p className="px-4 py-8 text-center text-sm text-slate-500">{empty}</p>}
    </div>
  );
}

export const th = "px-3 py-2 whitespace-nowrap";
export const td = "px-3 py-2 whitespace-nowrap";
