/** Table chrome shared by the admin lists: a scrollable frame, a header row, and an empty message. */
export function DataTable({
  head,
  children,
  empty,
  testId,
}: {
  head: React.ReactNode;
  children: React.ReactNode;
  empty?: string | false;
  testId?: string;
}) {
  return (
    <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm">
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
