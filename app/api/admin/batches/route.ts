import { ADMIN_ROUTES, adminRoute } from "@/lib/web/admin-routes";

export const dynamic = "force-dynamic";
// A batch of 100,000 codes takes a while on a small machine; the progress stream keeps the request alive.
export const maxDuration = 600;

export const POST = adminRoute(ADMIN_ROUTES.generateBatch);
