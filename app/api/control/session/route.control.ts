import { getServerSession } from "next-auth";
import { authOptions } from "@/lib/web/auth";
import { getCurrentUser } from "@/lib/web/session";

/**
 * TEST-ONLY CONTROL for `npm run bench:http`: GET /api/control/session does what every signed-in
 * request does before its own work, and nothing else, so the benchmark can tell the framework's and
 * the session's cost from the engine's. `?read=jwt` stops after decoding the session cookie; without
 * it the user is re-read from the database as POST /api/redemptions does. Compiled only into builds
 * made with ONCE_NAIVE_CONTROL=1 (next.config.js pageExtensions).
 */

export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  if (new URL(request.url).searchParams.get("read") === "jwt") {
    const session = await getServerSession(authOptions);
    return session?.user?.id ? Response.json({ id: session.user.id }) : unauthenticated();
  }
  const user = await getCurrentUser();
  return user ? Response.json({ id: user.id }) : unauthenticated();
}

function unauthenticated(): Response {
  return Response.json({ reason: "unauthenticated" }, { status: 401 });
}
