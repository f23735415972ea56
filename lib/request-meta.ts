import type { RequestMeta } from "./attempts";
import { clientAddress } from "./client-address";

/** Where a request came from, for the attempts log and the per-address rate limits (see client-address.ts). */
export function requestMeta(headers: Headers): RequestMeta {
  return { ip: clientAddress(headers), userAgent: headers.get("user-agent") };
}
