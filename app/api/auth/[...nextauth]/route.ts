import { authRouteHandlers } from "@/lib/web/auth";

export const { GET, POST } = authRouteHandlers();
