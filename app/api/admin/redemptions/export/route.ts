import { ADMIN_ROUTES, runAdminRoute } from "@/lib/web/admin-routes";
import { sessionUserId } from "@/lib/web/session";
import { getDb } from "@/lib/db/client";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  return runAdminRoute(ADMIN_ROUTES.exportRedemptions, request, {
    db: getDb(),
    userId: await sessionUserId(),
    params: {},
  });
}
