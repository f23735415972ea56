import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { recordAdminChange } from "@/lib/admin-changes";
import type { Db } from "@/lib/db/client";
import { runTransaction } from "@/lib/db/transaction";
import type { ApiScope } from "@/lib/generated/prisma/client";
import { storableText } from "@/lib/input-rules";

/**
 * API keys: how a store's server calls /api/v1 (lib/web/api-key-route.ts). A key is
 * `once_live_<12 hex>_<43 base64url>`: the first part (the prefix) names it in lists and logs, the
 * rest is 256 random bits. Only the SHA-256 of the whole key is stored: with that much entropy a slow
 * password hash buys nothing, and a fast one lets each request find its key by one unique-index probe.
 * Every request reads the key's row (no process cache), so a revocation holds from the next request on,
 * on every instance.
 */

export const API_SCOPES = ["read", "redeem", "checkout", "webhooks"] as const satisfies readonly ApiScope[];
export type { ApiScope };

export const SCOPE_DESCRIPTIONS: Record<ApiScope, string> = {
  read: "Read a customer's balance and ledger",
  redeem: "Redeem store-credit codes for a customer",
  checkout: "Validate codes against a cart and adjust a customer's credit",
  webhooks: "Manage webhook endpoints",
};

const KEY_PREFIX = "once_live_";
const KEY_PATTERN = /^once_live_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/;

export const apiKeyInputSchema = z.object({
  name: storableText()
    .trim()
    .min(1, "Name the key (where it is used, say).")
    .max(100, "Keep the name under 100 characters."),
  scopes: z
    .array(z.enum(API_SCOPES, "Choose scopes among read, redeem, checkout and webhooks."))
    .min(1, "Choose at least one scope.")
    .transform((scopes) => API_SCOPES.filter((scope) => scopes.includes(scope))),
});

export type ApiKeyInput = z.input<typeof apiKeyInputSchema>;

