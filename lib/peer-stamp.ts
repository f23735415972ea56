import http from "node:http";
import https from "node:https";
import { PEER_ADDRESS_HEADER } from "./client-address";

const STAMPED = Symbol.for("once.peerStamp");

/**
 * Writes each request's TCP peer address into PEER_ADDRESS_HEADER as the HTTP server receives it,
 * replacing anything the client sent under that name, so lib/client-address.ts can tell the peer from
 * what the client claims. Runs once per process from instrumentation.ts: Next.js offers no other hook
 * that sees the socket under `next start`. Requests already queued while the server was starting are
 * not stamped; they count as coming from an unknown address (per-customer limits still apply).
 */
export function stampPeerAddresses(): void {
  for (const Server of [http.Server, https.Server]) {
    const proto = Server.prototype as typeof Server.prototype & { [STAMPED]?: true };
    if (proto[STAMPED]) continue;
    const emit = proto.emit;
    proto.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
      if (event === "request") {
        const request = args[0] as http.IncomingMessage;
        request.headers[PEER_ADDRESS_HEADER] = request.socket.remoteAddress ?? "";
      }
      return Reflect.apply(emit, this, [event, ...args]) as boolean;
    } as typeof proto.emit;
    proto[STAMPED] = true;
  }
}
