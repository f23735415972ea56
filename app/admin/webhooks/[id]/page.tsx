import Link from "next/link";
import { notFound } from "next/navigation";
import { ActionButton } from "@/components/admin/action-button";
import { DataTable, td, th } from "@/components/admin/data-table";
import { StoreTime } from "@/components/admin/store-time";
import { PageHeading } from "@/components/page-heading";
import { replayDeliveryAction, sendTestEventAction, setEndpointEnabledAction } from "@/app/admin/webhooks/actions";
import { getDb } from "@/lib/db/client";
import { formatCount } from "@/lib/format";
import { getStoreTimeZone } from "@/lib/store-settings";
import { requireAdminPage } from "@/lib/web/page-guard";
import { DELIVERIES_SHOWN, endpointDetail } from "@/lib/webhooks/endpoints";

export const dynamic = "force-dynamic";
export const metadata = { title: "Webhook endpoint" };

export default async function WebhookEndpointPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requireAdminPage();
  const db = getDb();
  const [endpoint, zone] = await Promise.all([endpointDetail(db, id), getStoreTimeZone(db)]);
  if (!endpoint) notFound();
  return (
    <div className="space-y-8">
      <div className="min-w-0">
        <p className="text-sm text-slate-500">
          <Link href="/admin/webhooks" className="text-indigo-700 underline underline-offset-2">
            Webhooks
          </Link>
        </p>
        <PageHeading
          title={endpoint.url}
          description={`${endpoint.enabled ? "Enabled" : `Disabled: ${endpoint.disabledReason}`} · events: ${
            endpoint.eventTypes.length ? endpoint.eventTypes.join(", ") : "all"
          } · ${formatCount(endpoint.consecutiveFailures)} failures in a row`}
        />
        <div className="flex flex-wrap gap-3">
          <ActionButton
            action={setEndpointEnabledAction}
            fields={{ endpointId: endpoint.id, enabled: String(!endpoint.enabled) }}
            undo={{ endpointId: endpoint.id, enabled: String(endpoint.enabled) }}
            label={endpoint.enabled ? "Disable" : "Enable"}
            pendingLabel={endpoint.enabled ? "Disabling…" : "Enabling…"}
            tone={endpoint.enabled ? "danger" : "neutral"}
            testId="webhook-toggle"
          />
          <ActionButton
            action={sendTestEventAction}
            fields={{ endpointId: endpoint.id }}
            label="Send test event"
            pendingLabel="Sending…"
            testId="webhook-test"
          />
        </div>
      </div>
      <section aria-labelledby="deliveries" className="space-y-3">
        <h2 id="deliveries" className="text-lg font-semibold">
          Latest {DELIVERIES_SHOWN} deliveries
        </h2>
        <DataTable
          label="Deliveries"
          testId="webhook-deliveries-table"
          empty={endpoint.deliveries.length === 0 && "Nothing sent to this endpoint yet."}
          head={
            <>
              <th className={th}>Event</th>
              <th className={th}>Status</th>
              <th className={th}>Attempts</th>
              <th className={th}>Last answer</th>
              <th className={th}>Replay</th>
            </>
          }
        >
          {endpoint.deliveries.map((delivery) => (
            <tr key={delivery.id} data-testid={`webhook-delivery-${delivery.id}`}>
              <td className={`${td} text-xs`}>
                <span className="font-mono">{delivery.event.type}</span>
                <span className="block font-mono text-slate-500">{delivery.event.id}</span>
                <StoreTime date={delivery.event.createdAt} zone={zone} />
              </td>
              <td className={`${td} text-sm`}>
                {delivery.status === "DELIVERED" && delivery.deliveredAt ? (
                  <>
                    delivered <StoreTime date={delivery.deliveredAt} zone={zone} />
                  </>
                ) : (
                  <>
                    waiting, next try <StoreTime date={delivery.nextAttemptAt} zone={zone} />
                  </>
                )}
              </td>
              <td className={`${td} tabular-nums`}>{formatCount(delivery.attempts)}</td>
              <td className={`${td} max-w-xs break-all text-xs`}>
                {delivery.lastResponseStatus !== null && (
                  <span className="font-mono">HTTP {delivery.lastResponseStatus} </span>
                )}
                {delivery.lastError && <span className="text-rose-700">{delivery.lastError} </span>}
                {delivery.lastResponseBody && <span className="block text-slate-500">{delivery.lastResponseBody}</span>}
              </td>
              <td className={td}>
                <ActionButton
                  action={replayDeliveryAction}
                  fields={{ deliveryId: delivery.id }}
                  label="Replay"
                  pendingLabel="Queuing…"
                  testId={`webhook-replay-${delivery.id}`}
                />
              </td>
            </tr>
          ))}
        </DataTable>
      </section>
    </div>
  );
}
