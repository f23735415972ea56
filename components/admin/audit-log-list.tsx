import type { AuditEntryView } from "@/lib/admin/audit-log";
import { formatDayAndTime } from "@/lib/format";
import { CustomerLink } from "./customer-link";

/** Admin changes, newest first, with the before/after values as recorded. */
export function AuditLogList({ entries }: { entries: AuditEntryView[] }) {
  if (entries.length === 0) return <p className="text-sm text-slate-600">No admin changes recorded yet.</p>;
  return (
    <ol
      className="divide-y divide-slate-100 rounded-xl border border-slate-200 bg-white shadow-sm"
      data-testid="audit-log"
    >
      {entries.map((e) => (
        // A summary may name a 64-character code: it wraps anywhere rather than widening the page.
        <li key={e.id} className="px-4 py-3 text-sm [overflow-wrap:anywhere]">
          <div className="flex flex-wrap items-baseline justify-between gap-2">
            <span className="min-w-0">
              <strong className="font-semibold">{e.summary}</strong>{" "}
              <span className="text-slate-500">
                by <CustomerLink userId={e.actorId} email={e.actorEmail} />
              </span>
            </span>
            <span className="text-xs text-slate-500">
              {e.action} · {formatDayAndTime(e.createdAt)}
            </span>
          </div>
          {(e.before != null || e.after != null) && (
            <details className="mt-1">
              <summary className="cursor-pointer text-xs text-slate-500">Before / after</summary>
              <div className="mt-1 grid grid-cols-1 gap-2 sm:grid-cols-2">
                <pre className="overflow-x-auto rounded bg-slate-50 p-2 text-xs">
                  {JSON.stringify(e.before, null, 2) ?? "—"}
                </pre>
                <pre className="overflow-x-auto rounded bg-slate-50 p-2 text-xs">
                  {JSON.stringify(e.after, null, 2) ?? "—"}
                </pre>
              </div>
            </details>
          )}
        </li>
      ))}
    </ol>
  );
}
