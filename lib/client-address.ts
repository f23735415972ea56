import { env } from "@/lib/env";
import type { IncomingMessage } from "node:http";
import ipaddr from "ipaddr.js";
import proxyaddr from "proxy-addr";

/**
 * Which address a request came from. The TCP peer is the only address nobody can forge; an
 * `X-Forwarded-For` entry is believed only when the hop that appended it is a proxy we trust
 * (`TRUSTED_PROXIES`, default none). The header is walked right to left, from the peer: each trusted
 * hop vouches for the entry to its left, and the first address not trusted is the client. Without
 * trusted proxies the peer is the client, whatever the header says.
 *
 * Next.js does not hand the peer to route handlers or server actions, and under `next start` it sets
 * `X-Forwarded-For` to the peer only when the request has none (a client's own header is passed on
 * as is), so instrumentation.ts stamps the peer on every request before Next sees it (peer-stamp.ts).
 */

/** Set by the server on every request from its socket; any value a client sends is overwritten. */
export const PEER_ADDRESS_HEADER = "x-once-peer-address";

export type TrustProxy = (address: string, hopIndex: number) => boolean;

const compiled = new Map<string, TrustProxy>();

/**
 * `TRUSTED_PROXIES`: comma-separated addresses, CIDR ranges, or the names `loopback`, `linklocal`,
 * `uniquelocal` (proxy-addr's). Empty or unset trusts no proxy. A malformed entry throws at first use.
 */
export function trustedProxies(value = env().TRUSTED_PROXIES ?? ""): TrustProxy {
  let trust = compiled.get(value);
  if (!trust) {
    const entries = value
      .split(",")
      .map((entry) => entry.trim())
      .filter(Boolean);
    try {
      trust = entries.length === 0 ? () => false : proxyaddr.compile(entries);
    } catch (error) {
      throw new Error(`TRUSTED_PROXIES: ${(error as Error).message}`);
    }
    compiled.set(value, trust);
  }
  return trust;
}

/** The client's address (IPv4-mapped IPv6 shown as IPv4), or null when the server stamped no peer. */
export function clientAddress(headers: Headers, trust: TrustProxy = trustedProxies()): string | null {
  const peer = headers.get(PEER_ADDRESS_HEADER);
  if (!peer) return null;
  const forwardedFor = headers.get("x-forwarded-for");
  const request = { socket: { remoteAddress: peer }, headers: forwardedFor ? { "x-forwarded-for": forwardedFor } : {} };
  return displayAddress(proxyaddr(request as unknown as IncomingMessage, trust));
}

function displayAddress(address: string): string {
  return ipaddr.isValid(address) ? ipaddr.process(address).toString() : address;
}
