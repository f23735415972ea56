import { ADMIN_ROUTES, adminRoute } from "@/lib/web/admin-routes";

export const dynamic = "force-dynamic";

export const GET = adminRoute(ADMIN_ROUTES.exportCustomers);
