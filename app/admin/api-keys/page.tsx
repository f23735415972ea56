import Link from "next/link";
import { ActionButton } from "@/components/admin/action-button";
import { CreateApiKeyForm } from "@/components/admin/api-key-forms";
import { DataTable, td, th } from "@/components/admin/data-table";
import { StoreTime, storeTimesNote } from "@/components/admin/store-time";
import { PageHeading } from "@/components/page-heading";
import { createApiKeyAction, revokeApiKeyAction } from "@/app/admin/api-keys/actions";
import { API_SCOPES, SCOPE_DESCRIPTIONS, apiKeyRequestCounts, listApiKeys } from "@/lib/api-keys";
import { getDb } from "@/lib/db/client";
import { plural } from "@/lib/format";
import { getStoreTimeZone } from "@/lib/store-settings";
import { requireAdminPage } from "@/lib/web/page-guard";

export const dynamic = "force-dynamic";
export const metadata = { title: "API keys" };

export default async function ApiKeysPage() {
  await requireAdminPage();
  const db = getDb();
  const [keys, counts, zone] = await Promise.all([listApiKeys(db), apiKeyRequestCounts(db), getStoreTimeZone(db)]);
  return (
    <>
      <PageHeading
        title="API keys"
        description={`Keys let a store's server use Once through /api/v1 (see the API reference). Only a hash of each secret is kept: it is shown once, when the key is created. Creating and revoking are in the admin log. ${storeTimesNote(zone)}`}
      />
      <p className="mb-6 text-sm">
        <Link href="/docs/api" className="font-semibold text-indigo-700 underline" data-testid="api-reference-link">
          API reference
        </Link>{" "}
        · <code className="text-xs">/api/v1/openapi.json</code>
      </p>
      <div className="space-y-8">
        <CreateApiKeyForm
          action={createApiKeyAction}
          scopes={API_SCOPES.map((scope) => ({ scope, description: SCOPE_DESCRIPTIONS[scope] }))}
        />
        <DataTable
          label="API keys"
          testId="api-keys-table"
          empty={keys.length === 0 && "No API keys yet."}
          head={
            <>
              <th className={th}>Name</th>
              <th className={th}>Key</th>
              <th className={th}>Scopes</th>
              <th className={th}>Created</th>
              <th className={th}>Last used</th>
              <th className={th}>Last 7 days</th>
              <th className={th}>Status</th>
            </>
          }
        >
          {keys.map((key) => {
            const count = counts.get(key.id);
            return (
              <tr key={key.id} data-testid="api-key-row" data-prefix={key.prefix}>
                <td className={`${td} font-medium text-slate-900`}>{key.name}</td>
                <td className={`${td} font-mono text-xs`}>{key.prefix}_…</td>
                <td className={td}>{key.scopes.join(", ")}</td>
                <td className={td}>
                  <StoreTime date={key.createdAt} zone={zone} />
                  <span className="block text-xs text-slate-500">{key.createdBy ?? "command line"}</span>
                </td>
                <td className={td}>{key.lastUsedAt ? <StoreTime date={key.lastUsedAt} zone={zone} /> : "Never"}</td>
                <td className={td}>
                  {count ? `${plural(count.requests, "request")}, ${count.refused} refused` : "No requests"}
                </td>
                <td className={td}>
                  {key.revokedAt ? (
                    <span className="text-slate-600">
                      Revoked <StoreTime date={key.revokedAt} zone={zone} />
                    </span>
                  ) : (
                    <ActionButton
                      action={revokeApiKeyAction}
                      fields={{ keyId: key.id }}
                      label="Revoke"
                      pendingLabel="Revoking…"
                      tone="danger"
                      testId="revoke-api-key"
                      confirm={{
                        title: `Revoke "${key.name}"?`,
                        body: "Every request with this key is refused from now on, on every server. This cannot be undone: the store will need a new key.",
                        confirmLabel: "Revoke key",
                      }}
                    />
                  )}
                </td>
              </tr>
            );
          })}
        </DataTable>
      </div>
    </>
  );
}
