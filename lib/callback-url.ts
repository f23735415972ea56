/**
 * Where to send a user after signing in (or out). Only same-origin relative paths are accepted: anything
 * with a scheme, a host ("//evil.example"), backslashes (which browsers read as slashes) or control
 * characters is refused, so no redirect of ours can be pointed at another site.
 */

export const DEFAULT_AFTER_SIGN_IN = "/redeem";

const AUTH_PAGES = new Set(["/sign-in", "/sign-up"]);
const BASE = "http://once.invalid";

/** The path, query and fragment of `raw` when it is a same-origin relative URL; otherwise null. */
export function sameOriginPath(raw: unknown): string | null {
  if (typeof raw !== "string" || raw.length === 0 || raw.length > 2_000) return null;
  if (!raw.startsWith("/") || raw.startsWith("//") || /[\\\u0000-\u001f\u007f]/.test(raw)) return null;
  let url: URL;
  try {
    url = new URL(raw, BASE);
  } catch {
    return null;
  }
  return url.origin === BASE ? `${url.pathname}${url.search}${url.hash}` : null;
}

/** The callbackUrl of the sign-in and sign-up pages; coming back to those after signing in would only loop. */
export function safeCallbackUrl(raw: unknown): string {
  const path = sameOriginPath(raw);
  if (!path || AUTH_PAGES.has(new URL(path, BASE).pathname)) return DEFAULT_AFTER_SIGN_IN;
  return path;
}

export function signInPath(callbackUrl: string): string {
  return `/sign-in?callbackUrl=${encodeURIComponent(callbackUrl)}`;
}
