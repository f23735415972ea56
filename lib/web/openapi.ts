import "server-only";
import { OpenAPIRegistry, OpenApiGeneratorV31 } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import { SCOPE_DESCRIPTIONS } from "@/lib/api-keys";
import { type CustomerRefusal, REFUSALS } from "@/lib/refusals";
import { API_V1 } from "./api-v1";

/**
 * The OpenAPI 3.1 document of /api/v1, generated from lib/web/api-v1.ts: each operation's body, query
 * and success schemas are the zod schemas its command validates with, and its refusals are rows of the
 * one refusal table, grouped by status. Served at /api/v1/openapi.json and rendered at /docs/api.
 */

/** What the shared edge answers before any command runs (lib/web/command-route.ts, api-key-route.ts). */
const EDGE_PROBLEMS = {
  400: "invalid_body, invalid_customer, missing_idempotency_key or invalid_idempotency_key: the request is malformed.",
  401: "invalid_api_key: no key, or an unknown, malformed or revoked one.",
  403: "insufficient_scope: the key lacks the operation's scope.",
  429: "rate_limited: the key's request budget (RATE_LIMIT_API_KEY) or the customer's guess budget is spent; see Retry-After.",
  503: "busy: the database could not answer; retry with the same Idempotency-Key.",
} as const;

const problemSchema = z
  .object({ status: z.enum(["error", "refused"]), reason: z.string(), message: z.string() })
  .meta({ id: "Problem" });

function refusalSchema(reasons: readonly CustomerRefusal[]) {
  return z.object({
    status: z.literal("refused"),
    reason: z.enum(reasons as [CustomerRefusal, ...CustomerRefusal[]]),
    message: z.string().meta({ description: "A sentence to show the customer." }),
  });
}

let built: ReturnType<typeof buildOpenApiDocument> | undefined;

/**
 * The document, built once per process: it derives from code only, and /docs/api renders it per request
 * (every page does, for the CSP nonce on its scripts).
 */
export function openApiDocument() {
  return (built ??= buildOpenApiDocument());
}

function buildOpenApiDocument() {
  const registry = new OpenAPIRegistry();
  registry.registerComponent("securitySchemes", "apiKey", {
    type: "http",
    scheme: "bearer",
    description: "An API key (once_live_…) from /admin/api-keys or `npm run api-keys -- create`.",
  });
  for (const [name, op] of Object.entries(API_V1)) {
    const byStatus = new Map<number, CustomerRefusal[]>();
    for (const reason of op.refusals) {
      const { status } = REFUSALS[reason];
      byStatus.set(status, [...(byStatus.get(status) ?? []), reason]);
    }
    const responses: Record<string, { description: string; content?: object }> = {
      [op.successStatus]: {
        description: op.summary,
        content: { "application/json": { schema: op.response } },
      },
    };
    for (const [status, problem] of Object.entries(EDGE_PROBLEMS)) {
      responses[status] = { description: problem, content: { "application/json": { schema: problemSchema } } };
    }
    for (const [status, reasons] of byStatus) {
      const described = reasons.map((reason) => `${reason}: ${REFUSALS[reason].label}`).join("; ");
      const edge = EDGE_PROBLEMS[status as keyof typeof EDGE_PROBLEMS];
      responses[status] = {
        description: edge ? `${described}. Or ${edge}` : `${described}.`,
        content: { "application/json": { schema: refusalSchema(reasons) } },
      };
    }
    const keyed = op.command.idempotency.key === "required";
    registry.registerPath({
      method: op.method,
      path: op.path,
      operationId: name,
      summary: op.summary,
      description: `${op.description}\n\nScope: \`${op.scope}\` (${SCOPE_DESCRIPTIONS[op.scope]}).`,
      tags: [op.path.split("/")[3]!],
      security: [{ apiKey: [] }],
      "x-scope": op.scope,
      request: {
        ...(op.path.includes("{id}")
          ? {
              params: z.object({
                id: z.string().meta({
                  description: op.path.startsWith("/api/v1/customers")
                    ? "The store's id for the customer."
                    : "The hold's id.",
                }),
              }),
            }
          : {}),
        ...(op.query ? { query: op.query } : {}),
        ...(keyed
          ? {
              headers: z.object({
                "Idempotency-Key": z.string().meta({
                  description:
                    "Makes a retry safe: the first request with a key decides; later ones get its answer with Idempotent-Replayed: true.",
                }),
              }),
            }
          : {}),
        ...(op.body ? { body: { required: true, content: { "application/json": { schema: op.body } } } } : {}),
      },
      responses,
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: {
      title: "Once API",
      version: "1",
      description:
        "Codes, holds and store credit for a store's own checkout. Every write takes an Idempotency-Key; every refusal has a reason with a fixed status.",
    },
    servers: [{ url: "/" }],
  });
}
