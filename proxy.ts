import { type NextRequest, NextResponse } from "next/server";
import {
  actionRequestKind,
  refuseForeignOrigin,
  refuseMalformedForm,
  refuseMalformedReply,
} from "@/lib/web/action-request";
import { contentSecurityPolicy, newNonce, staticSecurityHeaders } from "@/lib/security-headers";

/**
 * Runs before every request. It puts the security headers on every response (lib/security-headers.ts),
 * with a fresh CSP nonce per request: the policy goes on the request too, where Next.js reads the nonce
 * for its scripts, and `x-nonce` carries it to the root layout. It also refuses oversized request
 * bodies before Next.js reads them: Next answers a Server Action body over its 1 MB limit with a 500;
 * here it becomes a clean 413 (or 411 when the size is not declared, since a chunked body could be any
 * size). Server-action requests with a foreign Origin or arguments React cannot decode, which Next.js
 * also answers with a 500, are refused here too (403, 400; lib/web/action-request.ts): this is the one
 * place that runs before Next.js's action handler reads them, and it runs on the Node.js runtime, where
 * reading a copy of a body already capped at 1 MB is cheap. Authentication is not decided here: every
 * page, action and route checks the session itself.
 */

export const MAX_BODY_BYTES = 1024 * 1024;

export async function proxy(request: NextRequest) {
  const nonce = newNonce();
  const policy = contentSecurityPolicy(nonce);
  const refusal = refuseOversizedBody(request) ?? (await refuseBadAction(request));
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

async function refuseBadAction(request: NextRequest): Promise<NextResponse | null> {
  const kind = actionRequestKind(request.method, request.nextUrl.pathname, request.headers);
  if (kind === null) return null;
  const refusal = refuseForeignOrigin(request.headers) ?? (await refuseUndecodable(request, kind));
  return refusal && refuse(refusal.status, refusal.reason, refusal.message);
}

/** Reads a copy of the body (the body itself goes on to Next.js untouched) as Next.js will decode it. */
async function refuseUndecodable(request: NextRequest, kind: "fetch" | "form") {
  const copy = request.clone();
  if (!request.headers.get("content-type")?.startsWith("multipart/form-data")) {
    // A call from React whose arguments needed no form: the JSON list is the whole body.
    return refuseMalformedReply(await copy.text());
  }
  const form = await copy.formData().catch(() => null);
  return kind === "fetch" ? refuseMalformedReply(form?.get("0") ?? null) : refuseMalformedForm(form);
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
