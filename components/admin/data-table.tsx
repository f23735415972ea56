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
  stacked = false,
}: {
  head: React.ReactNode;
  children: React.ReactNode;
  empty?: string | false;
  testId?: string;
  /** What the table lists, for the scrollable region's name. */
  label: string;
  /** On a phone, each row becomes a card of labelled cells (each `td` names its column in `data-label`). */
  stacked?: boolean;
}) {
  return (
    <div
      role="region"
      aria-label={label}
      tabIndex={0}
      className="relative max-w-full overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm focus-visible:outline-2 focus-visible:outline-indigo-600"
    >
      <table
        className={`min-w-full divide-y divide-slate-200 text-sm ${stacked ? stackedOnPhone : ""}`}
        data-testid={testId}
      >
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

/**
 * A table whose key columns (amounts, status, actions) would hide behind sideways scrolling on a phone:
 * below the `sm` width its rows become cards, each cell a line with its column's name (the cell's
 * `data-label`) on the left. The header stays for screen readers.
 */
export const stackedOnPhone = [
  "max-sm:block max-sm:[&>thead]:sr-only max-sm:[&>tbody]:block",
  "max-sm:[&>tbody>tr]:block max-sm:[&>tbody>tr]:py-2",
  "max-sm:[&>tbody>tr>td]:flex max-sm:[&>tbody>tr>td]:flex-wrap max-sm:[&>tbody>tr>td]:items-baseline",
  "max-sm:[&>tbody>tr>td]:justify-between max-sm:[&>tbody>tr>td]:gap-x-4 max-sm:[&>tbody>tr>td]:py-1",
  "max-sm:[&>tbody>tr>td]:whitespace-normal max-sm:[&>tbody>tr>td]:text-right",
  "max-sm:[&>tbody>tr>td]:before:content-[attr(data-label)] max-sm:[&>tbody>tr>td]:before:text-left",
  "max-sm:[&>tbody>tr>td]:before:text-xs max-sm:[&>tbody>tr>td]:before:font-medium max-sm:[&>tbody>tr>td]:before:text-slate-500",
].join(" ");
