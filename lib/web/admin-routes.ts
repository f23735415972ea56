import "server-only";
import { batchCodesCsv, batchInputSchema, generateBatch } from "@/lib/admin/bulk";
import { BATCH_FORM_FIELDS, batchFormSchema, fieldErrors } from "@/lib/admin/coupon-form";
import { couponListQuerySchema, couponsCsv } from "@/lib/admin/coupons/list";
import { csvStream } from "@/lib/admin/csv";
import { type AdminIdentity, REFUSAL_MESSAGE, REFUSAL_STATUS, checkAdmin } from "@/lib/admin/guard";
import { dateRangeProblem, redemptionsCsv, strictFiltersFromSearchParams } from "@/lib/admin/redemptions";
import { attemptFiltersSchema, attemptsCsv } from "@/lib/admin/reports";
import { auditLogCsv, strictAuditLogFilters } from "@/lib/admin/audit-log";
import { exportOrderFilters, ordersCsv } from "@/lib/admin/orders";
import { type Db, getDb } from "@/lib/db/client";
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

export const ADMIN_ROUTES = {
  /**
   * GET: the redemptions audit table as CSV, same filters as the page, streamed. A wrong filter is
   * refused before the stream starts: once the header row is sent, the status can no longer say so.
   */
  exportRedemptions: (async (request, { db }) => {
    const filters = strictFiltersFromSearchParams(new URL(request.url).searchParams);
    if (!filters.success) {
      const issue = filters.error.issues[0];
      return problem(400, "invalid_filter", `The ${String(issue?.path[0])} filter is invalid: ${issue?.message}`);
    }
    const rangeProblem = dateRangeProblem(filters.data);
    if (rangeProblem) return problem(400, "invalid_filter", rangeProblem);
    return csvResponse(csvStream(redemptionsCsv(db, filters.data)), `redemptions-${today()}.csv`);
  }) satisfies AdminRouteHandler,

  /** GET: the admin log as CSV, same filters as the page, streamed; a wrong filter is refused first. */
  exportActivity: (async (request, { db }) => {
    const filters = strictAuditLogFilters(new URL(request.url).searchParams);
    if (!filters.success) {
      const issue = filters.error.issues[0];
      return problem(400, "invalid_filter", `The ${String(issue?.path[0])} filter is invalid: ${issue?.message}`);
    }
    const rangeProblem = dateRangeProblem(filters.data);
    if (rangeProblem) return problem(400, "invalid_filter", rangeProblem);
    return csvResponse(csvStream(auditLogCsv(db, filters.data)), `admin-log-${today()}.csv`);
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
   * POST {prefix, quantity, value, expiresAt}: generates a batch, answering with NDJSON lines
   * ({type:"progress"} per chunk, then {type:"done"} or {type:"error"}) so the page can show progress.
   */
  generateBatch: (async (request, { db, admin }) => {
    const body = await readJsonBody(request, 4_096);
    if (!body.ok) return problem(body.status, body.reason, body.message);
    const form = batchFormSchema.safeParse(body.value);
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
