import "server-only";
import { type ApiScope, type AuthenticatedKey, authenticateApiKey, recordApiKeyUse } from "@/lib/api-keys";
import type { Actor, Command } from "@/lib/commands/edge";
import { admitApiKeyRequest } from "@/lib/rate-limits";
import { REFUSALS } from "@/lib/refusals";
import {
  findHoldCustomer,
  findOrCreateStoreCustomer,
  findStoreCustomer,
  storeCustomerIdSchema,
  storeCustomerSchema,
} from "@/lib/store-customers";
import {
  type RequestParts,
  type RouteCaller,
  type RouteSpec,
  commandRoute,
  rateLimitedResponse,
} from "./command-route";
import { jsonResponse, problem } from "./http";
import { requestMeta } from "./request-meta";

/**
 * The store's endpoints (/api/v1): a command behind the shared JSON edge (lib/web/command-route.ts), for
 * a store's server holding an API key. Refusals in order: `Authorization: Bearer <key>` missing, unknown
 * or revoked (401, one answer for all three), a key without the route's scope (403), then the shared
 * edge, with the key's request budget (429, scope "key") charged before the body is acted on, then the
 * customer the request names (lib/store-customers.ts). Every answer given to a known key is counted in
 * its usage (lib/api-keys.ts).
 */

/** How the route names the customer it acts for. */
export type CustomerOf =
  /** `{"customer": {"id", "email"}}` in the body: created on first use. */
  | { create: (parts: RequestParts) => unknown }
  /** A store id (the path's, say): the customer must exist (404 otherwise). */
  | { existing: (parts: RequestParts) => unknown }
  /** A hold's id (the path's): the customer it was made for (404 when there is no such hold). */
  | { holdOwner: (parts: RequestParts) => string | undefined }
  /** No customer: the command acts for the key itself (`userId` is the key's id, not a user's). */
  | "none";

export interface ApiKeyRouteSpec<Result extends { ok: boolean; replayed?: boolean }> extends RouteSpec<Result> {
  /** The one scope the key needs. */
  scope: ApiScope;
  customer: CustomerOf;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

function unauthorized(message: string): Response {
  return problem(401, "invalid_api_key", message, { "WWW-Authenticate": 'Bearer realm="once"' });
}

export function apiKeyRoute<Input, Result extends { ok: boolean; replayed?: boolean; reason?: string }>(
  command: Command<Input, Result>,
  spec: ApiKeyRouteSpec<Result>,
) {
  const storeKey: RouteCaller<AuthenticatedKey> = {
    async identify(db, request) {
      const header = request.headers.get("authorization");
      if (!header) return unauthorized("Send your API key as `Authorization: Bearer once_live_…`.");
      const presented = BEARER.exec(header)?.[1];
      const key = presented ? await authenticateApiKey(db, presented) : null;
      if (!key) return unauthorized("This API key is not valid: it is unknown, malformed or revoked.");
      if (!key.scopes.includes(spec.scope)) {
        return problem(403, "insufficient_scope", `This API key lacks the "${spec.scope}" scope this endpoint needs.`);
      }
      return key;
    },
    async actor(db, key, parts, request) {
      const admitted = await admitApiKeyRequest(db, key.id);
      if (!admitted.ok) return rateLimitedResponse(admitted);
      const actor = (userId: string): Actor => ({ userId, meta: requestMeta(request.headers), apiKeyId: key.id });
      if (spec.customer === "none") return actor(key.id);
      const found =
        "create" in spec.customer
          ? await customerNamed(storeCustomerSchema, spec.customer.create(parts), (c) =>
              findOrCreateStoreCustomer(db, c),
            )
          : "existing" in spec.customer
            ? await customerNamed(storeCustomerIdSchema, spec.customer.existing(parts), (id) =>
                findStoreCustomer(db, id),
              )
            : await findHoldCustomer(db, spec.customer.holdOwner(parts) ?? "");
      if (found instanceof Response) return found;
      if (!found.ok) {
        const row = REFUSALS[found.reason];
        const message = row.message({ context: "hold" });
        return jsonResponse(row.status, { status: "refused", reason: found.reason, message });
      }
      return actor(found.userId);
    },
    answered: (db, key, response) => recordApiKeyUse(db, key.id, command.name, response.status),
  };
  return commandRoute(command, spec, storeKey);
}

/** The customer a request names, checked by its schema first (400 with the schema's message). */
async function customerNamed<Named, Found>(
  schema: {
    safeParse(
      value: unknown,
    ): { success: true; data: Named } | { success: false; error: { issues: { message: string }[] } };
  },
  value: unknown,
  find: (named: Named) => Promise<Found>,
): Promise<Found | Response> {
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    return problem(400, "invalid_customer", parsed.error.issues[0]?.message ?? "Check the customer.");
  return find(parsed.data);
}
