/** Kept free of Next.js and next-auth imports so instrumentation.ts can check it at start-up. */

export const MISSING_SECRET_MESSAGE =
  "NEXTAUTH_SECRET (or AUTH_SECRET) must be set when NODE_ENV=production: sessions are signed with it. " +
  "Generate one with `openssl rand -base64 32`. (`npm start` creates one for local use outside production.)";

/**
 * Production without a secret is a configuration error, reported at start-up and on first use. `next
 * build` runs with NODE_ENV=production too, but only renders pages to learn they are dynamic (they read
 * cookies), signs nothing, and must work on a build machine that does not hold the secret.
 */
export function authSecret(): string | undefined {
  const secret = process.env.NEXTAUTH_SECRET || process.env.AUTH_SECRET;
  const building = process.env.NEXT_PHASE === "phase-production-build";
  if (!secret && process.env.NODE_ENV === "production" && !building) throw new Error(MISSING_SECRET_MESSAGE);
  return secret;
}
