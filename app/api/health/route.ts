import { getDb } from "@/lib/db/client";
import { checkHealth } from "@/lib/health";

export const dynamic = "force-dynamic";

export async function GET() {
  const health = await checkHealth(getDb());
  return Response.json(health, { status: health.ok ? 200 : 503 });
}
