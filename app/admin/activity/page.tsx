import Link from "next/link";
import { PageHeading } from "@/components/page-heading";
import { AuditLogList } from "@/components/admin/audit-log-list";
import { listAuditLog } from "@/lib/admin/audit-log";
import { requireAdminPage } from "@/lib/web/page-guard";
import { getDb } from "@/lib/db/client";

export const dynamic = "force-dynamic";
export const metadata = { title: "Admin log" };

export default async function ActivityPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireAdminPage();
  const before = (await searchParams).before;
  const page = await listAuditLog(getDb(), { beforeId: typeof before === "string" ? before : undefined });
  return (
    <>
      <PageHeading
        title="Admin log"
        description="Every change made by an admin, who made it, when, and the values before and after. Entries can never be edited or deleted."
      />
      <AuditLogList entries={page.entries} />
      {page.nextBeforeId && (
        <nav aria-label="Pages" className="mt-4 flex justify-end text-sm">
          <Link
            href={`/admin/activity?before=${page.nextBeforeId}`}
            className="rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50"
          >
            Older →
          </Link>
        </nav>
      )}
    </>
  );
}
