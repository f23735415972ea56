import "server-only";
import type { z } from "zod";
import { batchCodesCsv, batchInputSchema, generateBatch } from "@/lib/admin/bulk";
import { BATCH_FORM_FIELDS, batchFormSchemaIn, fieldErrors } from "@/lib/admin/coupon-form";
import { couponListQuerySchema, couponsCsv } from "@/lib/admin/coupons/list";
import { csvStream } from "@/lib/admin/csv";
import { type AdminIdentity, REFUSAL_MESSAGE, REFUSAL_STATUS, checkAdmin } from "@/lib/admin/guard";
import { dateRangeProblem, redemptionsCsv, strictFiltersFromSearchParams } from "@/lib/admin/redemptions";
import { attemptFiltersSchema, attemptsCsv } from "@/lib/admin/reports";
import { auditLogCsv, strictAuditLogFilters } from "@/lib/admin/audit-log";
import { exportOrderFilters, ordersCsv } from "@/lib/admin/orders";
import { type Db, getDb } from "@/lib/db/client";
import { getStoreTimeZone } from "@/lib/store-settings";
import { answerBusyWhenDatabaseUnavailable, csvResponse, problem, readJsonBody } from "./http";
import { sessionUserId } from "./session";

/**
 * The admin route handlers, as data: `runAdminRoute` answers 401 to anonymous and 403 to non-admin
 * sessions (the role re-read from the database) before the handler runs, and `adminRoute` turns one into
 * what app/api/admin/* exports. The access test runs every entry of ADMIN_ROUTES as each kind of caller.
 */

export interface RouteContext {
  db: Db;
  userId: string | null | undefined;
  params: Record<string, string>;
}

export type AdminRouteHandler = (
  request: Request,
  ctx: { db: Db; admin: AdminIdentity; params: Record<string, string> },
) => Promise<Response>;

export async function runAdminRoute(
  handler: AdminRouteHandler,
  request: Request,
  ctx: RouteContext,
): Promise<Response> {
  const guard = await checkAdmin(ctx.db, ctx.userId);
  if (!guard.ok) return problem(REFUSAL_STATUS[guard.reason], guard.reason, REFUSAL_MESSAGE[guard.reason]);
  return handler(request, { db: ctx.db, admin: guard.admin, params: ctx.params });
}

/** The route handler Next.js calls: the session's user, the database, the path's params. */
export function adminRoute(handler: AdminRouteHandler) {
  return answerBusyWhenDatabaseUnavailable(
    async (request: Request, context: { params: Promise<Record<string, string>> }): Promise<Response> =>
      runAdminRoute(handler, request, { db: getDb(), userId: await sessionUserId(), params: await context.params }),
  );
}

const today = () => new Date().toISOString().slice(0, 10);

/**
 * An export's filters, or its 400: a wrong filter or a From day after the To day is refused before the
 * stream starts, since once the header row is sent the status can no longer say so.
 */
function strictFilters<Filters extends { from?: string; to?: string }>(
  parsed: { success: true; data: Filters } | { success: false; error: z.ZodError },
): { ok: true; filters: Filters } | { ok: false; refusal: Response } {
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const message = `The ${String(issue?.path[0])} filter is invalid: ${issue?.message}`;
    return { ok: false, refusal: problem(400, "invalid_filter", message) };
  }
  const rangeProblem = dateRangeProblem(parsed.data);
  if (rangeProblem) return { ok: false, refusal: problem(400, "invalid_filter", rangeProblem) };
  return { ok: true, filters: parsed.data };
}