export interface ApiKeySummary {
  id: string;
  prefix: string;
  name: string;
  scopes: ApiScope[];
  createdAt: Date;
  createdBy: string | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export function hashApiKey(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

export type CreateApiKeyResult =
  | { ok: true; key: ApiKeySummary; secret: string }
  | { ok: false; reason: "invalid"; message: string; field: "name" | "scopes" }
  | { ok: false; reason: "busy" };

/**
 * Creates a key and answers its secret, which is never readable again. `createdById` null: from the
 * command line (no admin to audit; the list shows "command line"). An admin's key and its audit entry
 * commit together.
 */
export async function createApiKey(
  db: Db,
  input: ApiKeyInput,
  createdById: string | null,
): Promise<CreateApiKeyResult> {
  const parsed = apiKeyInputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return {
      ok: false,
      reason: "invalid",
      message: issue.message,
      field: issue.path[0] === "name" ? "name" : "scopes",
    };
  }
  const prefix = `${KEY_PREFIX}${randomBytes(6).toString("hex")}`;
  const secret = `${prefix}_${randomBytes(32).toString("base64url")}`;
  const outcome = await runTransaction<ApiKeySummary, never>(db, async (tx) => {
    const key = await tx.apiKey.create({
      data: { prefix, secretHash: hashApiKey(secret), ...parsed.data, createdById },
      select: SUMMARY,
    });
    if (createdById) {
      await recordAdminChange(tx, createdById, {
        action: "API_KEY_CREATED",
        targetType: "api_key",
        targetId: key.id,
        summary: `API key ${key.name} (${prefix}) created with ${key.scopes.join(", ")}`,
        after: { name: key.name, prefix, scopes: key.scopes },
      });
    }
    return summary(key);
  });
  if (outcome.kind !== "committed") return { ok: false, reason: "busy" };
  return { ok: true, key: outcome.value, secret };
}

const SUMMARY = {
  id: true,
  prefix: true,
  name: true,
  scopes: true,
  createdAt: true,
  lastUsedAt: true,
  revokedAt: true,
  createdBy: { select: { email: true } },
} as const;

function summary(row: {
  id: string;
  prefix: string;
  name: string;
  scopes: ApiScope[];
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  createdBy: { email: string } | null;
}): ApiKeySummary {
  const { createdBy, ...rest } = row;
  return { ...rest, createdBy: createdBy?.email ?? null };
}

/** Every key, live ones first, newest first. */
export async function listApiKeys(db: Db): Promise<ApiKeySummary[]> {
  const rows = await db.apiKey.findMany({
    select: SUMMARY,
    orderBy: [{ revokedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }, { id: "desc" }],
  });
  return rows.map(summary);
}

export type RevokeApiKeyResult =
  { ok: true; key: ApiKeySummary } | { ok: false; reason: "not_found" | "already_revoked" | "busy" };

/** Revokes a key: a guarded write (only a live key is revoked, once), audited when an admin did it. */
export async function revokeApiKey(db: Db, id: string, revokedById: string | null): Promise<RevokeApiKeyResult> {
  if (!z.uuid().safeParse(id).success) return { ok: false, reason: "not_found" };
  const outcome = await runTransaction<ApiKeySummary | "not_found" | "already_revoked", never>(db, async (tx) => {
    const revoked = await tx.apiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
    const key = await tx.apiKey.findUnique({ where: { id }, select: SUMMARY });
    if (!key) return "not_found";
    if (revoked.count === 0) return "already_revoked";
    if (revokedById) {
      await recordAdminChange(tx, revokedById, {
        action: "API_KEY_REVOKED",
        targetType: "api_key",
        targetId: id,
        summary: `API key ${key.name} (${key.prefix}) revoked`,
        before: { revokedAt: null },
        after: { revokedAt: key.revokedAt },
      });
    }
    return summary(key);
  });
  if (outcome.kind !== "committed") return { ok: false, reason: "busy" };
  return typeof outcome.value === "string" ? { ok: false, reason: outcome.value } : { ok: true, key: outcome.value };
}

export interface AuthenticatedKey {
  id: string;
  prefix: string;
  scopes: ApiScope[];
}

/**
 * The live key a presented secret belongs to, or null (malformed, unknown or revoked: the caller cannot
 * tell which). One statement reads the row and, at most once a minute per key, stamps last_used_at, so a
 * burst on one key does not queue on that row's lock while the list still says when it was last used.
 */
export async function authenticateApiKey(db: Db, presented: string): Promise<AuthenticatedKey | null> {
  if (!KEY_PATTERN.test(presented)) return null;
  const rows = await db.$queryRaw<{ id: string; prefix: string; scopes: ApiScope[] }[]>`
    WITH live AS (
      SELECT id, prefix, scopes, last_used_at FROM api_keys WHERE secret_hash = ${hashApiKey(presented)} AND revoked_at IS NULL
    ), stamped AS (
      UPDATE api_keys SET last_used_at = now() FROM live
      WHERE api_keys.id = live.id AND (live.last_used_at IS NULL OR live.last_used_at < now() - interval '1 minute')
    )
    SELECT id, prefix, scopes::text[] AS scopes FROM live`;
  return rows[0] ?? null;
}

/**
 * Counts one answered request in the key's usage for this hour (a counter row per key, hour, command
 * and status, not a row per request). Its own statement after the answer is decided, so a failure to
 * count is logged and changes no answer.
 */
export async function recordApiKeyUse(db: Db, keyId: string, command: string, status: number): Promise<void> {
  try {
    await db.$executeRaw`
      INSERT INTO api_key_usage (key_id, hour, command, status)
      VALUES (${keyId}::uuid, date_trunc('hour', now()), ${command}, ${status})
      ON CONFLICT (key_id, hour, command, status) DO UPDATE SET requests = api_key_usage.requests + 1`;
  } catch (error) {
    console.error("[once] could not count an API key's use:", error);
  }
}

/** Each key's requests over the last `days` days, and how many were refused (4xx/5xx), for the admin's list. */
export async function apiKeyRequestCounts(
  db: Db,
  days = 7,
): Promise<Map<string, { requests: number; refused: number }>> {
  const rows = await db.$queryRaw<{ key_id: string; requests: bigint; refused: bigint }[]>`
    SELECT key_id, sum(requests) AS requests, coalesce(sum(requests) FILTER (WHERE status >= 400), 0) AS refused
    FROM api_key_usage WHERE hour >= date_trunc('hour', now()) - make_interval(days => ${days}::int)
    GROUP BY key_id`;
  return new Map(rows.map((r) => [r.key_id, { requests: Number(r.requests), refused: Number(r.refused) }]));
}
