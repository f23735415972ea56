import "server-only";
import { batchCodesCsv, batchInputSchema, generateBatch } from "@/lib/admin/bulk";
import { BATCH_FORM_FIELDS, batchFormSchemaIn, fieldErrors } from "@/lib/admin/coupon-form";
import { couponExportFilters, couponsCsv } from "@/lib/admin/coupons/list";
import { type CsvSource, csvStream } from "@/lib/admin/csv";
import type { ExportFilters } from "@/lib/admin/filters";
import { type AdminIdentity, REFUSAL_MESSAGE, REFUSAL_STATUS, checkAdmin } from "@/lib/admin/guard";
import { redemptionExportFilters, redemptionsCsv } from "@/lib/admin/redemptions";
import { attemptExportFilters, attemptsCsv } from "@/lib/admin/reports";
import { auditLogCsv, auditLogExportFilters } from "@/lib/admin/audit-log";
import { exportOrderFilters, ordersCsv } from "@/lib/admin/orders";
import { customerExportFilters, customersCsv } from "@/lib/admin/customers/list";
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
 * A GET that streams an audit table as CSV with the page's filters, checked strictly first
 * (lib/admin/filters.ts): a wrong filter is a 400 before the header row, every export alike.
 */
function csvExport<Filters, Row, Cursor>(
  name: string,
  filtersOf: (params: URLSearchParams) => ExportFilters<Filters>,
  rows: (db: Db, filters: Filters) => CsvSource<Row, Cursor>,
): AdminRouteHandler {
  return async (request, { db }) => {
    const checked = filtersOf(new URL(request.url).searchParams);
    if (!checked.ok) return problem(400, "invalid_filter", checked.message);
    return csvResponse(csvStream(rows(db, checked.filters)), `${name}-${today()}.csv`);
  };
}

export const ADMIN_ROUTES = {
  /** GET: the redemptions audit table as CSV, same filters as the page, streamed. */
  exportRedemptions: csvExport("redemptions", redemptionExportFilters, redemptionsCsv),
  /** GET: the admin log as CSV, same filters as the page, streamed. */
  exportActivity: csvExport("admin-log", auditLogExportFilters, auditLogCsv),
  /** GET: the coupon list as CSV, one line per code (batches not grouped), same filters as the page, streamed. */
  exportCoupons: csvExport("coupons", couponExportFilters, (db, query) => couponsCsv(db, query)),
  /** GET: the redeem attempts as CSV, same filters as the page, streamed. */
  exportAttempts: csvExport("attempts", attemptExportFilters, attemptsCsv),
  /** GET: the orders table as CSV, same filters as the page, streamed. */
  exportOrders: csvExport("orders", exportOrderFilters, ordersCsv),
  /** GET: the customers list as CSV (customers only, no admins), same filters as the page, streamed. */
  exportCustomers: csvExport("customers", customerExportFilters, customersCsv),

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
