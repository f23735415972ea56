import { authSecret } from "@/lib/auth-secret";

/**
 * Runs once when the server starts. A production server without its session secret would start and
 * then fail every signed-in request, so it stops here with the reason instead.
 */
export function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  try {
    authSecret();
  } catch (error) {
    console.error(`[once] ${(error as Error).message}`);
    process.exit(1);
  }
}
