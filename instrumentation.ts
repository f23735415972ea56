import { sessionSecret } from "@/lib/env";

/**
 * Runs once when the server starts. A production server without its session secret would start and
 * then fail every signed-in request, so it stops here with the reason instead. It also starts stamping
 * each request's socket address, which Next.js does not pass on (lib/client-address.ts).
 */
export async function register() {
  // Read directly: Next.js inlines NEXT_RUNTIME per runtime when it builds this file.
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  try {
    sessionSecret();
  } catch (error) {
    console.error(`[once] ${(error as Error).message}`);
    process.exit(1);
  }
  const { stampPeerAddresses } = await import("@/lib/peer-stamp");
  stampPeerAddresses();
}
