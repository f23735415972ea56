import Link from "next/link";
import { PageHeading } from "@/components/page-heading";
import { ActionButton } from "@/components/admin/action-button";
import { BatchGenerator } from "@/components/admin/batch-generator";
import { DataTable, td, th } from "@/components/admin/data-table";
import { CustomerLink } from "@/components/admin/customer-link";
import { StoreTime } from "@/components/admin/store-time";
import { setBatchStatusAction } from "@/app/admin/actions";
import { BATCH_CODE_BITS, listBatches } from "@/lib/admin/bulk";
import { requireAdminPage } from "@/lib/web/page-guard";
import { getDb } from "@/lib/db/client";
import { getStoreTimeZone } from "@/lib/store-settings";
import { formatCents, formatCount, plural } from "@/lib/format";

export const dynamic = "force-dynamic";
export const metadata = { title: "Batches" };

export default async function BatchesPage() {
  await requireAdminPage();
  const [batches, zone] = await Promise.all([listBatches(getDb()), getStoreTimeZone(getDb())]);
  return (
    <>
      <PageHeading
        title="Bulk codes"
        description="Generate up to 100,000 single-use codes at once, download them as CSV, and switch a whole batch off or on."
      />
      <div className="grid grid-cols-1 gap-8 lg:grid-cols-[1fr_1.4fr]">
        <section aria-labelledby="generate" className="space-y-3">
          <h2 id="generate" className="text-lg font-semibold">
            Generate a batch
          </h2>
          <div className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
            <BatchGenerator codeBits={BATCH_CODE_BITS} zone={zone} />
          </div>
        </section>
        <section aria-labelledby="batches" className="space-y-3">
          <h2 id="batches" className="text-lg font-semibold">
            Batches
          </h2>
          <DataTable
            label="Batches"
            testId="batches-table"
            empty={batches.length === 0 && "No batches yet."}
            head={
              <>
                <th className={th}>Prefix</th>
                <th className={th}>Codes</th>
                <th className={th}>Value</th>
                <th className={th}>Redeemed</th>
                <th className={th}>Created</th>
                <th className={th}>
                  <span className="sr-only">Actions</span>
                </th>
              </>
            }
          >
            {batches.map((b) => (
              <tr key={b.id}>
                <td className={td}>
                  <Link href={`/admin/coupons?batch=${b.id}`} className="font-mono text-indigo-700 hover:underline">
                    {b.prefix}
                  </Link>
                  {b.disabled > 0 && (
                    <span className="ml-2 text-xs text-slate-500">{formatCount(b.disabled)} disabled</span>
                  )}
                </td>
                <td className={`${td} tabular-nums`}>{formatCount(b.quantity)}</td>
                <td className={`${td} tabular-nums`}>{formatCents(b.valueCents)}</td>
                <td className={`${td} tabular-nums`}>{formatCount(b.redeemed)}</td>
                <td className={`${td} text-xs text-slate-600`}>
                  <StoreTime date={b.createdAt} zone={zone} />
                  <br />
                  <CustomerLink userId={b.createdById} email={b.createdByEmail} />
                </td>
                <td className={`${td} space-x-2`}>
                  <a
                    href={`/api/admin/batches/${b.id}/codes`}
                    className="rounded-md border border-slate-300 px-2.5 py-1 text-xs font-semibold text-slate-800 hover:bg-slate-50"
                    download
                  >
                    CSV
                  </a>
                  <ActionButton
                    action={setBatchStatusAction}
                    fields={{ batchId: b.id, status: b.disabled < b.quantity ? "DISABLED" : "ACTIVE" }}
                    // Enabling all is the exact undo only when none was disabled before.
                    undo={b.disabled === 0 ? { batchId: b.id, status: "ACTIVE" } : undefined}
                    confirm={
                      b.disabled < b.quantity
                        ? {
                            title: `Disable ${plural(b.quantity - b.disabled, "code")} of batch ${b.prefix}?`,
                            body:
                              `${plural(b.quantity - b.disabled, "code")} ${b.quantity - b.disabled === 1 ? "stops" : "stop"} redeeming` +
                              (b.disabled > 0 ? ` (${formatCount(b.disabled)} already disabled stay so)` : "") +
                              `. Redemptions already made (${formatCount(b.redeemed)}) keep their credit.`,
                            confirmLabel: "Disable all",
                          }
                        : undefined
                    }
                    label={b.disabled < b.quantity ? "Disable all" : "Enable all"}
                    pendingLabel="Saving…"
                    tone={b.disabled < b.quantity ? "danger" : "neutral"}
                  />
                </td>
              </tr>
            ))}
          </DataTable>
        </section>
      </div>
    </>
  );
}
