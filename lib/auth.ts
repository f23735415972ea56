import { type NextAuthOptions, getServerSession } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { redirect } from "next/navigation";
import { cache } from "react";
import type { Role } from "@/lib/generated/prisma/client";
import { signInWithPassword } from "./accounts";
import { authSecret } from "./auth-secret";
import { sameOriginPath, signInPath } from "./callback-url";
import { clientAddress } from "./client-address";
import { getDb } from "./db/client";
import { SESSION_COOKIE_MAX_AGE_SECONDS, endSession, isSessionActive } from "./sessions";
import { signInLimitedError } from "./sign-in-errors";

/** Thrown by the jwt callback for a cookie whose server-side session has ended: next-auth then treats it as signed out. */
class SessionEnded extends Error {
  override name = "SessionEnded";
}

export const authOptions: NextAuthOptions = {
  // A getter, so `next build` can import this module without the secret; serving cannot.
  get secret() {
    return authSecret();
  },
  // The cookie may live as long as the longest session; the session row decides (lib/sessions.ts).
  // Cookies are `Secure` (and `__Secure-`/`__Host-` prefixed) exactly when NEXTAUTH_URL is https://.
  session: { strategy: "jwt", maxAge: SESSION_COOKIE_MAX_AGE_SECONDS },
  pages: { signIn: "/sign-in" },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      // null means "wrong email or password", whichever it was: the sign-in page says only that. A
      // rate-limited attempt throws, which next-auth answers the same way but with the wait in the error.
      async authorize(credentials, request) {
        const address = clientAddress(new Headers(request.headers as Record<string, string>));
        const result = await signInWithPassword(
          getDb(),
          { email: credentials?.email, password: credentials?.password },
          address,
        );
        if (result.ok) return { ...result.user, sessionId: result.sessionId };
        if (result.reason === "rate_limited") {
          throw new Error(signInLimitedError(result.retryAfterSeconds, result.slowdown === true));
        }
        return null;
      },
    }),
  ],
  callbacks: {
    async jwt({ token, user }) {
      if (user) {
        token.role = user.role;
        token.sid = user.sessionId;
        return token;
      }
      // Every request that reads the session checks its row: signed out, expired, password changed or
      // account disabled all end it here, on every instance.
      if (!(await isSessionActive(getDb(), token.sid, token.sub))) throw new SessionEnded();
      return token;
    },
    session({ session, token }) {
      session.user = { id: token.sub ?? "", role: token.role ?? "CUSTOMER", name: token.name, email: token.email };
      return session;
    },
    redirect({ url, baseUrl }) {
      const path = url.startsWith(baseUrl) ? url.slice(baseUrl.length) || "/" : url;
      return `${baseUrl}${sameOriginPath(path) ?? "/"}`;
    },
  },
  events: {
    async signOut({ token }) {
      if (typeof token?.sid === "string") await endSession(getDb(), token.sid);
    },
  },
  logger: {
    // An ended session is an expected answer (signed out), not an error worth a stack trace per request.
    error(code, metadata) {
      if (metadata instanceof SessionEnded) return;
      console.error(`[next-auth][error][${code}]`, metadata);
    },
    warn(code) {
      console.warn(`[next-auth][warn][${code}]`);
    },
    debug() {},
  },
};

export interface CurrentUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  balanceCents: number;
}

/**
 * The signed-in user as the database knows them now, or null. The session only says who is asking
 * (and getServerSession has checked that its server-side session is still open); role and balance
 * always come from this read. Cached per request, so layout and page share it.
 */
export const getCurrentUser = cache(async (): Promise<CurrentUser | null> => {
  const session = await getServerSession(authOptions);
  const id = session?.user?.id;
  if (!id) return null;
  return getDb().user.findUnique({
    where: { id, disabled: false },
    select: { id: true, email: true, name: true, role: true, balanceCents: true },
  });
});

/** For pages: the current user, or a redirect to sign-in that comes back to `returnTo`. */
export async function requireUser(returnTo: string): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (!user) redirect(signInPath(returnTo));
  return user;
}
