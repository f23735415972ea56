/**
 * How a refused sign-in reaches the sign-in page. next-auth v4 turns an error thrown by a credentials
 * provider's `authorize` into `?error=<message>` on its answer (401, like a wrong password; no session),
 * and `signIn(…, { redirect: false })` hands that string to the page. A rate-limited sign-in throws
 * `SignInLimited:<seconds>:<slow|lock>` so the page can say when to try again.
 */

export const CREDENTIALS_REFUSED = "CredentialsSignin";
const LIMITED = "SignInLimited";

export function signInLimitedError(retryAfterSeconds: number, slowdown: boolean): string {
  return `${LIMITED}:${Math.ceil(retryAfterSeconds)}:${slowdown ? "slow" : "lock"}`;
}

export type SignInError =
  { kind: "credentials" } | { kind: "limited"; retryAfterSeconds: number; slowdown: boolean } | { kind: "unavailable" };

export function parseSignInError(error: string | null | undefined): SignInError {
  if (error === CREDENTIALS_REFUSED) return { kind: "credentials" };
  const limited = /^SignInLimited:(\d{1,9}):(slow|lock)$/.exec(error ?? "");
  if (limited) return { kind: "limited", retryAfterSeconds: Number(limited[1]), slowdown: limited[2] === "slow" };
  return { kind: "unavailable" };
}
