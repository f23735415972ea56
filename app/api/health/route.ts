import { getDb } from "@/lib/db/client";
import { checkHealth } from "@/lib/health";

export const dynamic = "force-dynamic";

/** Up or not, for load balancers and anyone else; the details are on the admin overview. */
export async function GET() {
  const health = await checkHealth(getDb());
  return Response.json(
    { status: health.ok ? "ok" : "unavailable" },
    { status: health.ok ? 200 : 503, headers: { "Cache-Control": "no-store" } },
  );
}
