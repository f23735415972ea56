import { API_V1 } from "@/lib/web/api-v1";
import { apiKeyRoute } from "@/lib/web/api-key-route";

/** POST /api/v1/holds/{id}/capture: lib/web/api-v1.ts describes it (and /api/v1/openapi.json). */

export const dynamic = "force-dynamic";

const operation = API_V1.captureHold;
export const POST = apiKeyRoute(operation.command, operation);
