import { type NextRequest, NextResponse } from "next/server";

/**
 * Refuses oversized request bodies before Next.js reads them. Next answers a Server Action body over its
 * 1 MB limit with a 500; here it becomes a clean 413 (or 411 when the size is not declared, since a
 * chunked body could be any size). Authentication is not decided here: every page, action and route
 * checks the session itself.
 */

export const MAX_BODY_BYTES = 1024 * 1024;

export function proxy(request: NextRequest) {
  if (request.method === "GET" || request.method === "HEAD" || request.method === "OPTIONS") return NextResponse.next();
  const declared = request.headers.get("content-length");
  if (declared === null) {
    if (request.headers.get("transfer-encoding") === null) return NextResponse.next();
    return refuse(411, "length_required", "Send a Content-Length header.");
  }
  if (Number(declared) > MAX_BODY_BYTES) {
    return refuse(
      413,
      "body_too_large",
      `Requests are limited to ${MAX_BODY_BYTES / 1024} KB. A coupon code is a few characters.`,
    );
  }
  return NextResponse.next();
}

function refuse(status: number, reason: string, message: string) {
  return NextResponse.json({ status: "error", reason, message }, { status });
}

export const config = {
  // Everything except static assets.
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
