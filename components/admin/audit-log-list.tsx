import { AUDIT_ACTION_LABELS } from "@/lib/admin/audit-labels";
import type { AuditEntryView } from "@/lib/admin/audit-log";
import { type AuditLine, auditLines } from "@/lib/admin/audit-lines";
import { CustomerLink } from "./customer-link";
import { StoreTime } from "./store-time";

/** Admin changes, newest first, each with its recorded values as readable before → after lines. */
export function AuditLogList({
  entries,
  zone,
  empty = "No admin changes recorded yet.",
}: {
  entries: AuditEntryView[];
  /** The store's time zone, in which times (and dates among the changes) are shown. */
  zone: string;
  empty?: string;
}) {
  if (entries.length === 0) return <p className="text-sm text-slate-600">{empty}</p>;
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
              {AUDIT_ACTION_LABELS[e.action]} · <StoreTime date={e.createdAt} zone={zone} />
            </span>
          </div>
          <AuditChanges lines={auditLines(e.before, e.after, zone)} />
        </li>
      ))}
    </ol>
  );
}

function AuditChanges({ lines }: { lines: AuditLine[] }) {
  if (lines.length === 0) return null;
  return (
    <ul className="mt-1 space-y-0.5 text-xs text-slate-700" data-testid="audit-lines">
      {lines.map((line) => (
        <li key={line.label}>
          <span className="font-medium">{line.label}:</span> <span className="text-slate-500">{line.before}</span> →{" "}
          {line.after}
        </li>
      ))}
    </ul>
  );
}
