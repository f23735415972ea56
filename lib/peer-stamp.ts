import http from "node:http";
import https from "node:https";
import { PEER_ADDRESS_HEADER } from "./client-address";
import { staticSecurityHeaders } from "./security-headers";

const STAMPED = Symbol.for("once.peerStamp");

/**
 * Writes each request's TCP peer address into PEER_ADDRESS_HEADER as the HTTP server receives it,
 * replacing anything the client sent under that name, so lib/client-address.ts can tell the peer from
 * what the client claims. Runs once per process from instrumentation.ts: Next.js offers no other hook
 * that sees the socket under `next start`. Requests already queued while the server was starting are
 * not stamped; they count as coming from an unknown address (per-customer limits still apply). The same
 * hook answers TRACE with 405 (refuseUnservedMethod).
 */
// TRACE is a method the Fetch standard forbids: Next.js cannot even build a Request for it and answers
// 500, before proxy.ts runs. It is refused here, where the request still is Node's. (Node's parser
// already answers 400 to TRACK, and CONNECT never reaches "request".)
function refuseUnservedMethod(request: http.IncomingMessage, response: http.ServerResponse): boolean {
  if (request.method !== "TRACE") return false;
  const body = JSON.stringify({
    status: "error",
    reason: "method_not_allowed",
    message: `${request.method} is not served.`,
  });
  response.writeHead(405, { ...staticSecurityHeaders(), Allow: "GET, HEAD, POST", "Content-Type": "application/json" });
  response.end(body);
  return true;
}

export function stampPeerAddresses(): void {
  for (const Server of [http.Server, https.Server]) {
    const proto = Server.prototype as typeof Server.prototype & { [STAMPED]?: true };
    if (proto[STAMPED]) continue;
    const emit = proto.emit;
    proto.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
      if (event === "request") {
        const request = args[0] as http.IncomingMessage;
        if (refuseUnservedMethod(request, args[1] as http.ServerResponse)) return true;
        request.headers[PEER_ADDRESS_HEADER] = request.socket.remoteAddress ?? "";
      }
      return Reflect.apply(emit, this, [event, ...args]) as boolean;
    } as typeof proto.emit;
    proto[STAMPED] = true;
  }
}
