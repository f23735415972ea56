import { type NextRequest, NextResponse } from "next/server";
import { contentSecurityPolicy, newNonce, staticSecurityHeaders } from "@/lib/security-headers";

/**
 * Runs before every request. It puts the security headers on every response (lib/security-headers.ts),
 * with a fresh CSP nonce per request: the policy goes on the request too, where Next.js reads the nonce
 * for its scripts, and `x-nonce` carries it to the root layout. It also refuses oversized request
 * bodies before Next.js reads them: Next answers a Server Action body over its 1 MB limit with a 500;
 * here it becomes a clean 413 (or 411 when the size is not declared, since a chunked body could be any
 * size). Authentication is not decided here: every page, action and route checks the session itself.
 */

export const MAX_BODY_BYTES = 1024 * 1024;

export function proxy(request: NextRequest) {
  const nonce = newNonce();
  const policy = contentSecurityPolicy(nonce);
  const refusal = refuseOversizedBody(request);
  if (refusal) return withSecurityHeaders(refusal, policy);

  const headers = new Headers(request.headers);
  headers.set("x-nonce", nonce);
  headers.set("Content-Security-Policy", policy);
  return withSecurityHeaders(NextResponse.next({ request: { headers } }), policy);
}

function refuseOversizedBody(request: NextRequest): NextResponse | null {
  if (request.method === "GET" || request.method === "HEAD" || request.method === "OPTIONS") return null;
  const declared = request.headers.get("content-length");
  if (declared === null) {
    if (request.headers.get("transfer-encoding") === null) return null;
    return refuse(411, "length_required", "Send a Content-Length header.");
  }
  if (Number(declared) > MAX_BODY_BYTES) {
    return refuse(
      413,
      "body_too_large",
      `Requests are limited to ${MAX_BODY_BYTES / 1024} KB. A coupon code is a few characters.`,
    );
  }
  return null;
}

function withSecurityHeaders(response: NextResponse, policy: string): NextResponse {
  response.headers.set("Content-Security-Policy", policy);
  for (const [name, value] of Object.entries(staticSecurityHeaders())) response.headers.set(name, value);
  return response;
}

function refuse(status: number, reason: string, message: string) {
  return NextResponse.json({ status: "error", reason, message }, { status });
}

export const config = {
  // Every request, static assets included: they need nosniff and the framing rules too.
  matcher: ["/:path*"],
};
