import "server-only";
import { headers as requestHeaders } from "next/headers";
import type { RequestMeta } from "@/lib/attempts";

/** Where a request came from, for the attempts log. Only as trustworthy as the proxy in front of us. */
export function requestMeta(headers: Headers): RequestMeta {
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return { ip: forwarded || headers.get("x-real-ip"), userAgent: headers.get("user-agent") };
}

/** The meta of the request being served (server actions, which get no Request object). */
export async function currentRequestMeta(): Promise<RequestMeta> {
  return requestMeta(await requestHeaders());
}
