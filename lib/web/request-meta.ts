import "server-only";
import { headers as requestHeaders } from "next/headers";
import type { RequestMeta } from "@/lib/attempts";
import { clientAddress } from "@/lib/client-address";

/** Where a request came from, for the attempts log and the per-address rate limits (see client-address.ts). */
export function requestMeta(headers: Headers): RequestMeta {
  return { ip: clientAddress(headers), userAgent: headers.get("user-agent") };
}

/** The meta of the request being served (server actions, which get no Request object). */
export async function currentRequestMeta(): Promise<RequestMeta> {
  return requestMeta(await requestHeaders());
}
