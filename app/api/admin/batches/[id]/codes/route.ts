import { ADMIN_ROUTES, runAdminRoute } from "@/lib/web/admin-routes";
import { sessionUserId } from "@/lib/web/session";
import { getDb } from "@/lib/db/client";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return runAdminRoute(ADMIN_ROUTES.batchCodes, request, {
    db: getDb(),
    userId: await sessionUserId(),
    params: await params,
  });
}
