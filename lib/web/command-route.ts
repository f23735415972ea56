import "server-only";
import { type Actor, type Command, type EdgeRefusal, isEdgeRefusal, runCommand } from "@/lib/commands/edge";
import { idempotencyKeySchema } from "@/lib/codes";
import { type Db, getDb } from "@/lib/db/client";
import type { RateLimited } from "@/lib/rate-limits";
import { REFUSALS } from "@/lib/refusals";
import { answerBusyWhenDatabaseUnavailable, jsonResponse, problem, readJsonBody } from "./http";

/**
 * The JSON edge every command route shares (customerRoute: signed in by cookie; apiKeyRoute: a store's
 * key), read from the request in the order its refusals are promised: the caller (401/403), an
 * Idempotency-Key when the command takes one (400), a JSON body of at most 16 KiB when it has one
 * (415/413/400), whatever the caller adds (a key's rate limit, the customer it names), the command's
 * input rules (400), its rate limit (429 with Retry-After: nothing was tried, the key stays unused),
 * then its answer. Refusals take their status from the one table (lib/refusals.ts). The conventions are
 * Stripe's and the IETF draft's: the first request with a key decides, later ones get its answer marked
 * `Idempotent-Replayed: true`.
 */

const MAX_BODY_BYTES = 16 * 1024;

export interface RequestParts {
  body: Record<string, unknown>;
  key: string | null;
  params: Record<string, string>;
  /** The URL's query parameters (a GET's page cursor), each name's first value. */
  query: Record<string, string>;
}

type Decided<Result> = Exclude<Result, EdgeRefusal>;

export interface RouteSpec<Result extends { ok: boolean; replayed?: boolean }> {
  /** A well-formed body, quoted in the 400 answer to a malformed one; absent when the endpoint takes no body. */
  bodyExample?: string;
  /** The command's input from the request's parts. */
  input(parts: RequestParts): unknown;
  /** A success: its status and body. */
  placed(result: Extract<Decided<Result>, { ok: true }>): { status: 200 | 201; body: object; replayed: boolean };
  /** A decided refusal's body fields besides status, reason and message. */
  refusalFields?(result: Extract<Decided<Result>, { ok: false }>): object;
  /** The sentence for a decided outcome (the store's zone may be read for it). */
  message(result: Decided<Result>): string | Promise<string>;
}

/** Who calls a kind of route: checked before anything is read, and turned into the command's actor after. */
export interface RouteCaller<Caller> {
  /** The caller, or the refusal to answer at once (401, 403). */
  identify(db: Db, request: Request): Promise<Caller | Response>;
  /** The actor the command runs for, once the request's parts are read; or a refusal (429, 404, …). */
  actor(db: Db, caller: Caller, parts: RequestParts, request: Request): Promise<Actor | Response>;
  /** Sees every answer given to an identified caller (an API key's usage count). */
  answered?(db: Db, caller: Caller, response: Response): Promise<void>;
}

export function commandRoute<Caller, Input, Result extends { ok: boolean; replayed?: boolean; reason?: string }>(
  command: Command<Input, Result>,
  spec: RouteSpec<Result>,
  caller: RouteCaller<Caller>,
): (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response> {
  return answerBusyWhenDatabaseUnavailable(
    async (request: Request, context: { params: Promise<Record<string, string>> }): Promise<Response> => {
      const db = getDb();
      const who = await caller.identify(db, request);
      if (who instanceof Response) return who;
      const response = await answer(db, who, request, context);
      await caller.answered?.(db, who, response);
      return response;
    },
  );

  async function answer(
    db: Db,
    who: Caller,
    request: Request,
    context: { params: Promise<Record<string, string>> },
  ): Promise<Response> {
    const key = request.headers.get("idempotency-key");
    if (command.idempotency.key === "required") {
      if (key === null) {
        return problem(400, "missing_idempotency_key", "Send an Idempotency-Key header (a UUID works).");
      }
      const valid = idempotencyKeySchema.safeParse(key);
      if (!valid.success) {
        const message = valid.error.issues[0]?.message ?? "Malformed Idempotency-Key.";
        return problem(400, "invalid_idempotency_key", message);
      }
    }
    let body: unknown;
    if (spec.bodyExample !== undefined) {
      const read = await readJsonBody(request, MAX_BODY_BYTES);
      if (!read.ok) return problem(read.status, read.reason, read.message);
      body = read.value;
    }
    const query = Object.fromEntries(new URL(request.url).searchParams);
    const parts = { body: fields(body), key, params: await context.params, query };
    const actor = await caller.actor(db, who, parts, request);
    if (actor instanceof Response) return actor;
    return respond(await runCommand(db, command, actor, spec.input(parts)), spec);
  }
}

/** A JSON object's fields; anything else has none, and the command's input rules refuse what is missing. */
function fields(body: unknown): Record<string, unknown> {
  return typeof body === "object" && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

/** A rate limit's refusal: nothing was tried; Retry-After says when to ask again. */
export function rateLimitedResponse(refusal: RateLimited) {
  const { reason, scope, retryAfterSeconds } = refusal;
  const message = REFUSALS.rate_limited.message({ retryAfterSeconds });
  return jsonResponse(
    REFUSALS.rate_limited.status,
    { status: "refused", reason, scope, retryAfterSeconds, message },
    { "Retry-After": String(retryAfterSeconds) },
  );
}

async function respond<Result extends { ok: boolean; replayed?: boolean; reason?: string }>(
  result: Result | EdgeRefusal,
  spec: RouteSpec<Result>,
): Promise<Response> {
  if (isEdgeRefusal(result)) {
    if (result.reason === "invalid_input") {
      const like = spec.bodyExample ? ` Send a JSON object like ${spec.bodyExample}.` : "";
      return problem(400, "invalid_body", `${result.message}${like}`);
    }
    return rateLimitedResponse(result);
  }
  const decided = result as Decided<Result>;
  const message = await spec.message(decided);
  if (decided.ok) {
    const placed = spec.placed(decided as Extract<Decided<Result>, { ok: true }>);
    return decidedResponse(placed.status, { ...placed.body, message }, { replayed: placed.replayed });
  }
  const refused = decided as Extract<Decided<Result>, { ok: false }>;
  const reason = refused.reason as keyof typeof REFUSALS;
  return decidedResponse(
    REFUSALS[reason].status,
    { status: "refused", reason, message, ...spec.refusalFields?.(refused) },
    { replayed: refused.replayed ?? false, busy: reason === "busy" },
  );
}

/** A decided answer: marked when it is a replay, and a busy one says when to retry with the same key. */
function decidedResponse(status: number, body: unknown, answer: { replayed: boolean; busy?: boolean }) {
  return jsonResponse(status, body, {
    ...(answer.replayed ? { "Idempotent-Replayed": "true" } : {}),
    ...(answer.busy ? { "Retry-After": "1" } : {}),
  });
}
