import { authSecret } from "@/lib/auth-secret";

/** Runs once when the server starts: a production server without its session secret refuses to start. */
export function register() {
  if (process.env.NEXT_RUNTIME === "nodejs" && process.env.NEXT_PHASE !== "phase-production-build") authSecret();
}
