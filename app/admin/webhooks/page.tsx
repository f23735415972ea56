import Link from "next/link";
import { PageHeading } from "@/components/page-heading";
import { DataTable, td, th } from "@/components/admin/data-table";
import { EndpointCreateForm } from "@/components/admin/webhook-forms";
import { createEndpointAction } from "@/app/admin/webhooks/actions";
import { getDb } from "@/lib/db/client";
import { formatCount } from "@/lib/format";
import { requireAdminPage } from "@/lib/web/page-guard";
import { listEndpoints } from "@/lib/webhooks/endpoints";
import { EVENT_TYPES } from "@/lib/webhooks/outbox";

export const dynamic = "force-dynamic";
export const metadata = { title: "Webhooks" };

export default async function WebhooksPage() {
  await requireAdminPage();
  const endpoints = await listEndpoints(getDb());
  return (
    <>
      <PageHeading
        title="Webhooks"
        description="Where Once tells your store what happened: every event is written with its change, signed (Standard Webhooks) and sent in order per customer, retried until answered."
      />
      <div className="grid grid-cols-1 gap-8 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
        <section aria-labelledby="endpoints" className="space-y-3">
          <h2 id="endpoints" className="text-lg font-semibold">
            Endpoints
          </h2>
          <DataTable
            label="Webhook endpoints"
            testId="webhook-endpoints-table"
            empty={endpoints.length === 0 && "No endpoints yet."}
            head={
              <>
                <th className={th}>URL</th>
                <th className={th}>Events</th>
                <th className={th}>Status</th>
                <th className={th}>Waiting</th>
              </>
            }
          >
            {endpoints.map((endpoint) => (
              <tr key={endpoint.id} data-testid={`webhook-endpoint-${endpoint.id}`}>
                <td className={`${td} max-w-xs break-all font-mono text-xs`}>
                  <Link href={`/admin/webhooks/${endpoint.id}`} className="text-indigo-700 underline">
                    {endpoint.url}
                  </Link>
                </td>
                <td className={`${td} text-xs`}>
                  {endpoint.eventTypes.length ? endpoint.eventTypes.join(", ") : "all"}
                </td>
                <td className={td}>
                  {endpoint.enabled ? "enabled" : `disabled: ${endpoint.disabledReason}`}
                  {endpoint.consecutiveFailures > 0 && (
                    <span className="block text-xs text-slate-500">
                      {formatCount(endpoint.consecutiveFailures)} failures in a row
                    </span>
                  )}
                </td>
                <td className={`${td} tabular-nums`}>{formatCount(endpoint.waiting)}</td>
              </tr>
            ))}
          </DataTable>
        </section>
        <section aria-labelledby="new-endpoint" className="space-y-3">
          <h2 id="new-endpoint" className="text-lg font-semibold">
            New endpoint
          </h2>
          <div className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
            <EndpointCreateForm action={createEndpointAction} eventTypes={EVENT_TYPES} />
          </div>
        </section>
      </div>
    </>
  );
}
