/** Kept free of Next.js and next-auth imports so instrumentation.ts can check it at start-up. */

export const MISSING_SECRET_MESSAGE =
  "NEXTAUTH_SECRET (or AUTH_SECRET) must be set when NODE_ENV=production: sessions are signed with it. " +
  "Generate one with `openssl rand -base64 32`. (`npm start` creates one for local use outside production.)";

/** Production without a secret is a configuration error, reported at start-up and on first use. */
export function authSecret(): string | undefined {
  const secret = process.env.NEXTAUTH_SECRET || process.env.AUTH_SECRET;
  if (!secret && process.env.NODE_ENV === "production") throw new Error(MISSING_SECRET_MESSAGE);
  return secret;
}
