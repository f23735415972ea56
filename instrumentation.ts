import { sessionSecret } from "@/lib/env";

/**
 * Runs once when the server starts. A production server without a strong session secret would start
 * and then fail (or, with a guessable secret, forge) every signed-in request, so it stops here with the
 * reason instead.
 */
export function register() {
  // Read directly: Next.js inlines NEXT_RUNTIME per runtime when it builds this file.
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  try {
    sessionSecret();
  } catch (error) {
    console.error(`[once] ${(error as Error).message}`);
    process.exit(1);
  }
}
