import { env } from "@/lib/env";

/**
 * The security headers every response carries (set by proxy.ts). Pages get a Content-Security-Policy
 * whose scripts must carry this request's nonce: Next.js reads the nonce from the policy on the
 * request and puts it on its own scripts, so no `'unsafe-inline'` for scripts is needed. Styles
 * keep `'unsafe-inline'` (React style attributes); they cannot run code.
 */

/** A fresh, unguessable nonce per request (128 random bits, base64). */
export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
}

/** Whether the public URL is https: then browsers are told to stay on https (HSTS, upgrade requests). */
export function servedOverHttps(publicUrl = env().NEXTAUTH_URL): boolean {
  return publicUrl?.startsWith("https://") ?? false;
}

export function contentSecurityPolicy(
  nonce: string,
  { dev = env().NODE_ENV === "development", https = servedOverHttps() } = {},
): string {
  return [
    "default-src 'self'",
    // React needs eval in development only, for its debugging stacks.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

/** Headers for every response, pages, API answers, errors and static files alike. */
export function staticSecurityHeaders({ https = servedOverHttps() } = {}): Record<string, string> {
  return {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    ...(https ? { "Strict-Transport-Security": "max-age=31536000; includeSubDomains" } : {}),
  };
}
