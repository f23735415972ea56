/**
 * Where to send a user after signing in. Only same-origin relative paths are accepted: anything with a
 * scheme, a host ("//evil.example"), backslashes (which browsers read as slashes) or control characters
 * falls back to the default, so the sign-in page can never become an open redirect.
 */

export const DEFAULT_AFTER_SIGN_IN = "/redeem";

const AUTH_PAGES = new Set(["/sign-in", "/sign-up"]);

export function safeCallbackUrl(raw: unknown, fallback = DEFAULT_AFTER_SIGN_IN): string {
  if (typeof raw !== "string" || raw.length === 0 || raw.length > 2_000) return fallback;
  // eslint-disable-next-line no-control-regex
  if (!raw.startsWith("/") || raw.startsWith("//") || /[\\\u0000-\u001f\u007f]/.test(raw)) return fallback;
  const base = "http://once.invalid";
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    return fallback;
  }
  if (url.origin !== base) return fallback;
  // Coming back to the sign-in page after signing in would only loop.
  if (AUTH_PAGES.has(url.pathname)) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}

export function signInPath(callbackUrl: string): string {
  return `/sign-in?callbackUrl=${encodeURIComponent(callbackUrl)}`;
}