export const ADMIN_ROUTES = {
  /** GET: the redemptions audit table as CSV, same filters as the page, streamed. */
  exportRedemptions: (async (request, { db }) => {
    const checked = strictFilters(strictFiltersFromSearchParams(new URL(request.url).searchParams));
    if (!checked.ok) return checked.refusal;
    return csvResponse(csvStream(redemptionsCsv(db, checked.filters)), `redemptions-${today()}.csv`);
  }) satisfies AdminRouteHandler,

  /** GET: the admin log as CSV, same filters as the page, streamed. */
  exportActivity: (async (request, { db }) => {
    const checked = strictFilters(strictAuditLogFilters(new URL(request.url).searchParams));
    if (!checked.ok) return checked.refusal;
    return csvResponse(csvStream(auditLogCsv(db, checked.filters)), `admin-log-${today()}.csv`);
  }) satisfies AdminRouteHandler,

  /** GET: the coupon list as CSV, one line per code (batches not grouped), same filters as the page, streamed. */
  exportCoupons: (async (request, { db }) => {
    const query = couponListQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
    return csvResponse(csvStream(couponsCsv(db, query)), `coupons-${today()}.csv`);
  }) satisfies AdminRouteHandler,

  /** GET: the redeem attempts as CSV, same filters as the page, streamed. */
  exportAttempts: (async (request, { db }) => {
    const filters = attemptFiltersSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
    return csvResponse(csvStream(attemptsCsv(db, filters)), `attempts-${today()}.csv`);
  }) satisfies AdminRouteHandler,

  /** GET: the orders table's filters as CSV; an invalid filter is a 422 before anything is streamed. */
  exportOrders: (async (request, { db }) => {
    const checked = exportOrderFilters(new URL(request.url).searchParams);
    if (!checked.ok) return problem(422, "invalid_filter", checked.message);
    return csvResponse(csvStream(ordersCsv(db, checked.filters)), `orders-${today()}.csv`);
  }) satisfies AdminRouteHandler,

  /** GET: one batch's codes as CSV. */
  batchCodes: (async (_request, { db, params }) => {
    const batch = await db.couponBatch
      .findFirst({ where: { id: params.id }, select: { id: true, prefix: true } })
      .catch(() => null);
    if (!batch) return problem(404, "not_found", "That batch does not exist.");
    return csvResponse(csvStream(batchCodesCsv(db, batch.id)), `codes-${batch.prefix}-${today()}.csv`);
  }) satisfies AdminRouteHandler,

  /**
   * POST {prefix, quantity, value, expiresAt (typed in the store's zone)}: generates a batch, answering with NDJSON lines
   * ({type:"progress"} per chunk, then {type:"done"} or {type:"error"}) so the page can show progress.
   */
  generateBatch: (async (request, { db, admin }) => {
    const body = await readJsonBody(request, 4_096);
    if (!body.ok) return problem(body.status, body.reason, body.message);
    const form = batchFormSchemaIn(await getStoreTimeZone(db)).safeParse(body.value);
    if (!form.success) {
      return Response.json(
        {
          status: "error",
          reason: "invalid",
          message: "Check the highlighted fields.",
          fieldErrors: fieldErrors(form.error.issues, BATCH_FORM_FIELDS),
        },
        { status: 400 },
      );
    }
    const input = batchInputSchema.safeParse(form.data);
    if (!input.success) {
      return Response.json(
        {
          status: "error",
          reason: "invalid",
          message: input.error.issues[0]?.message ?? "Invalid batch.",
          fieldErrors: fieldErrors(input.error.issues, BATCH_FORM_FIELDS),
        },
        { status: 400 },
      );
    }
    const encoder = new TextEncoder();
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        const send = (line: object) => controller.enqueue(encoder.encode(`${JSON.stringify(line)}\n`));
        try {
          const result = await generateBatch(db, admin.id, input.data, (inserted, total) =>
            send({ type: "progress", inserted, total }),
          );
          send(
            result.ok
              ? { type: "done", batchId: result.batch.id, generated: result.generated }
              : { type: "error", message: "The database is busy and no codes were created. Try again in a moment." },
          );
        } catch (error) {
          console.error("[once] batch generation failed:", error);
          send({ type: "error", message: "Generating the batch failed and no codes were created." });
        }
        controller.close();
      },
    });
    return new Response(stream, {
      headers: { "Content-Type": "application/x-ndjson; charset=utf-8", "Cache-Control": "no-store" },
    });
  }) satisfies AdminRouteHandler,
};
