import "server-only";
import NextAuth, { type NextAuthOptions } from "next-auth";
import type { JWT } from "next-auth/jwt";
import CredentialsProvider from "next-auth/providers/credentials";
import type { Role } from "@/lib/generated/prisma/client";
import { signInWithPassword } from "@/lib/accounts";
import { sameOriginPath } from "@/lib/callback-url";
import { clientAddress } from "@/lib/client-address";
import { getDb } from "@/lib/db/client";
import { sessionSecret } from "@/lib/env";
import { SESSION_COOKIE_MAX_AGE_SECONDS, endSession, isSessionActive } from "@/lib/sessions";
import { signInLimitedError } from "@/lib/sign-in-errors";
import { problem } from "./http";
import { decodeSessionToken, encodeSessionToken } from "./session-token";

/**
 * next-auth, credentials only. The session cookie is a JWT naming a server-side session (lib/sessions.ts);
 * whoever reads the session checks that row: sessionUserId (lib/web/session.ts) for pages, actions and
 * routes, and next-auth's own /api/auth/session (authRouteOptions). So signing out, a password change or
 * disabling the account ends a session on every instance at once.
 */

/** Thrown by the route handler's jwt callback for a cookie whose session has ended: next-auth then answers "signed out". */
class SessionEnded extends Error {
  override name = "SessionEnded";
}

const shared: Omit<NextAuthOptions, "secret" | "callbacks"> = {
  // The cookie may live as long as the longest session; the session row decides (lib/sessions.ts).
  // Cookies are `Secure` (and `__Secure-`/`__Host-` prefixed) exactly when NEXTAUTH_URL is https://.
  session: { strategy: "jwt", maxAge: SESSION_COOKIE_MAX_AGE_SECONDS },
  jwt: { encode: encodeSessionToken, decode: decodeSessionToken },
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

function tokenOnSignIn({ token, user }: { token: JWT; user?: { role: Role; sessionId: string } }): JWT {
  if (user) {
    token.role = user.role;
    token.sid = user.sessionId;
  }
  return token;
}

const publicUser = (token: JWT) => ({
  id: token.sub ?? "",
  role: token.role ?? "CUSTOMER",
  name: token.name,
  email: token.email,
});

/** For getServerSession: decoding the cookie costs no query; the callers check the session row. */
export const authOptions: NextAuthOptions = {
  // A getter, so `next build` can import this module without the secret; serving cannot.
  get secret() {
    return sessionSecret();
  },
  ...shared,
  callbacks: {
    jwt: tokenOnSignIn,
    session({ session, token }) {
      session.user = publicUser(token);
      session.sid = token.sid;
      return session;
    },
    redirect({ url, baseUrl }) {
      const path = url.startsWith(baseUrl) ? url.slice(baseUrl.length) || "/" : url;
      return `${baseUrl}${sameOriginPath(path) ?? "/"}`;
    },
  },
};

/**
 * For the /api/auth/* route handler: the same, except that reading the session checks its row (a
 * cookie whose session ended reads as signed out and is cleared), and the session id stays on the server.
 */
export const authRouteOptions: NextAuthOptions = {
  get secret() {
    return sessionSecret();
  },
  ...shared,
  callbacks: {
    ...authOptions.callbacks,
    async jwt(params) {
      if (params.user) return tokenOnSignIn(params);
      if (!(await isSessionActive(getDb(), params.token.sid, params.token.sub))) throw new SessionEnded();
      return params.token;
    },
    session({ session, token }) {
      session.user = publicUser(token);
      return session;
    },
  },
};

/**
 * What app/api/auth/[...nextauth] exports. The credentials callback only takes a POST (the sign-in form);
 * a GET of it is answered 405 here, where next-auth itself would throw and answer 500.
 */
export function authRouteHandlers() {
  const handler = NextAuth(authRouteOptions);
  async function GET(request: Request, context: { params: Promise<{ nextauth: string[] }> }): Promise<Response> {
    const [action, provider] = (await context.params).nextauth;
    if (action === "callback" && provider === "credentials") {
      return problem(405, "method_not_allowed", "Sign in by posting the sign-in form.", { Allow: "POST" });
    }
    return handler(request, context) as Promise<Response>;
  }
  return { GET, POST: handler };
}
