import { ADMIN_ROUTES, runAdminRoute } from "@/lib/web/admin-routes";
import { sessionUserId } from "@/lib/web/session";
import { getDb } from "@/lib/db/client";

export const dynamic = "force-dynamic";
// A batch of 100,000 codes takes a while on a small machine; the progress stream keeps the request alive.
export const maxDuration = 600;

export async function POST(request: Request) {
  return runAdminRoute(ADMIN_ROUTES.generateBatch, request, { db: getDb(), userId: await sessionUserId(), params: {} });
}
